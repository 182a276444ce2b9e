import { describe, expect, test } from "@jest/globals";
import type { GenerateContentResponse } from "../../../../lambda/domain/gemini/types.ts";
import { toChatCompletion } from "../../../../lambda/domain/openai/response.ts";

const ctx = { id: "req_task1", created: 1_767_225_600, model: "google/gemini-3-flash-preview" };
const SIG_TEXT = "CpoIAdHtim9X";
const SIG_CALL = "CiQBjz1rX2Fs";
const usageMetadata = { promptTokenCount: 8, candidatesTokenCount: 652, thoughtsTokenCount: 363, totalTokenCount: 1023 };
const usage = {
  prompt_tokens: 8,
  completion_tokens: 1015,
  total_tokens: 1023,
  prompt_tokens_details: { cached_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 363 },
};
const envelope = { id: "req_task1", object: "chat.completion", created: 1_767_225_600, model: "google/gemini-3-flash-preview" };

describe("toChatCompletion", () => {
  test("returns text with its signature where Google's OpenAI layer and OpenRouter put it", () => {
    const response: GenerateContentResponse = {
      candidates: [{ content: { role: "model", parts: [{ text: "Hello" }, { text: " world", thoughtSignature: SIG_TEXT }] }, finishReason: "STOP", index: 0 }],
      usageMetadata,
      modelVersion: "gemini-3-flash-preview",
      responseId: "r1",
    };
    expect(toChatCompletion(response, ctx, { reasoningVisible: false }, { credits: 1_093 })).toEqual({
      ...envelope,
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "Hello world",
            refusal: null,
            reasoning_details: [{ type: "reasoning.encrypted", data: SIG_TEXT, format: "google-gemini-v1", index: 0 }],
            extra_content: { google: { thought_signature: SIG_TEXT } },
          },
          finish_reason: "stop",
          logprobs: null,
          native_finish_reason: "STOP",
        },
      ],
      usage: { ...usage, credits: 1_093 },
    });
  });

  test("returns parallel calls with Gemini's ids, JSON arguments and the first call's signature, finishing with tool_calls", () => {
    const response: GenerateContentResponse = {
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { functionCall: { id: "fc_1", name: "get_weather", args: { city: "Paris" } }, thoughtSignature: SIG_CALL },
              { functionCall: { id: "fc_2", name: "get_weather", args: { city: "Rome" } } },
            ],
          },
          finishReason: "STOP",
        },
      ],
      usageMetadata,
    };
    expect(toChatCompletion(response, ctx, { reasoningVisible: false }).choices).toEqual([
      {
        index: 0,
        message: {
          role: "assistant",
          content: null,
          refusal: null,
          tool_calls: [
            {
              id: "fc_1",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
              extra_content: { google: { thought_signature: SIG_CALL } },
            },
            { id: "fc_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
          ],
          reasoning_details: [{ type: "reasoning.encrypted", data: SIG_CALL, id: "fc_1", format: "google-gemini-v1", index: 0 }],
        },
        finish_reason: "tool_calls",
        logprobs: null,
        native_finish_reason: "STOP",
      },
    ]);
  });

  test("makes stable ids for calls Gemini sent without one, and {} for missing args", () => {
    const response: GenerateContentResponse = {
      candidates: [{ content: { parts: [{ functionCall: { name: "now" } }, { functionCall: { name: "today", args: {} } }] }, finishReason: "STOP" }],
    };
    const calls = toChatCompletion(response, ctx, { reasoningVisible: false }).choices[0].message.tool_calls;
    expect(calls).toEqual([
      { id: "call_req_task1_0", type: "function", function: { name: "now", arguments: "{}" } },
      { id: "call_req_task1_1", type: "function", function: { name: "today", arguments: "{}" } },
    ]);
  });

  test("returns thought summaries as reasoning_content and reasoning, never in content, when asked for", () => {
    const response: GenerateContentResponse = {
      candidates: [
        {
          content: { parts: [{ text: "**Plan**\n", thought: true }, { text: "Weigh it.", thought: true }, { text: "42", thoughtSignature: SIG_TEXT }] },
          finishReason: "STOP",
        },
      ],
    };
    expect(toChatCompletion(response, ctx, { reasoningVisible: true }).choices[0].message).toEqual({
      role: "assistant",
      content: "42",
      refusal: null,
      reasoning_content: "**Plan**\nWeigh it.",
      reasoning: "**Plan**\nWeigh it.",
      reasoning_details: [
        { type: "reasoning.text", text: "**Plan**\nWeigh it.", format: "google-gemini-v1", index: 0 },
        { type: "reasoning.encrypted", data: SIG_TEXT, format: "google-gemini-v1", index: 0 },
      ],
      extra_content: { google: { thought_signature: SIG_TEXT } },
    });
    expect(toChatCompletion(response, ctx, { reasoningVisible: false }).choices[0].message.reasoning_content).toBeUndefined();
  });

  test("keeps a signature that sits on a hidden thought or an empty part", () => {
    const response: GenerateContentResponse = {
      candidates: [{ content: { parts: [{ text: "Let me think", thought: true, thoughtSignature: SIG_TEXT }, { text: "Done." }, { text: "" }] }, finishReason: "STOP" }],
    };
    expect(toChatCompletion(response, ctx, { reasoningVisible: false }).choices[0].message).toEqual({
      role: "assistant",
      content: "Done.",
      refusal: null,
      reasoning_details: [{ type: "reasoning.encrypted", data: SIG_TEXT, format: "google-gemini-v1", index: 0 }],
      extra_content: { google: { thought_signature: SIG_TEXT } },
    });
  });

  test("explains a blocked prompt instead of returning an empty message", () => {
    const response: GenerateContentResponse = {
      promptFeedback: { blockReason: "PROHIBITED_CONTENT" },
      usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 },
    };
    expect(toChatCompletion(response, ctx, { reasoningVisible: false })).toEqual({
      ...envelope,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: null, refusal: "Gemini blocked the prompt (PROHIBITED_CONTENT) and returned no answer." },
          finish_reason: "content_filter",
          logprobs: null,
          native_finish_reason: "PROHIBITED_CONTENT",
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 0, total_tokens: 12, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    });
  });

  test("explains an answer withheld by a safety filter, and keeps partial text without a refusal", () => {
    const withheld = toChatCompletion({ candidates: [{ finishReason: "SAFETY" }] }, ctx, { reasoningVisible: false });
    expect(withheld.choices[0]).toEqual({
      index: 0,
      message: { role: "assistant", content: null, refusal: "Gemini withheld the answer (SAFETY)." },
      finish_reason: "content_filter",
      logprobs: null,
      native_finish_reason: "SAFETY",
    });
    const partial = toChatCompletion({ candidates: [{ content: { parts: [{ text: "Once" }] }, finishReason: "RECITATION" }] }, ctx, { reasoningVisible: false });
    expect(partial.choices[0].message).toEqual({ role: "assistant", content: "Once", refusal: null });
    expect(partial.choices[0].finish_reason).toBe("content_filter");
  });

  test("reports a cut-off answer as length", () => {
    const cut = toChatCompletion({ candidates: [{ content: { parts: [{ text: "Lorem" }] }, finishReason: "MAX_TOKENS" }] }, ctx, { reasoningVisible: false });
    expect(cut.choices[0].finish_reason).toBe("length");
  });
});
