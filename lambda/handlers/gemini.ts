import type { GatewayRoute } from "../middleware/types.ts";
import { createGatewayFunction } from "./gateway-function.ts";
import { openApiRoute } from "./openapi/route.ts";
import { ACCOUNT_ROUTES } from "./routes/account.ts";
import { countGeminiTokens } from "./routes/gemini-count-tokens.ts";
import { generateGeminiContent, streamGeminiContent } from "./routes/gemini-generate.ts";
import { getGoogleModel, listGoogleModels } from "./routes/models.ts";

/**
 * Google's paths under both API versions (`@google/genai` 3.x defaults to `v1`, older SDKs and REST
 * examples use `v1beta`), and again under aivideoapi's `/v1/gemini` base, so any SDK base URL works.
 */
export const GEMINI_BASES = ["/v1beta", "/v1", "/v1/gemini/v1beta", "/v1/gemini/v1"];

const NATIVE_ERRORS = [400, 402, 403, 404, 413, 429];

const routes: GatewayRoute[] = [
  ...GEMINI_BASES.flatMap((base): GatewayRoute[] => [
    { method: "GET", path: `${base}/models`, handle: listGoogleModels, public: true, doc: { tag: "native", summary: "The catalog in Google's shape", ok: { status: 200, schema: "GoogleModelList", description: "Every model sold here" } } },
    { method: "GET", path: `${base}/models/{model+}`, handle: getGoogleModel, public: true, doc: { tag: "native", summary: "One model in Google's shape", ok: { status: 200, schema: "GoogleModel", description: "The model" }, errors: [404] } },
    {
      method: "POST",
      path: `${base}/models/{model+}:generateContent`,
      handle: generateGeminiContent,
      doc: { tag: "native", summary: "Google's generateContent, passed through", body: "GenerateContentRequest", ok: { status: 200, schema: "GenerateContentResponse", description: "Google's answer, responseId = our task id" }, errors: NATIVE_ERRORS },
    },
    {
      method: "POST",
      path: `${base}/models/{model+}:streamGenerateContent`,
      handle: streamGeminiContent,
      doc: {
        tag: "native",
        summary: "Google's streamGenerateContent: ?alt=sse for SSE, else one JSON array",
        query: { alt: "sse for server-sent events" },
        body: "GenerateContentRequest",
        ok: { status: 200, schema: "GenerateContentResponse", description: "Google's chunks as they arrive" },
        errors: NATIVE_ERRORS,
      },
    },
    {
      method: "POST",
      path: `${base}/models/{model+}:countTokens`,
      handle: countGeminiTokens,
      doc: { tag: "native", summary: "Google's countTokens: free, counted against the key's requests per minute", body: "CountTokensRequest", ok: { status: 200, schema: "CountTokensResponse", description: "Google's count" }, errors: [400, 404, 429] },
    },
  ]),
  // So a customer using only this URL can still see its balance and reconcile its bill.
  ...ACCOUNT_ROUTES,
  openApiRoute({ title: "gemini-gateway: Google's native Gemini API", description: "The Gemini function URL.", security: "customer", errorSchema: "GoogleError", routes: () => routes }),
];

/** The native Gemini function URL, for Google's own SDKs. */
export const handler = createGatewayFunction({ name: "gemini", dialect: "google", routes });
