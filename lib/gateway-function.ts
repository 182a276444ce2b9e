import * as path from "node:path";
import { Duration } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { Architecture, Runtime } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";

/** Repository root: handler entries and the lock file are resolved against it. */
export const REPO_ROOT = path.resolve(import.meta.dirname, "..");

/**
 * The bundle is ESM, but some dependencies still call `require` for Node built-ins;
 * esbuild's ESM output has no `require`, so we recreate it.
 */
export const REQUIRE_SHIM = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** Properties of a {@link GatewayFunction}. */
export interface GatewayFunctionProps {
  /** Handler file relative to the repository root, e.g. `lambda/handlers/chat.ts`; it must export `handler`. */
  readonly entry: string;
  /** The function's environment variables. */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default Duration.minutes(15), the Lambda maximum, so long streams are never cut short */
  readonly timeout?: Duration;
  readonly memorySize: number;
  /** Concurrent executions kept for the function, and its ceiling; none when undefined. */
  readonly reservedConcurrency?: number;
  readonly logRetention: RetentionDays;
  /** Shown in the Lambda console. */
  readonly description?: string;
}

/**
 * A Node.js 24 arm64 Lambda with the gateway's defaults: bundled locally by esbuild as minified
 * ESM with source maps and the AWS SDK inside (pinned to our lock file, and faster to start than
 * the runtime's copy: see the README's bundle table), a log group of its own, and an alarm on any
 * `Errors` (the handlers map failures to HTTP envelopes, so an `Errors` datapoint means a crash or
 * a timeout).
 *
 * @example
 * const chat = new GatewayFunction(this, "ChatFunction", {
 *   entry: "lambda/handlers/chat.ts",
 *   memorySize: 512,
 *   logRetention: RetentionDays.ONE_MONTH,
 *   environment: { KEYS_TABLE: keys.tableName },
 * });
 */
export class GatewayFunction extends NodejsFunction {
  /** Fires when the function crashes or times out in a five-minute window. */
  readonly errorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: GatewayFunctionProps) {
    super(scope, id, {
      entry: path.join(REPO_ROOT, props.entry),
      handler: "handler",
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout ?? Duration.minutes(15),
      memorySize: props.memorySize,
      ...(props.reservedConcurrency !== undefined && { reservedConcurrentExecutions: props.reservedConcurrency }),
      // Created by us (not by Lambda on first invoke) so retention is set and the group is in the stack.
      logGroup: new LogGroup(scope, `${id}Logs`, { retention: props.logRetention }),
      // No --enable-source-maps: it parses the map at every cold start; the logger maps the frames
      // it logs from the same file, when it logs them (lambda/telemetry/source-frames.ts).
      environment: { ...props.environment },
      depsLockFilePath: path.join(REPO_ROOT, "package-lock.json"),
      projectRoot: REPO_ROOT,
      bundling: {
        format: OutputFormat.ESM,
        target: "node24",
        minify: true,
        sourceMap: true,
        mainFields: ["module", "main"],
        banner: REQUIRE_SHIM,
        bundleAwsSDK: true,
        externalModules: [],
      },
    });

    this.errorsAlarm = new Alarm(this, "ErrorsAlarm", {
      alarmDescription: `${id} crashed or timed out (handled errors do not count)`,
      metric: this.metricErrors({ period: Duration.minutes(5) }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
