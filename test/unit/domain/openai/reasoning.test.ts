import { describe, expect, test } from "@jest/globals";
import { findModel } from "../../../../lambda/domain/catalog.ts";
import type { ModelSpec } from "../../../../lambda/domain/catalog.ts";
import { InvalidRequestError } from "../../../../lambda/domain/errors.ts";
import { planReasoning } from "../../../../lambda/domain/openai/reasoning.ts";

function model(id: string): ModelSpec {
  const spec = findModel(id);
  if (spec === undefined) throw new Error(`no model ${id}`);
  return spec;
}

const FLASH = model("gemini-3-flash-preview");
const PRO = model("gemini-3.1-pro-preview");
const RETIRED_PRO = model("gemini-3-pro-preview");
const LITE = model("gemini-3.1-flash-lite");

describe("planReasoning", () => {
  test.each([
    // effort, Flash, 3.1 Pro
    ["none", "MINIMAL", "LOW"],
    ["minimal", "MINIMAL", "LOW"],
    ["low", "LOW", "LOW"],
    ["medium", "MEDIUM", "MEDIUM"],
    ["high", "HIGH", "HIGH"],
    ["xhigh", "HIGH", "HIGH"],
    ["max", "HIGH", "HIGH"],
  ])("maps reasoning_effort %s to %s on Flash and %s on Pro", (effort, flashLevel, proLevel) => {
    const visible = effort !== "none";
    expect(planReasoning({ reasoning_effort: effort }, FLASH)).toEqual({ thinkingConfig: { thinkingLevel: flashLevel, includeThoughts: visible }, visible });
    expect(planReasoning({ reasoning_effort: effort }, PRO)).toEqual({ thinkingConfig: { thinkingLevel: proLevel, includeThoughts: visible }, visible });
  });

  test("clamps the retired 3 Pro name with 3.1 Pro's levels and Flash-Lite with all four", () => {
    expect(planReasoning({ reasoning_effort: "minimal" }, RETIRED_PRO).thinkingConfig).toEqual({ thinkingLevel: "LOW", includeThoughts: true });
    expect(planReasoning({ reasoning_effort: "minimal" }, LITE).thinkingConfig).toEqual({ thinkingLevel: "MINIMAL", includeThoughts: true });
  });

  test("clamps a level the model lacks up to the next one it accepts", () => {
    const noMedium: ModelSpec = { ...PRO, thinkingLevels: ["low", "high"] };
    expect(planReasoning({ reasoning_effort: "medium" }, noMedium).thinkingConfig).toEqual({ thinkingLevel: "HIGH", includeThoughts: true });
    expect(planReasoning({ reasoning_effort: "none" }, noMedium).thinkingConfig).toEqual({ thinkingLevel: "LOW", includeThoughts: false });
  });

  test("sends no thinking config when nothing asks for one, leaving the model default", () => {
    expect(planReasoning({}, FLASH)).toEqual({ visible: false });
    expect(planReasoning({ show_thinking: false }, FLASH)).toEqual({ visible: false });
  });

  test("shows thoughts for the Omixa show_thinking flag, with or without an effort", () => {
    expect(planReasoning({ show_thinking: true }, FLASH)).toEqual({ thinkingConfig: { includeThoughts: true }, visible: true });
    expect(planReasoning({ reasoning_effort: "minimal", show_thinking: true }, FLASH)).toEqual({
      thinkingConfig: { thinkingLevel: "MINIMAL", includeThoughts: true },
      visible: true,
    });
    expect(planReasoning({ reasoning_effort: "high", show_thinking: false }, FLASH)).toEqual({
      thinkingConfig: { thinkingLevel: "HIGH", includeThoughts: false },
      visible: false,
    });
  });

  test("reads OpenRouter's reasoning object: effort, exclude and enabled", () => {
    expect(planReasoning({ reasoning: { effort: "low" } }, PRO)).toEqual({ thinkingConfig: { thinkingLevel: "LOW", includeThoughts: true }, visible: true });
    expect(planReasoning({ reasoning: { effort: "low", exclude: true } }, PRO)).toEqual({
      thinkingConfig: { thinkingLevel: "LOW", includeThoughts: false },
      visible: false,
    });
    expect(planReasoning({ reasoning: { enabled: true } }, PRO)).toEqual({ thinkingConfig: { includeThoughts: true }, visible: true });
    expect(planReasoning({ reasoning: { max_tokens: 2048 } }, PRO)).toEqual({ thinkingConfig: { includeThoughts: true }, visible: true });
    expect(planReasoning({ reasoning: { enabled: false } }, PRO)).toEqual({ thinkingConfig: { thinkingLevel: "LOW", includeThoughts: false }, visible: false });
  });

  test("lets reasoning_effort win over reasoning.effort, and none hide thoughts even when shown is asked", () => {
    expect(planReasoning({ reasoning_effort: "high", reasoning: { effort: "low" } }, FLASH).thinkingConfig).toEqual({ thinkingLevel: "HIGH", includeThoughts: true });
    expect(planReasoning({ reasoning_effort: "none", show_thinking: true }, FLASH)).toEqual({
      thinkingConfig: { thinkingLevel: "MINIMAL", includeThoughts: false },
      visible: false,
    });
  });

  test.each([
    [{ reasoning_effort: "extreme" }, '`reasoning_effort` must be one of "none", "minimal", "low", "medium", "high", "xhigh", "max"; got "extreme"'],
    [{ reasoning: { effort: 3 } }, "`reasoning.effort` must be a string"],
    [{ reasoning: "high" }, "`reasoning` must be an object"],
    [{ reasoning: { max_tokens: -1 } }, "`reasoning.max_tokens` must be an integer of at least 0"],
    [{ show_thinking: "yes" }, "`show_thinking` must be true or false"],
  ])("rejects %j, naming the field", (body, message) => {
    expect(() => planReasoning(body, FLASH)).toThrow(new InvalidRequestError(message));
  });
});
