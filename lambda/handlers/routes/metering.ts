/**
 * What every billed model route does around Google (DESIGN.md §5): a failure before any output refunds
 * the whole hold; a stream is settled exactly once from Google's last cumulative usage, is read to its
 * end even when the client has left (Google bills the whole generation), and a failure after its first
 * chunk becomes the route's own in-band error, charged for what was produced. The routes differ only
 * in how they write chunks, which they supply as a `StreamView`.
 *
 * Once the first byte is out, nothing may throw: the response is already a 200 and a rejection would
 * destroy it mid-body. A settlement that cannot be recorded leaves the task held for the sweeper,
 * which refunds it in full, and the client is told exactly that.
 */
import { Readable } from "node:stream";
import type { ModelSpec } from "../../domain/catalog.ts";
import { GatewayError, InternalError, StorageUnavailableError, UpstreamError } from "../../domain/errors.ts";
import { aggregateChunks } from "../../domain/gemini/aggregate.ts";
import type { GenerateContentResponse, UsageMetadata } from "../../domain/gemini/types.ts";
import { settleRequest, type Admitted, type SettleInput } from "../../middleware/admission.ts";
import type { RequestRecord } from "../../middleware/request-record.ts";
import { errorFacts, logger } from "../../telemetry/logger.ts";
import { countSettlementFailure } from "../../telemetry/metrics.ts";
import { UpstreamHttpError, UpstreamNetworkError, UpstreamStreamError } from "../../upstream/errors.ts";
import type { GenerateContentChunk, OpenedStream } from "../../upstream/failover.ts";
import { searchQueriesOf } from "./gemini-body.ts";

/** Settles the one admitted request, whose task id and record it carries; only the outcome is left to say. */
export type Settle = ((input: Omit<SettleInput, "admitted" | "model">) => ReturnType<typeof settleRequest>) & {
  readonly taskId: string;
  readonly record?: RequestRecord;
};

/** The sweeper refunds a hold this long after its request began, at the latest. */
const SWEEP_PROMISE = "its hold is released in full within 20 minutes";

/** What the client is told when a stream ends in trouble, by what happened to the bill. */
export const STREAM_MESSAGES = {
  failedCharged: (charge: number) =>
    `The upstream model failed mid-answer; the output so far is all there is. You were charged only for it (${charge} credits).`,
  failedRefunded: "The upstream model failed before producing any output; nothing was charged. Retry the request.",
  failedUnrecorded: `The upstream model failed mid-answer; the output so far is all there is. Its cost could not be recorded, so you will not be charged for this request: ${SWEEP_PROMISE}.`,
  completeUnrecorded: `The answer above is complete, but its cost could not be recorded, so you will not be charged for this request: ${SWEEP_PROMISE}.`,
} as const;

/**
 * @example
 * const settle = settlerFor(admitted, model);
 * await settle({ usage: reply.usageMetadata, status: "settled", upstreamAccount: account });
 */
export function settlerFor(admitted: Admitted, model: ModelSpec): Settle {
  return Object.assign((input: Parameters<Settle>[0]) => settleRequest({ admitted, model, ...input }), { taskId: admitted.task.taskId, record: admitted.record });
}

/**
 * Before any output, every failure refunds the whole hold; the error then reaches the client as is.
 * A refund that cannot be recorded is left to the sweeper: the client's error stays the true one.
 *
 * @example const opened = await refundingOnFailure(settle, () => openStream(call));
 */
export async function refundingOnFailure<T extends OpenedStream>(settle: Settle, call: () => Promise<T>): Promise<T> {
  try {
    const opened = await call();
    if (settle.record) settle.record.upstream = { account: opened.account, kind: opened.accountKind, attempts: opened.attempts };
    return opened;
  } catch (error) {
    if (settle.record && error instanceof UpstreamError && error.attempts !== undefined) settle.record.upstream = { attempts: error.attempts };
    await settle({ usage: undefined, status: "refunded", errorCode: error instanceof GatewayError ? error.code : "upstream_error" }).catch((failure: unknown) =>
      logUnrecorded(settle.taskId, failure, settle.record),
    );
    throw error;
  }
}

/**
 * For a client that did not ask to stream: read Google's stream whole, settle, and answer once.
 * A stream that breaks part-way refunds everything — the client received nothing — and is a 503.
 *
 * @example const { response, charge } = await collectAnswer(opened, settle);
 */
export async function collectAnswer(opened: OpenedStream, settle: Settle): Promise<{ response: GenerateContentResponse; charge: number }> {
  const chunks: GenerateContentChunk[] = [opened.first];
  try {
    for await (const chunk of opened.rest) chunks.push(chunk);
  } catch {
    await settle({ usage: undefined, status: "refunded", errorCode: "upstream_error", upstreamAccount: opened.account, upstreamKind: opened.accountKind }).catch((failure: unknown) =>
      logUnrecorded(settle.taskId, failure, settle.record),
    );
    throw new UpstreamError("The upstream model failed before finishing its answer; nothing was charged. Retry, or stream to keep partial output.");
  }
  const response = aggregateChunks(chunks);
  const searchQueries = new Set(chunks.flatMap(searchQueriesOf));
  try {
    const { charge } = await settle({ usage: response.usageMetadata, searchQueries: [...searchQueries], status: "settled", upstreamAccount: opened.account, upstreamKind: opened.accountKind });
    return { response, charge };
  } catch (error) {
    logUnrecorded(settle.taskId, error, settle.record);
    throw new StorageUnavailableError(`The answer could not be billed because the gateway's storage is not answering; nothing was charged (${SWEEP_PROMISE}). Retry the request.`);
  }
}

/** How a route writes one stream: what each upstream chunk, the end and a failure become. */
export interface StreamView<Out> {
  push(chunk: GenerateContentChunk): Iterable<Out>;
  /**
   * After the last chunk, beside settlement: what must be done before the client hears the answer
   * is complete (the Responses route keeps its output items). A rejection is logged, never thrown.
   */
  beforeFinish?(): Promise<void>;
  /** After the last chunk; `charge` is what was billed, or undefined when the bill could not be recorded. */
  finish(charge: number | undefined): Iterable<Out>;
  /** The in-band error: a failure after the first chunk, or a bill that could not be recorded. */
  fail(failure: GatewayError): Iterable<Out>;
  /** Written last, after `finish` or `fail`, unless the client has gone. */
  end(): Iterable<Out>;
  /** Google's last (cumulative) usage among the chunks pushed. */
  readonly usage: UsageMetadata | undefined;
  /** Whether the client has been sent any output, which decides `failed` (charged) over `refunded`. */
  readonly producedOutput: boolean;
}

/**
 * The stream's output, settling it once whatever happens; it never throws.
 *
 * @example
 * body: Readable.from(meteredStream(opened, settle, view))
 */
export async function* meteredStream<Out>(opened: OpenedStream, settle: Settle, view: StreamView<Out>): AsyncGenerator<Out> {
  const { taskId } = settle;
  // Grounding metadata may repeat across chunks; a query is billed once.
  const searchQueries = new Set<string>();
  let settlement: Promise<number | undefined> | undefined;
  const settleOnce = (failure?: unknown) => {
    settlement ??= settle({
      usage: view.usage,
      searchQueries: [...searchQueries],
      status: failure === undefined ? "settled" : view.producedOutput ? "failed" : "refunded",
      upstreamAccount: opened.account,
      upstreamKind: opened.accountKind,
      errorCode: failure === undefined ? undefined : isUpstreamFailure(failure) ? "upstream_error" : "internal_error",
    }).then(
      ({ charge }) => charge,
      (error: unknown) => {
        logUnrecorded(taskId, error, settle.record);
        return undefined;
      },
    );
    return settlement;
  };
  const upstream = (async function* () {
    yield opened.first;
    yield* opened.rest;
  })();
  const see = (chunk: GenerateContentChunk) => {
    for (const query of searchQueriesOf(chunk)) searchQueries.add(query);
    return view.push(chunk);
  };
  const sent = (out: Iterable<Out>) => {
    const pieces = [...out];
    if (pieces.length > 0) settle.record?.markFirstByte();
    return pieces;
  };
  let outcome: Out[];
  try {
    // Not `for await`: leaving that loop early (the client went away) would close Google's stream,
    // and the `finally` below must still be able to read it to the end.
    for (let next = await upstream.next(); !next.done; next = await upstream.next()) yield* sent(see(next.value));
    const [charge] = await Promise.all([settleOnce(), beforeFinishing(view, taskId)]);
    outcome = charge === undefined ? [...view.finish(undefined), ...view.fail(new StorageUnavailableError(STREAM_MESSAGES.completeUnrecorded))] : [...view.finish(charge)];
  } catch (error) {
    if (!isUpstreamFailure(error)) logger.error("stream failed unexpectedly", { taskId, ...errorFacts(error) });
    const charge = await settleOnce(error);
    outcome = [...view.fail(streamFailure(error, charge, view.producedOutput, taskId))];
  } finally {
    if (settlement === undefined) {
      // The client left early: drain Google's stream for its final usage, then settle.
      try {
        for await (const chunk of upstream) see(chunk);
        await settleOnce();
      } catch (error) {
        await settleOnce(error);
      }
    }
  }
  yield* outcome;
  yield* view.end();
}

/**
 * A metered stream as a response body. The request's record waits for the stream's very end —
 * settled, or drained after the client left — so its access line has the bill.
 *
 * @example return { statusCode: 200, headers, body: streamBody(opened, settle, view) };
 */
export function streamBody<Out>(opened: OpenedStream, settle: Settle, view: StreamView<Out>): Readable {
  let started = false;
  let finish = () => undefined as void;
  settle.record?.continuesUntil(new Promise<void>((resolve) => (finish = resolve)));
  const source = (async function* () {
    started = true;
    try {
      yield* meteredStream(opened, settle, view);
    } finally {
      finish();
    }
  })();
  const body = Readable.from(source);
  // A body destroyed before its first read never ran: nothing is left to wait for (the sweeper refunds its hold).
  body.once("close", () => {
    if (!started) finish();
  });
  return body;
}

async function beforeFinishing<Out>(view: StreamView<Out>, taskId: string): Promise<void> {
  try {
    await view.beforeFinish?.();
  } catch (error) {
    logger.error("a stream's work before its end failed", { taskId, ...errorFacts(error) });
  }
}

function streamFailure(error: unknown, charge: number | undefined, producedOutput: boolean, taskId: string): GatewayError {
  if (!isUpstreamFailure(error)) return new InternalError(taskId);
  if (charge === undefined) return new UpstreamError(STREAM_MESSAGES.failedUnrecorded);
  return new UpstreamError(producedOutput ? STREAM_MESSAGES.failedCharged(charge) : STREAM_MESSAGES.failedRefunded);
}

// Google's stream failing is expected; anything else thrown while streaming is a bug of ours.
function isUpstreamFailure(error: unknown): boolean {
  return error instanceof UpstreamNetworkError || error instanceof UpstreamStreamError || error instanceof UpstreamHttpError;
}

function logUnrecorded(taskId: string, error: unknown, record?: RequestRecord): void {
  if (record) record.unrecorded = true;
  countSettlementFailure();
  logger.error("settlement failed; the task stays held and the sweeper will refund it", { taskId, ...errorFacts(error) });
}

/**
 * Headers every billed answer carries: the task id, and the key's rate-limit state.
 *
 * @example json(200, body, await responseHeaders(admitted, context.requestId))
 */
export async function responseHeaders(admitted: Admitted, requestId: string): Promise<Record<string, string>> {
  return { "x-request-id": requestId, ...(await admitted.rateLimitHeaders) };
}
