/**
 * The gateway's metric names, defined once for the functions that write them (`metrics.ts`) and for
 * the stack's alarms and dashboard that read them (`lib/observability.ts`). Pure data.
 */
export const METRICS_NAMESPACE = "GeminiGateway";
/** Powertools adds it to every metric as the `service` dimension. */
export const SERVICE = "gemini-gateway";

export const METRIC = {
  requests: "Requests",
  clientErrors: "ClientErrors",
  serverErrors: "ServerErrors",
  errors: "Errors",
  firstByteLatency: "FirstByteLatency",
  totalLatency: "TotalLatency",
  creditsCharged: "CreditsCharged",
  creditsRefunded: "CreditsRefunded",
  upstreamCalls: "UpstreamCalls",
  upstreamFailures: "UpstreamFailures",
  failovers: "Failovers",
  upstreamExhausted: "UpstreamExhausted",
  settlementFailures: "SettlementFailures",
  holdsSwept: "HoldsSwept",
} as const;
