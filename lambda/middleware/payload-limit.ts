import { RequestTooLargeError } from "../domain/errors.ts";
import type { GatewayMiddleware } from "./types.ts";

/** A function URL's request payload limit. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/**
 * Refuses a body over the function URL limit before anything else looks at the request, as the
 * function URL itself does in AWS; wherever else the handler runs, the client still gets a 413 in
 * the route's own envelope, with its request id.
 */
export function payloadLimit(): GatewayMiddleware {
  return {
    name: "payloadLimit",
    before: (request) => {
      const { body, isBase64Encoded } = request.event;
      if (body === undefined || body === null) return;
      const bytes = isBase64Encoded ? Buffer.byteLength(body, "base64") : Buffer.byteLength(body, "utf8");
      if (bytes > MAX_BODY_BYTES) throw new RequestTooLargeError(MAX_BODY_BYTES);
    },
  };
}
