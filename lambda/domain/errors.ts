/**
 * Every error a client can see. Each class carries its HTTP status, its `code` and `type` from the
 * contract in DESIGN.md §2, and serialises itself to the one envelope all routes share:
 * `{"error":{"code","message","type"}}`. Messages say what was wrong and what to do about it.
 */

/** Google's `status` names, which the native route adds so Google's SDKs show errors well. */
const GOOGLE_STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  402: "RESOURCE_EXHAUSTED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  405: "UNIMPLEMENTED",
  413: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

export interface ErrorEnvelope {
  error: { code: string; message: string; type: string; status?: string };
}

export class GatewayError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly type: string;
  /** Extra response headers, such as `Retry-After` on a 429. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(statusCode: number, code: string, type: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = new.target.name;
    this.statusCode = statusCode;
    this.code = code;
    this.type = type;
    this.headers = headers;
  }

  get googleStatus(): string {
    return GOOGLE_STATUS[this.statusCode] ?? "UNKNOWN";
  }

  toJSON(): ErrorEnvelope {
    return { error: { code: this.code, message: this.message, type: this.type } };
  }

  /** The envelope with Google's status name beside our fields, for the native Gemini route. */
  toGoogleJSON(): ErrorEnvelope {
    return { error: { ...this.toJSON().error, status: this.googleStatus } };
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
  constructor(message: string) {
    super(503, "upstream_error", "upstream_error", message, { "retry-after": "1" });
  }
}
