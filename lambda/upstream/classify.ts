/**
 * What a failed attempt means: try the next account (and cool this one down), or stop because the
 * request itself is at fault. Only failures before the first output byte get here.
 */
import { InvalidRequestError } from "../domain/errors.ts";
import type { GatewayError } from "../domain/errors.ts";
import { UpstreamHttpError, UpstreamNetworkError, UpstreamStreamError } from "./errors.ts";
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
  if (!(error instanceof UpstreamHttpError)) return { action: "rethrow" };
  const label = `${error.status} ${error.googleStatus}`;
  if (error.status === 429) return { action: "failover", failure: { kind: "rate-limited", retryAfterMs: error.retryAfterMs }, label };
  if (isAccountProblem(error)) return { action: "failover", failure: { kind: "rejected-key" }, label };
  if (error.status === 408 || error.status >= 500) return { action: "failover", failure: { kind: "transient" }, label };
  return { action: "reject", error: new InvalidRequestError(`Google rejected the request: ${error.googleMessage}`) };
}

// Google answers a bad, expired or unbilled key with 400 rather than 401/403. Those are the
// operator's accounts failing, not the customer's request, and must not reach the customer.
function isAccountProblem(error: UpstreamHttpError): boolean {
  if (error.status === 401 || error.status === 402 || error.status === 403) return true;
  if (error.status !== 400) return false;
  if (error.reason?.startsWith("API_KEY_") === true || error.googleStatus === "FAILED_PRECONDITION") return true;
  return /\bAPI key\b/i.test(error.googleMessage);
}
