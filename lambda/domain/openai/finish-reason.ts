/**
 * Gemini `finishReason` → OpenAI `finish_reason`.
 *
 * | Gemini                                                                  | OpenAI           |
 * |-------------------------------------------------------------------------|------------------|
 * | `STOP`, unspecified or absent                                            | `stop`           |
 * | `MAX_TOKENS`                                                             | `length`         |
 * | `SAFETY`, `RECITATION`, `LANGUAGE`, `BLOCKLIST`, `PROHIBITED_CONTENT`, `SPII`, `IMAGE_SAFETY`, `IMAGE_PROHIBITED_CONTENT`, `IMAGE_RECITATION` | `content_filter` |
 * | `OTHER`, `MALFORMED_FUNCTION_CALL`, `UNEXPECTED_TOOL_CALL`, `TOO_MANY_TOOL_CALLS`, `NO_IMAGE`, `IMAGE_OTHER`, anything new | `stop` |
 *
 * Gemini ends a turn of function calls with `STOP`, so a `stop` turn that produced tool calls becomes
 * `tool_calls`; `length` and `content_filter` are kept even then, because the turn did not end cleanly.
 * Gemini's own value is also returned as `native_finish_reason`.
 */
import type { ChatFinishReason } from "./types.ts";

const FINISH_REASONS: Readonly<Record<string, ChatFinishReason>> = {
  STOP: "stop",
  MAX_TOKENS: "length",
  SAFETY: "content_filter",
  RECITATION: "content_filter",
  LANGUAGE: "content_filter",
  BLOCKLIST: "content_filter",
  PROHIBITED_CONTENT: "content_filter",
  SPII: "content_filter",
  IMAGE_SAFETY: "content_filter",
  IMAGE_PROHIBITED_CONTENT: "content_filter",
  IMAGE_RECITATION: "content_filter",
};

/**
 * @example toFinishReason("STOP", true) // "tool_calls"
 * @example toFinishReason("PROHIBITED_CONTENT", false) // "content_filter"
 */
export function toFinishReason(geminiReason: string | undefined, madeToolCalls: boolean): ChatFinishReason {
  const reason = (geminiReason === undefined ? undefined : FINISH_REASONS[geminiReason]) ?? "stop";
  return reason === "stop" && madeToolCalls ? "tool_calls" : reason;
}

/**
 * Text for `refusal` when Gemini blocked the prompt or withheld the whole answer, so the client gets
 * a reason instead of an empty message.
 *
 * @example blockedExplanation("prompt", "SAFETY") // "Gemini blocked the prompt (SAFETY) and returned no answer."
 */
export function blockedExplanation(what: "prompt" | "answer", reason: string): string {
  return what === "prompt" ? `Gemini blocked the prompt (${reason}) and returned no answer.` : `Gemini withheld the answer (${reason}).`;
}
