import { InvalidRequestError, MethodNotAllowedError, RouteNotFoundError } from "../domain/errors.ts";
import { withIdPrefix } from "../domain/ids.ts";
import type { Router } from "../http/router.ts";
import type { GatewayMiddleware, GatewayRoute, RouteHandler } from "./types.ts";

/** No id, model name or key we issue is longer; longer ones would only reach DynamoDB's key limits. */
export const MAX_PATH_PARAMETER_LENGTH = 256;

/**
 * Picks the route before the body is read, so a wrong path is a 404 whatever the body holds, and
 * gives the request id the route's prefix.
 */
export function route(router: Router<RouteHandler, GatewayRoute>): GatewayMiddleware {
  const available = router.routes.map((entry) => `${entry.method} ${entry.path}`);
  return {
    name: "route",
    before: (request) => {
      const { method } = request.event.requestContext.http;
      const path = request.event.rawPath;
      const match = router.match(method, path);
      if (match.kind === "not-found") throw new RouteNotFoundError(method, path, available);
      if (match.kind === "wrong-method") throw new MethodNotAllowedError(method, path, match.allowed);
      for (const [name, value] of Object.entries(match.params)) {
        if (value.length > MAX_PATH_PARAMETER_LENGTH) {
          throw new InvalidRequestError(`The path's \`{${name}}\` is ${value.length} characters long; none here is longer than ${MAX_PATH_PARAMETER_LENGTH}. Check the URL.`);
        }
      }
      request.context.route = match.route;
      request.context.params = match.params;
      if (request.context.record) request.context.record.route = match.route.path;
      if (match.route.idPrefix !== undefined) request.context.requestId = withIdPrefix(request.context.requestId, match.route.idPrefix);
    },
  };
}
