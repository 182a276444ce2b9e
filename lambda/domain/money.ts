import { GOOGLE_SEARCH_QUERY_CREDITS, type ModelSpec, type TokenPrices } from "./catalog.ts";

/**
 * Pricing in integers only. Prices are credits per 1M tokens, so a request's cost is the sum of
 * tokens × price, divided by 1M and rounded up once — never per component, never in floating point.
 */

const PER_MILLION = 1_000_000;

/** What a request consumed, in the terms Google bills. */
export interface BillableUsage {
  /** All prompt tokens, cached ones included (Google's `promptTokenCount`). */
  readonly promptTokens: number;
  /** The cached subset of the prompt. */
  readonly cachedTokens: number;
  /** The audio subset of the uncached prompt, for models that price audio apart. */
  readonly audioPromptTokens: number;
  /** Search results fed back to the model (`toolUsePromptTokenCount`), billed as input. */
  readonly toolUsePromptTokens: number;
  /** Visible output plus thinking (`candidatesTokenCount + thoughtsTokenCount`). */
  readonly outputTokens: number;
  readonly searchQueries: number;
}

export const NO_USAGE: BillableUsage = {
  promptTokens: 0,
  cachedTokens: 0,
  audioPromptTokens: 0,
  toolUsePromptTokens: 0,
  outputTokens: 0,
  searchQueries: 0,
};

/** The price table that applies: Pro's long-context tier covers every token of a long request. */
export function pricesFor(model: ModelSpec, promptTokens: number): TokenPrices {
  const tier = model.longContext;
  return tier && promptTokens > tier.abovePromptTokens ? tier.prices : model.prices;
}

/**
 * @example priceUsage(flash, { ...NO_USAGE, promptTokens: 8, outputTokens: 1015 }) // 3049 credits
 */
export function priceUsage(model: ModelSpec, usage: BillableUsage): number {
  const prices = pricesFor(model, usage.promptTokens);
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const audio = prices.audioInput === undefined ? 0 : Math.min(usage.audioPromptTokens, usage.promptTokens - cached);
  const plainInput = usage.promptTokens - cached - audio + usage.toolUsePromptTokens;
  const scaled =
    plainInput * prices.input +
    cached * prices.cachedInput +
    audio * (prices.audioInput ?? prices.input) +
    usage.outputTokens * prices.output;
  return Math.ceil(scaled / PER_MILLION) + usage.searchQueries * GOOGLE_SEARCH_QUERY_CREDITS;
}

/** Google's `usageMetadata`, as far as billing reads it. */
export interface UsageMetadataLike {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  promptTokensDetails?: ReadonlyArray<{ modality?: string; tokenCount?: number }>;
  cacheTokensDetails?: ReadonlyArray<{ modality?: string; tokenCount?: number }>;
}

/**
 * Reads the last (cumulative) `usageMetadata` of a response; web search queries come from its
 * grounding metadata, empty strings excluded because Google does not bill them.
 */
export function billableUsage(meta: UsageMetadataLike | undefined, searchQueries: readonly string[] = []): BillableUsage {
  const modality = (details: UsageMetadataLike["promptTokensDetails"], name: string) =>
    (details ?? []).filter((entry) => entry.modality === name).reduce((sum, entry) => sum + count(entry.tokenCount), 0);
  const audioPrompt = modality(meta?.promptTokensDetails, "AUDIO") - modality(meta?.cacheTokensDetails, "AUDIO");
  return {
    promptTokens: count(meta?.promptTokenCount),
    cachedTokens: count(meta?.cachedContentTokenCount),
    audioPromptTokens: Math.max(0, audioPrompt),
    toolUsePromptTokens: count(meta?.toolUsePromptTokenCount),
    outputTokens: count(meta?.candidatesTokenCount) + count(meta?.thoughtsTokenCount),
    searchQueries: searchQueries.filter((query) => query.trim() !== "").length,
  };
}

function count(value: number | undefined): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
