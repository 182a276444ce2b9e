/**
 * Thought signatures across the OpenAI boundary (gemini-wire §2).
 *
 * Out (responses and stream deltas), where Google's own OpenAI layer puts them:
 * - a signature on a `functionCall` part → that call's `tool_calls[].extra_content.google.thought_signature`;
 * - a signature on any other part (text, thought, or an empty signature-only part) →
 *   `message.extra_content.google.thought_signature` (`delta.extra_content…` when streaming; if one
 *   response carries several, the last wins, matching Gemini's "signature on the last part");
 * - each is also sent as an OpenRouter `reasoning_details` entry `reasoning.encrypted`, with `id` = the
 *   tool call's id for call signatures, so OpenRouter-shaped clients that replay only
 *   `reasoning_details` keep working. Signatures never go into tool-call ids.
 *
 * Back in (assistant messages of the history), first match wins per part:
 * - a call's signature: its `extra_content.google.thought_signature`, else a `reasoning.encrypted`
 *   detail whose `id` is the call's id;
 * - the message's text signature: `extra_content.google.thought_signature`, else a
 *   `reasoning.encrypted` detail without a matching id. It goes back on the last text part; with no
 *   text, on the first call still unsigned.
 * - `reasoning_details` in another provider's `format` are ignored (their signatures would be rejected).
 *
 * Signed parts are never merged with other parts: each signature stays on the part it came on.
 * Where a signature is truly missing, the documented sentinel `skip_thought_signature_validator` (the
 * literal string, not base64) goes on the first `functionCall` of each step of the current turn, the
 * only place Gemini requires one.
 */
import type { Content, Part } from "../gemini/types.ts";
import { GEMINI_REASONING_FORMAT } from "./types.ts";
import type { GoogleExtraContent, ReasoningEncryptedDetail } from "./types.ts";
import { expectArray, expectObject, expectString, fail, optionalObject, optionalString } from "../validate.ts";
import type { JsonObject } from "../validate.ts";

export const SIGNATURE_SENTINEL = "skip_thought_signature_validator";
const SENTINELS = new Set([SIGNATURE_SENTINEL, "context_engineering_is_the_way_to_go"]);
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** @example googleExtra("CiQB") // { google: { thought_signature: "CiQB" } } */
export function googleExtra(signature: string): GoogleExtraContent {
  return { google: { thought_signature: signature } };
}

/** @example encryptedDetail("CiQB", "call_1") // { type: "reasoning.encrypted", data: "CiQB", id: "call_1", format: "google-gemini-v1", index: 0 } */
export function encryptedDetail(signature: string, toolCallId?: string): ReasoningEncryptedDetail {
  return toolCallId === undefined
    ? { type: "reasoning.encrypted", data: signature, format: GEMINI_REASONING_FORMAT, index: 0 }
    : { type: "reasoning.encrypted", data: signature, id: toolCallId, format: GEMINI_REASONING_FORMAT, index: 0 };
}

/**
 * Reads `extra_content.google.thought_signature` from a message or a tool call, if present.
 *
 * @example signatureFromExtra({ extra_content: { google: { thought_signature: "CiQB" } } }, "messages[1]") // "CiQB"
 */
export function signatureFromExtra(holder: JsonObject, path: string): string | undefined {
  const extra = optionalObject(holder.extra_content, `${path}.extra_content`);
  const google = extra === undefined ? undefined : optionalObject(extra.google, `${path}.extra_content.google`);
  if (google === undefined) return undefined;
  const signaturePath = `${path}.extra_content.google.thought_signature`;
  return checkSignature(optionalString(google.thought_signature, signaturePath), signaturePath);
}

/**
 * Gemini's signatures from an assistant message's `reasoning_details`, keyed by tool call id (`""` for none).
 *
 * @example
 * signaturesFromReasoningDetails({ reasoning_details: [{ type: "reasoning.encrypted", data: "CiQB", id: "fc_1" }] }, "messages[1]")
 * // Map { "fc_1" => "CiQB" }
 */
export function signaturesFromReasoningDetails(message: JsonObject, path: string): Map<string, string> {
  const found = new Map<string, string>();
  if (message.reasoning_details === undefined || message.reasoning_details === null) return found;
  expectArray(message.reasoning_details, `${path}.reasoning_details`).forEach((raw, index) => {
    const detailPath = `${path}.reasoning_details[${index}]`;
    const detail = expectObject(raw, detailPath);
    if (detail.type !== "reasoning.encrypted") return;
    const format = optionalString(detail.format, `${detailPath}.format`);
    if (format !== undefined && !format.startsWith("google-gemini")) return;
    const signature = checkSignature(expectString(detail.data, `${detailPath}.data`), `${detailPath}.data`);
    const id = optionalString(detail.id, `${detailPath}.id`) ?? "";
    if (signature !== undefined && !found.has(id)) found.set(id, signature);
  });
  return found;
}

/**
 * Puts the message-level signature back: on the last text part, or else on the first unsigned call.
 * Parts are changed in place; they were built for this message only.
 *
 * @example
 * const parts = [{ text: "Hi" }];
 * placeTextSignature(parts, "CpoI"); // parts: [{ text: "Hi", thoughtSignature: "CpoI" }]
 */
export function placeTextSignature(parts: Part[], signature: string | undefined): void {
  if (signature === undefined) return;
  const lastText = parts.findLast((part) => part.text !== undefined);
  const target = lastText ?? parts.find((part) => part.functionCall !== undefined && part.thoughtSignature === undefined);
  if (target !== undefined && target.thoughtSignature === undefined) target.thoughtSignature = signature;
}

/**
 * Gives the first `functionCall` of every model step in the current turn a signature, using the
 * sentinel where none survived. The current turn starts after the last user content that holds
 * anything other than function responses (Google's rule, gemini-wire §2.2).
 *
 * @example
 * withSentinels([{ role: "user", parts: [{ text: "hi" }] }, { role: "model", parts: [{ functionCall: { name: "f", args: {} } }] }])
 * // [..., { role: "model", parts: [{ functionCall: { name: "f", args: {} }, thoughtSignature: "skip_thought_signature_validator" }] }]
 */
export function withSentinels(contents: Content[]): Content[] {
  const turnStart = contents.findLastIndex((content) => content.role === "user" && content.parts.some((part) => part.functionResponse === undefined)) + 1;
  return contents.map((content, index) => {
    if (index < turnStart || content.role !== "model") return content;
    const first = content.parts.findIndex((part) => part.functionCall !== undefined);
    if (first < 0 || content.parts[first].thoughtSignature !== undefined) return content;
    const parts = content.parts.map((part, partIndex) => (partIndex === first ? { ...part, thoughtSignature: SIGNATURE_SENTINEL } : part));
    return { ...content, parts };
  });
}

function checkSignature(signature: string | undefined, path: string): string | undefined {
  if (signature === undefined || signature === "") return undefined;
  if (SENTINELS.has(signature) || BASE64.test(signature)) return signature;
  return fail(path, "is not a Gemini thought signature (base64); send back exactly the value this gateway returned");
}
