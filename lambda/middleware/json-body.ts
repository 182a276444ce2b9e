import { bodyBytes } from "../http/function-url.ts";
import { InvalidRequestError } from "../domain/errors.ts";
import type { GatewayMiddleware } from "./types.ts";

/** Deeper than any real request; hostile nesting would otherwise exhaust the stack of recursive code. */
export const MAX_BODY_DEPTH = 100;

/** Parses a JSON object body. The parser's own message is not echoed: it quotes the body's text. */
export function jsonBody(): GatewayMiddleware {
  return {
    name: "jsonBody",
    before: (request) => {
      const bytes = bodyBytes(request.event);
      if (bytes.length === 0) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString("utf8"));
      } catch {
        throw new InvalidRequestError("Request body is not valid JSON. Send one JSON object with `Content-Type: application/json`.");
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new InvalidRequestError("Request body must be a JSON object.");
      }
      if (depthExceeds(parsed, MAX_BODY_DEPTH)) {
        throw new InvalidRequestError(`Request body is nested more than ${MAX_BODY_DEPTH} levels deep.`);
      }
      request.context.body = parsed;
    },
  };
}

/** Walks the parsed body without recursion, so the check itself cannot overflow the stack. */
function depthExceeds(root: object, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== "object" || value === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(value)) if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}
