/**
 * The contract every kind of upstream account fulfils, Portkey-style: given an account, a model
 * and an action, where to send the request, with which headers, in which body shape, and which
 * secrets to scrub from whatever comes back. The client (`gemini-client.ts`) and everything
 * after it — SSE parsing, error mapping, timeouts, failover — are shared.
 */
import type { UpstreamKind } from "../domain/catalog.ts";
import type { UpstreamAccount } from "./accounts.ts";

export type GeminiAction = "generateContent" | "streamGenerateContent" | "countTokens";

export interface EndpointRequest {
  readonly account: UpstreamAccount;
  /** Google's model id, e.g. `gemini-3-flash-preview` (a `models/` prefix is accepted). */
  readonly model: string;
  readonly action: GeminiAction;
  /** The native (AI Studio) request body. */
  readonly body: unknown;
}

export interface UpstreamEndpoint {
  readonly platform: UpstreamKind;
  /** Never contains a credential: URLs end up in stack traces and logs. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body in this API's own shape. */
  readonly body: unknown;
  /** Every credential the request carries, to redact from Google's answers. */
  readonly secrets: readonly string[];
  /** Google answered 401: the credential sent is no good any more. */
  rejected(): void;
}

/**
 * The model id as it goes into a URL path: without `models/`, percent-encoded.
 *
 * @example
 * modelPathSegment("models/gemini-3-flash-preview"); // "gemini-3-flash-preview"
 */
export function modelPathSegment(model: string): string {
  return encodeURIComponent(model.replace(/^models\//, ""));
}

/**
 * `?alt=sse` for streams: Google's SSE framing, which the shared parser reads.
 *
 * @example
 * actionSuffix("streamGenerateContent"); // ":streamGenerateContent?alt=sse"
 */
export function actionSuffix(action: GeminiAction): string {
  return `:${action}${action === "streamGenerateContent" ? "?alt=sse" : ""}`;
}
