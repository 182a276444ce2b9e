import { describe, expect, test } from "@jest/globals";
import { App, Validations } from "aws-cdk-lib";
import type { CfnElement } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { RESPONSES_ITEM_TTL_ENV, RESPONSES_KEEP_ITEMS_ENV, TABLES, TTL_ATTRIBUTE, UPSTREAM_SECRET_ENV } from "../../lambda/store/schema.ts";
import type { KeyAttribute } from "../../lambda/store/schema.ts";
import { ACCESS } from "../../lib/access.ts";
import { DEFAULT_CONFIG } from "../../lib/config.ts";
import type { GatewayFunction } from "../../lib/gateway-function.ts";
import { GatewayStack } from "../../lib/gateway-stack.ts";

const ENV = { account: "111111111111", region: "us-east-1" };

/** A fresh app whose stack skips esbuild bundling (the code asset is still referenced). */
function newStack(): { app: App; stack: GatewayStack } {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  return { app, stack: new GatewayStack(app, "GeminiGateway", { env: ENV }) };
}

const { stack } = newStack();
const template = Template.fromStack(stack);
const functions: ReadonlyArray<["chat" | "gemini", GatewayFunction]> = [
  ["chat", stack.chatFunction],
  ["gemini", stack.geminiFunction],
];

function logicalId(construct: IConstruct): string {
  return stack.resolve((construct.node.defaultChild as CfnElement).logicalId);
}

function arnOf(construct: IConstruct) {
  return { "Fn::GetAtt": [logicalId(construct), "Arn"] };
}

function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute) {
  return [
    { AttributeName: partitionKey.name, KeyType: "HASH" },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: "RANGE" }] : []),
  ];
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every identity-policy statement in the template, with the roles it is attached to. */
function policyStatements(): Array<{ roles: string[]; statement: Statement }> {
  const policies = template.findResources("AWS::IAM::Policy");
  return Object.values(policies).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as Statement[]).map((statement) => ({
      roles: (policy.Properties.Roles as Array<{ Ref: string }>).map((role) => role.Ref),
      statement,
    })),
  );
}

/** `table action` or `table/index action` for every DynamoDB action a role's statements allow. */
function dynamoPermissions(role: string): string[] {
  const tableIds = new Map(TABLES.map((table) => [logicalId(stack.tables[table.id]), table.id]));
  return policyStatements()
    .filter(({ roles, statement }) => roles.includes(role) && statement.Effect === "Allow")
    .flatMap(({ statement }) => {
      const resources = ([] as unknown[]).concat(statement.Resource);
      return actionsOf(statement)
        .filter((action) => action.startsWith("dynamodb:"))
        .flatMap((action) => resources.map((resource) => `${resourceName(resource, tableIds)} ${action}`));
    });
}

function resourceName(resource: unknown, tableIds: Map<string, string>): string {
  const text = JSON.stringify(resource);
  const table = [...tableIds].find(([id]) => text.includes(`"${id}"`))?.[1] ?? text;
  const index = /\/index\/([A-Za-z]+)/.exec(text)?.[1];
  return index === undefined ? table : `${table}/${index}`;
}

function actionsOf(statement: Statement): string[] {
  return ([] as string[]).concat(statement.Action);
}

function mentions(statement: Statement, construct: IConstruct): boolean {
  return JSON.stringify(statement.Resource).includes(`"${logicalId(construct)}"`);
}

test("the synthesized template matches the snapshot (asset hashes masked)", () => {
  expect(template.toJSON()).toMatchSnapshot();
});

describe.each(functions)("the %s function", (name, fn) => {
  test("runs Node.js 24 on arm64 with the 15-minute maximum timeout", () => {
    template.hasResource("AWS::Lambda::Function", {
      Properties: Match.objectLike({
        Runtime: "nodejs24.x",
        Architectures: ["arm64"],
        Timeout: 900,
        MemorySize: DEFAULT_CONFIG.memorySize[name],
        Handler: "index.handler",
        Role: arnOf(fn.role!),
      }),
    });
  });

  test("is told the name of every table and the upstream secret's ARN", () => {
    const variables = Object.fromEntries(
      TABLES.map((table) => [table.envVar, { Ref: logicalId(stack.tables[table.id]) }]),
    );
    template.hasResourceProperties("AWS::Lambda::Function", {
      Role: arnOf(fn.role!),
      Environment: {
        Variables: {
          ...variables,
          [UPSTREAM_SECRET_ENV]: { Ref: logicalId(stack.upstreamSecret) },
        },
      },
    });
  });

  test("has a public URL that streams its responses", () => {
    template.hasResourceProperties("AWS::Lambda::Url", {
      TargetFunctionArn: arnOf(fn),
      AuthType: "NONE",
      InvokeMode: "RESPONSE_STREAM",
    });
  });

  test("may be invoked through its URL under both permissions Lambda requires", () => {
    template.hasResourceProperties("AWS::Lambda::Permission", {
      FunctionName: arnOf(fn),
      Action: "lambda:InvokeFunctionUrl",
      Principal: "*",
      FunctionUrlAuthType: "NONE",
    });
    template.hasResourceProperties("AWS::Lambda::Permission", {
      FunctionName: arnOf(fn),
      Action: "lambda:InvokeFunction",
      Principal: "*",
      InvokedViaFunctionUrl: true,
    });
  });

  test("can only read the keys table", () => {
    const onKeys = policyStatements().filter(
      ({ roles, statement }) => roles.includes(logicalId(fn.role!)) && mentions(statement, stack.tables.keys),
    );
    const writes = onKeys.flatMap(({ statement }) =>
      actionsOf(statement).filter((action) => !/^dynamodb:(BatchGet|Get|Query|Scan|ConditionCheck|Describe)/.test(action)),
    );

    expect(onKeys.length).toBeGreaterThan(0);
    expect(writes).toEqual([]);
  });
});

describe.each(["chat", "gemini", "admin", "sweeper"] as const)("the %s function's role", (name) => {
  test("grants exactly the DynamoDB actions lib/access.ts lists, each on its table or index", () => {
    const fn = { chat: stack.chatFunction, gemini: stack.geminiFunction, admin: stack.adminFunction, sweeper: stack.sweeperFunction }[name];
    const expected = Object.entries(ACCESS[name]).flatMap(([table, access]) => [
      ...(access?.table ?? []).map((action) => `${table} dynamodb:${action}`),
      ...Object.entries(access?.indexes ?? {}).flatMap(([index, actions]) => actions.map((action) => `${table}/${index} dynamodb:${action}`)),
    ]);
    expect(dynamoPermissions(logicalId(fn.role!)).sort()).toEqual(expected.sort());
  });
});

test("only the chat and gemini function roles can read the upstream secret", () => {
  const readsSecrets = (action: string) => /^(\*|secretsmanager:(\*|Get\*|GetSecretValue))$/.test(action);
  const readers = policyStatements()
    .filter(({ statement }) => statement.Effect === "Allow" && actionsOf(statement).some(readsSecrets))
    .flatMap(({ roles, statement }) => {
      expect(statement.Resource).toEqual({ Ref: logicalId(stack.upstreamSecret) });
      return roles;
    });

  expect(readers.sort()).toEqual(functions.map(([, fn]) => logicalId(fn.role!)).sort());
  template.resourceCountIs("AWS::SecretsManager::ResourcePolicy", 0);
  template.resourceCountIs("AWS::IAM::ManagedPolicy", 0);
});

test("the upstream secret starts as an empty account list and outlives the stack", () => {
  template.hasResource("AWS::SecretsManager::Secret", {
    DeletionPolicy: "Retain",
    UpdateReplacePolicy: "Retain",
    Properties: Match.objectLike({ SecretString: JSON.stringify({ accounts: [] }) }),
  });
});

describe.each(TABLES.map((table) => [table.id, table] as const))("the %s table", (_id, schema) => {
  const table = () => template.findResources("AWS::DynamoDB::GlobalTable")[logicalId(stack.tables[schema.id])];

  test("has the key schema and indexes declared in lambda/store/schema.ts", () => {
    const attributes = [schema, ...schema.globalIndexes]
      .flatMap((keys) => [keys.partitionKey, keys.sortKey])
      .filter((key) => key !== undefined)
      .map((key) => ({ AttributeName: key.name, AttributeType: key.type }));
    const indexes = schema.globalIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: keySchema(index.partitionKey, index.sortKey),
      Projection: { ProjectionType: index.projection ?? "ALL" },
    }));
    const { Properties: properties } = table();

    expect(properties.KeySchema).toEqual(keySchema(schema.partitionKey, schema.sortKey));
    expect(properties.AttributeDefinitions).toEqual(expect.arrayContaining(attributes));
    expect(properties.GlobalSecondaryIndexes ?? []).toEqual(indexes);
  });

  test("is on-demand, expires items by TTL, keeps point-in-time recovery unless its schema opts out, and survives deletion", () => {
    expect(table()).toMatchObject({
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: {
        BillingMode: "PAY_PER_REQUEST",
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        Replicas: [
          {
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: schema.pointInTimeRecovery ?? true },
          },
        ],
      },
    });
  });
});

describe("the Responses route's kept items", () => {
  test("are readable and writable by the chat function alone", () => {
    const onItems = policyStatements().filter(({ statement }) => mentions(statement, stack.tables.responseItems));
    expect(onItems.flatMap(({ statement }) => actionsOf(statement))).toEqual(expect.arrayContaining(["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem"]));
    expect([...new Set(onItems.flatMap(({ roles }) => roles))]).toEqual([logicalId(stack.chatFunction.role!)]);
  });

  test("are never backed up, so nothing outlives its hour", () => {
    expect(template.findResources("AWS::DynamoDB::GlobalTable")[logicalId(stack.tables.responseItems)]).toMatchObject({
      Properties: { Replicas: [{ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } }] },
    });
  });

  test("follow the stack context: -c responsesKeepItems=false -c responsesItemTtlSeconds=600", () => {
    const app = new App({ context: { "aws:cdk:bundling-stacks": [], responsesKeepItems: false, responsesItemTtlSeconds: 600 } });
    const configured = new GatewayStack(app, "Configured", { env: ENV });
    Template.fromStack(configured).hasResourceProperties("AWS::Lambda::Function", {
      Role: { "Fn::GetAtt": [configured.resolve((configured.chatFunction.role!.node.defaultChild as CfnElement).logicalId), "Arn"] },
      Environment: { Variables: Match.objectLike({ [RESPONSES_KEEP_ITEMS_ENV]: "false", [RESPONSES_ITEM_TTL_ENV]: "600" }) },
    });
    // By default, cdk.json's values: kept, for an hour; and only the chat function is told.
    template.hasResourceProperties("AWS::Lambda::Function", {
      Role: arnOf(stack.chatFunction.role!),
      Environment: { Variables: Match.objectLike({ [RESPONSES_KEEP_ITEMS_ENV]: "true", [RESPONSES_ITEM_TTL_ENV]: "3600" }) },
    });
    const others = [stack.geminiFunction, stack.adminFunction, stack.sweeperFunction].map((fn) => JSON.stringify(template.findResources("AWS::Lambda::Function")[logicalId(fn)]));
    expect(others.join()).not.toContain(RESPONSES_KEEP_ITEMS_ENV);
  });
});

test("the stack outputs the URLs, table names and secret ARN the admin CLI looks up", () => {
  const outputs = Object.keys(template.findOutputs("*"));

  expect(outputs).toEqual(
    expect.arrayContaining([
      "ChatUrl",
      "GeminiUrl",
      "AdminUrl",
      "KeysTableName",
      "CreditsTableName",
      "TasksTableName",
      "ResponseItemsTableName",
      "UpstreamSecretArn",
    ]),
  );
});

test("cdk-nag AwsSolutions checks pass with every finding acknowledged", () => {
  const { app } = newStack();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  expect(() => app.synth()).not.toThrow();
});

describe("the admin function", () => {
  test("has its own streaming function URL, output as AdminUrl", () => {
    const urls = Object.values(template.findResources("AWS::Lambda::Url"));
    const own = urls.find((url) => JSON.stringify(url.Properties.TargetFunctionArn).includes(logicalId(stack.adminFunction)));
    expect(own?.Properties).toMatchObject({ AuthType: "NONE", InvokeMode: "RESPONSE_STREAM" });
    expect(template.findOutputs("AdminUrl").AdminUrl?.Value).toEqual({ "Fn::GetAtt": [expect.stringContaining("AdminFunctionFunctionUrl"), "FunctionUrl"] });
  });

  test("has a role of its own that cannot touch the upstream secret, and only reads tasks", () => {
    const adminRole = logicalId(stack.adminFunction.role!);
    const statements = policyStatements().filter(({ roles }) => roles.includes(adminRole));
    expect(statements.length).toBeGreaterThan(0);
    for (const { statement } of statements) expect(mentions(statement, stack.upstreamSecret)).toBe(false);
    const taskActions = statements.filter(({ statement }) => mentions(statement, stack.tables.tasks)).flatMap(({ statement }) => actionsOf(statement));
    expect(taskActions).toEqual(["dynamodb:Query"]);
    expect(taskActions.filter((action) => /Put|Update|Delete|Write/.test(action))).toEqual([]);
    expect(logicalId(stack.adminFunction.role!)).not.toBe(logicalId(stack.chatFunction.role!));
  });
});

describe("the hold sweeper", () => {
  test("runs every five minutes on an EventBridge schedule", () => {
    template.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "rate(5 minutes)",
      Targets: [Match.objectLike({ Arn: arnOf(stack.sweeperFunction) })],
    });
  });

  test("has no URL and touches neither the keys table nor the secret", () => {
    const urls = template.findResources("AWS::Lambda::Url");
    expect(Object.values(urls).map((url) => JSON.stringify(url))).not.toContainEqual(expect.stringContaining(logicalId(stack.sweeperFunction)));
    const statements = policyStatements().filter(({ roles }) => roles.some((role) => role.includes("SweeperFunction")));
    expect(statements.length).toBeGreaterThan(0);
    for (const { statement } of statements) {
      expect(mentions(statement, stack.tables.keys)).toBe(false);
      expect(mentions(statement, stack.upstreamSecret)).toBe(false);
    }
  });

  test("can settle tasks and balances", () => {
    const statements = policyStatements().filter(({ roles }) => roles.some((role) => role.includes("SweeperFunction")));
    const actionsOn = (table: IConstruct) => statements.filter(({ statement }) => mentions(statement, table)).flatMap(({ statement }) => actionsOf(statement));
    expect(actionsOn(stack.tables.credits)).toEqual(["dynamodb:UpdateItem"]);
    expect(actionsOn(stack.tables.tasks).sort()).toEqual(["dynamodb:Query", "dynamodb:UpdateItem"]);
  });
});
