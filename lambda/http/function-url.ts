import type { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import type { LambdaFunctionURLEvent } from "aws-lambda";

/** The payload-2.0 event a Lambda function URL delivers. */
export type FunctionUrlEvent = LambdaFunctionURLEvent;

/** Response body a streaming function may return: middy writes strings and pipes streams. */
export type ResponseBody = string | Readable | ReadableStream<Uint8Array>;

/** What every route returns; middy turns it into the function URL's prelude and body. */
export interface FunctionUrlResult {
  statusCode: number;
  headers: Record<string, string>;
  body: ResponseBody;
}

/**
 * Reads a header case-insensitively: function URLs send lowercase names, but local runs and test
 * events may not.
 *
 * @example header(event, "Authorization") // "Bearer sk-…"
 */
export function header(event: FunctionUrlEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const exact = headers[name] ?? headers[name.toLowerCase()];
  if (exact !== undefined) return exact;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** The raw request body as bytes, decoding the base64 that function URLs use for binary types. */
export function bodyBytes(event: FunctionUrlEvent): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, "base64") : Buffer.from(event.body, "utf8");
}

/** A JSON response with the given status. */
export function json(statusCode: number, value: unknown, headers: Record<string, string> = {}): FunctionUrlResult {
  return {
    statusCode,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(value),
  };
}
