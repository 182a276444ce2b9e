import { MethodNotAllowedError, RouteNotFoundError } from "../domain/errors.ts";
import type { Router } from "../http/router.ts";
import type { GatewayMiddleware, RouteHandler } from "./types.ts";

/** Picks the route before the body is read, so a wrong path is a 404 whatever the body holds. */
export function route(router: Router<RouteHandler>): GatewayMiddleware {
  const available = router.routes.map((entry) => `${entry.method} ${entry.path}`);
  return {
    name: "route",
    before: (request) => {
      const { method } = request.event.requestContext.http;
      const path = request.event.rawPath;
      const match = router.match(method, path);
      if (match.kind === "not-found") throw new RouteNotFoundError(method, path, available);
      if (match.kind === "wrong-method") throw new MethodNotAllowedError(method, path, match.allowed);
      request.context.route = match.route;
      request.context.params = match.params;
    },
  };
}
