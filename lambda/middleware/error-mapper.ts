import { GatewayError, InternalError } from "../domain/errors.ts";
import { json } from "../http/function-url.ts";
import type { GatewayMiddleware } from "./types.ts";

export type ErrorDialect = "openai" | "google";

/**
 * Turns any thrown error into the envelope and status of DESIGN.md §2, before the first byte.
 * Errors we did not anticipate become a 500 that names the request id and nothing else: their
 * messages may hold internals, so they go only to the log, and never with request content.
 */
export function errorMapper(dialect: ErrorDialect): GatewayMiddleware {
  return {
    name: "errorMapper",
    onError: (request) => {
      if (request.response !== undefined && request.response !== null) return;
      const { requestId } = request.context;
      const error = request.error;
      const known = error instanceof GatewayError ? error : new InternalError(requestId);
      if (known !== error) logUnexpected(requestId, error);
      const body = dialect === "google" ? known.toGoogleJSON() : known.toJSON();
      request.response = json(known.statusCode, body, { ...known.headers, "x-request-id": requestId });
    },
  };
}

/**
 * Logs the error's class and stack frames; the message only for AWS SDK errors, which describe the
 * call, not the request's content. Any other message could quote a prompt.
 */
function logUnexpected(requestId: string, error: unknown): void {
  const name = error instanceof Error ? error.name : typeof error;
  const frames = error instanceof Error ? (error.stack ?? "").split("\n").slice(1).map((line) => line.trim()) : [];
  const message = error instanceof Error && "$metadata" in error ? error.message : undefined;
  console.error(JSON.stringify({ level: "error", msg: "unhandled error", requestId, error: name, message, frames }));
}
