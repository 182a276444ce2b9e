import { logger } from "../telemetry/logger.ts";
import { countRequest } from "../telemetry/metrics.ts";
import { RequestRecord } from "./request-record.ts";
import type { GatewayMiddleware } from "./types.ts";

/**
 * Writes each request's one access line, and its metrics, when it has ended — for a stream, when
 * the stream has (settled, or drained after the client left), not when the handler returned.
 * Registered first, so it runs after the error mapper has decided the status.
 */
export function accessLog(fn: string): GatewayMiddleware {
  const write: NonNullable<GatewayMiddleware["after"]> = (request) => {
    const record = request.context.record;
    if (record === undefined) return;
    record.status = request.response?.statusCode ?? record.status;
    // A whole answer's first byte is its last: it goes out when the handler returns.
    if (typeof request.response?.body === "string") record.markFirstByte();
    void record.ended().then(() => {
      const fields = { ...record.fields(), requestId: request.context.requestId };
      logger.info("request", fields);
      countRequest({
        fn: fields.function,
        route: fields.route,
        model: fields.model,
        status: fields.status ?? 0,
        errorCode: fields.errorCode,
        totalMs: fields.totalMs,
        firstByteMs: fields.firstByteMs,
        creditsCharged: fields.credits?.charged,
        creditsRefunded: fields.credits?.refunded,
      });
    });
  };
  return {
    name: "accessLog",
    before: (request) => {
      request.context.record = new RequestRecord(fn, request.event.requestContext.http.method);
    },
    after: write,
    onError: write,
  };
}
