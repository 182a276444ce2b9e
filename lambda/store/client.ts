import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { StorageUnavailableError } from "../domain/errors.ts";

/** Set to use DynamoDB Local (or any endpoint) instead of the region's service. */
export const DYNAMODB_ENDPOINT_ENV = "DYNAMODB_ENDPOINT";

/**
 * How long one storage call may take. DynamoDB answers in milliseconds; a call that has not
 * answered in 1.5 s is stuck, and the SDK's default (no timeout at all) would hold a request until
 * the function's 15-minute timeout. Three attempts ride out one dropped connection; a call then
 * fails within about 5 s (3 × 1.5 s plus the SDK's jittered backoff), and the request with it.
 */
export interface StorageTimeouts {
  readonly connectMs: number;
  readonly requestMs: number;
  readonly attempts: number;
}

export const DEFAULT_STORAGE_TIMEOUTS: StorageTimeouts = { connectMs: 1_000, requestMs: 1_500, attempts: 3 };

/**
 * DynamoDB Local is one Java process on the developer's machine: a burst of a few hundred
 * transactions queues there for seconds, so local endpoints get looser bounds by default.
 */
export const LOCAL_STORAGE_TIMEOUTS: StorageTimeouts = { connectMs: 10_000, requestMs: 20_000, attempts: 2 };

/**
 * `DYNAMODB_CONNECT_TIMEOUT_MS`, `DYNAMODB_REQUEST_TIMEOUT_MS`, `DYNAMODB_MAX_ATTEMPTS`, else the
 * defaults for AWS or, with `DYNAMODB_ENDPOINT` set, for a local endpoint.
 *
 * @example storageTimeoutsFromEnv({ DYNAMODB_REQUEST_TIMEOUT_MS: "300" }) // { connectMs: 1000, requestMs: 300, attempts: 3 }
 */
export function storageTimeoutsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): StorageTimeouts {
  const defaults = env[DYNAMODB_ENDPOINT_ENV] ? LOCAL_STORAGE_TIMEOUTS : DEFAULT_STORAGE_TIMEOUTS;
  return {
    connectMs: positive(env.DYNAMODB_CONNECT_TIMEOUT_MS) ?? defaults.connectMs,
    requestMs: positive(env.DYNAMODB_REQUEST_TIMEOUT_MS) ?? defaults.requestMs,
    attempts: positive(env.DYNAMODB_MAX_ATTEMPTS) ?? defaults.attempts,
  };
}

const clients = new Map<string, DynamoDBDocumentClient>();

/**
 * One document client per endpoint, reused across invocations so connections stay warm. Every call
 * is bounded by {@link StorageTimeouts}, and an outage surfaces as {@link StorageUnavailableError}.
 *
 * @example await documentClient().send(new GetCommand({ TableName, Key }))
 */
export function documentClient(endpoint = process.env[DYNAMODB_ENDPOINT_ENV]): DynamoDBDocumentClient {
  const key = endpoint ?? "aws";
  let client = clients.get(key);
  if (!client) {
    const timeouts = storageTimeoutsFromEnv();
    const base = new DynamoDBClient({
      maxAttempts: timeouts.attempts,
      requestHandler: {
        connectionTimeout: timeouts.connectMs,
        requestTimeout: timeouts.requestMs,
        throwOnRequestTimeout: true,
        // The connection timeout also runs while a call waits for a free socket; a Lambda instance
        // makes a few calls at a time, but the local gateway serves every request in one process.
        httpAgent: { keepAlive: true, maxSockets: 512 },
      },
      ...(endpoint && {
        endpoint,
        region: process.env.AWS_REGION ?? "us-east-1",
        // DynamoDB Local accepts any credentials; these keep the SDK from searching for real ones.
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      }),
    });
    // Around the retries, so only the last attempt's failure is judged.
    base.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          throw isOutage(error) ? new StorageUnavailableError(undefined, { cause: error }) : error;
        }
      },
      { step: "initialize", name: "storageOutage", priority: "high" },
    );
    client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
    clients.set(key, client);
  }
  return client;
}

const THROTTLING = new Set(["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded", "TransactionInProgressException"]);
const TIMEOUTS = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

/**
 * A failure of the storage service rather than of the call: no answer (timeouts, refused or reset
 * connections), a server fault, or throttling that outlasted the retries. Client faults such as a
 * failed condition or a validation error are answers, and stay what they are.
 *
 * @example isOutage(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })) // true
 */
export function isOutage(error: unknown): boolean {
  // Structural: socket errors come from Node's own realm, which is not the test sandbox's.
  if (typeof error !== "object" || error === null) return false;
  const { name, $fault, code, message } = error as { name?: unknown; $fault?: unknown; code?: unknown; message?: unknown };
  if ($fault === "server" || (typeof name === "string" && (THROTTLING.has(name) || TIMEOUTS.has(name)))) return true;
  if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
  // The SDK wraps an error from another realm in a plain Error that keeps only "Name: message".
  const wrapped = typeof message === "string" ? /^AWS SDK error wrapper for (\w+)(?::|$)/.exec(message) : null;
  return wrapped !== null && (TIMEOUTS.has(wrapped[1] ?? "") || [...NETWORK_CODES].some((known) => String(message).includes(known)));
}

function positive(value: string | undefined): number | undefined {
  const number = value === undefined ? NaN : Number(value);
  return Number.isFinite(number) && number > 0 ? number : undefined;
}
