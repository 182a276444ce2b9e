import middy from "@middy/core";
import { executionModeStreamifyResponse } from "@middy/core/StreamifyResponse";
import type { FunctionUrlEvent, FunctionUrlResult } from "../http/function-url.ts";
import { createRouter } from "../http/router.ts";
import { accessLog } from "../middleware/access-log.ts";
import { auth } from "../middleware/auth.ts";
import { errorMapper, type ErrorDialect } from "../middleware/error-mapper.ts";
import { ipAllowlist } from "../middleware/ip-allowlist.ts";
import { jsonBody } from "../middleware/json-body.ts";
import { payloadLimit } from "../middleware/payload-limit.ts";
import { requestId } from "../middleware/request-id.ts";
import { route } from "../middleware/route.ts";
import type { GatewayContext, GatewayMiddleware, GatewayRoute, RouteHandler } from "../middleware/types.ts";

/**
 * The pipeline every function URL shares: request id → payload limit → routing → key (a customer's
 * `sk-`, or on the admin function a management `mk-`) → IP allowlist → JSON body →
 * the route's handler, with one error mapper turning anything thrown before the first byte into our
 * envelope. The body is parsed only for an authenticated caller.
 *
 * @example
 * export const handler = createGatewayFunction({ name: "chat", dialect: "openai", routes: [{ method: "GET", path: "/v1/models", handle: listModels }] });
 */
export function createGatewayFunction(options: { name: string; routes: readonly GatewayRoute[]; dialect: ErrorDialect; authenticate?: GatewayMiddleware }) {
  return middy<FunctionUrlEvent, FunctionUrlResult, Error, GatewayContext>({ executionMode: executionModeStreamifyResponse })
    .use(accessLog(options.name))
    .use(errorMapper(options.dialect))
    .use(requestId())
    .use(payloadLimit())
    .use(route(createRouter<RouteHandler, GatewayRoute>(options.routes)))
    .use(options.authenticate ?? auth({ googleStyle: options.dialect === "google" }))
    .use(ipAllowlist())
    .use(jsonBody())
    .handler(async (event, context) => {
      const { route: matched, params = {}, body } = context;
      // The route middleware always sets this; the check keeps the types honest.
      if (!matched) throw new Error("request reached the handler without a route");
      return matched.handle({ event, context, params, body });
    });
}
