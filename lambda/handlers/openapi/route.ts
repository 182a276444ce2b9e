import { header, json } from "../../http/function-url.ts";
import { openApiDocument, type Security } from "../../http/openapi.ts";
import type { GatewayRoute } from "../../middleware/types.ts";
import { SCHEMAS } from "./schemas.ts";

export const API_VERSION = "0.2.0";

/**
 * `GET /openapi.json` for one function: built from the function's own routes (this one included),
 * with the caller's host as the server, so it works from any function URL as it is.
 *
 * @example const routes = [...ROUTES, openApiRoute({ title: "…", routes: () => routes, … })];
 */
export function openApiRoute(options: { title: string; description: string; security: Security; errorSchema: "Error" | "GoogleError"; routes: () => readonly GatewayRoute[] }): GatewayRoute {
  return {
    method: "GET",
    path: "/openapi.json",
    public: true,
    doc: { tag: "meta", summary: "This document", ok: { status: 200, schema: "OpenApiDocument", description: "OpenAPI 3.1" } },
    handle: ({ event }) => {
      const host = header(event, "host") ?? event.requestContext.domainName;
      const scheme = host.startsWith("127.0.0.1") || host.startsWith("localhost") ? "http" : "https";
      return json(
        200,
        openApiDocument({
          title: options.title,
          version: API_VERSION,
          description: options.description,
          routes: options.routes(),
          schemas: SCHEMAS,
          errorSchema: options.errorSchema,
          security: options.security,
          serverUrl: `${scheme}://${host}`,
        }),
      );
    },
  };
}
