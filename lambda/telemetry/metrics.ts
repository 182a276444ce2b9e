/**
 * CloudWatch metrics in the embedded metric format (Powertools for AWS Lambda), namespace
 * `GeminiGateway`: each call below writes one EMF line to stdout, which CloudWatch Logs turns into
 * metrics — no API call on the request path. The stack's alarms and dashboard read the same names
 * and dimensions (`metric-names.ts`, `lib/observability.ts`).
 *
 * Local runs and tests set `POWERTOOLS_METRICS_DISABLED`; nothing is written then.
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { METRIC, METRICS_NAMESPACE, SERVICE } from "./metric-names.ts";

export { METRIC, METRICS_NAMESPACE, SERVICE } from "./metric-names.ts";

const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE });

type MetricUnitName = "Count" | "Milliseconds";

/** One EMF line: these values under these dimensions (plus Powertools' own `service`). Synchronous, so lines never interleave. */
function emit(dimensions: Record<string, string>, values: ReadonlyArray<readonly [string, number, MetricUnitName]>): void {
  metrics.addDimensions(dimensions);
  for (const [name, value, unit] of values) metrics.addMetric(name, MetricUnit[unit], value);
  metrics.publishStoredMetrics();
}

export interface RequestMetrics {
  readonly fn: string;
  readonly route: string;
  readonly model?: string;
  readonly status: number;
  readonly errorCode?: string;
  readonly totalMs: number;
  readonly firstByteMs?: number;
  readonly creditsCharged?: number;
  readonly creditsRefunded?: number;
}

/**
 * One request, when it has ended: counted by function (what the alarms read), by route and model
 * (the dashboard's breakdown), and, if it failed, by error code.
 */
export function countRequest(request: RequestMetrics): void {
  emit({ Function: request.fn }, [
    [METRIC.requests, 1, "Count"],
    [METRIC.clientErrors, request.status >= 400 && request.status < 500 ? 1 : 0, "Count"],
    [METRIC.serverErrors, request.status >= 500 ? 1 : 0, "Count"],
    [METRIC.totalLatency, request.totalMs, "Milliseconds"],
    ...(request.firstByteMs === undefined ? [] : [[METRIC.firstByteLatency, request.firstByteMs, "Milliseconds"] as const]),
    [METRIC.creditsCharged, request.creditsCharged ?? 0, "Count"],
    [METRIC.creditsRefunded, request.creditsRefunded ?? 0, "Count"],
  ]);
  emit({ Function: request.fn, Route: request.route, Model: request.model ?? "none" }, [
    [METRIC.requests, 1, "Count"],
    [METRIC.creditsCharged, request.creditsCharged ?? 0, "Count"],
  ]);
  if (request.errorCode !== undefined) emit({ Function: request.fn, Code: request.errorCode }, [[METRIC.errors, 1, "Count"]]);
}

/** One failed attempt at an upstream account, before the first byte; a failover follows if another account is left. */
export function countUpstreamFailure(account: string): void {
  emit({ UpstreamAccount: account }, [[METRIC.upstreamFailures, 1, "Count"]]);
  emit({}, [[METRIC.upstreamFailures, 1, "Count"]]);
}

/** One call to Google through the pool, however many accounts it took; `exhausted` when none answered. */
export function countUpstreamCall(account: string | undefined, attempts: number, exhausted: boolean): void {
  emit({}, [
    [METRIC.upstreamCalls, 1, "Count"],
    [METRIC.upstreamExhausted, exhausted ? 1 : 0, "Count"],
  ]);
  if (account !== undefined && attempts > 1) emit({ UpstreamAccount: account }, [[METRIC.failovers, attempts - 1, "Count"]]);
}

export function countSettlementFailure(): void {
  emit({}, [[METRIC.settlementFailures, 1, "Count"]]);
}

export function countHoldsSwept(count: number): void {
  emit({}, [[METRIC.holdsSwept, count, "Count"]]);
}
