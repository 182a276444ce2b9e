import { GOOGLE_SEARCH_QUERY_CREDITS, type ModelSpec } from "./catalog.ts";
import { pricesFor } from "./money.ts";

/**
 * Hold sizing: the most a request can cost, decided before Google is called (DESIGN.md §5). The
 * prompt bound is deliberately loose — a token is never smaller than a byte of the JSON that carries
 * it — because a hold that is too small would let a balance go negative; the unused part of a hold
 * returns at settlement.
 */

/** A media part's tokens are bounded by a quarter of its base64 text, and never below an ultra-high-resolution image's. */
const MEDIA_MIN_TOKENS = 2_240;
/** Grounded requests may run several searches whose results are fed back as prompt. */
export const SEARCH_ALLOWANCE = { queries: 10, toolUsePromptTokens: 32_768 } as const;
/** Below this, an answer that must also fit the model's thinking is not worth starting. */
export const MIN_AFFORDABLE_OUTPUT = 256;

export interface PromptBound {
  readonly tokens: number;
  readonly usesSearch: boolean;
}

/**
 * The most prompt tokens a Gemini request body can cost: its JSON bytes without inline media, plus
 * an allowance per media part; the whole context window when it references remote files Google
 * fetches itself or a context cache (native `cachedContent`), whose size we cannot see.
 */
export function boundPromptTokens(body: unknown, model: ModelSpec): PromptBound {
  let mediaTokens = 0;
  let remoteFiles = false;
  let usesSearch = false;
  const text = JSON.stringify(body, (key, value: unknown) => {
    if ((key === "inlineData" || key === "inline_data") && isRecord(value)) {
      const data = typeof value.data === "string" ? value.data : "";
      mediaTokens += Math.max(MEDIA_MIN_TOKENS, Math.ceil(data.length / 4));
      return { ...value, data: "" };
    }
    if (key === "fileData" || key === "file_data" || key === "cachedContent" || key === "cached_content") remoteFiles = true;
    if (key === "googleSearch" || key === "google_search" || key === "googleSearchRetrieval" || key === "google_search_retrieval") usesSearch = true;
    return value;
  });
  if (remoteFiles) return { tokens: model.contextWindow, usesSearch };
  const tokens = Buffer.byteLength(text ?? "", "utf8") + mediaTokens;
  return { tokens: Math.min(tokens, model.contextWindow), usesSearch };
}

export interface Hold {
  readonly credits: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
}

/** The worst-case cost of a prompt bound and an output cap. */
export function holdFor(model: ModelSpec, prompt: PromptBound, outputTokens: number): Hold {
  const prices = pricesFor(model, prompt.tokens);
  const searchTokens = prompt.usesSearch ? SEARCH_ALLOWANCE.toolUsePromptTokens : 0;
  const scaled = (prompt.tokens + searchTokens) * prices.input + outputTokens * prices.output;
  const searchCredits = prompt.usesSearch ? SEARCH_ALLOWANCE.queries * GOOGLE_SEARCH_QUERY_CREDITS : 0;
  return { credits: Math.ceil(scaled / 1_000_000) + searchCredits, promptTokens: prompt.tokens, outputTokens };
}

/**
 * The largest output cap whose hold fits `budget` credits, up to the model's maximum; 0 when not
 * even the prompt fits.
 */
export function affordableOutput(model: ModelSpec, prompt: PromptBound, budget: number): number {
  const fixed = holdFor(model, prompt, 0).credits;
  if (budget < fixed) return 0;
  const prices = pricesFor(model, prompt.tokens);
  // Spare credits after the prompt, floored so the hold of the result can never exceed the budget.
  const tokens = Math.floor(((budget - fixed) * 1_000_000) / prices.output);
  return Math.min(tokens, model.maxOutputTokens);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
