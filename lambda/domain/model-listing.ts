import { CREDITS_PER_USD, GOOGLE_SEARCH_QUERY_CREDITS, MODELS, type ModelSpec, type TokenPrices } from "./catalog.ts";

/**
 * `GET /v1/models` in the OpenAI list shape, with the facts a customer needs to budget: limits,
 * thinking levels, and prices both in credits and in US dollars per 1M tokens.
 */
export function modelListing() {
  return { object: "list" as const, data: MODELS.map(describeModel) };
}

/** One model as `GET /v1/models/{id}` returns it. */
export function describeModel(model: ModelSpec) {
  return {
    id: model.id,
    object: "model" as const,
    created: Math.floor(Date.parse(`${model.released}T00:00:00Z`) / 1000),
    owned_by: "google",
    name: model.displayName,
    aliases: model.aliases,
    upstream_model: model.upstreamModel,
    context_window: model.contextWindow,
    max_output_tokens: model.maxOutputTokens,
    thinking_levels: model.thinkingLevels,
    default_thinking_level: model.defaultThinkingLevel,
    pricing: {
      unit: "credits per 1M tokens",
      credits_per_usd: CREDITS_PER_USD,
      ...describePrices(model.prices),
      ...(model.longContext && {
        long_context: { above_prompt_tokens: model.longContext.abovePromptTokens, ...describePrices(model.longContext.prices) },
      }),
      google_search_query: GOOGLE_SEARCH_QUERY_CREDITS,
    },
    ...(model.notes && { notes: model.notes }),
  };
}

function describePrices(prices: TokenPrices) {
  return {
    input: prices.input,
    cached_input: prices.cachedInput,
    output: prices.output,
    ...(prices.audioInput !== undefined && { audio_input: prices.audioInput }),
    usd: {
      input: toUsd(prices.input),
      cached_input: toUsd(prices.cachedInput),
      output: toUsd(prices.output),
      ...(prices.audioInput !== undefined && { audio_input: toUsd(prices.audioInput) }),
    },
  };
}

/** Decimal string with no float rounding: credits are integers, dollars are shown, never computed with. */
function toUsd(credits: number): string {
  const cents = Math.floor(credits / (CREDITS_PER_USD / 100));
  const rest = credits % (CREDITS_PER_USD / 100);
  const base = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
  return rest === 0 ? base : `${base}${String(rest).padStart(4, "0").replace(/0+$/, "")}`;
}

/** `GET /v1beta/models` as Google shapes it, so `@google/genai`'s `models.list()` works. */
export function googleModelListing() {
  return { models: MODELS.map(googleModel) };
}

/** One model as Google's `models.get` returns it. */
export function googleModel(model: ModelSpec) {
  return {
    name: `models/${model.id}`,
    baseModelId: model.id,
    version: model.upstreamModel,
    displayName: model.displayName,
    description: model.notes ?? `${model.displayName}, served by this gateway.`,
    inputTokenLimit: model.contextWindow,
    outputTokenLimit: model.maxOutputTokens,
    supportedGenerationMethods: ["generateContent", "streamGenerateContent", "countTokens"],
    thinking: true,
  };
}
