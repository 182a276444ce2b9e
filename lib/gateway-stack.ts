import { CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, Token, Validations } from "aws-cdk-lib";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import type { StackProps } from "aws-cdk-lib";
import { AttributeType, Billing, ProjectionType, TableV2 } from "aws-cdk-lib/aws-dynamodb";
import type { Attribute } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { FunctionUrlAuthType, HttpMethod, InvokeMode } from "aws-cdk-lib/aws-lambda";
import type { RetentionDays } from "aws-cdk-lib/aws-logs";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import {
  CREDITS_TABLE,
  KEYS_TABLE,
  RESPONSE_ITEMS_TABLE,
  RESPONSES_ITEM_TTL_ENV,
  RESPONSES_KEEP_ITEMS_ENV,
  TABLES,
  TASKS_TABLE,
  TTL_ATTRIBUTE,
  UPSTREAM_SECRET_ENV,
  tableNameOutput,
} from "../lambda/store/schema.ts";
import type { KeyAttribute, TableSchema } from "../lambda/store/schema.ts";
import { CORS_EXPOSED_HEADERS, CORS_MAX_AGE_SECONDS } from "../lambda/http/cors.ts";
import { ACCESS, type TableAccess } from "./access.ts";
import { checkRegion, readConfig, type ApiFunctionName, type FunctionName, type GatewayConfig } from "./config.ts";
import { GatewayFunction } from "./gateway-function.ts";
import { Observability } from "./observability.ts";

/** The gateway's tables by their schema id (`keys`, `credits`, `tasks`, `responseItems`). */
export type GatewayTables = Readonly<Record<TableSchema["id"], TableV2>>;

/**
 * The whole gateway: the DynamoDB tables from `lambda/store/schema.ts`, the upstream
 * credentials secret, and the chat (OpenAI-compatible) and gemini (native) functions, each behind
 * a public streaming function URL. The gateway authenticates its own `sk-` keys, so the URLs use
 * no IAM auth.
 *
 * Tables and secret are exposed so a later function (e.g. the hold sweeper) can be added with
 * {@link GatewayFunction}, {@link GatewayStack.tableEnvironment} and a few grants.
 *
 * @example
 * const app = new App();
 * new GatewayStack(app, "GeminiGateway", { env: { account: "111111111111", region: "us-east-1" } });
 */
export class GatewayStack extends Stack {
  /** The keys, credits and tasks tables, keyed by schema id. */
  readonly tables: GatewayTables;
  /** JSON `{"accounts":[…]}` of upstream Google accounts, maintained by the admin CLI. */
  readonly upstreamSecret: Secret;
  /** Serves the OpenAI-compatible routes (`/v1/chat/completions`, `/v1/models`, …). */
  readonly chatFunction: GatewayFunction;
  /** Serves Google's native `/v1beta/models/{model}:…` routes. */
  readonly geminiFunction: GatewayFunction;
  /** The operator's admin API (`/admin/v1/…`), for `mk-` management keys. */
  readonly adminFunction: GatewayFunction;
  /** Refunds holds left by requests whose function died, every five minutes. */
  readonly sweeperFunction: GatewayFunction;

  /** Every alarm, the topic they notify, and the dashboard. */
  readonly observability: Observability;
  readonly config: GatewayConfig;

  constructor(scope: Construct, id: string, props?: StackProps & { config?: GatewayConfig }) {
    super(scope, id, props);
    checkRegion(Token.isUnresolved(this.region) ? undefined : this.region);
    this.config = props?.config ?? readConfig(this.node);

    this.tables = {
      keys: gatewayTable(this, KEYS_TABLE),
      credits: gatewayTable(this, CREDITS_TABLE),
      tasks: gatewayTable(this, TASKS_TABLE),
      responseItems: gatewayTable(this, RESPONSE_ITEMS_TABLE),
    };

    this.upstreamSecret = new Secret(this, "UpstreamCredentials", {
      description: 'Upstream Google accounts for gemini-gateway, as {"accounts":[...]}; edit with the admin CLI.',
      // Only the initial value: an empty list is not secret. CloudFormation writes it again only if
      // this literal changes, so accounts the operator adds later survive deploys.
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify({ accounts: [] })),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.upstreamSecret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason:
        "Holds third-party Google API keys that the operator rotates at Google and updates with the admin CLI; " +
        "a Lambda rotator cannot mint Google keys.",
    });

    // The Responses route, served by the chat function, keeps output items for item_reference.
    this.chatFunction = this.apiFunction("chat", "lambda/handlers/chat.ts", "ChatUrl", {
      upstream: true,
      environment: { [RESPONSES_KEEP_ITEMS_ENV]: String(this.config.responsesKeepItems), [RESPONSES_ITEM_TTL_ENV]: String(this.config.responsesItemTtlSeconds) },
    });
    this.geminiFunction = this.apiFunction("gemini", "lambda/handlers/gemini.ts", "GeminiUrl", { upstream: true });
    this.adminFunction = this.apiFunction("admin", "lambda/handlers/admin.ts", "AdminUrl", { upstream: false, description: "The operator's admin API for management keys" });
    this.sweeperFunction = this.sweeper();

    this.observability = new Observability(this, "Observability", {
      apiFunctions: { chat: this.chatFunction, gemini: this.geminiFunction, admin: this.adminFunction },
      sweeper: this.sweeperFunction,
      tables: this.tables,
      alarmEmail: this.config.alarmEmail,
      firstByteP99AlarmMs: this.config.firstByteP99AlarmMs,
    });

    for (const table of TABLES) {
      new CfnOutput(this, tableNameOutput(table), {
        description: `DynamoDB ${table.id} table (${table.envVar})`,
        value: this.tables[table.id].tableName,
      });
    }
    new CfnOutput(this, "UpstreamSecretArn", {
      description: "Secrets Manager secret with the upstream Google accounts",
      value: this.upstreamSecret.secretArn,
    });
  }

  /** Each table's `envVar` mapped to its deployed name, and how long history is kept. */
  tableEnvironment(): Record<string, string> {
    return { ...Object.fromEntries(TABLES.map((table) => [table.envVar, this.tables[table.id].tableName])), RETENTION_DAYS: String(this.config.retentionDays) };
  }

  /**
   * A public, streaming API function with exactly the access its code needs (`access.ts`); only the
   * functions that call Google may read the upstream secret.
   */
  private apiFunction(name: ApiFunctionName, entry: string, urlOutputId: string, options: { upstream: boolean; environment?: Record<string, string>; description?: string }): GatewayFunction {
    const id = `${pascalCase(name)}Function`;
    const fn = new GatewayFunction(this, id, {
      entry,
      memorySize: this.config.memorySize[name],
      reservedConcurrency: this.config.reservedConcurrency[name],
      logRetention: this.config.logRetentionDays as RetentionDays,
      environment: { ...this.tableEnvironment(), ...(options.upstream && { [UPSTREAM_SECRET_ENV]: this.upstreamSecret.secretArn }), ...options.environment },
      description: options.description,
    });
    this.grantTables(fn, name);
    if (options.upstream) fn.addToRolePolicy(new PolicyStatement({ actions: ["secretsmanager:GetSecretValue"], resources: [this.upstreamSecret.secretArn] }));

    // addFunctionUrl also adds both resource-policy statements a public URL needs since Oct 2025
    // (lambda:InvokeFunctionUrl and lambda:InvokeFunction via the URL). The URL itself answers
    // browsers' preflights when CORS is configured; the function never sees them.
    const origins = this.config.corsAllowedOrigins;
    const url = fn.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.RESPONSE_STREAM,
      ...(origins.length > 0 && {
        cors: {
          allowedOrigins: [...origins],
          allowedMethods: [HttpMethod.ALL],
          allowedHeaders: ["*"],
          exposedHeaders: [...CORS_EXPOSED_HEADERS],
          maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
        },
      }),
    });
    new CfnOutput(this, urlOutputId, { description: `${id} URL (response streaming)`, value: url.url });
    this.acknowledgeFunctionFindings(fn);
    return fn;
  }

  /** The hold sweeper: reads and settles tasks and balances, touches no keys and no secret. */
  private sweeper(): GatewayFunction {
    const fn = new GatewayFunction(this, "SweeperFunction", {
      entry: "lambda/handlers/sweeper.ts",
      environment: this.tableEnvironment(),
      timeout: Duration.minutes(5),
      memorySize: this.config.memorySize.sweeper,
      // One sweep at a time: two would only race each other to the same holds.
      reservedConcurrency: 1,
      logRetention: this.config.logRetentionDays as RetentionDays,
      description: "Refunds credit holds of requests whose function died",
    });
    this.grantTables(fn, "sweeper");
    new Rule(this, "SweeperSchedule", {
      description: "Refund abandoned credit holds",
      schedule: Schedule.rate(Duration.minutes(5)),
      targets: [new LambdaFunction(fn, { retryAttempts: 0 })],
    });
    this.acknowledgeFunctionFindings(fn);
    return fn;
  }

  /** One statement per table: its actions on the table and on each index the function queries. */
  private grantTables(fn: GatewayFunction, name: FunctionName): void {
    for (const [tableId, access] of Object.entries(ACCESS[name]) as Array<[TableSchema["id"], TableAccess]>) {
      const table = this.tables[tableId];
      if (access.table !== undefined) fn.addToRolePolicy(new PolicyStatement({ actions: access.table.map((action) => `dynamodb:${action}`), resources: [table.tableArn] }));
      for (const [index, actions] of Object.entries(access.indexes ?? {})) {
        fn.addToRolePolicy(new PolicyStatement({ actions: actions.map((action) => `dynamodb:${action}`), resources: [`${table.tableArn}/index/${index}`] }));
      }
    }
  }

  /** Acknowledges, on the function's role only, the cdk-nag finding its execution role causes by design. */
  private acknowledgeFunctionFindings(fn: GatewayFunction): void {
    Validations.of(fn.role ?? fn).acknowledge({
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      reason:
        "The AWS managed basic execution role only lets the function write its own CloudWatch logs; " +
        "a hand-written copy would be the same policy to maintain.",
    });
  }
}

/** A TableV2 built from its schema: on-demand, PITR (unless the schema opts out), TTL, deletion protection, retained. */
function gatewayTable(scope: Construct, schema: TableSchema): TableV2 {
  return new TableV2(scope, `${pascalCase(schema.id)}Table`, {
    partitionKey: attribute(schema.partitionKey),
    sortKey: schema.sortKey && attribute(schema.sortKey),
    globalSecondaryIndexes: schema.globalIndexes.map((index) => ({
      indexName: index.indexName,
      partitionKey: attribute(index.partitionKey),
      sortKey: index.sortKey && attribute(index.sortKey),
      projectionType: index.projection === "KEYS_ONLY" ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
    })),
    billing: Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: schema.pointInTimeRecovery ?? true },
    timeToLiveAttribute: TTL_ATTRIBUTE,
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

function attribute(key: KeyAttribute): Attribute {
  return { name: key.name, type: key.type === "S" ? AttributeType.STRING : AttributeType.NUMBER };
}

function pascalCase(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}
