import { CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, Validations } from "aws-cdk-lib";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import type { CfnElement, StackProps } from "aws-cdk-lib";
import { AttributeType, Billing, TableV2 } from "aws-cdk-lib/aws-dynamodb";
import type { Attribute } from "aws-cdk-lib/aws-dynamodb";
import { FunctionUrlAuthType, InvokeMode } from "aws-cdk-lib/aws-lambda";
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
import { GatewayFunction } from "./gateway-function.ts";

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
  /** Refunds holds left by requests whose function died, every five minutes. */
  readonly sweeperFunction: GatewayFunction;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

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

    this.chatFunction = this.apiFunction("ChatFunction", "lambda/handlers/chat.ts", "ChatUrl", responsesItemEnvironment(this));
    // Only the Responses route keeps output items, and it is served by the chat function.
    this.tables.responseItems.grantReadWriteData(this.chatFunction);
    this.geminiFunction = this.apiFunction("GeminiFunction", "lambda/handlers/gemini.ts", "GeminiUrl");
    this.sweeperFunction = this.sweeper();

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

  /** Each table's `envVar` mapped to its deployed name, for any function that uses the store. */
  tableEnvironment(): Record<string, string> {
    return Object.fromEntries(TABLES.map((table) => [table.envVar, this.tables[table.id].tableName]));
  }

  /** A public, streaming API function with least-privilege access to tables and secret. */
  private apiFunction(id: string, entry: string, urlOutputId: string, extraEnvironment: Record<string, string> = {}): GatewayFunction {
    const fn = new GatewayFunction(this, id, {
      entry,
      environment: { ...this.tableEnvironment(), [UPSTREAM_SECRET_ENV]: this.upstreamSecret.secretArn, ...extraEnvironment },
    });
    this.tables.keys.grantReadData(fn);
    this.tables.credits.grantReadWriteData(fn);
    this.tables.tasks.grantReadWriteData(fn);
    this.upstreamSecret.grantRead(fn);

    // addFunctionUrl also adds both resource-policy statements a public URL needs since Oct 2025
    // (lambda:InvokeFunctionUrl and lambda:InvokeFunction via the URL).
    const url = fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.RESPONSE_STREAM });
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
      memorySize: 256,
      description: "Refunds credit holds of requests whose function died",
    });
    this.tables.credits.grantReadWriteData(fn);
    this.tables.tasks.grantReadWriteData(fn);
    new Rule(this, "SweeperSchedule", {
      description: "Refund abandoned credit holds",
      schedule: Schedule.rate(Duration.minutes(5)),
      targets: [new LambdaFunction(fn, { retryAttempts: 0 })],
    });
    this.acknowledgeFunctionFindings(fn);
    return fn;
  }

  /** Acknowledges, on the function's role only, the cdk-nag findings its grants cause by design. */
  private acknowledgeFunctionFindings(fn: GatewayFunction): void {
    const role = Validations.of(fn.role ?? fn);
    role.acknowledge({
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      reason:
        "The AWS managed basic execution role only lets the function write its own CloudWatch logs; " +
        "a hand-written copy would be the same policy to maintain.",
    });
    for (const table of TABLES.filter((t) => t.globalIndexes.length > 0)) {
      const logicalId = this.resolve((this.tables[table.id].node.defaultChild as CfnElement).logicalId);
      role.acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`,
        reason: `Queries the ${table.id} table's own global secondary indexes; the wildcard is limited to that table's indexes.`,
      });
    }
  }
}

/**
 * The Responses route's item keeping, from stack context (`-c responsesKeepItems=false`,
 * `-c responsesItemTtlSeconds=600`); unset, the function's own defaults hold (kept, one hour).
 */
function responsesItemEnvironment(scope: Construct): Record<string, string> {
  const keep = scope.node.tryGetContext("responsesKeepItems") as unknown;
  const ttl = scope.node.tryGetContext("responsesItemTtlSeconds") as unknown;
  return {
    ...(keep !== undefined && { [RESPONSES_KEEP_ITEMS_ENV]: String(keep) }),
    ...(ttl !== undefined && { [RESPONSES_ITEM_TTL_ENV]: String(ttl) }),
  };
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
