import { describe, expect, test } from "@jest/globals";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import type { CfnElement } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import { DEFAULT_CONFIG } from "../../lib/config.ts";
import { CORS_EXPOSED_HEADERS } from "../../lambda/http/cors.ts";
import { GatewayStack } from "../../lib/gateway-stack.ts";

const ROOT = join(import.meta.dirname, "..", "..");

/** A stack synthesized with these context values (bundling skipped), as `-c key=value` would give. */
function synth(context: Record<string, unknown> = {}): { stack: GatewayStack; template: Template } {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [], ...context } });
  const stack = new GatewayStack(app, "GeminiGateway", { env: { account: "111111111111", region: "us-east-1" } });
  return { stack, template: Template.fromStack(stack) };
}

const { stack, template } = synth();

function logicalId(construct: IConstruct, from: GatewayStack = stack): string {
  return from.resolve((construct.node.defaultChild as CfnElement).logicalId);
}

function functionProperties(fn: IConstruct, from = { stack, template }) {
  return from.template.findResources("AWS::Lambda::Function")[logicalId(fn, from.stack)]?.Properties as Record<string, unknown>;
}

describe("alarms", () => {
  const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm")).map((alarm) => alarm.Properties as Record<string, unknown>);
  const topic = { Ref: logicalId(stack.observability.topic) };

  test("every alarm notifies the alarm topic when it fires and when it clears", () => {
    expect(alarms.length).toBe(stack.observability.alarms.length);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarm.OKActions).toEqual([topic]);
      expect(alarm.TreatMissingData).toBe("notBreaching");
    }
  });

  test("watch every function's crashes and throttles, and each API function's 5xx rate", () => {
    const described = alarms.map((alarm) => String(alarm.AlarmDescription));
    for (const name of ["ChatFunction", "GeminiFunction", "AdminFunction", "SweeperFunction"]) expect(described).toContainEqual(expect.stringContaining(`${name} crashed or timed out`));
    for (const name of ["chat", "gemini", "admin", "sweeper"]) expect(described).toContainEqual(`${name}: requests refused because the function hit its reserved concurrency`);
    for (const name of ["chat", "gemini", "admin"]) expect(described).toContainEqual(`${name}: more than 5% of requests answered 5xx`);
  });

  test("watch time to first byte, Google, unrecorded bills, swept holds and every table", () => {
    const described = alarms.map((alarm) => String(alarm.AlarmDescription));
    expect(described).toEqual(
      expect.arrayContaining([
        `chat: p99 time to first byte above ${DEFAULT_CONFIG.firstByteP99AlarmMs} ms`,
        `gemini: p99 time to first byte above ${DEFAULT_CONFIG.firstByteP99AlarmMs} ms`,
        "More than a quarter of attempts at upstream Google accounts fail",
        "Every upstream Google account failed a request (customers got 503 upstream_error)",
        "A bill could not be recorded; the sweeper will refund its hold (the operator pays Google)",
        "The sweeper refunded holds of requests whose function died",
        ...Object.keys(stack.tables).flatMap((table) => [`DynamoDB throttled requests on the ${table} table`, `DynamoDB system errors on the ${table} table`]),
      ]),
    );
  });

  test("on the gateway's own metrics carry the service dimension Powertools writes", () => {
    const settlement = alarms.find((alarm) => String(alarm.AlarmDescription).startsWith("A bill could not be recorded"));
    expect(settlement).toMatchObject({ Namespace: "GeminiGateway", MetricName: "SettlementFailures", Dimensions: [{ Name: "service", Value: "gemini-gateway" }], Statistic: "Sum" });
  });

  test("mail the operator when alarmEmail is set, and no one otherwise", () => {
    template.resourceCountIs("AWS::SNS::Subscription", 0);
    const mailed = synth({ alarmEmail: "ops@example.com" }).template;
    mailed.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: "ops@example.com" });
  });

  test("go to a topic that refuses unencrypted publishers, output as AlarmTopicArn", () => {
    expect(template.findOutputs("AlarmTopicArn").AlarmTopicArn?.Value).toEqual({ Ref: logicalId(stack.observability.topic) });
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })]) },
    });
  });
});

test("one dashboard shows requests, latency, money, Google, Lambda and DynamoDB", () => {
  const [dashboard] = Object.values(template.findResources("AWS::CloudWatch::Dashboard"));
  const body = JSON.stringify(dashboard?.Properties.DashboardBody);
  for (const title of ["Requests", "Time to first byte (ms)", "Credits charged and refunded", "Upstream failures by account", "Lambda concurrency", "DynamoDB credits: throttled requests and system errors"]) {
    expect(body).toContain(title);
  }
  expect(dashboard?.Properties.DashboardName).toBe("GeminiGateway-gateway");
});

describe("settings from CDK context", () => {
  test("by default: each function's memory, reserved concurrency and log retention from cdk.json's values", () => {
    for (const [name, fn] of [["chat", stack.chatFunction], ["gemini", stack.geminiFunction], ["admin", stack.adminFunction]] as const) {
      expect(functionProperties(fn)).toMatchObject({ MemorySize: DEFAULT_CONFIG.memorySize[name], ReservedConcurrentExecutions: DEFAULT_CONFIG.reservedConcurrency[name] });
    }
    expect(functionProperties(stack.sweeperFunction)).toMatchObject({ MemorySize: DEFAULT_CONFIG.memorySize.sweeper, ReservedConcurrentExecutions: 1 });
    for (const group of Object.values(template.findResources("AWS::Logs::LogGroup"))) expect(group.Properties.RetentionInDays).toBe(DEFAULT_CONFIG.logRetentionDays);
  });

  test("cdk.json holds exactly the defaults, so the file shows an operator every setting", async () => {
    const { readConfig } = await import("../../lib/config.ts");
    const { context } = JSON.parse(readFileSync(join(ROOT, "cdk.json"), "utf8")) as { context: Record<string, unknown> };
    const read: string[] = [];
    const config = readConfig({ tryGetContext: (key: string) => (read.push(key), context[key]) });
    expect(config).toEqual(DEFAULT_CONFIG);
    // Every setting readConfig reads is in the file, and the file holds no other.
    const settings = Object.keys(context).filter((key) => !key.includes(":"));
    expect(settings.sort()).toEqual([...new Set(read)].sort());
  });

  test("memory, concurrency, retention and logs follow -c values", () => {
    const custom = synth({ chatMemorySize: "1024", geminiReservedConcurrency: "none", adminReservedConcurrency: 3, retentionDays: "90", logRetentionDays: "7" });
    expect(functionProperties(custom.stack.chatFunction, custom)).toMatchObject({ MemorySize: 1024 });
    expect(functionProperties(custom.stack.geminiFunction, custom)).not.toHaveProperty("ReservedConcurrentExecutions");
    expect(functionProperties(custom.stack.adminFunction, custom)).toMatchObject({ ReservedConcurrentExecutions: 3, Environment: { Variables: expect.objectContaining({ RETENTION_DAYS: "90" }) } });
    for (const group of Object.values(custom.template.findResources("AWS::Logs::LogGroup"))) expect(group.Properties.RetentionInDays).toBe(7);
  });

  test("CORS is off unless origins are allowed, then the function URLs answer browsers from them", () => {
    for (const url of Object.values(template.findResources("AWS::Lambda::Url"))) expect(url.Properties).not.toHaveProperty("Cors");

    const cors = synth({ corsAllowedOrigins: "https://app.example.com, http://localhost:3000" }).template;
    const urls = Object.values(cors.findResources("AWS::Lambda::Url"));
    expect(urls).toHaveLength(3);
    for (const url of urls) {
      expect(url.Properties.Cors).toEqual({
        AllowOrigins: ["https://app.example.com", "http://localhost:3000"],
        AllowMethods: ["*"],
        AllowHeaders: ["*"],
        ExposeHeaders: [...CORS_EXPOSED_HEADERS],
        MaxAge: 3600,
      });
    }
  });

  test.each([
    [{ chatMemorySize: "lots" }, 'Invalid CDK context "chatMemorySize" = "lots": a whole number of MB from 128 to 10240'],
    [{ adminReservedConcurrency: 0 }, 'Invalid CDK context "adminReservedConcurrency" = 0: a whole number of executions, or "none" for no reservation'],
    [{ logRetentionDays: 10 }, 'Invalid CDK context "logRetentionDays" = 10: one of 1, 3, 5, 7, 14, 30'],
    [{ corsAllowedOrigins: "https://app.example.com/path" }, 'Invalid CDK context "corsAllowedOrigins" = "https://app.example.com/path": each origin is a scheme and host'],
    [{ alarmEmail: "ops" }, 'Invalid CDK context "alarmEmail" = "ops": an email address'],
    [{ retentionDays: "-1" }, 'Invalid CDK context "retentionDays" = "-1": a whole number of days from 1 to 3650'],
  ])("a bad value stops the synth, naming the key and what it accepts: %j", (context, message) => {
    expect(() => synth(context)).toThrow(message);
  });

  test("the CDK app ends a bad synth with that one line and no stack trace", async () => {
    const outdir = mkdtempSync(join(tmpdir(), "gateway-synth-"));
    try {
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const env = { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ chatMemorySize: "lots" }), CDK_OUTDIR: outdir };
        const child = execFile(process.execPath, ["bin/gateway.ts"], { cwd: ROOT, env }, (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }));
      });
      expect(code).toBe(1);
      expect(stderr.trim()).toBe('Invalid CDK context "chatMemorySize" = "lots": a whole number of MB from 128 to 10240. Set it in cdk.json or with -c chatMemorySize=…');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test("a region without Lambda function URLs stops the synth, naming the regions that lack them", () => {
    const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
    expect(() => new GatewayStack(app, "Zurich", { env: { account: "111111111111", region: "eu-central-2" } })).toThrow(
      'Invalid region = "eu-central-2": a region with Lambda function URLs; they are not offered in ap-south-2',
    );
    expect(() => new GatewayStack(new App({ context: { "aws:cdk:bundling-stacks": [] } }), "Anywhere")).not.toThrow();
  });

  test("a stack name CloudFormation would refuse stops the synth", async () => {
    const { readStackName } = await import("../../lib/config.ts");
    expect(readStackName({ tryGetContext: () => undefined }, {})).toBe("GeminiGateway");
    expect(readStackName({ tryGetContext: () => undefined }, { GATEWAY_STACK_NAME: "Staging" })).toBe("Staging");
    expect(() => readStackName({ tryGetContext: () => "my_gateway" }, {})).toThrow('Invalid CDK context "stackName" = "my_gateway"');
  });
});
