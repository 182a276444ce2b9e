/**
 * Reads the parts of a Gemini candidate into the pieces an OpenAI message or delta is built from,
 * shared by whole responses (response.ts) and streams (stream.ts).
 *
 * | Gemini part                                   | piece                                             |
 * |-----------------------------------------------|---------------------------------------------------|
 * | `functionCall`                                | `toolCall` (its signature goes on that tool call) |
 * | `thought: true` with text, reasoning visible  | `reasoning`                                       |
 * | non-thought, non-empty `text`                 | `text`                                            |
 * | anything else carrying a `thoughtSignature`   | `signature` (e.g. `{ text: "", thoughtSignature }`, or a hidden thought) |
 * | anything else                                 | nothing (e.g. code execution parts, hidden thoughts) |
 *
 * Tool-call ids: Gemini's own `functionCall.id` when it sent one, so the id comes back unchanged in
 * `functionResponse.id`; otherwise `call_<task id>_<index>`, unique and stable for the task.
 */
import type { FunctionCall, Part } from "../gemini/types.ts";
import { googleExtra } from "./signatures.ts";
import type { ChatToolCall, CompletionContext } from "./types.ts";

export type OutputPiece =
  | { kind: "text"; text: string; signature?: string }
  | { kind: "reasoning"; text: string; signature?: string }
  | { kind: "toolCall"; call: FunctionCall; signature?: string }
  | { kind: "signature"; signature: string };

/**
 * @example readParts([{ text: "Hi", thoughtSignature: "CpoI" }], false) // [{ kind: "text", text: "Hi", signature: "CpoI" }]
 */
export function readParts(parts: readonly Part[] | undefined, reasoningVisible: boolean): OutputPiece[] {
  return (parts ?? []).flatMap((part): OutputPiece[] => {
    const signature = typeof part.thoughtSignature === "string" && part.thoughtSignature !== "" ? part.thoughtSignature : undefined;
    const signed = signature === undefined ? {} : { signature };
    if (part.functionCall !== undefined) return [{ kind: "toolCall", call: part.functionCall, ...signed }];
    const text = typeof part.text === "string" ? part.text : "";
    if (text !== "" && part.thought === true && reasoningVisible) return [{ kind: "reasoning", text, ...signed }];
    if (text !== "" && part.thought !== true) return [{ kind: "text", text, ...signed }];
    return signature === undefined ? [] : [{ kind: "signature", signature }];
  });
}

/** @example toolCallId({ name: "f" }, { id: "req_1", created: 0, model: "m" }, 2) // "call_req_1_2" */
export function toolCallId(call: FunctionCall, ctx: Pick<CompletionContext, "id">, index: number): string {
  return typeof call.id === "string" && call.id !== "" ? call.id : `call_${ctx.id}_${index}`;
}

/**
 * @example toChatToolCall({ name: "f", args: { a: 1 } }, "fc_1", "CiQB")
 * // { id: "fc_1", type: "function", function: { name: "f", arguments: "{\"a\":1}" }, extra_content: { google: { thought_signature: "CiQB" } } }
 */
export function toChatToolCall(call: FunctionCall, id: string, signature: string | undefined): ChatToolCall {
  const toolCall: ChatToolCall = { id, type: "function", function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) } };
  if (signature !== undefined) toolCall.extra_content = googleExtra(signature);
  return toolCall;
}
