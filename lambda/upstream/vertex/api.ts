/**
 * Vertex AI's Gemini endpoints:
 * - service account: `{base}/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:{action}`,
 *   `Authorization: Bearer <access token>`; the base is `https://{location}-aiplatform.googleapis.com`,
 *   or `https://aiplatform.googleapis.com` for `global`;
 * - express mode: `{base}/v1/publishers/google/models/{model}:{action}`, `x-goog-api-key`.
 * Bodies are AI Studio's, less the fields Vertex does not take.
 */
import { isRecord } from "../account-fields.ts";
import { actionSuffix, modelPathSegment } from "../provider.ts";
import type { EndpointRequest, GeminiAction, UpstreamEndpoint } from "../provider.ts";
import { VERTEX_GLOBAL_HOST, vertexLocation, vertexProject } from "./account.ts";
import type { VertexAccount, VertexServiceAccount } from "./account.ts";
import { defaultTokenCache } from "./token-cache.ts";

/**
 * The URL for one action on a Vertex account. Never contains a credential.
 *
 * @example
 * vertexUrl({ kind: "vertex", name: "vx", serviceAccount: key, location: "us-central1" }, "gemini-3.1-flash-lite", "countTokens");
 * // "https://us-central1-aiplatform.googleapis.com/v1/projects/{key.project_id}/locations/us-central1/publishers/google/models/gemini-3.1-flash-lite:countTokens"
 * vertexUrl({ kind: "vertex", name: "express", apiKey }, "gemini-3-flash-preview", "streamGenerateContent");
 * // "https://aiplatform.googleapis.com/v1/publishers/google/models/gemini-3-flash-preview:streamGenerateContent?alt=sse"
 */
export function vertexUrl(account: VertexAccount, model: string, action: GeminiAction): string {
  const publisherPath = `publishers/google/models/${modelPathSegment(model)}${actionSuffix(action)}`;
  if (!("serviceAccount" in account)) return `${trimmed(account.baseUrl ?? VERTEX_GLOBAL_HOST)}/v1/${publisherPath}`;
  const location = vertexLocation(account);
  const host = account.baseUrl ?? (location === "global" ? VERTEX_GLOBAL_HOST : `https://${location}-aiplatform.googleapis.com`);
  const project = encodeURIComponent(vertexProject(account));
  return `${trimmed(host)}/v1/projects/${project}/locations/${encodeURIComponent(location)}/${publisherPath}`;
}

/**
 * The body as Vertex takes it: no `model` field (the path names it), and `countTokens` flat, since
 * Vertex has no `generateContentRequest` wrapper.
 *
 * @example
 * vertexBody("countTokens", { generateContentRequest: { model: "models/m", contents, systemInstruction } });
 * // { contents, systemInstruction }
 */
export function vertexBody(action: GeminiAction, body: unknown): unknown {
  if (!isRecord(body)) return body;
  const inner = body.generateContentRequest ?? body.generate_content_request;
  const source = action === "countTokens" && isRecord(inner) ? pick(inner, COUNT_TOKENS_FIELDS) : body;
  const { model: _model, ...rest } = source;
  return rest;
}

/**
 * @example
 * const { url, headers } = await vertexEndpoint({ account, model, action: "streamGenerateContent", body }, signal);
 */
export async function vertexEndpoint(request: EndpointRequest & { readonly account: VertexAccount }, signal?: AbortSignal): Promise<UpstreamEndpoint> {
  const { account } = request;
  const common = { platform: "vertex" as const, url: vertexUrl(account, request.model, request.action), body: vertexBody(request.action, request.body) };
  if (!("serviceAccount" in account)) {
    const headers = { "content-type": "application/json", "x-goog-api-key": account.apiKey };
    return { ...common, headers, secrets: [account.apiKey], rejected: () => undefined };
  }
  const token = await defaultTokenCache.tokenFor(account.serviceAccount, signal);
  return {
    ...common,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    secrets: [token, ...privateKeySecrets(account)],
    rejected: () => defaultTokenCache.forget(account.serviceAccount, token),
  };
}

// Also each line of the key's body, in case a message quotes a fragment of it.
function privateKeySecrets(account: VertexServiceAccount): string[] {
  const key = account.serviceAccount.private_key;
  return [key, ...key.split(/\r?\n/).filter((line) => line.length >= 16 && !line.startsWith("-----"))];
}

// Vertex's CountTokensRequest takes these beside `contents`; a wrapped request's others would be refused.
const COUNT_TOKENS_FIELDS = ["contents", "systemInstruction", "system_instruction", "tools", "generationConfig", "generation_config"];

function pick(source: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((field) => source[field] !== undefined).map((field) => [field, source[field]]));
}

function trimmed(url: string): string {
  return url.replace(/\/+$/, "");
}
