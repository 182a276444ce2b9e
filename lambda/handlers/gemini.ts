import type { GatewayRoute } from "../middleware/types.ts";
import { createGatewayFunction } from "./gateway-function.ts";
import { getCredits, getTaskRecord } from "./routes/account.ts";
import { countGeminiTokens } from "./routes/gemini-count-tokens.ts";
import { generateGeminiContent, streamGeminiContent } from "./routes/gemini-generate.ts";
import { getGoogleModel, listGoogleModels } from "./routes/models.ts";

/**
 * Google's paths under both API versions (`@google/genai` 3.x defaults to `v1`, older SDKs and REST
 * examples use `v1beta`), and again under aivideoapi's `/v1/gemini` base, so any SDK base URL works.
 */
export const GEMINI_BASES = ["/v1beta", "/v1", "/v1/gemini/v1beta", "/v1/gemini/v1"];

const routes: GatewayRoute[] = [
  ...GEMINI_BASES.flatMap((base) => [
    { method: "GET", path: `${base}/models`, handle: listGoogleModels, public: true },
    { method: "GET", path: `${base}/models/{model+}`, handle: getGoogleModel, public: true },
    { method: "POST", path: `${base}/models/{model+}:generateContent`, handle: generateGeminiContent },
    { method: "POST", path: `${base}/models/{model+}:streamGenerateContent`, handle: streamGeminiContent },
    { method: "POST", path: `${base}/models/{model+}:countTokens`, handle: countGeminiTokens },
  ]),
  // So a customer using only this URL can still see its balance and reconcile its bill.
  { method: "GET", path: "/v1/credits", handle: getCredits },
  { method: "GET", path: "/v1/tasks/{id}", handle: getTaskRecord },
];

/** The native Gemini function URL, for Google's own SDKs. */
export const handler = createGatewayFunction({ dialect: "google", routes });
