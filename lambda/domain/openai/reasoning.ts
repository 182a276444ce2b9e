/**
 * Reasoning controls → Gemini `thinkingConfig`, clamped to what each model accepts.
 *
 * Accepted inputs: `reasoning_effort` (OpenAI), `reasoning: { effort, exclude, enabled, max_tokens }`
 * (OpenRouter; `reasoning_effort` wins if both give an effort) and `show_thinking` (Omixa).
 *
 * | effort                         | aims at            | then, per model (catalog `thinkingLevels`)              |
 * |--------------------------------|--------------------|---------------------------------------------------------|
 * | `none`, `reasoning.enabled: false` | the lowest level | with thoughts hidden: no Gemini 3 model can switch thinking off |
 * | `minimal`, `low`, `medium`, `high` | that level     | itself if accepted, else the next higher accepted level (Pro has no MINIMAL: minimal → LOW) |
 * | `xhigh`, `max`                 | the highest level  | HIGH on every current model                              |
 * | absent                         | —                  | no `thinkingConfig`: the model's own default             |
 *
 * Whether thought summaries come back (`includeThoughts`, `reasoningVisible`), first rule that applies:
 * effort `none` → hidden; `show_thinking` given → as given; `reasoning.exclude` given → its opposite;
 * any other `reasoning` object or a `reasoning_effort` → shown (as OpenRouter and LiteLLM do);
 * nothing → hidden. `reasoning.max_tokens` is validated but not forwarded: Gemini 3 thinks in levels,
 * and sending a budget beside a level is a 400.
 */
import type { ModelSpec, ThinkingLevel } from "../catalog.ts";
import type { GeminiThinkingLevel, ThinkingConfig } from "../gemini/types.ts";
import { expectOneOf, optionalBoolean, optionalNumber, optionalObject } from "../validate.ts";
import type { JsonObject } from "../validate.ts";

export const REASONING_EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh", "max"] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

const LEVEL_ORDER: readonly ThinkingLevel[] = ["minimal", "low", "medium", "high"];

/** What each effort name aims at before clamping; `lowest`/`highest` mean the model's own extremes. */
const EFFORT_TARGET: Readonly<Record<ReasoningEffort, ThinkingLevel | "lowest" | "highest">> = {
  none: "lowest",
  minimal: "minimal",
  low: "low",
  medium: "medium",
  high: "high",
  xhigh: "highest",
  max: "highest",
};

const WIRE_LEVEL: Readonly<Record<ThinkingLevel, GeminiThinkingLevel>> = {
  minimal: "MINIMAL",
  low: "LOW",
  medium: "MEDIUM",
  high: "HIGH",
};

export interface ReasoningPlan {
  thinkingConfig?: ThinkingConfig;
  visible: boolean;
}

/**
 * Reads the reasoning fields of the request body for one model.
 *
 * @example planReasoning({ reasoning_effort: "minimal" }, findModel("gemini-3.1-pro-preview")!)
 * // { thinkingConfig: { thinkingLevel: "LOW", includeThoughts: true }, visible: true }
 */
export function planReasoning(body: JsonObject, model: ModelSpec): ReasoningPlan {
  const reasoning = optionalObject(body.reasoning, "reasoning");
  const showThinking = optionalBoolean(body.show_thinking, "show_thinking");
  const exclude = optionalBoolean(reasoning?.exclude, "reasoning.exclude");
  const enabled = optionalBoolean(reasoning?.enabled, "reasoning.enabled");
  optionalNumber(reasoning?.max_tokens, "reasoning.max_tokens", { min: 0, integer: true });
  const effort =
    readEffort(body.reasoning_effort, "reasoning_effort") ??
    readEffort(reasoning?.effort, "reasoning.effort") ??
    (enabled === false ? "none" : undefined);

  return thinkingFor(effort, isVisible(effort, showThinking, reasoning, exclude), model);
}

/**
 * The `thinkingConfig` for an effort (or none) and whether thought summaries come back, for one
 * model: the part both OpenAI dialects share once they have read their own fields.
 *
 * @example thinkingFor("minimal", true, findModel("gemini-3.1-pro-preview")!)
 * // { thinkingConfig: { thinkingLevel: "LOW", includeThoughts: true }, visible: true }
 */
export function thinkingFor(effort: ReasoningEffort | undefined, visible: boolean, model: ModelSpec): ReasoningPlan {
  if (effort === undefined) return visible ? { thinkingConfig: { includeThoughts: true }, visible } : { visible };
  return { thinkingConfig: { thinkingLevel: WIRE_LEVEL[clampLevel(EFFORT_TARGET[effort], model)], includeThoughts: visible }, visible };
}

/**
 * The level to send for a target: the target itself if the model accepts it, else the next higher
 * level it accepts, else its highest.
 *
 * @example clampLevel("minimal", findModel("gemini-3.1-pro-preview")!) // "low"
 */
export function clampLevel(target: ThinkingLevel | "lowest" | "highest", model: ModelSpec): ThinkingLevel {
  const accepted = LEVEL_ORDER.filter((level) => model.thinkingLevels.includes(level));
  const lowest = accepted[0] ?? model.defaultThinkingLevel;
  const highest = accepted.at(-1) ?? model.defaultThinkingLevel;
  if (target === "lowest") return lowest;
  if (target === "highest") return highest;
  const rank = LEVEL_ORDER.indexOf(target);
  return accepted.find((level) => LEVEL_ORDER.indexOf(level) >= rank) ?? highest;
}

function isVisible(effort: ReasoningEffort | undefined, showThinking: boolean | undefined, reasoning: JsonObject | undefined, exclude: boolean | undefined): boolean {
  if (effort === "none") return false;
  if (showThinking !== undefined) return showThinking;
  if (exclude !== undefined) return !exclude;
  // OpenRouter returns reasoning whenever a `reasoning` object asks for it without `exclude`.
  if (reasoning !== undefined) return true;
  return effort !== undefined;
}

/** @example readEffort("high", "reasoning.effort") // "high" */
export function readEffort(value: unknown, path: string): ReasoningEffort | undefined {
  return value === undefined || value === null ? undefined : expectOneOf(value, path, REASONING_EFFORTS);
}
