import { describe, expect, test } from "@jest/globals";
import { toFinishReason } from "../../../../lambda/domain/openai/finish-reason.ts";
import { toChatUsage } from "../../../../lambda/domain/openai/usage.ts";

describe("toChatUsage", () => {
  test("counts tool-use prompt tokens as prompt and thoughts as completion, so totals reconcile", () => {
    expect(
      toChatUsage({
        promptTokenCount: 1_000,
        cachedContentTokenCount: 600,
        toolUsePromptTokenCount: 250,
        candidatesTokenCount: 40,
        thoughtsTokenCount: 300,
        totalTokenCount: 1_590,
      }),
    ).toEqual({
      prompt_tokens: 1_250,
      completion_tokens: 340,
      total_tokens: 1_590,
      prompt_tokens_details: { cached_tokens: 600 },
      completion_tokens_details: { reasoning_tokens: 300 },
    });
  });

  test("adds the credits charged when given and reads missing usage as zeros", () => {
    expect(toChatUsage(undefined, 0)).toEqual({
      prompt_tokens: 0,
      completion_tokens: 0,
      total_tokens: 0,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
      credits: 0,
    });
  });
});

describe("toFinishReason", () => {
  test.each([
    ["STOP", false, "stop"],
    ["STOP", true, "tool_calls"],
    [undefined, true, "tool_calls"],
    [undefined, false, "stop"],
    ["FINISH_REASON_UNSPECIFIED", false, "stop"],
    ["MAX_TOKENS", false, "length"],
    ["MAX_TOKENS", true, "length"],
    ["SAFETY", false, "content_filter"],
    ["RECITATION", false, "content_filter"],
    ["LANGUAGE", false, "content_filter"],
    ["BLOCKLIST", false, "content_filter"],
    ["PROHIBITED_CONTENT", false, "content_filter"],
    ["SPII", false, "content_filter"],
    ["IMAGE_SAFETY", false, "content_filter"],
    ["OTHER", false, "stop"],
    ["MALFORMED_FUNCTION_CALL", false, "stop"],
    ["UNEXPECTED_TOOL_CALL", false, "stop"],
    ["TOO_MANY_TOOL_CALLS", true, "tool_calls"],
    ["SOMETHING_NEW", false, "stop"],
  ])("maps %s (tool calls made: %s) to %s", (gemini, madeCalls, openai) => {
    expect(toFinishReason(gemini, madeCalls)).toBe(openai);
  });
});
