import { managementAuth } from "../middleware/auth.ts";
import type { GatewayRoute } from "../middleware/types.ts";
import { createGatewayFunction } from "./gateway-function.ts";
import { openApiRoute } from "./openapi/route.ts";
import { ACCOUNT_ROUTES } from "./routes/admin/accounts.ts";
import { KEY_ROUTES } from "./routes/admin/keys.ts";
import { REPORT_ROUTES } from "./routes/admin/reports.ts";

const routes: GatewayRoute[] = [
  ...ACCOUNT_ROUTES,
  ...KEY_ROUTES,
  ...REPORT_ROUTES,
  openApiRoute({ title: "gemini-gateway: admin API", description: "The operator's API, opened by `mk-` management keys.", security: "management", errorSchema: "Error", routes: () => routes }),
];

/** The admin function URL: the operator's backend, for `mk-` management keys only. */
export const handler = createGatewayFunction({ name: "admin", dialect: "openai", routes, authenticate: managementAuth() });
