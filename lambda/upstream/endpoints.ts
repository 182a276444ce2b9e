/**
 * Picks the provider for an account's kind (`ai-studio/`, `vertex/`); see `provider.ts` for the
 * contract they share.
 */
import { aiStudioEndpoint } from "./ai-studio/api.ts";
import type { EndpointRequest, UpstreamEndpoint } from "./provider.ts";
import { vertexEndpoint } from "./vertex/api.ts";

/**
 * Resolves the endpoint for one call; for a Vertex service account this may exchange a token
 * first (abortable through `signal`, and counted against the call's first-byte timeout).
 *
 * @example
 * const { url, headers, body } = await endpointFor({ account, model: "gemini-3-flash-preview", action: "countTokens", body: { contents } });
 */
export function endpointFor(request: EndpointRequest, signal?: AbortSignal): Promise<UpstreamEndpoint> {
  const { account } = request;
  if (account.kind === "vertex") return vertexEndpoint({ ...request, account }, signal);
  return Promise.resolve(aiStudioEndpoint({ ...request, account }));
}
