/**
 * `POST /v1/responses`: the OpenAI Responses API on the chat function URL. Read what the input names
 * from storage, validate and translate, then exactly the chat route's path — hold credits, call Google
 * with failover, translate back, settle from Google's final usage (metering.ts) — and keep the output
 * items for `item_reference` unless the request set `store: false`. Nothing is charged for a request
 * that fails before Google produced output.
 */
import { Readable } from "node:stream";
import { ResponsesAreNotStoredError } from "../../domain/errors.ts";
import { openTurn, sealTurn } from "../../domain/openai-responses/encrypted-content.ts";
import type { TurnSignatures } from "../../domain/openai-responses/encrypted-content.ts";
import { keptItemsOf, scanInput } from "../../domain/openai-responses/kept-items.ts";
import type { KeptLookup } from "../../domain/openai-responses/kept-items.ts";
import { planResponsesRequest } from "../../domain/openai-responses/request.ts";
import { responseShell, toResponse } from "../../domain/openai-responses/response.ts";
import { ResponsesStreamTranslator } from "../../domain/openai-responses/stream.ts";
import type { ResponsesStreamOptions } from "../../domain/openai-responses/stream.ts";
import type { OutputItem, ResponsesStreamEvent } from "../../domain/openai-responses/types.ts";
import { json } from "../../http/function-url.ts";
import { SSE_HEADERS, sseNamedEvent } from "../../http/sse.ts";
import { admitRequest, resolveModel } from "../../middleware/admission.ts";
import type { RouteHandler } from "../../middleware/types.ts";
import { findKeptItems, itemKeepingFromEnv, keepResponseItems } from "../../store/response-items.ts";
import { sealingKey } from "../../store/sealing-key.ts";
import { errorFacts, logger } from "../../telemetry/logger.ts";
import { openStream } from "../../upstream/failover.ts";
import { withOutputCap } from "./gemini-body.ts";
import { collectAnswer, meteredStream, refundingOnFailure, responseHeaders, settlerFor, type StreamView } from "./metering.ts";

/** Keeps a finished response's items; false when they could not be written (the response then says `store: false`). */
type Keep = (output: readonly OutputItem[], signatures: TurnSignatures) => Promise<boolean>;

export const createResponse: RouteHandler = async ({ context, body }) => {
  const key = context.key;
  if (!key) throw new Error("route reached without an authenticated key");
  const now = Date.now();
  const keeping = itemKeepingFromEnv();
  const needs = scanInput(body);
  const [kept, inputKey] = await Promise.all([
    keeping.keeping && needs.itemIds.length > 0 ? findKeptItems(needs.itemIds, key.accountId, now) : new Map<string, KeptLookup>(),
    needs.opensSealed ? sealingKey() : undefined,
  ]);
  const plan = planResponsesRequest(body, {
    kept,
    keeping: keeping.keeping,
    retentionSeconds: keeping.ttlSeconds,
    open: (sealed, path) => {
      // scanInput finds every encrypted_content the translation opens.
      if (inputKey === undefined) throw new Error("an encrypted_content was opened that scanInput did not see");
      return openTurn(sealed, inputKey, path);
    },
  });
  const model = resolveModel(key, plan.model.id, "/v1/models");
  const outputKey = plan.sealReasoning ? (inputKey ?? (await sealingKey())) : undefined;
  const admitted = await admitRequest({
    context,
    key,
    model,
    geminiBody: plan.body,
    requestedOutput: plan.maxOutputTokens,
    route: "responses",
    stream: plan.stream,
    outputParam: "max_output_tokens",
  });
  const call = { model: model.upstreamModel, body: withOutputCap(plan.body, admitted.outputCap) };
  const options: ResponsesStreamOptions = {
    response: responseShell({ id: context.requestId, createdAt: Math.floor(now / 1000), model: model.id }, plan.echo),
    reasoningVisible: plan.reasoningVisible,
    upstreamModel: model.upstreamModel,
    ...(outputKey !== undefined && { seal: (turn: TurnSignatures) => sealTurn(turn, outputKey) }),
  };
  const keep = plan.keep ? keeperFor(context.requestId, key.accountId, model.upstreamModel, keeping.ttlSeconds) : undefined;
  const settle = settlerFor(admitted, model);

  const opened = await refundingOnFailure(settle, () => openStream(call));
  if (!plan.stream) {
    const { response, charge } = await collectAnswer(opened, settle);
    const answer = toResponse(response, options, charge);
    if (keep !== undefined && !(await keep(answer.response.output, answer.signatures))) answer.response.store = false;
    return json(200, answer.response, await responseHeaders(admitted, context.requestId));
  }
  return {
    statusCode: 200,
    headers: { ...SSE_HEADERS, ...(await responseHeaders(admitted, context.requestId)) },
    body: Readable.from(meteredStream(opened, settle, responsesView(new ResponsesStreamTranslator(options), keep))),
  };
};

/** `GET`/`DELETE /v1/responses/{id}` and the other stored-response endpoints: a 404 that says why. */
export const refuseStoredResponse: RouteHandler = ({ event }) => {
  throw new ResponsesAreNotStoredError(event.requestContext.http.method, event.rawPath);
};

/**
 * The Responses SSE: named events as they come; at the end the items are closed and kept before the
 * client hears the response is complete, so a reference made at once finds them.
 */
function responsesView(translator: ResponsesStreamTranslator, keep: Keep | undefined): StreamView<string> {
  const frame = (events: readonly ResponsesStreamEvent[]) => events.map((event) => sseNamedEvent(event.type, event));
  let closing: ResponsesStreamEvent[] = [];
  return {
    push: (chunk) => frame(translator.push(chunk)),
    beforeFinish: async () => {
      closing = translator.close();
      if (keep !== undefined && !(await keep(translator.response.output, translator.signatures))) translator.notKept();
    },
    finish: (charge) => frame([...closing, ...translator.finish(charge)]),
    fail: (failure) => frame(translator.fail(failure)),
    end: () => frame(translator.end()),
    get usage() {
      return translator.usage;
    },
    get producedOutput() {
      return translator.producedOutput;
    },
  };
}

function keeperFor(responseId: string, accountId: string, upstreamModel: string, ttlSeconds: number): Keep {
  return async (output, signatures) => {
    try {
      await keepResponseItems({ responseId, accountId, upstreamModel, items: keptItemsOf(output, signatures) }, { ttlSeconds, now: Date.now() });
      return true;
    } catch (error) {
      logger.error("response items could not be kept; the response says store: false", { taskId: responseId, ...errorFacts(error) });
      return false;
    }
  };
}
