/**
 * Every error a client can see. Each class carries its HTTP status, its `code` and `type` from the
 * contract in DESIGN.md §2, and serialises itself in both dialects: the OpenAI-style envelope
 * `{"error":{"code","message","type"}}` of the chat route, and Google's own `google.rpc.Status`
 * envelope on the native route, where `code` is the HTTP status, `status` Google's name for it, and
 * our code travels as the `ErrorInfo` reason. Messages say what was wrong and what to do about it.
 */

/** Google's `status` names, which the native route adds so Google's SDKs show errors well. */
const GOOGLE_STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  402: "RESOURCE_EXHAUSTED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  405: "UNIMPLEMENTED",
  409: "ABORTED",
  413: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

export interface ErrorEnvelope {
  error: { code: string; message: string; type: string };
}

/** The domain Google's `ErrorInfo` detail names for errors that are ours, not Google's. */
export const ERROR_DOMAIN = "gemini-gateway";

/**
 * Google's error envelope, which `@google/genai`, `@ai-sdk/google` and Google's other clients read:
 * `code` must be the numeric HTTP status for them to show the message at all.
 */
export interface GoogleErrorEnvelope {
  error: {
    code: number;
    message: string;
    status: string;
    details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo"; reason: string; domain: typeof ERROR_DOMAIN }];
    /** Our error type, kept beside Google's fields for clients that read both dialects. */
    type: string;
  };
}

/**
 * Google's envelope for a status, code and message; the native route's errors and its in-band
 * stream errors share it.
 *
 * @example googleErrorEnvelope(503, "upstream_error", "upstream_error", "Try again.").error.status // "UNAVAILABLE"
 */
export function googleErrorEnvelope(statusCode: number, code: string, type: string, message: string): GoogleErrorEnvelope {
  return {
    error: {
      code: statusCode,
      message,
      status: GOOGLE_STATUS[statusCode] ?? "UNKNOWN",
      details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: code, domain: ERROR_DOMAIN }],
      type,
    },
  };
}

export class GatewayError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly type: string;
  /** Extra response headers, such as `Retry-After` on a 429. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(statusCode: number, code: string, type: string, message: string, headers: Record<string, string> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.statusCode = statusCode;
    this.code = code;
    this.type = type;
    this.headers = headers;
  }

  toJSON(): ErrorEnvelope {
    return { error: { code: this.code, message: this.message, type: this.type } };
  }

  /** Google's envelope, for the native Gemini route. */
  toGoogleJSON(): GoogleErrorEnvelope {
    return googleErrorEnvelope(this.statusCode, this.code, this.type, this.message);
  }
}

export class InvalidRequestError extends GatewayError {
  constructor(message: string) {
    super(400, "invalid_request", "invalid_request_error", message);
  }
}

export class InvalidApiKeyError extends GatewayError {
  constructor(message = "Missing or invalid API key. Send `Authorization: Bearer sk-…` with an active key.") {
    super(401, "invalid_api_key", "authentication_error", message);
  }
}

export class InsufficientCreditsError extends GatewayError {
  constructor(message: string) {
    super(402, "insufficient_credits", "billing_error", message);
  }
}

export class IpNotAllowedError extends GatewayError {
  constructor(message: string) {
    super(403, "ip_not_allowed", "permission_error", message);
  }
}

export class ModelNotFoundError extends GatewayError {
  constructor(message: string) {
    super(404, "model_not_found", "invalid_request_error", message);
  }
}

export class TaskNotFoundError extends GatewayError {
  constructor(taskId: string) {
    super(404, "task_not_found", "invalid_request_error", `No task ${taskId} exists for this account.`);
  }
}

export class AccountNotFoundError extends GatewayError {
  constructor(accountId: string) {
    super(404, "account_not_found", "invalid_request_error", `No account ${accountId} exists. GET /admin/v1/accounts lists them.`);
  }
}

/** An account that cannot be deleted yet; the reason says what to do first. */
export class AccountNotDeletableError extends GatewayError {
  constructor(accountId: string, reason: string) {
    super(409, "account_not_deletable", "invalid_request_error", `Account ${accountId} cannot be deleted: ${reason}.`);
  }
}

export class KeyNotFoundError extends GatewayError {
  constructor(keyId: string) {
    super(404, "key_not_found", "invalid_request_error", `No key ${keyId} exists.`);
  }
}

/** An `Idempotency-Key` reused for a different request: replaying it can only repeat the first one. */
export class IdempotencyConflictError extends GatewayError {
  constructor(message: string) {
    super(409, "idempotency_conflict", "idempotency_error", message);
  }
}

/** The Responses API's stored-response endpoints: this gateway keeps no responses to serve them from. */
export class ResponsesAreNotStoredError extends GatewayError {
  constructor(method: string, path: string) {
    super(
      404,
      "not_found",
      "invalid_request_error",
      `${method} ${path} has nothing to serve: this gateway keeps no responses and no conversation state (it never stores prompts). ` +
        "Send the whole conversation with each POST /v1/responses, including the output items you received; with `store: false` and " +
        '`include: ["reasoning.encrypted_content"]` they carry everything Gemini needs. A response\'s usage and cost are at GET /v1/tasks/{id}.',
    );
  }
}

/** Unknown path: not in the contract's table, but a client deserves the same envelope for it. */
export class RouteNotFoundError extends GatewayError {
  constructor(method: string, path: string, available: readonly string[]) {
    super(404, "not_found", "invalid_request_error", `No endpoint ${method} ${path}. This URL serves: ${available.join(", ")}.`);
  }
}

export class MethodNotAllowedError extends GatewayError {
  constructor(method: string, path: string, allowed: readonly string[]) {
    super(405, "method_not_allowed", "invalid_request_error", `${path} does not accept ${method}; use ${allowed.join(" or ")}.`, {
      allow: allowed.join(", "),
    });
  }
}

export class RequestTooLargeError extends GatewayError {
  constructor(limitBytes: number) {
    super(413, "request_too_large", "invalid_request_error", `Request body is larger than ${limitBytes} bytes. Send a smaller body.`);
  }
}

export class RateLimitError extends GatewayError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, "rate_limit_exceeded", "rate_limit_error", message, { "retry-after": String(retryAfterSeconds) });
  }
}

export class SpendLimitError extends GatewayError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, "spend_limit_exceeded", "billing_error", message, { "retry-after": String(retryAfterSeconds) });
  }
}

export class InternalError extends GatewayError {
  constructor(requestId: string) {
    super(500, "internal_error", "api_error", `The gateway failed unexpectedly. Retry; if it persists, report request ${requestId}.`);
  }
}

export class UpstreamError extends GatewayError {
  /** How many upstream accounts were tried, for the operator's log; never in the message. */
  readonly attempts: number | undefined;

  /** @param retryAfterSeconds when an upstream account is expected back; the message should say the same */
  constructor(message: string, retryAfterSeconds = 1, attempts?: number) {
    super(503, "upstream_error", "upstream_error", message, { "retry-after": String(retryAfterSeconds) });
    this.attempts = attempts;
  }
}

/** How long a client should wait after a storage failure: DynamoDB outages are short or long, rarely in between. */
export const STORAGE_RETRY_AFTER_SECONDS = 2;

/** DynamoDB did not answer, timed out, throttled or failed: retryable, and never the client's fault. */
export class StorageUnavailableError extends GatewayError {
  constructor(message = `The gateway's storage is not answering right now; nothing was charged. Retry in ${STORAGE_RETRY_AFTER_SECONDS} s.`, options?: ErrorOptions) {
    super(503, "storage_unavailable", "api_error", message, { "retry-after": String(STORAGE_RETRY_AFTER_SECONDS) }, options);
  }
}
