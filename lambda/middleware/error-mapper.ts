import { GatewayError, InternalError, StorageUnavailableError } from "../domain/errors.ts";
import { json } from "../http/function-url.ts";
import { errorFacts, logger } from "../telemetry/logger.ts";
import type { GatewayMiddleware } from "./types.ts";

export type ErrorDialect = "openai" | "google";

/**
 * Turns any thrown error into the envelope and status of DESIGN.md §2, before the first byte: the
 * OpenAI-style envelope, or Google's own on the native route. Errors we did not anticipate become a
 * 500 that names the request id and nothing else: their messages may hold internals, so only their
 * class and frames go to the log, and never request content.
 */
export function errorMapper(dialect: ErrorDialect): GatewayMiddleware {
  return {
    name: "errorMapper",
    onError: (request) => {
      if (request.response !== undefined && request.response !== null) return;
      const { requestId } = request.context;
      const error = request.error;
      const known = error instanceof GatewayError ? error : new InternalError(requestId);
      if (known !== error) logger.error("unhandled error", { requestId, ...errorFacts(error) });
      else if (known instanceof StorageUnavailableError) logger.error("storage unavailable", { requestId, ...errorFacts(known.cause ?? known) });
      if (request.context.record) request.context.record.errorCode = known.code;
      const body = dialect === "google" ? known.toGoogleJSON() : known.toJSON();
      request.response = json(known.statusCode, body, { ...known.headers, "x-request-id": requestId });
    },
  };
}
