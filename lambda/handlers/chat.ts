import type { GatewayRoute } from "../middleware/types.ts";
import { createGatewayFunction } from "./gateway-function.ts";
import { openApiRoute } from "./openapi/route.ts";
import { ACCOUNT_ROUTES } from "./routes/account.ts";
import { createChatCompletion } from "./routes/chat-completions.ts";
import { createResponse, refuseStoredResponse } from "./routes/responses.ts";
import { getModel, listModels } from "./routes/models.ts";

const routes: GatewayRoute[] = [
  { method: "GET", path: "/v1/models", handle: listModels, public: true, doc: { tag: "models", summary: "The catalog: ids, aliases, limits, thinking levels, prices", ok: { status: 200, schema: "ModelList", description: "Every model sold here" } } },
  { method: "GET", path: "/v1/models/{model+}", handle: getModel, public: true, doc: { tag: "models", summary: "One model of the catalog", ok: { status: 200, schema: "Model", description: "The model" }, errors: [404] } },
  {
    method: "POST",
    path: "/v1/chat/completions",
    handle: createChatCompletion,
    doc: {
      tag: "models",
      summary: "OpenAI Chat Completions, streamed or not, translated to Gemini",
      body: "ChatCompletionRequest",
      ok: { status: 200, schema: "ChatCompletion", description: "A chat.completion, or with stream: true an SSE stream of chunks", stream: undefined },
      errors: [400, 402, 403, 404, 413, 429],
    },
  },
  {
    method: "POST",
    path: "/v1/responses",
    handle: createResponse,
    idPrefix: "resp",
    doc: {
      tag: "models",
      summary: "OpenAI Responses, streamed or not, stateless, translated to Gemini",
      body: "ResponseRequest",
      ok: { status: 200, schema: "Response", description: "A response, or with stream: true an SSE stream of its events", stream: undefined },
      errors: [400, 402, 403, 404, 413, 429],
    },
  },
  ...(["GET /v1/responses/{id}", "DELETE /v1/responses/{id}", "POST /v1/responses/{id}/cancel", "GET /v1/responses/{id}/input_items"] as const).map((endpoint): GatewayRoute => {
    const [method, path] = endpoint.split(" ") as [string, string];
    return { method, path, handle: refuseStoredResponse, doc: { tag: "models", summary: "Not served: the gateway keeps no responses (a 404 saying what to send instead)", errors: [404] } };
  }),
  ...ACCOUNT_ROUTES,
  openApiRoute({ title: "gemini-gateway: OpenAI-compatible API", description: "The chat function URL.", security: "customer", errorSchema: "Error", routes: () => routes }),
];

/** The OpenAI-compatible function URL. */
export const handler = createGatewayFunction({ name: "chat", dialect: "openai", routes });
