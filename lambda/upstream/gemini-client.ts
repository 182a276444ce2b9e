/**
 * The Google client: one account, one call, no retries (failover lives in `failover.ts`). Each
 * kind of account says where and how to call (`endpoints.ts`); credentials travel only in
 * headers, never in a URL: URLs end up in stack traces and logs.
 */
import type { UpstreamAccount } from "./accounts.ts";
import { aiStudioUrl } from "./ai-studio/api.ts";
import { endpointFor } from "./endpoints.ts";
import { UpstreamHttpError, UpstreamStreamError, googleErrorFrom, redact } from "./errors.ts";
import type { GeminiAction, UpstreamEndpoint } from "./provider.ts";
import { parseSse } from "./sse.ts";
import { DEFAULT_TIMEOUTS, Deadline } from "./timeouts.ts";
import type { UpstreamTimeouts } from "./timeouts.ts";

export type { GeminiAction } from "./provider.ts";

export interface GeminiRequest {
  readonly account: UpstreamAccount;
  /** Google's model id, e.g. `gemini-3-flash-preview` (a `models/` prefix is accepted). */
  readonly model: string;
  /** The request body, sent as JSON exactly as given. */
  readonly body: unknown;
  readonly signal?: AbortSignal;
  readonly timeouts?: Partial<UpstreamTimeouts>;
}

/**
 * AI Studio's endpoint for one action (see `ai-studio/api.ts`). Never contains the key.
 *
 * @example
 * geminiUrl("https://generativelanguage.googleapis.com", "gemini-3-flash-preview", "streamGenerateContent");
 * // "https://generativelanguage.googleapis.com/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse"
 */
export function geminiUrl(baseUrl: string, model: string, action: GeminiAction): string {
  return aiStudioUrl(baseUrl, model, action);
}

/**
 * Calls `:generateContent` and returns Google's parsed JSON answer.
 *
 * @example
 * const answer = await generateContent({ account, model: "gemini-3-flash-preview", body: { contents } });
 */
export function generateContent(request: GeminiRequest): Promise<unknown> {
  return unary(request, "generateContent");
}

/**
 * Calls `:countTokens` and returns Google's parsed JSON answer (`{ totalTokens, … }`).
 *
 * @example
 * const { totalTokens } = (await countTokens({ account, model, body: { contents } })) as { totalTokens: number };
 */
export function countTokens(request: GeminiRequest): Promise<unknown> {
  return unary(request, "countTokens");
}

/**
 * Calls `:streamGenerateContent?alt=sse`; resolves once Google answered 2xx, with the chunks to come.
 * The first-byte timeout runs until the first chunk, then the idle timeout from each chunk to the
 * next (the caller's time with a chunk counts). The
 * iterator throws `UpstreamHttpError` for an error object in place of the first chunk,
 * `UpstreamStreamError` for one after it, and `UpstreamNetworkError` for a cut or a timeout;
 * ending the iteration early drops the connection.
 *
 * @example
 * for await (const chunk of await streamGenerateContent({ account, model, body })) console.log(chunk);
 */
export async function streamGenerateContent(request: GeminiRequest): Promise<AsyncGenerator<unknown, void, undefined>> {
  const payload = serialize(request.body);
  const timeouts = { ...DEFAULT_TIMEOUTS, ...request.timeouts };
  const deadline = new Deadline(request.signal);
  deadline.arm(timeouts.firstByteMs, "the first chunk");
  try {
    const { response, endpoint } = await post(request, "streamGenerateContent", payload, deadline);
    if (response.body === null) throw new UpstreamStreamError("Google answered the stream request without a body.");
    return chunks(response.body, endpoint, deadline, timeouts.idleMs);
  } catch (error) {
    deadline.close();
    throw deadline.failure(error);
  }
}

async function* chunks(
  body: ReadableStream<Uint8Array>,
  endpoint: UpstreamEndpoint,
  deadline: Deadline,
  idleMs: number,
): AsyncGenerator<unknown, void, undefined> {
  let count = 0;
  try {
    for await (const event of parseSse(body)) {
      const error = googleErrorFrom(event, 500, endpoint.secrets, endpoint.platform);
      if (error !== undefined && count === 0) throw error;
      if (error !== undefined) throw new UpstreamStreamError(`Google failed mid-stream: ${error.message}`, error.status);
      count += 1;
      // Armed across the yield too, so a stream the caller abandons without `return()` still closes.
      deadline.arm(idleMs, "the next chunk");
      yield event;
    }
  } catch (error) {
    throw deadline.failure(error);
  } finally {
    deadline.close();
  }
}

async function unary(request: GeminiRequest, action: GeminiAction): Promise<unknown> {
  const payload = serialize(request.body);
  const timeouts = { ...DEFAULT_TIMEOUTS, ...request.timeouts };
  const deadline = new Deadline(request.signal);
  deadline.arm(timeouts.firstByteMs, "the answer");
  try {
    const { response } = await post(request, action, payload, deadline);
    deadline.arm(timeouts.idleMs, "the rest of the answer");
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new UpstreamStreamError(`Google sent an answer that is not JSON (${text.length} characters).`);
    }
  } catch (error) {
    throw deadline.failure(error);
  } finally {
    deadline.close();
  }
}

/**
 * Resolves the endpoint (a Vertex token exchange counts against the deadline) and sends the
 * request; throws `UpstreamHttpError` for a non-2xx answer (after reading its body).
 */
async function post(
  request: GeminiRequest,
  action: GeminiAction,
  payload: string,
  deadline: Deadline,
): Promise<{ response: Response; endpoint: UpstreamEndpoint }> {
  const endpoint = await endpointFor({ account: request.account, model: request.model, action, body: request.body }, deadline.signal);
  const response = await fetch(endpoint.url, {
    method: "POST",
    headers: endpoint.headers,
    body: endpoint.body === request.body ? payload : serialize(endpoint.body),
    signal: deadline.signal,
  });
  if (response.ok) return { response, endpoint };
  if (response.status === 401) endpoint.rejected();
  const text = await response.text();
  throw googleErrorFrom(parseJson(text), response.status, endpoint.secrets, endpoint.platform) ?? opaqueError(response, text, endpoint);
}

// Proxies and load balancers answer with HTML or plain text; keep a short, single-line excerpt.
function opaqueError(response: Response, text: string, endpoint: UpstreamEndpoint): UpstreamHttpError {
  // Redacted before it is cut short, so no part of a credential survives the cut.
  const excerpt = redact(text, endpoint.secrets).replace(/\s+/g, " ").trim().slice(0, 200);
  return new UpstreamHttpError({
    status: response.status,
    googleStatus: "UNKNOWN",
    googleMessage: excerpt === "" ? response.statusText || "(empty body)" : excerpt,
    platform: endpoint.platform,
  });
}

// Called before the attempt's try: a body that cannot be serialised is a bug, not a network failure.
function serialize(body: unknown): string {
  return JSON.stringify(body ?? {});
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
