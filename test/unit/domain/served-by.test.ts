import { describe, expect, test } from "@jest/globals";
import { MODELS, placementServes } from "../../../lambda/domain/catalog.ts";

describe("which upstream accounts serve a model", () => {
  test("every catalog model says which kinds serve it, and models sharing an upstream id agree", () => {
    for (const model of MODELS) {
      expect(model.servedBy.length).toBeGreaterThan(0);
      const sameUpstream = MODELS.filter((other) => other.upstreamModel === model.upstreamModel);
      expect(new Set(sameUpstream.map((other) => [...other.servedBy].sort().join()))).toEqual(new Set([[...model.servedBy].sort().join()]));
    }
  });

  test("AI Studio and Vertex in global serve everything sold; a regional Vertex location serves no preview model", () => {
    for (const model of MODELS) {
      expect(placementServes(model.upstreamModel, { kind: "ai-studio" })).toBe(true);
      expect(placementServes(model.upstreamModel, { kind: "vertex" })).toBe(true);
      expect(placementServes(model.upstreamModel, { kind: "vertex", location: "global" })).toBe(true);
    }
    expect(placementServes("gemini-3-flash-preview", { kind: "vertex", location: "us-central1" })).toBe(false);
    expect(placementServes("models/gemini-3.1-pro-preview", { kind: "vertex", location: "europe-west4" })).toBe(false);
    expect(placementServes("gemini-3.1-pro-preview-customtools", { kind: "vertex", location: "europe-west4" })).toBe(false);
    expect(placementServes("gemini-3.1-flash-lite", { kind: "vertex", location: "us-central1" })).toBe(true);
    expect(placementServes("gemini-3.1-flash-lite", { kind: "ai-studio", location: "us-central1" })).toBe(true);
  });

  test("a model served by AI Studio only is not sent to any Vertex account", () => {
    const studioOnly = [{ ...MODELS[0], upstreamModel: "gemini-3-studio-only", servedBy: ["ai-studio" as const] }];

    expect(placementServes("gemini-3-studio-only", { kind: "ai-studio" }, studioOnly)).toBe(true);
    expect(placementServes("gemini-3-studio-only", { kind: "vertex", location: "global" }, studioOnly)).toBe(false);
  });

  test("a model the catalog does not sell is left to Google to refuse, except previews outside global", () => {
    expect(placementServes("gemini-0-unknown", { kind: "ai-studio" })).toBe(true);
    expect(placementServes("gemini-0-unknown", { kind: "vertex", location: "us-east5" })).toBe(true);
    expect(placementServes("gemini-9-preview", { kind: "vertex", location: "us-east5" })).toBe(false);
  });
});
