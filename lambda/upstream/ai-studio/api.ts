/**
 * Google AI Studio's Gemini API: `{base}/v1beta/models/{model}:{action}`, the key only in the
 * `x-goog-api-key` header, the body as sent.
 */
import { actionSuffix, modelPathSegment } from "../provider.ts";
import type { EndpointRequest, GeminiAction, UpstreamEndpoint } from "../provider.ts";
import { GOOGLE_BASE_URL } from "./account.ts";
import type { AiStudioAccount } from "./account.ts";

/**
 * The endpoint for one action. Never contains the key.
 *
 * @example
 * aiStudioUrl("https://generativelanguage.googleapis.com", "gemini-3-flash-preview", "streamGenerateContent");
 * // "https://generativelanguage.googleapis.com/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse"
 */
export function aiStudioUrl(baseUrl: string, model: string, action: GeminiAction): string {
  return `${baseUrl.replace(/\/+$/, "")}/v1beta/models/${modelPathSegment(model)}${actionSuffix(action)}`;
}

/**
 * @example
 * aiStudioEndpoint({ account: { name: "main", apiKey }, model, action: "generateContent", body }).headers["x-goog-api-key"]; // apiKey
 */
export function aiStudioEndpoint(request: EndpointRequest & { readonly account: AiStudioAccount }): UpstreamEndpoint {
  const { account } = request;
  return {
    platform: "ai-studio",
    url: aiStudioUrl(account.baseUrl ?? GOOGLE_BASE_URL, request.model, request.action),
    headers: { "content-type": "application/json", "x-goog-api-key": account.apiKey },
    body: request.body,
    secrets: [account.apiKey],
    rejected: () => undefined,
  };
}
