import { describe, expect, test } from "@jest/globals";
import { aggregateChunks } from "../../../../lambda/domain/gemini/aggregate.ts";
import type { GenerateContentResponse, Part } from "../../../../lambda/domain/gemini/types.ts";

const chunk = (parts: Part[], extra: object = {}, top: object = {}): GenerateContentResponse => ({
  candidates: [{ content: { role: "model", parts }, index: 0, ...extra }],
  modelVersion: "gemini-3-flash-preview",
  responseId: "r1",
  ...top,
});

describe("aggregateChunks", () => {
  test("joins streamed text and puts the final signature on it, as a unary answer does", () => {
    const answer = aggregateChunks([
      chunk([{ text: "Hel" }], {}, { usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 } }),
      chunk([{ text: "lo!" }]),
      chunk([{ text: "", thoughtSignature: "c2ln" }], { finishReason: "STOP" }, { usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 3, totalTokenCount: 11 } }),
    ]);
    expect(answer).toEqual({
      candidates: [{ index: 0, content: { role: "model", parts: [{ text: "Hello!", thoughtSignature: "c2ln" }] }, finishReason: "STOP" }],
      usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 3, totalTokenCount: 11 },
      modelVersion: "gemini-3-flash-preview",
      responseId: "r1",
    });
  });

  test("keeps thoughts apart from the answer", () => {
    const answer = aggregateChunks([chunk([{ text: "Plan", thought: true }]), chunk([{ text: "ning", thought: true }]), chunk([{ text: "Answer" }])]);
    expect(answer.candidates?.[0]?.content?.parts).toEqual([{ text: "Planning", thought: true }, { text: "Answer" }]);
  });

  test("never joins text onto a part that already carries a signature", () => {
    const answer = aggregateChunks([chunk([{ text: "one", thoughtSignature: "YQ==" }]), chunk([{ text: "two" }])]);
    expect(answer.candidates?.[0]?.content?.parts).toEqual([{ text: "one", thoughtSignature: "YQ==" }, { text: "two" }]);
  });

  test("keeps parallel function calls as sent, the signature on the first only", () => {
    const calls: Part[] = [
      { functionCall: { id: "fc_1", name: "a", args: {} }, thoughtSignature: "c2ln" },
      { functionCall: { id: "fc_2", name: "b", args: {} } },
    ];
    expect(aggregateChunks([chunk(calls, { finishReason: "STOP" })]).candidates?.[0]?.content?.parts).toEqual(calls);
  });

  test("keeps the last grounding metadata and finish reason, and the first prompt feedback", () => {
    const answer = aggregateChunks([
      { promptFeedback: { safetyRatings: [] }, ...chunk([{ text: "a" }]) },
      chunk([{ text: "b" }], { groundingMetadata: { webSearchQueries: ["q1", "q2"] }, finishReason: "STOP" }),
    ]);
    expect(answer.candidates?.[0]).toMatchObject({ finishReason: "STOP", groundingMetadata: { webSearchQueries: ["q1", "q2"] } });
    expect(answer.promptFeedback).toEqual({ safetyRatings: [] });
  });

  test("passes a blocked prompt through: feedback and no candidates", () => {
    const blocked = { promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 } };
    expect(aggregateChunks([blocked])).toEqual(blocked);
  });
});
