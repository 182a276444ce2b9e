// Google's error envelope (google.rpc.Status over HTTP), as described in gemini-wire.md §5.

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  402: "RESOURCE_EXHAUSTED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "NOT_IMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const DEFAULT_MESSAGES: Record<number, string> = {
  400: "Request contains an invalid argument.",
  403: "The caller does not have permission",
  404: "Requested entity was not found.",
  429:
    "You exceeded your current quota, please check your plan and billing details. " +
    "For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
  500: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
  503: "The model is overloaded. Please try again later.",
  504: "Deadline expired before operation could complete.",
};

const TYPE_PREFIX = "type.googleapis.com/google.rpc.";

export class GoogleError extends Error {
  readonly httpStatus: number;
  readonly details: readonly unknown[];

  constructor(httpStatus: number, message?: string, details?: readonly unknown[]) {
    super(message ?? DEFAULT_MESSAGES[httpStatus] ?? "Unknown error.");
    this.httpStatus = httpStatus;
    this.details = details ?? defaultDetails(httpStatus);
  }

  toBody(): { error: { code: number; message: string; status: string; details?: readonly unknown[] } } {
    const status = STATUS_NAMES[this.httpStatus] ?? "UNKNOWN";
    // Google leaves `details` out entirely when there are none.
    const details = this.details.length > 0 ? { details: this.details } : {};
    return { error: { code: this.httpStatus, message: this.message, status, ...details } };
  }
}

export function invalidArgument(message: string, details?: readonly unknown[]): GoogleError {
  return new GoogleError(400, message, details);
}

function defaultDetails(httpStatus: number): readonly unknown[] {
  if (httpStatus !== 429) return [];
  return [
    {
      "@type": `${TYPE_PREFIX}QuotaFailure`,
      violations: [
        {
          quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
          quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
          quotaDimensions: { location: "global", model: "gemini-3-flash" },
          quotaValue: "10",
        },
      ],
    },
    { "@type": `${TYPE_PREFIX}RetryInfo`, retryDelay: "2s" },
  ];
}

export function apiKeyInvalid(): GoogleError {
  const message = "API key not valid. Please pass a valid API key.";
  return invalidArgument(message, [
    {
      "@type": `${TYPE_PREFIX}ErrorInfo`,
      reason: "API_KEY_INVALID",
      domain: "googleapis.com",
      metadata: { service: "generativelanguage.googleapis.com" },
    },
    { "@type": `${TYPE_PREFIX}LocalizedMessage`, locale: "en-US", message },
  ]);
}

export function apiKeyMissing(): GoogleError {
  return new GoogleError(
    403,
    "Method doesn't allow unregistered callers (callers without established identity). " +
      "Please use API Key or other form of API consumer identity to call this API.",
  );
}

export function modelNotFound(model: string, apiVersion: string): GoogleError {
  return new GoogleError(
    404,
    `models/${model} is not found for API version ${apiVersion}, or is not supported for generateContent. ` +
      "Call ListModels to see the list of available models and their supported methods.",
  );
}

export function methodNotFound(): GoogleError {
  return new GoogleError(404, "Method not found.");
}

export function invalidJson(reason: string): GoogleError {
  const message = `Invalid JSON payload received. ${reason}`;
  return invalidArgument(message, [
    { "@type": `${TYPE_PREFIX}BadRequest`, fieldViolations: [{ description: message }] },
  ]);
}
