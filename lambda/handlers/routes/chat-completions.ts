/**
 * `POST /v1/chat/completions`: validate and translate, hold credits, call Google with failover,
 * translate back, settle from Google's final usage. Nothing is charged for a request that fails
 * before Google produced output.
 */
import { Readable } from "node:stream";
import { GatewayError } from "../../domain/errors.ts";
import type { GenerateContentResponse } from "../../domain/gemini/types.ts";
import { planChatRequest } from "../../domain/openai/request.ts";
import { toChatCompletion } from "../../domain/openai/response.ts";
import { ChatStreamTranslator } from "../../domain/openai/stream.ts";
import { toChatUsage } from "../../domain/openai/usage.ts";
import { json, type FunctionUrlResult } from "../../http/function-url.ts";
import { SSE_DONE, SSE_HEADERS, sseEvent } from "../../http/sse.ts";
import { admitRequest, resolveModel, settleRequest, type Admitted } from "../../middleware/admission.ts";
import type { RouteHandler } from "../../middleware/types.ts";
import { generate, openStream, type OpenedStream } from "../../upstream/failover.ts";
import { searchQueriesOf, withOutputCap } from "./gemini-body.ts";

export const createChatCompletion: RouteHandler = async ({ context, body }) => {
  const key = context.key;
  if (!key) throw new Error("route reached without an authenticated key");
  const plan = planChatRequest(body);
  const model = resolveModel(key, plan.model.id, "/v1/models");
  const admitted = await admitRequest({
    context,
    key,
    model,
    geminiBody: plan.body,
    requestedOutput: plan.maxOutputTokens,
    route: "chat",
    stream: plan.stream,
    outputParam: "max_tokens",
  });
  const call = { model: model.upstreamModel, body: withOutputCap(plan.body, admitted.outputCap) };
  const ctx = { id: context.requestId, created: Math.floor(Date.now() / 1000), model: model.id };
  const settle = (input: Omit<Parameters<typeof settleRequest>[0], "admitted" | "model">) => settleRequest({ admitted, model, ...input });

  if (!plan.stream) {
    const { account, response } = await refundingOnFailure(settle, () => generate(call));
    const reply = response as GenerateContentResponse;
    const completion = toChatCompletion(reply, ctx, plan);
    const { charge } = await settle({ usage: reply.usageMetadata, searchQueries: searchQueriesOf(reply), status: "settled", upstreamAccount: account });
    return json(200, { ...completion, usage: toChatUsage(reply.usageMetadata, charge) }, await responseHeaders(admitted, context.requestId));
  }

  const opened = await refundingOnFailure(settle, () => openStream(call));
  return {
    statusCode: 200,
    headers: { ...SSE_HEADERS, ...(await responseHeaders(admitted, context.requestId)) },
    body: Readable.from(streamCompletion(opened, new ChatStreamTranslator(ctx, plan), settle)),
  };
};

type Settle = (input: Omit<Parameters<typeof settleRequest>[0], "admitted" | "model">) => ReturnType<typeof settleRequest>;

/** Before any output, every failure refunds the whole hold; the error then reaches the client as is. */
async function refundingOnFailure<T>(settle: Settle, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    await settle({ usage: undefined, status: "refunded", errorCode: errorCodeOf(error) });
    throw error;
  }
}

/**
 * Streams the translated chunks. Upstream is read to its end and settled even if the client goes
 * away (the `finally`), because Google bills the whole generation; an upstream failure after the
 * first chunk becomes an in-band error chunk, charged for what was produced.
 */
async function* streamCompletion(
  opened: OpenedStream,
  translator: ChatStreamTranslator,
  settle: Settle,
): AsyncGenerator<string> {
  // Grounding metadata may repeat across chunks; a query is billed once.
  const searchQueries = new Set<string>();
  let settled = false;
  const settleOnce = async (failure?: unknown) => {
    if (settled) return 0;
    settled = true;
    const status = failure === undefined ? "settled" : translator.producedOutput ? "failed" : "refunded";
    const { charge } = await settle({ usage: translator.usage, searchQueries: [...searchQueries], status, upstreamAccount: opened.account, errorCode: failure === undefined ? undefined : "upstream_error" });
    return charge;
  };
  const upstream = (async function* () {
    yield opened.first;
    yield* opened.rest;
  })();
  try {
    for await (const chunk of upstream) {
      for (const query of searchQueriesOf(chunk)) searchQueries.add(query);
      for (const out of translator.push(chunk)) yield sseEvent(out);
    }
    const charge = await settleOnce();
    for (const out of translator.finish({ credits: charge })) yield sseEvent(out);
  } catch (error) {
    await settleOnce(error);
    yield sseEvent(translator.errorChunk("The upstream model failed mid-answer; the output so far is all there is. You were charged only for it.", "upstream_error"));
  } finally {
    if (!settled) {
      // The client left early: drain Google's stream for its final usage, then settle.
      try {
        for await (const chunk of upstream) {
          for (const query of searchQueriesOf(chunk)) searchQueries.add(query);
          translator.push(chunk);
        }
        await settleOnce();
      } catch (error) {
        await settleOnce(error);
      }
    }
  }
  yield SSE_DONE;
}

async function responseHeaders(admitted: Admitted, requestId: string): Promise<Record<string, string>> {
  return { "x-request-id": requestId, ...(await admitted.rateLimitHeaders) };
}

function errorCodeOf(error: unknown): string {
  return error instanceof GatewayError ? error.code : "upstream_error";
}
