/**
 * `POST /v1/chat/completions`: validate and translate, hold credits, call Google with failover,
 * translate back, settle from Google's final usage. Nothing is charged for a request that fails
 * before Google produced output.
 */
import { Readable } from "node:stream";
import type { GenerateContentResponse } from "../../domain/gemini/types.ts";
import { planChatRequest } from "../../domain/openai/request.ts";
import { toChatCompletion } from "../../domain/openai/response.ts";
import { ChatStreamTranslator } from "../../domain/openai/stream.ts";
import { toChatUsage } from "../../domain/openai/usage.ts";
import { json, type FunctionUrlResult } from "../../http/function-url.ts";
import { SSE_DONE, SSE_HEADERS, sseEvent } from "../../http/sse.ts";
import { admitRequest, resolveModel } from "../../middleware/admission.ts";
import type { RouteHandler } from "../../middleware/types.ts";
import { generate, openStream } from "../../upstream/failover.ts";
import { searchQueriesOf, withOutputCap } from "./gemini-body.ts";
import { meteredStream, refundingOnFailure, responseHeaders, settlerFor, type StreamView } from "./metering.ts";

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
  const settle = settlerFor(admitted, model);

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
    body: Readable.from(meteredStream(opened, settle, chatView(new ChatStreamTranslator(ctx, plan)))),
  };
};

/** Chat's SSE: translated chunks, an error chunk in-band, and `[DONE]` last. */
function chatView(translator: ChatStreamTranslator): StreamView<string> {
  return {
    push: (chunk) => translator.push(chunk).map(sseEvent),
    finish: (charge) => translator.finish({ credits: charge }).map(sseEvent),
    fail: (message) => [sseEvent(translator.errorChunk(message, "upstream_error"))],
    end: () => [SSE_DONE],
    get usage() {
      return translator.usage;
    },
    get producedOutput() {
      return translator.producedOutput;
    },
  };
}
