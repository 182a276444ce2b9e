import { bodyBytes } from "../http/function-url.ts";
import { InvalidRequestError, RequestTooLargeError } from "../domain/errors.ts";
import type { GatewayMiddleware } from "./types.ts";

/** Function URLs already stop at 6 MB; this keeps the same promise wherever the handler runs. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/** Parses a JSON object body. The parser's own message is not echoed: it quotes the body's text. */
export function jsonBody(): GatewayMiddleware {
  return {
    name: "jsonBody",
    before: (request) => {
      const bytes = bodyBytes(request.event);
      if (bytes.length === 0) return;
      if (bytes.length > MAX_BODY_BYTES) throw new RequestTooLargeError(MAX_BODY_BYTES);
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString("utf8"));
      } catch {
        throw new InvalidRequestError("Request body is not valid JSON. Send one JSON object with `Content-Type: application/json`.");
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new InvalidRequestError("Request body must be a JSON object.");
      }
      request.context.body = parsed;
    },
  };
}
