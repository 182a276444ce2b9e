import type { FunctionUrlEvent } from "../../lambda/http/function-url.ts";

export interface TestEventOptions {
  method?: string;
  path?: string;
  query?: string;
  headers?: Record<string, string>;
  body?: string | object;
  sourceIp?: string;
}

/**
 * A function URL event as AWS delivers it, for handler tests that skip HTTP.
 *
 * @example createFunctionUrlEvent({ method: "POST", path: "/v1/chat/completions", body: { model: "gemini-3-flash" } })
 */
export function createFunctionUrlEvent(options: TestEventOptions = {}): FunctionUrlEvent {
  const method = options.method ?? "GET";
  const path = options.path ?? "/";
  const body = options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: options.query ?? "",
    headers: { "content-type": "application/json", ...options.headers },
    requestContext: {
      accountId: "anonymous",
      apiId: "test",
      domainName: "test.lambda-url.us-east-1.on.aws",
      domainPrefix: "test",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: options.sourceIp ?? "203.0.113.7", userAgent: "jest" },
      requestId: "test-request",
      routeKey: "$default",
      stage: "$default",
      time: new Date(0).toISOString(),
      timeEpoch: 0,
    },
    body,
    isBase64Encoded: false,
  };
}
