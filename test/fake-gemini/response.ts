import { SEARCH_TOOL_USE_TOKENS, groundingMetadata } from "./grounding.ts";
import type { JsonRecord } from "./json.ts";
import type { ReplyPlan } from "./reply.ts";
import type { FunctionCallData } from "./request.ts";
import { jsonTokens, textTokens } from "./tokens.ts";
import type { PromptCount } from "./tokens.ts";

// Turns a ReplyPlan into GenerateContentResponse objects: one for generateContent, a list of
// delta chunks with cumulative usage for streamGenerateContent (gemini-wire.md §3, §4).

export interface ReplyContext {
  model: string;
  responseId: string;
  prompt: PromptCount;
  cachedTokens: number;
  thoughtTokens: number;
  issueSignature: () => string;
}

const NEGLIGIBLE_RATINGS = ["HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_SEXUALLY_EXPLICIT"].map(
  (category) => ({ category, probability: "NEGLIGIBLE" }),
);
const BLOCKING_RATINGS = [
  { category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked: true },
  ...NEGLIGIBLE_RATINGS,
];

export function buildResponse(plan: ReplyPlan, context: ReplyContext): JsonRecord {
  if (plan.kind === "blocked") {
    return envelope(context, { promptFeedback: { blockReason: "SAFETY", safetyRatings: BLOCKING_RATINGS } }, 0, plan);
  }
  const parts = thoughtParts(plan);
  switch (plan.kind) {
    case "functionCalls":
      parts.push(...functionCallParts(plan.calls, context));
      return withCandidate(context, plan, callTokens(plan.calls), { content: modelContent(parts), finishReason: "STOP" });
    case "safety":
      parts.push({ text: plan.partialText });
      return withCandidate(context, plan, textTokens(plan.partialText), {
        content: modelContent(parts),
        finishReason: "SAFETY",
        safetyRatings: BLOCKING_RATINGS,
      });
    case "text":
      parts.push({ text: plan.text, thoughtSignature: context.issueSignature() });
      return withCandidate(context, plan, textTokens(plan.text), {
        content: modelContent(parts),
        finishReason: plan.finishReason,
        ...(plan.grounded ? { groundingMetadata: groundingMetadata(plan.text) } : {}),
      });
  }
}

export function buildStreamChunks(plan: ReplyPlan, context: ReplyContext): JsonRecord[] {
  if (plan.kind === "blocked") return [buildResponse(plan, context)];
  const chunks: JsonRecord[] = [];
  const push = (candidateTokens: number, candidate: JsonRecord) =>
    chunks.push(withCandidate(context, plan, candidateTokens, candidate));
  const thoughts = thoughtParts(plan);
  if (thoughts.length > 0) push(0, { content: modelContent(thoughts) });
  switch (plan.kind) {
    case "functionCalls":
      // The Gemini API sends function calls whole, all in one chunk.
      push(callTokens(plan.calls), { content: modelContent(functionCallParts(plan.calls, context)), finishReason: "STOP" });
      break;
    case "safety":
      push(textTokens(plan.partialText), { content: modelContent([{ text: plan.partialText }]) });
      push(textTokens(plan.partialText), { finishReason: "SAFETY", safetyRatings: BLOCKING_RATINGS });
      break;
    case "text": {
      let streamed = "";
      for (const piece of splitIntoPieces(plan.text)) {
        streamed += piece;
        push(textTokens(streamed), { content: modelContent([{ text: piece }]) });
      }
      push(textTokens(plan.text), {
        content: modelContent([{ text: "", thoughtSignature: context.issueSignature() }]),
        finishReason: plan.finishReason,
        ...(plan.grounded ? { groundingMetadata: groundingMetadata(plan.text) } : {}),
      });
    }
  }
  return chunks;
}

const WORDS_PER_PIECE = 4;

export function splitIntoPieces(text: string): string[] {
  const words = text.match(/\S+\s*/g) ?? [text];
  const pieces: string[] = [];
  for (let index = 0; index < words.length; index += WORDS_PER_PIECE) {
    pieces.push(words.slice(index, index + WORDS_PER_PIECE).join(""));
  }
  return pieces;
}

function thoughtParts(plan: Exclude<ReplyPlan, { kind: "blocked" }>): JsonRecord[] {
  return plan.thoughtSummary === undefined ? [] : [{ text: plan.thoughtSummary, thought: true }];
}

// Parallel calls: only the first functionCall part carries the signature.
function functionCallParts(calls: readonly FunctionCallData[], context: ReplyContext): JsonRecord[] {
  return calls.map((call, index) => ({
    functionCall: { id: call.id, name: call.name, args: call.args },
    ...(index === 0 ? { thoughtSignature: context.issueSignature() } : {}),
  }));
}

function callTokens(calls: readonly FunctionCallData[]): number {
  return calls.reduce((sum, call) => sum + jsonTokens({ name: call.name, args: call.args }), 0);
}

function modelContent(parts: JsonRecord[]): JsonRecord {
  return { parts, role: "model" };
}

function withCandidate(context: ReplyContext, plan: ReplyPlan, candidateTokens: number, candidate: JsonRecord): JsonRecord {
  return envelope(context, { candidates: [{ ...candidate, index: 0 }] }, candidateTokens, plan);
}

function envelope(context: ReplyContext, body: JsonRecord, candidateTokens: number, plan: ReplyPlan): JsonRecord {
  return {
    ...body,
    usageMetadata: usageMetadata(context, candidateTokens, plan),
    modelVersion: context.model,
    responseId: context.responseId,
  };
}

// Zero counts are left out, as proto3 JSON does; totals include thinking and search tool-use tokens.
function usageMetadata(context: ReplyContext, candidateTokens: number, plan: ReplyPlan): JsonRecord {
  const thoughts = plan.kind === "blocked" ? 0 : context.thoughtTokens;
  const toolUse = plan.kind === "text" && plan.grounded ? SEARCH_TOOL_USE_TOKENS : 0;
  const cached = context.cachedTokens;
  return {
    promptTokenCount: context.prompt.total,
    ...(candidateTokens > 0 ? { candidatesTokenCount: candidateTokens } : {}),
    totalTokenCount: context.prompt.total + candidateTokens + thoughts + toolUse,
    ...(cached > 0 ? { cachedContentTokenCount: cached } : {}),
    promptTokensDetails: context.prompt.byModality,
    ...(cached > 0 ? { cacheTokensDetails: [{ modality: "TEXT", tokenCount: cached }] } : {}),
    ...(toolUse > 0 ? { toolUsePromptTokenCount: toolUse } : {}),
    ...(toolUse > 0 ? { toolUsePromptTokensDetails: [{ modality: "TEXT", tokenCount: toolUse }] } : {}),
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
  };
}
