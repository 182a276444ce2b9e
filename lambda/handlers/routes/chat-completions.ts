/**
 * `POST /v1/chat/completions`: validate and translate, hold credits, call Google with failover,
 * translate back, settle from Google's final usage. Google is always called streaming (see
 * domain/gemini/aggregate.ts); a client that did not ask to stream gets the whole answer at once.
 * Nothing is charged for a request that fails before Google produced output.
 */
import { planChatRequest } from "../../domain/openai/request.ts";
import { toChatCompletion } from "../../domain/openai/response.ts";
import { ChatStreamTranslator } from "../../domain/openai/stream.ts";
import { json, type FunctionUrlResult } from "../../http/function-url.ts";
import { SSE_DONE, SSE_HEADERS, sseEvent } from "../../http/sse.ts";
import { admitRequest, resolveModel } from "../../middleware/admission.ts";
import type { RouteHandler } from "../../middleware/types.ts";
import { openStream } from "../../upstream/failover.ts";
import { withOutputCap } from "./gemini-body.ts";
import { collectAnswer, refundingOnFailure, responseHeaders, settlerFor, streamBody, type StreamView } from "./metering.ts";

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

  const opened = await refundingOnFailure(settle, () => openStream(call));
  if (!plan.stream) {
    const { response, charge } = await collectAnswer(opened, settle);
    return json(200, toChatCompletion(response, ctx, plan, { credits: charge }), await responseHeaders(admitted, context.requestId));
  }
  return {
    statusCode: 200,
    headers: { ...SSE_HEADERS, ...(await responseHeaders(admitted, context.requestId)) },
    body: streamBody(opened, settle, chatView(new ChatStreamTranslator(ctx, plan))),
  };
};

/** Chat's SSE: translated chunks, an error chunk in-band, and `[DONE]` last. */
function chatView(translator: ChatStreamTranslator): StreamView<string> {
  return {
    push: (chunk) => translator.push(chunk).map(sseEvent),
    finish: (charge) => translator.finish({ credits: charge }).map(sseEvent),
    fail: (failure) => [sseEvent(translator.errorEvent(failure))],
    end: () => [SSE_DONE],
    get usage() {
      return translator.usage;
    },
    get producedOutput() {
      return translator.producedOutput;
    },
  };
}
