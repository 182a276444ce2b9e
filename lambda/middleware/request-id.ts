import { newRequestId } from "../domain/ids.ts";
import type { GatewayMiddleware } from "./types.ts";

/** Gives every request an id before anything can fail, and tells the client on every answer. */
export function requestId(): GatewayMiddleware {
  return {
    name: "requestId",
    before: (request) => {
      request.context.requestId = newRequestId();
    },
    after: (request) => {
      if (request.response) request.response.headers["x-request-id"] ??= request.context.requestId;
    },
  };
}
