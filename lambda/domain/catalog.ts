/**
 * The model catalog: the one place that knows which models we sell, what Google calls them, their
 * limits, the thinking levels each accepts, and their prices. `/v1/models`, request validation and
 * billing all read it. Facts from shared/reference/gemini-wire.md §1.6 and §7.
 *
 * Money is integers: 1 credit = US$0.000001 (one micro-dollar) at Google's list price, so a price
 * of $0.50 per 1M tokens is 500_000 credits per 1M tokens. See README "Credits and prices".
 */

export type ThinkingLevel = "minimal" | "low" | "medium" | "high";

/** The kinds of upstream account the gateway can spend: Google AI Studio keys and Vertex AI. */
export type UpstreamKind = "ai-studio" | "vertex";

/** Where an upstream account sends requests: its kind and, for Vertex, its location. */
export interface UpstreamPlacement {
  readonly kind: UpstreamKind;
  /** Vertex's location, e.g. `global` or `us-central1`; absent means `global`. */
  readonly location?: string;
}

/** Credits per 1M tokens. */
export interface TokenPrices {
  readonly input: number;
  readonly cachedInput: number;
  readonly output: number;
  /** Audio input where Google prices it apart from text, image and video. */
  readonly audioInput?: number;
}

export interface ModelSpec {
  readonly id: string;
  readonly aliases: readonly string[];
  /** The model id sent to Google. */
  readonly upstreamModel: string;
  readonly displayName: string;
  /** Launch date, the `created` field of `/v1/models`. */
  readonly released: string;
  readonly contextWindow: number;
  readonly maxOutputTokens: number;
  /** Levels Google accepts for this model, lowest first; none of them turns thinking off. */
  readonly thinkingLevels: readonly ThinkingLevel[];
  readonly defaultThinkingLevel: ThinkingLevel;
  /** Gemini 3 rejects presence/frequency penalties. */
  readonly acceptsPenalties: boolean;
  readonly prices: TokenPrices;
  /** The kinds of upstream account that serve this model; a request goes only to those. */
  readonly servedBy: readonly UpstreamKind[];
  /** Pro models charge more for every token of a request whose prompt exceeds the threshold. */
  readonly longContext?: { readonly abovePromptTokens: number; readonly prices: TokenPrices };
  readonly notes?: string;
}

export const CREDITS_PER_USD = 1_000_000;
/** Google Search grounding on Gemini 3 is billed per executed query: $14 per 1,000. */
export const GOOGLE_SEARCH_QUERY_CREDITS = 14_000;

const FLASH_PRICES: TokenPrices = { input: 500_000, cachedInput: 50_000, output: 3_000_000, audioInput: 1_000_000 };
const PRO_PRICES: TokenPrices = { input: 2_000_000, cachedInput: 200_000, output: 12_000_000 };
const PRO_LONG_CONTEXT = {
  abovePromptTokens: 200_000,
  prices: { input: 4_000_000, cachedInput: 400_000, output: 18_000_000 },
} as const;
const BOTH_KINDS: readonly UpstreamKind[] = ["ai-studio", "vertex"];
const ALL_LEVELS: readonly ThinkingLevel[] = ["minimal", "low", "medium", "high"];
const PRO_LEVELS: readonly ThinkingLevel[] = ["low", "medium", "high"];

const flash = {
  contextWindow: 1_048_576,
  maxOutputTokens: 65_536,
  thinkingLevels: ALL_LEVELS,
  defaultThinkingLevel: "high",
  acceptsPenalties: false,
  prices: FLASH_PRICES,
  servedBy: BOTH_KINDS,
} as const;

const pro = {
  contextWindow: 1_048_576,
  maxOutputTokens: 65_536,
  thinkingLevels: PRO_LEVELS,
  defaultThinkingLevel: "high",
  acceptsPenalties: false,
  prices: PRO_PRICES,
  servedBy: BOTH_KINDS,
  longContext: PRO_LONG_CONTEXT,
} as const;

export const MODELS: readonly ModelSpec[] = [
  {
    ...flash,
    id: "gemini-3-flash-preview",
    aliases: ["google/gemini-3-flash-preview"],
    upstreamModel: "gemini-3-flash-preview",
    displayName: "Gemini 3 Flash Preview",
    released: "2025-12-17",
  },
  {
    ...flash,
    id: "gemini-3-flash",
    aliases: ["google/gemini-3-flash"],
    upstreamModel: "gemini-3-flash-preview",
    displayName: "Gemini 3 Flash",
    released: "2025-12-17",
    notes: "The name other gateways sell Gemini 3 Flash under; Google serves it as gemini-3-flash-preview.",
  },
  {
    ...pro,
    id: "gemini-3.1-pro-preview",
    aliases: ["google/gemini-3.1-pro-preview"],
    upstreamModel: "gemini-3.1-pro-preview",
    displayName: "Gemini 3.1 Pro Preview",
    released: "2026-02-19",
  },
  {
    ...pro,
    id: "gemini-3-pro-preview",
    aliases: ["google/gemini-3-pro-preview"],
    upstreamModel: "gemini-3.1-pro-preview",
    displayName: "Gemini 3 Pro Preview",
    released: "2025-11-18",
    notes: "Google shut gemini-3-pro-preview down on 2026-03-09 and moved its Pro alias to 3.1 Pro; so do we.",
  },
  {
    id: "gemini-3.1-flash-lite",
    aliases: ["google/gemini-3.1-flash-lite"],
    upstreamModel: "gemini-3.1-flash-lite",
    displayName: "Gemini 3.1 Flash-Lite",
    released: "2026-05-25",
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    thinkingLevels: ALL_LEVELS,
    defaultThinkingLevel: "minimal",
    acceptsPenalties: false,
    prices: { input: 250_000, cachedInput: 25_000, output: 1_500_000 },
    servedBy: BOTH_KINDS,
    notes: "Cached-input price and max output assumed as for the other 3.x Flash models (Google's are unconfirmed).",
  },
];

const BY_NAME = new Map<string, ModelSpec>(MODELS.flatMap((model) => [model.id, ...model.aliases].map((name) => [name, model])));

/**
 * Finds a model by id or alias, accepting Google's `models/` prefix.
 *
 * @example findModel("google/gemini-3-flash-preview")?.upstreamModel // "gemini-3-flash-preview"
 */
export function findModel(name: string): ModelSpec | undefined {
  return BY_NAME.get(name.startsWith("models/") ? name.slice("models/".length) : name);
}

/** The ids a client may use, for messages that say what would have worked. */
export function modelIds(): string[] {
  return MODELS.map((model) => model.id);
}

/**
 * Whether an account placed as `placement` serves Google's model `upstreamModel`: its kind must be
 * one the catalog lists for the model, and on Vertex a preview model is served only in the `global`
 * location (gemini-wire.md §7). A model the catalog does not sell is left to Google to refuse.
 *
 * @example
 * placementServes("gemini-3-flash-preview", { kind: "vertex", location: "global" }); // true
 * placementServes("gemini-3-flash-preview", { kind: "vertex", location: "us-central1" }); // false
 */
export function placementServes(upstreamModel: string, placement: UpstreamPlacement, models: readonly ModelSpec[] = MODELS): boolean {
  const id = upstreamModel.startsWith("models/") ? upstreamModel.slice("models/".length) : upstreamModel;
  const sold = models.filter((model) => model.upstreamModel === id);
  if (sold.length > 0 && !sold.every((model) => model.servedBy.includes(placement.kind))) return false;
  const location = placement.location ?? "global";
  return placement.kind !== "vertex" || location === "global" || !/-preview(?:$|-)/.test(id);
}
