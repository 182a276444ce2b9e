import { describe, expect, test } from "@jest/globals";
import {
  GatewayError,
  InsufficientCreditsError,
  InternalError,
  InvalidApiKeyError,
  InvalidRequestError,
  IpNotAllowedError,
  ModelNotFoundError,
  RateLimitError,
  SpendLimitError,
  StorageUnavailableError,
  TaskNotFoundError,
  UpstreamError,
} from "../../../lambda/domain/errors.ts";

describe("gateway errors", () => {
  test.each([
    [new InvalidRequestError("m"), 400, "invalid_request", "invalid_request_error", "INVALID_ARGUMENT"],
    [new InvalidApiKeyError(), 401, "invalid_api_key", "authentication_error", "UNAUTHENTICATED"],
    [new InsufficientCreditsError("m"), 402, "insufficient_credits", "billing_error", "RESOURCE_EXHAUSTED"],
    [new IpNotAllowedError("m"), 403, "ip_not_allowed", "permission_error", "PERMISSION_DENIED"],
    [new ModelNotFoundError("m"), 404, "model_not_found", "invalid_request_error", "NOT_FOUND"],
    [new TaskNotFoundError("t"), 404, "task_not_found", "invalid_request_error", "NOT_FOUND"],
    [new RateLimitError("m", 3), 429, "rate_limit_exceeded", "rate_limit_error", "RESOURCE_EXHAUSTED"],
    [new SpendLimitError("m", 60), 429, "spend_limit_exceeded", "billing_error", "RESOURCE_EXHAUSTED"],
    [new InternalError("req_1"), 500, "internal_error", "api_error", "INTERNAL"],
    [new UpstreamError("m"), 503, "upstream_error", "upstream_error", "UNAVAILABLE"],
    [new StorageUnavailableError(), 503, "storage_unavailable", "api_error", "UNAVAILABLE"],
  ])("%p carries status %i, code %s and type %s from the contract", (error, status, code, type, googleStatus) => {
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.statusCode).toBe(status);
    expect(error.toJSON()).toEqual({ error: { code, message: error.message, type } });
    expect(error.toGoogleJSON()).toEqual({
      error: {
        code: status,
        message: error.message,
        status: googleStatus,
        details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: code, domain: "gemini-gateway" }],
        type,
      },
    });
  });

  test("429s tell the client when to retry", () => {
    expect(new RateLimitError("slow down", 7).headers).toEqual({ "retry-after": "7" });
    expect(new SpendLimitError("hourly limit", 1800).headers).toEqual({ "retry-after": "1800" });
  });

  test("503s say when to retry, and the message can say the same", () => {
    expect(new UpstreamError("Retry in 7 s.", 7).headers).toEqual({ "retry-after": "7" });
    expect(new StorageUnavailableError().headers).toEqual({ "retry-after": "2" });
    expect(new StorageUnavailableError().message).toContain("Retry in 2 s");
  });

  test("the 500 names the request and nothing about the failure", () => {
    expect(new InternalError("req_abc").message).toBe("The gateway failed unexpectedly. Retry; if it persists, report request req_abc.");
  });

  test("serialises through JSON.stringify as the envelope", () => {
    expect(JSON.parse(JSON.stringify(new InvalidRequestError("`model` is required.")))).toEqual({
      error: { code: "invalid_request", message: "`model` is required.", type: "invalid_request_error" },
    });
  });
});
