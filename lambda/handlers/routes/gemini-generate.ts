/**
 * `POST …/models/{model}:generateContent` and `:streamGenerateContent`: Google's own protocol, for
 * `@google/genai` pointed at us. Validate, hold credits, call Google with failover and pass its answer
 * through — rewriting only the model id, the output cap the hold allows, and `responseId` (our task
 * id) — then settle from Google's last usage. Google is always called streaming; `:generateContent`
 * answers with the chunks joined into one response (domain/gemini/aggregate.ts). Nothing is charged for a request that fails before
 * Google produced output.
 */
import { planGenerateContent } from "../../domain/gemini/native-request.ts";
import { NativeStreamFramer, type NativeFraming } from "../../domain/gemini/stream-framing.ts";
import { json, type FunctionUrlResult } from "../../http/function-url.ts";
import { SSE_HEADERS } from "../../http/sse.ts";
import { admitRequest, resolveModel } from "../../middleware/admission.ts";
import type { RouteHandler, RouteRequest } from "../../middleware/types.ts";
import { openStream } from "../../upstream/failover.ts";
import { withOutputCap } from "./gemini-body.ts";
import { collectAnswer, refundingOnFailure, responseHeaders, settlerFor, streamBody } from "./metering.ts";

/** Where an unknown-model 404 sends the client. */
export const GOOGLE_MODEL_LIST = "/v1beta/models";

const JSON_ARRAY_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "application/json; charset=UTF-8",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};

/** `:generateContent`: settles first, then answers with Google's JSON. */
export const generateGeminiContent: RouteHandler = (request) => generateNative(request, false);

/** `:streamGenerateContent`: SSE with `?alt=sse`, else one JSON array written as chunks arrive. */
export const streamGeminiContent: RouteHandler = (request) => generateNative(request, true);

async function generateNative({ context, params, body, event }: RouteRequest, stream: boolean): Promise<FunctionUrlResult> {
  const key = context.key;
  if (!key) throw new Error("route reached without an authenticated key");
  const model = resolveModel(key, params.model, GOOGLE_MODEL_LIST);
  const plan = planGenerateContent(body, model);
  const admitted = await admitRequest({
    context,
    key,
    model,
    geminiBody: plan.body,
    requestedOutput: plan.maxOutputTokens,
    route: "gemini",
    stream,
    outputParam: plan.outputParam,
  });
  const call = { model: model.upstreamModel, body: withOutputCap(plan.body, admitted.outputCap) };
  const settle = settlerFor(admitted, model);

  const opened = await refundingOnFailure(settle, () => openStream(call));
  if (!stream) {
    const { response } = await collectAnswer(opened, settle);
    return json(200, { ...response, responseId: context.requestId }, await responseHeaders(admitted, context.requestId));
  }

  const framing: NativeFraming = event.queryStringParameters?.alt === "sse" ? "sse" : "json-array";
  return {
    statusCode: 200,
    headers: { ...(framing === "sse" ? SSE_HEADERS : JSON_ARRAY_HEADERS), ...(await responseHeaders(admitted, context.requestId)) },
    body: streamBody(opened, settle, new NativeStreamFramer(framing, context.requestId)),
  };
}
