// Deterministic replies. The fake never echoes the prompt; it answers with fixed text built from the
// model id and the number of contents, so tests can predict every byte.
//
// Directives, recognised anywhere in the text of the last user content that has text:
//   [[block]]  → the prompt is blocked: no candidates, promptFeedback.blockReason "SAFETY".
//   [[safety]] → the candidate stops early: a partial sentence, then finishReason "SAFETY".
//   [[long]]   → a long reply of 160 words, which streams as 40 text chunks.
// Function declarations whose description contains [[chain]] are called a second time after their
// first response, giving a sequential two-step tool loop (see function-calls.ts).

import { planFunctionCalls } from "./function-calls.ts";
import type { FunctionCallData, GenerateRequest } from "./request.ts";
import { isRecord } from "./json.ts";
import { objectPlaceholder } from "./schema-placeholder.ts";
import { textTokens } from "./tokens.ts";

export type ReplyPlan =
  | { kind: "blocked" }
  | { kind: "safety"; thoughtSummary?: string; partialText: string }
  | { kind: "functionCalls"; thoughtSummary?: string; calls: FunctionCallData[] }
  | { kind: "text"; thoughtSummary?: string; text: string; finishReason: "STOP" | "MAX_TOKENS"; grounded: boolean };

export const THOUGHT_SUMMARY =
  "**Planning the answer**\nI am working out a short, fixed reply for this fake conversation.";

const LONG_REPLY_PIECES = 40;

export function planReply(request: GenerateRequest, model: string, nextSerial: () => number): ReplyPlan {
  const directives = lastUserText(request);
  if (directives.includes("[[block]]")) return { kind: "blocked" };
  const thoughtSummary = request.thinking.includeThoughts ? THOUGHT_SUMMARY : undefined;
  if (directives.includes("[[safety]]")) return { kind: "safety", thoughtSummary, partialText: `Hello from ${model}.` };
  const calls = planFunctionCalls(request, nextSerial);
  if (calls.length > 0) return { kind: "functionCalls", thoughtSummary, calls };
  const fullText = replyText(request, model, directives.includes("[[long]]"));
  const limit = request.maxOutputTokens;
  const truncated = limit !== undefined && limit > 0 && textTokens(fullText) > limit;
  return {
    kind: "text",
    thoughtSummary,
    text: truncated ? fullText.slice(0, limit * 4) : fullText,
    finishReason: truncated ? "MAX_TOKENS" : "STOP",
    grounded: request.usesGoogleSearch,
  };
}

function replyText(request: GenerateRequest, model: string, long: boolean): string {
  if (request.responseMimeType?.toLowerCase() === "application/json") return JSON.stringify(jsonReply(request));
  if (long) {
    return Array.from({ length: LONG_REPLY_PIECES }, (_unused, index) => `Long reply part ${index + 1}.`).join(" ");
  }
  const count = request.contents.length;
  return (
    `Hello from ${model}. This fake reply follows ${count} ${count === 1 ? "content" : "contents"} ` +
    "and has enough words to be streamed in pieces."
  );
}

function jsonReply(request: GenerateRequest): unknown {
  const schema = request.responseSchema;
  const isObjectSchema =
    isRecord(schema) &&
    (isRecord(schema.properties) || (typeof schema.type === "string" && schema.type.toLowerCase() === "object"));
  return isObjectSchema ? objectPlaceholder(schema) : { ok: true };
}

function lastUserText(request: GenerateRequest): string {
  for (let index = request.contents.length - 1; index >= 0; index--) {
    const content = request.contents[index];
    const texts = content.parts.flatMap((part) => (part.text === undefined || part.thought ? [] : [part.text]));
    if (content.role === "user" && texts.length > 0) return texts.join("\n");
  }
  return "";
}
