import { describe, expect, test } from "@jest/globals";
import { findModel, type ModelSpec } from "../../../lambda/domain/catalog.ts";
import { NO_USAGE, billableUsage, priceUsage } from "../../../lambda/domain/money.ts";

const flash = findModel("gemini-3-flash-preview") as ModelSpec;
const pro = findModel("gemini-3.1-pro-preview") as ModelSpec;

describe("priceUsage", () => {
  test("charges prompt at the input price and thinking plus answer at the output price, rounding up once", () => {
    // The Cloudflare seed's real response: 8 prompt, 652 candidates, 363 thoughts.
    // 8 × 500,000 + 1,015 × 3,000,000 = 3,049,000,000 → 3,049 credits ($0.003049).
    expect(priceUsage(flash, { ...NO_USAGE, promptTokens: 8, outputTokens: 1_015 })).toBe(3_049);
  });

  test("prices the cached part of the prompt at the cached price", () => {
    const usage = { ...NO_USAGE, promptTokens: 10_000, cachedTokens: 6_000 };
    // 4,000 × 500,000 + 6,000 × 50,000 = 2,300,000,000 → 2,300
    expect(priceUsage(flash, usage)).toBe(2_300);
  });

  test("prices Flash's audio input apart", () => {
    expect(priceUsage(flash, { ...NO_USAGE, promptTokens: 1_000, audioPromptTokens: 400 })).toBe(700);
  });

  test("switches Pro to its long-context prices for every token once the prompt passes 200k", () => {
    expect(priceUsage(pro, { ...NO_USAGE, promptTokens: 200_000, outputTokens: 1_000 })).toBe(412_000);
    expect(priceUsage(pro, { ...NO_USAGE, promptTokens: 200_001, outputTokens: 1_000 })).toBe(818_004);
  });

  test("charges search results fed back as input and each executed search query", () => {
    expect(priceUsage(flash, { ...NO_USAGE, toolUsePromptTokens: 2_000, searchQueries: 2 })).toBe(1_000 + 28_000);
  });

  test("rounds a fraction of a credit up, never down", () => {
    expect(priceUsage(flash, { ...NO_USAGE, promptTokens: 1 })).toBe(1);
    expect(priceUsage(flash, NO_USAGE)).toBe(0);
  });
});

describe("billableUsage", () => {
  test("reads Google's cumulative usage: output is candidates plus thoughts", () => {
    expect(
      billableUsage({ promptTokenCount: 8, candidatesTokenCount: 652, thoughtsTokenCount: 363, cachedContentTokenCount: 0 }),
    ).toEqual({ ...NO_USAGE, promptTokens: 8, outputTokens: 1_015 });
  });

  test("counts audio prompt tokens that were not cached", () => {
    const usage = billableUsage({
      promptTokenCount: 500,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: 100 }, { modality: "AUDIO", tokenCount: 400 }],
      cacheTokensDetails: [{ modality: "AUDIO", tokenCount: 150 }],
      cachedContentTokenCount: 150,
    });
    expect(usage).toMatchObject({ promptTokens: 500, cachedTokens: 150, audioPromptTokens: 250 });
  });

  test("bills only non-empty search queries, as Google does", () => {
    expect(billableUsage({}, ["weather paris", "", "  "]).searchQueries).toBe(1);
  });

  test("treats missing or nonsense counts as zero", () => {
    expect(billableUsage(undefined)).toEqual(NO_USAGE);
    expect(billableUsage({ promptTokenCount: -3, candidatesTokenCount: Number.NaN })).toEqual(NO_USAGE);
  });
});
