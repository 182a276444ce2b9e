/**
 * What a failed attempt means: try the next account (and cool this one down), or stop because the
 * request itself is at fault. Only failures before the first output byte get here.
 */
import { InvalidRequestError } from "../domain/errors.ts";
import type { GatewayError } from "../domain/errors.ts";
import { UpstreamAuthError, UpstreamHttpError, UpstreamNetworkError, UpstreamStreamError } from "./errors.ts";
import type { FailureClass } from "./pool.ts";

export type Verdict =
  /** The account is at fault: cool it down, try the next one. `label` names the failure for the 503. */
  | { readonly action: "failover"; readonly failure: FailureClass; readonly label: string }
  /** The request is at fault: every account would refuse it the same way. */
  | { readonly action: "reject"; readonly error: GatewayError }
  /** Not an upstream failure (a bug, or the caller's abort): let it propagate unchanged. */
  | { readonly action: "rethrow" };

const NETWORK_LABELS = { connect: "connection failed", reset: "connection reset", timeout: "timeout" } as const;

/**
 * Classifies an error thrown by the Google client.
 *
 * @example
 * classify(new UpstreamHttpError({ status: 503, googleStatus: "UNAVAILABLE", googleMessage: "overloaded" }));
 * // { action: "failover", failure: { kind: "transient" }, label: "503 UNAVAILABLE" }
 */
export function classify(error: unknown): Verdict {
  if (error instanceof UpstreamNetworkError) {
    return { action: "failover", failure: { kind: "transient" }, label: NETWORK_LABELS[error.kind] };
  }
  if (error instanceof UpstreamStreamError) {
    return { action: "failover", failure: { kind: "transient" }, label: "broken stream" };
  }
  if (error instanceof UpstreamAuthError) {
    if (error.failure === "refused") return { action: "failover", failure: { kind: "rejected-key" }, label: "token exchange refused" };
    return { action: "failover", failure: { kind: "transient" }, label: "token endpoint unavailable" };
  }
  if (!(error instanceof UpstreamHttpError)) return { action: "rethrow" };
  const label = `${error.status} ${error.googleStatus}`;
  if (error.status === 429) return { action: "failover", failure: { kind: "rate-limited", retryAfterMs: error.retryAfterMs }, label };
  if (isAccountProblem(error)) return { action: "failover", failure: { kind: "rejected-key" }, label };
  if (error.status === 408 || error.status >= 500) return { action: "failover", failure: { kind: "transient" }, label };
  return { action: "reject", error: new InvalidRequestError(`Google rejected the request: ${error.googleMessage}`) };
}

const ACCOUNT_REASONS = /^(API_KEY_|SERVICE_DISABLED|CONSUMER_|BILLING_|ACCESS_TOKEN_)/;
const ACCOUNT_MESSAGES = /\bAPI key\b|unregistered callers|has not been used|is disabled|suspended|billing/i;
// On Vertex a 403 is the account's (IAM, API disabled, billing), unless it is about a Cloud
// Storage object or cache the customer named, which every account would be refused alike. A 404
// for a publisher model the catalog says Vertex serves means this project may not use it.
const REFERENCED_RESOURCE = /gs:\/\/|cachedContents\/|\bfiles\//;
const MODEL_NOT_IN_PROJECT = /\bPublisher Model\b/;

// Google answers a bad, expired or unbilled key with 400 or 403. Those are the operator's accounts
// failing, not the customer's request, and must not reach the customer. A 403 about something the
// request references (a file or cache our accounts cannot read) is the request's fault: every
// account would refuse it, so it must not cool them all down.
function isAccountProblem(error: UpstreamHttpError): boolean {
  if (error.status === 401 || error.status === 402) return true;
  if (error.platform === "vertex" && error.status === 403) return !REFERENCED_RESOURCE.test(error.googleMessage);
  if (error.platform === "vertex" && error.status === 404) return MODEL_NOT_IN_PROJECT.test(error.googleMessage);
  if (error.status !== 400 && error.status !== 403) return false;
  if (ACCOUNT_REASONS.test(error.reason ?? "") || (error.status === 400 && error.googleStatus === "FAILED_PRECONDITION")) return true;
  return ACCOUNT_MESSAGES.test(error.googleMessage);
}
