import { createGatewayFunction } from "./gateway-function.ts";
import { getModel, listModels } from "./routes/models.ts";

/** The OpenAI-compatible function URL. */
export const handler = createGatewayFunction({
  dialect: "openai",
  routes: [
    { method: "GET", path: "/v1/models", handle: listModels },
    { method: "GET", path: "/v1/models/{model+}", handle: getModel },
  ],
});
