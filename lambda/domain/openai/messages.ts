/**
 * OpenAI `messages` → Gemini `contents` + `systemInstruction`.
 *
 * | OpenAI message                          | Gemini                                                      |
 * |-----------------------------------------|-------------------------------------------------------------|
 * | `system`, `developer` (anywhere)        | text parts of `systemInstruction`, in order                 |
 * | `user`                                  | `user` content (parts per content-parts.ts)                 |
 * | `assistant` text / `refusal` parts      | `model` content, one text part each                         |
 * | `assistant.tool_calls[]`                | `functionCall { id, name, args }` parts, args parsed        |
 * | `tool` (consecutive ones)               | one `user` content of `functionResponse { id, name, response: { output } }` |
 *
 * - Consecutive contents with the same Gemini role are merged by concatenating their parts; parts are
 *   never merged, so every thought signature stays on its own part (see signatures.ts).
 * - As OpenAI requires, every tool call must be answered by `tool` messages right after its assistant
 *   message, and each `tool` message must answer one of those calls; the function name, which tool
 *   messages lack, comes from the matching call. Tool-call ids go to Gemini as `functionCall.id` /
 *   `functionResponse.id`, so Gemini's own ids (which we return as the OpenAI ids) round-trip exactly.
 * - Tool output is sent as the text it is, under `output` (Google's convention), never re-parsed.
 * - Empty arguments (`""`) mean `{}`; anything else must be a JSON object.
 * - Replayed reasoning text (`reasoning_content`, `reasoning`, `reasoning.text` details) is not sent:
 *   Gemini takes no thought summaries as input; only the signatures matter.
 * - Empty assistant messages are skipped; an empty user message is a 400 (Gemini rejects empty text).
 * - A conversation of only system/developer messages is sent as one user content instead, since
 *   Gemini needs at least one content and OpenAI answers such requests.
 */
import type { Content, Part } from "../gemini/types.ts";
import { textPieces, userParts } from "./content-parts.ts";
import { placeTextSignature, signatureFromExtra, signaturesFromReasoningDetails, withSentinels } from "./signatures.ts";
import { expectArray, expectName, expectObject, expectOneOf, expectString, fail, isObject, optionalArray } from "../validate.ts";
import type { JsonObject } from "../validate.ts";

export interface GeminiConversation {
  contents: Content[];
  systemInstruction?: Content;
}

const ROLES = ["system", "developer", "user", "assistant", "tool"] as const;

interface PendingCall {
  name: string;
  /** Where the call was made, for the error when it goes unanswered. */
  path: string;
}

/**
 * Translates the `messages` field.
 *
 * @example
 * toGeminiConversation([{ role: "system", content: "Be terse." }, { role: "user", content: "Hi" }])
 * // { contents: [{ role: "user", parts: [{ text: "Hi" }] }], systemInstruction: { parts: [{ text: "Be terse." }] } }
 */
export function toGeminiConversation(value: unknown): GeminiConversation {
  const messages = expectArray(value, "messages");
  if (messages.length === 0) fail("messages", "must contain at least one message");
  const system: Part[] = [];
  const contents: Content[] = [];
  let pending = new Map<string, PendingCall>();

  messages.forEach((raw, index) => {
    const path = `messages[${index}]`;
    const message = expectObject(raw, path);
    const role = readRole(message.role, `${path}.role`);
    if (role !== "tool") requireAnswered(pending);
    switch (role) {
      case "system":
      case "developer":
        system.push(...textParts(textPieces(message.content, `${path}.content`)));
        return;
      case "user": {
        const parts = userParts(message.content ?? null, `${path}.content`);
        if (parts.length === 0) fail(`${path}.content`, "is empty; send some text or other content");
        contents.push({ role: "user", parts });
        return;
      }
      case "assistant": {
        const { parts, calls } = assistantParts(message, path);
        pending = calls;
        if (parts.length > 0) contents.push({ role: "model", parts });
        return;
      }
      case "tool":
        contents.push({ role: "user", parts: [toolResult(message, path, pending)] });
    }
  });
  requireAnswered(pending);
  return assembleConversation(system, contents, "messages");
}

/**
 * The conversation both OpenAI dialects send once they have read their own fields: same-role
 * contents merged (parts never are), the sentinel where a call's signature is missing, and the
 * system parts as `systemInstruction` — or as the only content when there is nothing else.
 *
 * @example
 * assembleConversation([{ text: "Be terse." }], [{ role: "user", parts: [{ text: "Hi" }] }], "messages")
 * // { contents: [{ role: "user", parts: [{ text: "Hi" }] }], systemInstruction: { parts: [{ text: "Be terse." }] } }
 */
export function assembleConversation(system: Part[], contents: Content[], field: string): GeminiConversation {
  const merged = mergeSameRole(contents);
  if (merged.length === 0) {
    if (system.length === 0) fail(field, "has no content to send");
    return { contents: [{ role: "user", parts: system }] };
  }
  const conversation: GeminiConversation = { contents: withSentinels(merged) };
  if (system.length > 0) conversation.systemInstruction = { parts: system };
  return conversation;
}

function readRole(value: unknown, path: string): (typeof ROLES)[number] {
  if (value === "function") fail(path, 'is the deprecated "function" role; send tool results with role "tool" and a `tool_call_id`');
  return expectOneOf(value, path, ROLES);
}

function assistantParts(message: JsonObject, path: string): { parts: Part[]; calls: Map<string, PendingCall> } {
  if (message.function_call !== undefined && message.function_call !== null) {
    fail(`${path}.function_call`, "belongs to the deprecated functions API; send `tool_calls`");
  }
  const parts = textParts(textPieces(message.content, `${path}.content`, true));
  const detailSignatures = signaturesFromReasoningDetails(message, path);
  const calls = new Map<string, PendingCall>();
  (optionalArray(message.tool_calls, `${path}.tool_calls`) ?? []).forEach((raw, index) => {
    const callPath = `${path}.tool_calls[${index}]`;
    const call = expectObject(raw, callPath);
    if (call.type !== undefined && call.type !== null) expectOneOf(call.type, `${callPath}.type`, ["function"]);
    const id = expectName(call.id, `${callPath}.id`);
    if (calls.has(id)) fail(`${callPath}.id`, `repeats "${id}"; tool call ids must be unique`);
    const fn = expectObject(call.function, `${callPath}.function`);
    const name = expectName(fn.name, `${callPath}.function.name`);
    const args = parseArguments(fn.arguments, `${callPath}.function.arguments`);
    const signature = signatureFromExtra(call, callPath) ?? detailSignatures.get(id);
    calls.set(id, { name, path: `${callPath}.id` });
    const part: Part = { functionCall: { id, name, args } };
    if (signature !== undefined) part.thoughtSignature = signature;
    parts.push(part);
  });
  const unclaimed = [...detailSignatures].find(([id]) => !calls.has(id))?.[1];
  placeTextSignature(parts, signatureFromExtra(message, path) ?? unclaimed);
  return { parts, calls };
}

/**
 * A call's `arguments` text → Gemini's `args` object; `""` means `{}`.
 *
 * @example parseArguments('{"city":"Paris"}', "input[1].arguments") // { city: "Paris" }
 */
export function parseArguments(value: unknown, path: string): Record<string, unknown> {
  const text = expectString(value, path);
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail(path, "is not valid JSON");
  }
  if (!isObject(parsed)) fail(path, "must be a JSON object, as Gemini function arguments are objects");
  return { ...parsed };
}

function toolResult(message: JsonObject, path: string, pending: Map<string, PendingCall>): Part {
  const id = expectName(message.tool_call_id, `${path}.tool_call_id`);
  const call = pending.get(id);
  if (call === undefined) {
    fail(`${path}.tool_call_id`, `("${id}") answers no open tool call of the assistant message before it`);
  }
  pending.delete(id);
  if (message.content === undefined || message.content === null) fail(`${path}.content`, "is required");
  const output = textPieces(message.content, `${path}.content`).join("");
  return { functionResponse: { id, name: call.name, response: { output } } };
}

function requireAnswered(pending: Map<string, PendingCall>): void {
  const [unanswered] = pending.values();
  if (unanswered !== undefined) {
    fail(unanswered.path, "has no `tool` message answering it; send one tool message per tool call right after the assistant message");
  }
}

function textParts(pieces: string[]): Part[] {
  return pieces.filter((text) => text.length > 0).map((text) => ({ text }));
}

function mergeSameRole(contents: Content[]): Content[] {
  const merged: Content[] = [];
  for (const content of contents) {
    const last = merged.at(-1);
    if (last !== undefined && last.role === content.role) merged[merged.length - 1] = { role: last.role, parts: [...last.parts, ...content.parts] };
    else merged.push(content);
  }
  return merged;
}
