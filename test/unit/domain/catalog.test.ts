import { describe, expect, test } from "@jest/globals";
import { CREDITS_PER_USD, MODELS, findModel } from "../../../lambda/domain/catalog.ts";
import { googleModelListing, modelListing } from "../../../lambda/domain/model-listing.ts";

describe("the model catalog", () => {
  test("offers the models the seeds and Google name, each under a google/ alias too", () => {
    for (const id of ["gemini-3-flash-preview", "gemini-3.1-pro-preview", "gemini-3-pro-preview", "gemini-3-flash"]) {
      expect(findModel(id)?.id).toBe(id);
      expect(findModel(`google/${id}`)?.id).toBe(id);
    }
  });

  test("accepts Google's models/ prefix and rejects unknown names", () => {
    expect(findModel("models/gemini-3-flash-preview")?.id).toBe("gemini-3-flash-preview");
    expect(findModel("gpt-4o")).toBeUndefined();
    expect(findModel("models/")).toBeUndefined();
  });

  test("gives every name exactly one model", () => {
    const names = MODELS.flatMap((model) => [model.id, ...model.aliases]);
    expect(new Set(names).size).toBe(names.length);
  });

  test("routes the retired 3 Pro preview to 3.1 Pro, with 3.1 Pro's thinking levels", () => {
    const retired = findModel("gemini-3-pro-preview");
    expect(retired?.upstreamModel).toBe("gemini-3.1-pro-preview");
    expect(retired?.thinkingLevels).toEqual(findModel("gemini-3.1-pro-preview")?.thinkingLevels);
    expect(retired?.thinkingLevels).not.toContain("minimal");
  });

  test("prices Flash and Pro as Google lists them, in whole credits", () => {
    expect(findModel("gemini-3-flash-preview")?.prices).toEqual({ input: 500_000, cachedInput: 50_000, output: 3_000_000, audioInput: 1_000_000 });
    expect(findModel("gemini-3.1-pro-preview")?.prices).toEqual({ input: 2_000_000, cachedInput: 200_000, output: 12_000_000 });
    expect(findModel("gemini-3.1-pro-preview")?.longContext).toEqual({
      abovePromptTokens: 200_000,
      prices: { input: 4_000_000, cachedInput: 400_000, output: 18_000_000 },
    });
    for (const model of MODELS) {
      for (const price of Object.values(model.prices)) expect(Number.isInteger(price)).toBe(true);
    }
  });

  test("never offers a default thinking level the model rejects", () => {
    for (const model of MODELS) expect(model.thinkingLevels).toContain(model.defaultThinkingLevel);
  });
});

describe("modelListing", () => {
  test("lists every model in the OpenAI list shape with limits and prices", () => {
    const listing = modelListing();
    expect(listing.object).toBe("list");
    expect(listing.data.map((entry) => entry.id)).toEqual(MODELS.map((model) => model.id));
    expect(listing.data[0]).toMatchObject({
      object: "model",
      owned_by: "google",
      context_window: 1_048_576,
      max_output_tokens: 65_536,
      pricing: { credits_per_usd: CREDITS_PER_USD, input: 500_000, usd: { input: "0.50", cached_input: "0.05", output: "3.00" } },
    });
  });

  test("shows sub-cent dollar prices exactly", () => {
    const lite = modelListing().data.find((entry) => entry.id === "gemini-3.1-flash-lite");
    expect(lite?.pricing.usd).toMatchObject({ input: "0.25", cached_input: "0.025", output: "1.50" });
  });

  test("shows Pro's long-context tier", () => {
    const pro = modelListing().data.find((entry) => entry.id === "gemini-3.1-pro-preview");
    expect(pro?.pricing.long_context).toMatchObject({ above_prompt_tokens: 200_000, input: 4_000_000, usd: { output: "18.00" } });
  });

  test("gives Google's SDK its own list shape", () => {
    expect(googleModelListing().models[0]).toMatchObject({ name: "models/gemini-3-flash-preview", inputTokenLimit: 1_048_576 });
  });
});
