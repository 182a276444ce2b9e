/**
 * A whole Gemini `GenerateContentResponse` → an OpenAI `chat.completion`.
 *
 * | OpenAI                                   | Gemini (first candidate)                                  |
 * |------------------------------------------|-----------------------------------------------------------|
 * | `message.content`                        | non-thought text parts, joined; `null` when there are none |
 * | `message.tool_calls[]`                   | `functionCall` parts, in order (ids: parts.ts)            |
 * | `message.reasoning_content`, `reasoning` | thought summaries, only when the request asked for them   |
 * | `message.reasoning_details`              | OpenRouter-style text + `reasoning.encrypted` signatures   |
 * | `message.extra_content`                  | the signature of a non-call part (signatures.ts)          |
 * | `finish_reason`, `native_finish_reason`  | finish-reason.ts                                          |
 * | `usage`                                  | usage.ts, plus `credits` when the caller passes them      |
 *
 * A blocked prompt (no candidates, `promptFeedback.blockReason`) and an answer withheld by a filter
 * both give `content: null`, `finish_reason: "content_filter"` and the reason in `message.refusal`,
 * never an unexplained empty message.
 */
import type { GenerateContentResponse } from "../gemini/types.ts";
import { blockedExplanation, toFinishReason } from "./finish-reason.ts";
import { readParts, toChatToolCall, toolCallId } from "./parts.ts";
import type { OutputPiece } from "./parts.ts";
import type { ChatRequestPlan } from "./request.ts";
import { encryptedDetail, googleExtra } from "./signatures.ts";
import { GEMINI_REASONING_FORMAT } from "./types.ts";
import type { ChatCompletion, ChatCompletionChoice, ChatCompletionMessage, CompletionContext, ReasoningDetail } from "./types.ts";
import { toChatUsage } from "./usage.ts";

export type { CompletionContext } from "./types.ts";

/**
 * Builds the `chat.completion` for a finished, non-streamed request.
 *
 * @example
 * toChatCompletion({ candidates: [{ content: { role: "model", parts: [{ text: "Hi!" }] }, finishReason: "STOP" }] },
 *   { id: "req_1", created: 1767225600, model: "gemini-3-flash" }, { reasoningVisible: false })
 * // { id: "req_1", object: "chat.completion", created: 1767225600, model: "gemini-3-flash",
 * //   choices: [{ index: 0, message: { role: "assistant", content: "Hi!", refusal: null }, finish_reason: "stop",
 * //   logprobs: null, native_finish_reason: "STOP" }], usage: { prompt_tokens: 0, … } }
 */
export function toChatCompletion(
  response: GenerateContentResponse,
  ctx: CompletionContext,
  plan: Pick<ChatRequestPlan, "reasoningVisible">,
  extra: { credits?: number } = {},
): ChatCompletion {
  const candidate = response.candidates?.[0];
  const message = toMessage(readParts(candidate?.content?.parts, plan.reasoningVisible), ctx);
  const blockReason = candidate === undefined ? response.promptFeedback?.blockReason : undefined;
  const nativeReason = candidate?.finishReason ?? blockReason;
  const finishReason = blockReason !== undefined ? "content_filter" : toFinishReason(candidate?.finishReason, message.tool_calls !== undefined);
  if (finishReason === "content_filter" && message.content === null && message.tool_calls === undefined) {
    message.refusal = blockedExplanation(blockReason !== undefined ? "prompt" : "answer", nativeReason ?? "unknown reason");
  }
  const choice: ChatCompletionChoice = { index: 0, message, finish_reason: finishReason, logprobs: null };
  if (nativeReason !== undefined) choice.native_finish_reason = nativeReason;
  return {
    id: ctx.id,
    object: "chat.completion",
    created: ctx.created,
    model: ctx.model,
    choices: [choice],
    usage: toChatUsage(response.usageMetadata, extra.credits),
  };
}

function toMessage(pieces: OutputPiece[], ctx: CompletionContext): ChatCompletionMessage {
  const text = pieces.flatMap((piece) => (piece.kind === "text" ? [piece.text] : []));
  const reasoning = pieces.flatMap((piece) => (piece.kind === "reasoning" ? [piece.text] : [])).join("");
  const toolCalls = pieces
    .flatMap((piece) => (piece.kind === "toolCall" ? [piece] : []))
    .map((piece, index) => toChatToolCall(piece.call, toolCallId(piece.call, ctx, index), piece.signature));
  const textSignature = pieces.findLast((piece) => piece.kind !== "toolCall" && piece.signature !== undefined)?.signature;

  const details: ReasoningDetail[] = [];
  if (reasoning !== "") details.push({ type: "reasoning.text", text: reasoning, format: GEMINI_REASONING_FORMAT, index: 0 });
  for (const call of toolCalls) {
    const signature = call.extra_content?.google.thought_signature;
    if (signature !== undefined) details.push(encryptedDetail(signature, call.id));
  }
  if (textSignature !== undefined) details.push(encryptedDetail(textSignature));

  const message: ChatCompletionMessage = { role: "assistant", content: text.length > 0 ? text.join("") : null, refusal: null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning !== "") {
    message.reasoning_content = reasoning;
    message.reasoning = reasoning;
  }
  if (details.length > 0) message.reasoning_details = details;
  if (textSignature !== undefined) message.extra_content = googleExtra(textSignature);
  return message;
}
