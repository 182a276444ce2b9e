/**
 * The stack's settings, from CDK context: defaults in `cdk.json`, overrides with `-c key=value`.
 * Every value is checked at synth, and a bad one stops the synth with a message that names the key,
 * the value and what would be accepted — before anything reaches CloudFormation.
 *
 * | key                                  | default | meaning |
 * |--------------------------------------|---------|---------|
 * | `stackName`                          | GeminiGateway | the stack (else `GATEWAY_STACK_NAME`) |
 * | `{chat,gemini,admin,sweeper}MemorySize` | 512, 512, 256, 256 | MB per function, 128–10240 |
 * | `{chat,gemini,admin}ReservedConcurrency` | 100, 100, 10 | concurrent executions kept for (and capped at) each API function; `none` for no reservation |
 * | `corsAllowedOrigins`                 | (none)  | comma-separated origins browsers may call from (`*` for any); none turns CORS off |
 * | `retentionDays`                      | 400     | days tasks, ledger entries and usage are kept |
 * | `logRetentionDays`                   | 30      | days CloudWatch keeps the functions' logs (one of CloudWatch's values) |
 * | `alarmEmail`                         | (none)  | an address the alarm topic mails (it must confirm the subscription) |
 * | `firstByteP99AlarmMs`                | 20000   | the p99 time to first byte that alarms |
 * | `responsesKeepItems`                 | true    | keep Responses output items for `item_reference` (false: keep nothing) |
 * | `responsesItemTtlSeconds`            | 3600    | how long they are kept, 60 s to 30 days |
 */
import type { Node } from "constructs";

export type FunctionName = "chat" | "gemini" | "admin" | "sweeper";
export type ApiFunctionName = Exclude<FunctionName, "sweeper">;

export interface GatewayConfig {
  readonly memorySize: Readonly<Record<FunctionName, number>>;
  /** Undefined: no reservation. */
  readonly reservedConcurrency: Readonly<Record<ApiFunctionName, number | undefined>>;
  readonly corsAllowedOrigins: readonly string[];
  readonly retentionDays: number;
  readonly logRetentionDays: number;
  readonly alarmEmail: string | undefined;
  readonly firstByteP99AlarmMs: number;
  readonly responsesKeepItems: boolean;
  readonly responsesItemTtlSeconds: number;
}

export const DEFAULT_CONFIG: GatewayConfig = {
  memorySize: { chat: 512, gemini: 512, admin: 256, sweeper: 256 },
  reservedConcurrency: { chat: 100, gemini: 100, admin: 10 },
  corsAllowedOrigins: [],
  retentionDays: 400,
  logRetentionDays: 30,
  alarmEmail: undefined,
  firstByteP99AlarmMs: 20_000,
  responsesKeepItems: true,
  responsesItemTtlSeconds: 3_600,
};

/** Regions where Lambda has no function URLs (AWS's list as of December 2026). */
export const REGIONS_WITHOUT_FUNCTION_URLS = ["ap-south-2", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ap-east-2", "ca-west-1", "eu-south-2", "eu-central-2", "il-central-1", "me-central-1"] as const;

/** The gateway is its function URLs: a region without them cannot hold it. */
export function checkRegion(region: string | undefined): void {
  if (region !== undefined && (REGIONS_WITHOUT_FUNCTION_URLS as readonly string[]).includes(region)) {
    throw new ConfigError("region", region, `a region with Lambda function URLs; they are not offered in ${REGIONS_WITHOUT_FUNCTION_URLS.join(", ")}`, "Deploy with AWS_REGION (or your profile's region) set to another.");
  }
}

/** The retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** A context value that cannot be used; the synth stops with this message. */
export class ConfigError extends Error {
  constructor(key: string, value: unknown, expected: string, fix = `Set it in cdk.json or with -c ${key}=…`) {
    super(`Invalid ${key === "region" ? "region" : `CDK context "${key}"`} = ${JSON.stringify(value)}: ${expected}. ${fix}`);
    this.name = "ConfigError";
  }
}

/**
 * The stack's name: `-c stackName=…`, else `GATEWAY_STACK_NAME`, else `GeminiGateway`, so one
 * account can hold several gateways (e.g. staging and production).
 */
export function readStackName(node: Pick<Node, "tryGetContext">, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const value: unknown = node.tryGetContext("stackName") ?? env.GATEWAY_STACK_NAME ?? "GeminiGateway";
  if (typeof value !== "string" || !/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(value)) throw new ConfigError("stackName", value, "a CloudFormation stack name: a letter, then letters, digits and hyphens, at most 128");
  return value;
}

/**
 * Reads and checks every setting.
 *
 * @example const config = readConfig(app.node); // throws ConfigError for -c chatMemorySize=lots
 */
export function readConfig(node: Pick<Node, "tryGetContext">): GatewayConfig {
  const get = (key: string): unknown => {
    const value: unknown = node.tryGetContext(key);
    return value === "" ? undefined : value;
  };
  const memory = (fn: FunctionName) => wholeNumber(`${fn}MemorySize`, get(`${fn}MemorySize`), DEFAULT_CONFIG.memorySize[fn], 128, 10_240, "a whole number of MB from 128 to 10240");
  const reserved = (fn: ApiFunctionName) => {
    const key = `${fn}ReservedConcurrency`;
    const value = get(key);
    if (value === "none" || value === null) return undefined;
    return wholeNumber(key, value, DEFAULT_CONFIG.reservedConcurrency[fn] ?? 1, 1, 10_000, 'a whole number of executions, or "none" for no reservation');
  };
  const logRetentionDays = wholeNumber("logRetentionDays", get("logRetentionDays"), DEFAULT_CONFIG.logRetentionDays, 1, 3653, `one of ${LOG_RETENTION_DAYS.join(", ")}`);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) throw new ConfigError("logRetentionDays", logRetentionDays, `one of ${LOG_RETENTION_DAYS.join(", ")}`);
  return {
    memorySize: { chat: memory("chat"), gemini: memory("gemini"), admin: memory("admin"), sweeper: memory("sweeper") },
    reservedConcurrency: { chat: reserved("chat"), gemini: reserved("gemini"), admin: reserved("admin") },
    corsAllowedOrigins: origins(get("corsAllowedOrigins")),
    retentionDays: wholeNumber("retentionDays", get("retentionDays"), DEFAULT_CONFIG.retentionDays, 1, 3650, "a whole number of days from 1 to 3650"),
    logRetentionDays,
    alarmEmail: email(get("alarmEmail")),
    firstByteP99AlarmMs: wholeNumber("firstByteP99AlarmMs", get("firstByteP99AlarmMs"), DEFAULT_CONFIG.firstByteP99AlarmMs, 100, 900_000, "a whole number of milliseconds from 100 to 900000"),
    responsesKeepItems: flag("responsesKeepItems", get("responsesKeepItems"), DEFAULT_CONFIG.responsesKeepItems),
    responsesItemTtlSeconds: wholeNumber("responsesItemTtlSeconds", get("responsesItemTtlSeconds"), DEFAULT_CONFIG.responsesItemTtlSeconds, 60, 30 * 24 * 3600, "a whole number of seconds from 60 to 2592000 (30 days)"),
  };
}

function wholeNumber(key: string, value: unknown, fallback: number, min: number, max: number, expected: string): number {
  if (value === undefined || value === null) return fallback;
  const number = typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(number) || number < min || number > max) throw new ConfigError(key, value, expected);
  return number;
}

function flag(key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  throw new ConfigError(key, value, "true or false");
}

function origins(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : undefined;
  if (list === undefined) throw new ConfigError("corsAllowedOrigins", value, "a comma-separated list of origins such as https://app.example.com, or *");
  return list.map((entry) => {
    const origin = String(entry).trim();
    if (origin === "*") return origin;
    const url = URL.parse(origin);
    if (url === null || (url.protocol !== "https:" && url.protocol !== "http:") || url.origin !== origin.replace(/\/$/, "")) {
      throw new ConfigError("corsAllowedOrigins", origin, "each origin is a scheme and host (and port), such as https://app.example.com, with no path; or *");
    }
    return url.origin;
  });
}

function email(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value.trim())) throw new ConfigError("alarmEmail", value, "an email address, or empty for no subscription");
  return value.trim();
}
