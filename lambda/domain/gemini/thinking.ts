/**
 * `generationConfig.thinkingConfig` checks that Google would otherwise answer with a 400 after a round
 * trip (gemini-wire.md §1.6): a level and a budget together, a level the model does not accept, and a
 * budget of 0, since no Gemini 3 model can switch thinking off. The config itself is sent as given.
 */
import type { ModelSpec } from "../catalog.ts";
import { fail, optionalNumber, type JsonObject } from "../validate.ts";
import { readField, readObject } from "./fields.ts";

const KNOWN_LEVELS = ["MINIMAL", "LOW", "MEDIUM", "HIGH"] as const;
/** Google's "no preference": the model's default level. */
const UNSPECIFIED = "THINKING_LEVEL_UNSPECIFIED";

/**
 * Validates the thinking config inside a generation config (either spelling, any letter case).
 *
 * @example
 * checkThinking({ thinkingConfig: { thinkingLevel: "minimal" } }, "generationConfig", gemini31Pro);
 * // throws "`generationConfig.thinkingConfig.thinkingLevel` "minimal" is not accepted by gemini-3.1-pro-preview; it accepts LOW, MEDIUM, HIGH."
 */
export function checkThinking(generationConfig: JsonObject, parent: string, model: ModelSpec): void {
  const thinking = readObject(generationConfig, "thinkingConfig", parent);
  if (thinking === undefined) return;
  const level = readField(thinking.value, "thinkingLevel", thinking.path);
  const budget = readField(thinking.value, "thinkingBudget", thinking.path);
  if (level !== undefined && budget !== undefined) {
    fail(budget.path, `cannot be sent together with \`${level.path}\`; Gemini 3 models think in levels, so send only the level`);
  }
  if (level !== undefined) checkLevel(level.value, level.path, model);
  if (budget !== undefined) checkBudget(budget.value, budget.path, model);
}

function checkLevel(value: unknown, path: string, model: ModelSpec): void {
  const accepted = model.thinkingLevels.map((name) => name.toUpperCase());
  if (typeof value !== "string") fail(path, `must be a string, one of ${accepted.join(", ")}`);
  const level = value.toUpperCase();
  if (level === UNSPECIFIED) return;
  if (!(KNOWN_LEVELS as readonly string[]).includes(level)) fail(path, `must be one of ${accepted.join(", ")}; got "${value}"`);
  if (!accepted.includes(level)) fail(path, `"${value}" is not accepted by ${model.id}; it accepts ${accepted.join(", ")}.`);
}

function checkBudget(value: unknown, path: string, model: ModelSpec): void {
  const budget = optionalNumber(value, path, { min: -1, integer: true });
  if (budget === 0) {
    fail(path, `cannot be 0: ${model.id} always thinks. Send \`thinkingLevel\` ${model.thinkingLevels[0]?.toUpperCase() ?? "LOW"} for the least thinking.`);
  }
}
