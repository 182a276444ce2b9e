import { describe, expect, test } from "@jest/globals";
import { findModel, type ModelSpec } from "../../../lambda/domain/catalog.ts";
import { SEARCH_ALLOWANCE, affordableOutput, boundPromptTokens, holdFor } from "../../../lambda/domain/holds.ts";
import { NO_USAGE, priceUsage } from "../../../lambda/domain/money.ts";

const flash = findModel("gemini-3-flash-preview") as ModelSpec;
const pro = findModel("gemini-3.1-pro-preview") as ModelSpec;
const textBody = { contents: [{ role: "user", parts: [{ text: "Hello there" }] }] };

describe("boundPromptTokens", () => {
  test("bounds a text prompt by its JSON bytes, which no tokenizer can exceed", () => {
    const bound = boundPromptTokens(textBody, flash);
    expect(bound).toEqual({ tokens: Buffer.byteLength(JSON.stringify(textBody)), usesSearch: false });
  });

  test("counts multi-byte text by bytes", () => {
    const body = { contents: [{ parts: [{ text: "日本語" }] }] };
    expect(boundPromptTokens(body, flash).tokens).toBe(Buffer.byteLength(JSON.stringify(body)));
  });

  test("replaces inline media by an allowance instead of its base64 length", () => {
    const small = { contents: [{ parts: [{ inlineData: { mimeType: "image/png", data: "A".repeat(400) } }] }] };
    const large = { contents: [{ parts: [{ inline_data: { mime_type: "image/png", data: "A".repeat(40_000) } }] }] };
    expect(boundPromptTokens(small, flash).tokens).toBeGreaterThanOrEqual(2_240);
    expect(boundPromptTokens(small, flash).tokens).toBeLessThan(2_400);
    expect(boundPromptTokens(large, flash).tokens).toBeGreaterThanOrEqual(10_000);
  });

  test("assumes the whole context window for files Google fetches itself", () => {
    const body = { contents: [{ parts: [{ fileData: { mimeType: "video/mp4", fileUri: "https://example.com/v.mp4" } }] }] };
    expect(boundPromptTokens(body, flash).tokens).toBe(flash.contextWindow);
  });

  test("never exceeds the context window", () => {
    const body = { contents: [{ parts: [{ text: "x".repeat(2_000_000) }] }] };
    expect(boundPromptTokens(body, flash).tokens).toBe(flash.contextWindow);
  });

  test("notices Google Search grounding in either spelling", () => {
    expect(boundPromptTokens({ ...textBody, tools: [{ googleSearch: {} }] }, flash).usesSearch).toBe(true);
    expect(boundPromptTokens({ ...textBody, tools: [{ google_search: {} }] }, flash).usesSearch).toBe(true);
  });
});

describe("holdFor", () => {
  test("holds the price of the prompt bound plus the whole output cap", () => {
    const prompt = { tokens: 1_000, usesSearch: false };
    expect(holdFor(flash, prompt, 2_000)).toEqual({ credits: 500 + 6_000, promptTokens: 1_000, outputTokens: 2_000 });
  });

  test("covers the search allowance when grounding is on", () => {
    const plain = holdFor(flash, { tokens: 100, usesSearch: false }, 100).credits;
    const grounded = holdFor(flash, { tokens: 100, usesSearch: true }, 100).credits;
    expect(grounded - plain).toBe(Math.ceil((SEARCH_ALLOWANCE.toolUsePromptTokens * 500_000) / 1_000_000) + SEARCH_ALLOWANCE.queries * 14_000);
  });

  test("uses Pro's long-context prices when the prompt bound is past the tier", () => {
    expect(holdFor(pro, { tokens: 250_000, usesSearch: false }, 0).credits).toBe(1_000_000);
  });

  test("is never less than what any usage within its bounds prices at", () => {
    for (const [model, tokens, output] of [[flash, 1_234, 777], [pro, 199_999, 65_536], [pro, 300_000, 10]] as const) {
      const hold = holdFor(model, { tokens, usesSearch: false }, output);
      expect(priceUsage(model, { ...NO_USAGE, promptTokens: tokens, outputTokens: output })).toBeLessThanOrEqual(hold.credits);
    }
  });
});

describe("affordableOutput", () => {
  const prompt = { tokens: 1_000, usesSearch: false };

  test("finds the largest output cap whose hold fits the budget", () => {
    const cap = affordableOutput(flash, prompt, 10_000);
    expect(holdFor(flash, prompt, cap).credits).toBeLessThanOrEqual(10_000);
    expect(holdFor(flash, prompt, cap + 1).credits).toBeGreaterThan(10_000);
  });

  test("stops at the model's maximum output", () => {
    expect(affordableOutput(flash, prompt, 10_000_000)).toBe(flash.maxOutputTokens);
  });

  test("is zero when not even the prompt fits", () => {
    expect(affordableOutput(flash, prompt, 499)).toBe(0);
  });
});
