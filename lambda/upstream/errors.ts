/**
 * Failures talking to Google. These stay inside the gateway: the failover layer turns them into the
 * client-facing errors of `lambda/domain/errors.ts`. None of them ever carries an API key, private
 * key or access token: every message built from Google's text passes through `redact` first.
 */
import type { UpstreamKind } from "../domain/catalog.ts";

/** Google answered with a non-2xx status (or a mid-stream error object). */
export class UpstreamHttpError extends Error {
  /** HTTP status, e.g. 429. */
  readonly status: number;
  /** Google's status name, e.g. `RESOURCE_EXHAUSTED`; `UNKNOWN` when the body had none. */
  readonly googleStatus: string;
  /** Google's own message, redacted. */
  readonly googleMessage: string;
  /** `ErrorInfo.reason`, e.g. `API_KEY_INVALID`, when Google sent one. */
  readonly reason: string | undefined;
  /** From `RetryInfo.retryDelay` ("26s", "45.8s"), when Google sent one. */
  readonly retryAfterMs: number | undefined;
  /** Which of Google's APIs answered: AI Studio's Gemini API or Vertex AI. */
  readonly platform: UpstreamKind;

  constructor(init: {
    status: number;
    googleStatus: string;
    googleMessage: string;
    reason?: string;
    retryAfterMs?: number;
    platform?: UpstreamKind;
  }) {
    super(`Google answered ${init.status} ${init.googleStatus}: ${init.googleMessage}`);
    this.name = "UpstreamHttpError";
    this.status = init.status;
    this.googleStatus = init.googleStatus;
    this.googleMessage = init.googleMessage;
    this.reason = init.reason;
    this.retryAfterMs = init.retryAfterMs;
    this.platform = init.platform ?? "ai-studio";
  }
}

export type NetworkFailure = "connect" | "reset" | "timeout";

/** No usable answer arrived: the connection failed, was reset, or a timeout elapsed. */
export class UpstreamNetworkError extends Error {
  readonly kind: NetworkFailure;

  constructor(kind: NetworkFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UpstreamNetworkError";
    this.kind = kind;
  }
}

/** The stream itself went wrong after it started: an error object or an unreadable event arrived. */
export class UpstreamStreamError extends Error {
  /** The HTTP-like code of a mid-stream Google error object, if that is what arrived. */
  readonly status: number | undefined;

  constructor(message: string, status?: number) {
    super(message);
    this.name = "UpstreamStreamError";
    this.status = status;
  }
}

export type TokenFailure = "refused" | "unavailable";

/**
 * A service account could not get an access token: Google's token endpoint refused the signed
 * assertion (or the key cannot sign one), or the endpoint could not be reached or failed.
 */
export class UpstreamAuthError extends Error {
  /** `refused`: the account's key is at fault; `unavailable`: the token endpoint is. */
  readonly failure: TokenFailure;

  constructor(failure: TokenFailure, message: string) {
    super(message);
    this.name = "UpstreamAuthError";
    this.failure = failure;
  }
}

/**
 * Reads Google's error envelope (a plain object, or wrapped in an array as Vertex does, with or
 * without Vertex's legacy `errors[]`) into an `UpstreamHttpError`; returns `undefined` when `body`
 * is not an error envelope.
 *
 * @example
 * googleErrorFrom({ error: { code: 429, status: "RESOURCE_EXHAUSTED", message: "quota" } }, 429, "AIza…")?.status; // 429
 */
export function googleErrorFrom(
  body: unknown,
  fallbackStatus: number,
  secrets: string | readonly string[],
  platform: UpstreamKind = "ai-studio",
): UpstreamHttpError | undefined {
  const envelope = Array.isArray(body) ? body[0] : body;
  if (!isRecord(envelope) || !isRecord(envelope.error)) return undefined;
  const error = envelope.error;
  const details = Array.isArray(error.details) ? error.details.filter(isRecord) : [];
  const status = typeof error.code === "number" && error.code >= 400 && error.code <= 599 ? error.code : fallbackStatus;
  return new UpstreamHttpError({
    status,
    googleStatus: typeof error.status === "string" && error.status !== "" ? error.status : "UNKNOWN",
    googleMessage: redact(typeof error.message === "string" ? error.message : "(no message)", secrets),
    reason: detailOf(details, "ErrorInfo", "reason") ?? legacyReason(error.errors),
    retryAfterMs: parseRetryDelay(detailOf(details, "RetryInfo", "retryDelay")),
    platform,
  });
}

/**
 * Converts a protobuf Duration string into milliseconds.
 *
 * @example
 * parseRetryDelay("45.837906927s"); // 45838
 */
export function parseRetryDelay(value: string | undefined): number | undefined {
  const match = value === undefined ? null : /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match === null ? undefined : Math.ceil(Number(match[1]) * 1000);
}

/**
 * Removes every occurrence of each secret from text that may be shown or logged.
 *
 * @example
 * redact("bad key AIzaXYZ", "AIzaXYZ"); // "bad key [redacted]"
 */
export function redact(text: string, secrets: string | readonly string[]): string {
  const list = typeof secrets === "string" ? [secrets] : secrets;
  // Longest first, so a secret that contains another is removed whole.
  const ordered = list.filter((secret) => secret !== "").sort((a, b) => b.length - a.length);
  return ordered.reduce((redacted, secret) => redacted.split(secret).join("[redacted]"), text);
}

// Vertex's legacy `errors[{message, domain, reason}]`, e.g. reason "rateLimitExceeded".
function legacyReason(errors: unknown): string | undefined {
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
  return isRecord(first) && typeof first.reason === "string" ? first.reason : undefined;
}

function detailOf(details: readonly Record<string, unknown>[], type: string, field: string): string | undefined {
  const detail = details.find((candidate) => candidate["@type"] === `type.googleapis.com/google.rpc.${type}`);
  const value = detail?.[field];
  return typeof value === "string" ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
