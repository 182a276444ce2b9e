/**
 * What every billed model route does around Google (DESIGN.md §5): a failure before any output refunds
 * the whole hold; a stream is settled exactly once from Google's last cumulative usage, is read to its
 * end even when the client has left (Google bills the whole generation), and a failure after its first
 * chunk becomes the route's own in-band error, charged for what was produced. The routes differ only
 * in how they write chunks, which they supply as a `StreamView`.
 */
import type { ModelSpec } from "../../domain/catalog.ts";
import { GatewayError, UpstreamError } from "../../domain/errors.ts";
import { aggregateChunks } from "../../domain/gemini/aggregate.ts";
import type { GenerateContentResponse, UsageMetadata } from "../../domain/gemini/types.ts";
import { settleRequest, type Admitted, type SettleInput } from "../../middleware/admission.ts";
import type { GenerateContentChunk, OpenedStream } from "../../upstream/failover.ts";
import { searchQueriesOf } from "./gemini-body.ts";

/** Settles the one admitted request; only the outcome is left to say. */
export type Settle = (input: Omit<SettleInput, "admitted" | "model">) => ReturnType<typeof settleRequest>;

export const MID_STREAM_FAILURE = "The upstream model failed mid-answer; the output so far is all there is. You were charged only for it.";

/**
 * @example
 * const settle = settlerFor(admitted, model);
 * await settle({ usage: reply.usageMetadata, status: "settled", upstreamAccount: account });
 */
export function settlerFor(admitted: Admitted, model: ModelSpec): Settle {
  return (input) => settleRequest({ admitted, model, ...input });
}

/**
 * Before any output, every failure refunds the whole hold; the error then reaches the client as is.
 *
 * @example const { response, account } = await refundingOnFailure(settle, () => generate(call));
 */
export async function refundingOnFailure<T>(settle: Settle, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    await settle({ usage: undefined, status: "refunded", errorCode: error instanceof GatewayError ? error.code : "upstream_error" });
    throw error;
  }
}

/**
 * For a client that did not ask to stream: read Google's stream whole, settle, and answer once.
 * A stream that breaks part-way refunds everything — the client received nothing — and is a 503.
 *
 * @example const { response, charge } = await collectAnswer(await refundingOnFailure(settle, () => openStream(call)), settle);
 */
export async function collectAnswer(opened: OpenedStream, settle: Settle): Promise<{ response: GenerateContentResponse; charge: number }> {
  const chunks: GenerateContentChunk[] = [opened.first];
  try {
    for await (const chunk of opened.rest) chunks.push(chunk);
  } catch {
    await settle({ usage: undefined, status: "refunded", errorCode: "upstream_error", upstreamAccount: opened.account, upstreamKind: opened.accountKind });
    throw new UpstreamError("The upstream model failed before finishing its answer; nothing was charged. Retry, or stream to keep partial output.");
  }
  const response = aggregateChunks(chunks);
  const searchQueries = new Set(chunks.flatMap(searchQueriesOf));
  const { charge } = await settle({
    usage: response.usageMetadata,
    searchQueries: [...searchQueries],
    status: "settled",
    upstreamAccount: opened.account,
    upstreamKind: opened.accountKind,
  });
  return { response, charge };
}

/** How a route writes one stream: what each upstream chunk, the end and a failure become. */
export interface StreamView<Out> {
  push(chunk: GenerateContentChunk): Iterable<Out>;
  /** After the last chunk, once settled for `charge` credits. */
  finish(charge: number): Iterable<Out>;
  /** The in-band error for a failure after the first chunk. */
  fail(message: string): Iterable<Out>;
  /** Written last, after `finish` or `fail`, unless the client has gone. */
  end(): Iterable<Out>;
  /** Google's last (cumulative) usage among the chunks pushed. */
  readonly usage: UsageMetadata | undefined;
  /** Whether the client has been sent any output, which decides `failed` (charged) over `refunded`. */
  readonly producedOutput: boolean;
}

/**
 * The stream's output, settling it once whatever happens.
 *
 * @example
 * body: Readable.from(meteredStream(opened, settle, view))
 */
export async function* meteredStream<Out>(opened: OpenedStream, settle: Settle, view: StreamView<Out>): AsyncGenerator<Out> {
  // Grounding metadata may repeat across chunks; a query is billed once.
  const searchQueries = new Set<string>();
  let settled = false;
  const settleOnce = async (failure?: unknown) => {
    if (settled) return 0;
    settled = true;
    const status = failure === undefined ? "settled" : view.producedOutput ? "failed" : "refunded";
    const { charge } = await settle({
      usage: view.usage,
      searchQueries: [...searchQueries],
      status,
      upstreamAccount: opened.account,
      upstreamKind: opened.accountKind,
      errorCode: failure === undefined ? undefined : "upstream_error",
    });
    return charge;
  };
  const upstream = (async function* () {
    yield opened.first;
    yield* opened.rest;
  })();
  const see = (chunk: GenerateContentChunk) => {
    for (const query of searchQueriesOf(chunk)) searchQueries.add(query);
    return view.push(chunk);
  };
  try {
    // Not `for await`: leaving that loop early (the client went away) would close Google's stream,
    // and the `finally` below must still be able to read it to the end.
    for (let next = await upstream.next(); !next.done; next = await upstream.next()) yield* see(next.value);
    const charge = await settleOnce();
    yield* view.finish(charge);
  } catch (error) {
    await settleOnce(error);
    yield* view.fail(MID_STREAM_FAILURE);
  } finally {
    if (!settled) {
      // The client left early: drain Google's stream for its final usage, then settle.
      try {
        for await (const chunk of upstream) see(chunk);
        await settleOnce();
      } catch (error) {
        await settleOnce(error);
      }
    }
  }
  yield* view.end();
}

/**
 * Headers every billed answer carries: the task id, and the key's rate-limit state.
 *
 * @example json(200, body, await responseHeaders(admitted, context.requestId))
 */
export async function responseHeaders(admitted: Admitted, requestId: string): Promise<Record<string, string>> {
  return { "x-request-id": requestId, ...(await admitted.rateLimitHeaders) };
}
