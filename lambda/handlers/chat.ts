import { createGatewayFunction } from "./gateway-function.ts";
import { getCredits, getTaskRecord } from "./routes/account.ts";
import { createChatCompletion } from "./routes/chat-completions.ts";
import { createResponse, refuseStoredResponse } from "./routes/responses.ts";
import { getModel, listModels } from "./routes/models.ts";

/** The OpenAI-compatible function URL. */
export const handler = createGatewayFunction({
  dialect: "openai",
  routes: [
    { method: "GET", path: "/v1/models", handle: listModels, public: true },
    { method: "GET", path: "/v1/models/{model+}", handle: getModel, public: true },
    { method: "POST", path: "/v1/chat/completions", handle: createChatCompletion },
    { method: "POST", path: "/v1/responses", handle: createResponse, idPrefix: "resp" },
    { method: "GET", path: "/v1/responses/{id}", handle: refuseStoredResponse },
    { method: "DELETE", path: "/v1/responses/{id}", handle: refuseStoredResponse },
    { method: "POST", path: "/v1/responses/{id}/cancel", handle: refuseStoredResponse },
    { method: "GET", path: "/v1/responses/{id}/input_items", handle: refuseStoredResponse },
    { method: "GET", path: "/v1/credits", handle: getCredits },
    { method: "GET", path: "/v1/tasks/{id}", handle: getTaskRecord },
  ],
});
