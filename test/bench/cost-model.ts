/**
 * What a request costs the operator in AWS, beside what its tokens cost at Google, from the figures
 * `npm run bench` measures (the gateway's CPU per request, DynamoDB units and log bytes) and a few
 * stated assumptions (how long Google takes, what a typical request holds). Pure arithmetic.
 *
 * Prices: us-east-1 list prices, arm64 Lambda, DynamoDB on-demand, December 2026.
 */
import { findModel } from "../../lambda/domain/catalog.ts";

export const AWS_PRICES = {
  /** Lambda arm64, per GB-second of duration (a stream's whole wait on Google included). */
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1_000_000,
  dynamoWriteUnit: 0.625 / 1_000_000,
  dynamoReadUnit: 0.125 / 1_000_000,
  secretsManagerCall: 0.05 / 10_000,
  cloudWatchLogsGb: 0.5,
} as const;

/** Lambda gives a function one full vCPU at 1,769 MB, and a share in proportion below it. */
export const FULL_VCPU_MB = 1_769;

/** A typical request of each model, and how long Google takes to answer it (assumed, not measured here). */
export interface TypicalRequest {
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly thinkingTokens: number;
  readonly googleSeconds: number;
}

export const TYPICAL_REQUESTS: readonly TypicalRequest[] = [
  { model: "gemini-3.1-flash-lite", inputTokens: 1_000, outputTokens: 300, thinkingTokens: 0, googleSeconds: 2 },
  { model: "gemini-3-flash", inputTokens: 2_000, outputTokens: 500, thinkingTokens: 1_000, googleSeconds: 8 },
  { model: "gemini-3.1-pro-preview", inputTokens: 2_000, outputTokens: 500, thinkingTokens: 2_000, googleSeconds: 25 },
];

export interface Measured {
  /** The gateway's own CPU per request, on one full core: auth, admission, translation, settlement. */
  readonly cpuMs: number;
  /** And per streamed chunk; it runs while the next chunk is awaited, so it adds to no duration. */
  readonly cpuMsPerChunk: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly logBytes: number;
  /** DynamoDB round trips in AWS, waited on within the request (admission, settlement). */
  readonly storageWaitMs: number;
  /** Secrets Manager reads per request: one per warm instance per minute, spread over its requests. */
  readonly secretReadsPerRequest: number;
}

export interface RequestCost {
  readonly model: string;
  /** Credits (1 credit = $0.000001). */
  readonly tokens: number;
  readonly lambda: number;
  readonly dynamo: number;
  readonly secrets: number;
  readonly logs: number;
  readonly aws: number;
  /** What the gateway adds to the request's wall time at this memory size. */
  readonly addedMs: number;
  /** What it adds to each streamed chunk's delivery at this memory size. */
  readonly perChunkMs: number;
}

const CREDITS_PER_USD = 1_000_000;

/** @example costOf(TYPICAL_REQUESTS[1], measured, 512).aws // credits of AWS per typical Flash request */
export function costOf(request: TypicalRequest, measured: Measured, memoryMb: number): RequestCost {
  const prices = findModel(request.model)?.prices;
  if (prices === undefined) throw new Error(`${request.model} is not in the catalog`);
  const tokens = (request.inputTokens * prices.input + (request.outputTokens + request.thinkingTokens) * prices.output) / 1_000_000;
  const cpuShare = Math.max(1, FULL_VCPU_MB / memoryMb);
  const addedMs = measured.cpuMs * cpuShare + measured.storageWaitMs;
  const seconds = request.googleSeconds + addedMs / 1000;
  const usd = {
    lambda: (memoryMb / 1024) * seconds * AWS_PRICES.lambdaGbSecond + AWS_PRICES.lambdaRequest,
    dynamo: measured.writeUnits * AWS_PRICES.dynamoWriteUnit + measured.readUnits * AWS_PRICES.dynamoReadUnit,
    secrets: measured.secretReadsPerRequest * AWS_PRICES.secretsManagerCall,
    logs: (measured.logBytes / 1024 ** 3) * AWS_PRICES.cloudWatchLogsGb,
  };
  const credits = (value: number) => value * CREDITS_PER_USD;
  return {
    model: request.model,
    tokens,
    lambda: credits(usd.lambda),
    dynamo: credits(usd.dynamo),
    secrets: credits(usd.secrets),
    logs: credits(usd.logs),
    aws: credits(usd.lambda + usd.dynamo + usd.secrets + usd.logs),
    addedMs,
    perChunkMs: measured.cpuMsPerChunk * cpuShare,
  };
}
