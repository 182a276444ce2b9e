import { describe, expect, test } from "@jest/globals";
import type { GenerateContentResponse, Part } from "../../../../lambda/domain/gemini/types.ts";
import { ChatStreamTranslator } from "../../../../lambda/domain/openai/stream.ts";

const ctx = { id: "req_task1", created: 1_767_225_600, model: "gemini-3-flash" };
const head = { id: "req_task1", object: "chat.completion.chunk", created: 1_767_225_600, model: "gemini-3-flash" };
const SIG_TEXT = "CpoIAdHtim9X";
const SIG_CALL = "CiQBjz1rX2Fs";

function upstream(parts: Part[], extra: Omit<GenerateContentResponse, "candidates"> & { finishReason?: string } = {}): GenerateContentResponse {
  const { finishReason, ...rest } = extra;
  return { candidates: [{ content: { role: "model", parts }, index: 0, ...(finishReason === undefined ? {} : { finishReason }) }], ...rest };
}

const choice = (delta: Record<string, unknown>, finish_reason: string | null = null) => ({ index: 0, delta, finish_reason, logprobs: null });

describe("ChatStreamTranslator", () => {
  test("streams text with role first, a trailing signature, the finish chunk and the usage chunk", () => {
    const translator = new ChatStreamTranslator(ctx, { reasoningVisible: false, includeUsage: true });
    const chunks = [
      ...translator.push(upstream([{ text: "Hel" }], { usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 } })),
      ...translator.push(upstream([{ text: "lo!" }])),
      ...translator.push(
        upstream([{ text: "", thoughtSignature: SIG_TEXT }], {
          finishReason: "STOP",
          usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 3, thoughtsTokenCount: 120, totalTokenCount: 131 },
        }),
      ),
      ...translator.finish({ credits: 365 }),
    ];
    expect(chunks).toEqual([
      { ...head, choices: [choice({ role: "assistant", content: "Hel" })], usage: null },
      { ...head, choices: [choice({ content: "lo!" })], usage: null },
      {
        ...head,
        choices: [
          choice({
            reasoning_details: [{ type: "reasoning.encrypted", data: SIG_TEXT, format: "google-gemini-v1", index: 0 }],
            extra_content: { google: { thought_signature: SIG_TEXT } },
          }),
        ],
        usage: null,
      },
      { ...head, choices: [{ ...choice({}, "stop"), native_finish_reason: "STOP" }], usage: null },
      {
        ...head,
        choices: [],
        usage: {
          prompt_tokens: 8,
          completion_tokens: 123,
          total_tokens: 131,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 120 },
          credits: 365,
        },
      },
    ]);
    expect(translator.usage).toEqual({ promptTokenCount: 8, candidatesTokenCount: 3, thoughtsTokenCount: 120, totalTokenCount: 131 });
    expect(translator.producedOutput).toBe(true);
  });

  test("gives tool calls one chunk each with a running index across upstream chunks, then finishes with tool_calls", () => {
    const translator = new ChatStreamTranslator(ctx, { reasoningVisible: false, includeUsage: false });
    const chunks = [
      ...translator.push(upstream([{ text: "Checking both." }])),
      ...translator.push(
        upstream([
          { functionCall: { id: "fc_1", name: "get_weather", args: { city: "Paris" } }, thoughtSignature: SIG_CALL },
          { functionCall: { id: "fc_2", name: "get_weather", args: { city: "Rome" } } },
        ]),
      ),
      ...translator.push(upstream([{ functionCall: { name: "get_time", args: {} } }], { finishReason: "STOP" })),
      ...translator.finish(),
    ];
    expect(chunks).toEqual([
      { ...head, choices: [choice({ role: "assistant", content: "Checking both." })] },
      {
        ...head,
        choices: [
          choice({
            tool_calls: [
              {
                index: 0,
                id: "fc_1",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Paris"}' },
                extra_content: { google: { thought_signature: SIG_CALL } },
              },
            ],
            reasoning_details: [{ type: "reasoning.encrypted", data: SIG_CALL, id: "fc_1", format: "google-gemini-v1", index: 0 }],
          }),
        ],
      },
      { ...head, choices: [choice({ tool_calls: [{ index: 1, id: "fc_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } }] })] },
      { ...head, choices: [choice({ tool_calls: [{ index: 2, id: "call_req_task1_2", type: "function", function: { name: "get_time", arguments: "{}" } }] })] },
      { ...head, choices: [{ ...choice({}, "tool_calls"), native_finish_reason: "STOP" }] },
    ]);
  });

  test("drops a call Gemini re-sends in a later chunk, keeping the first, signed copy", () => {
    const translator = new ChatStreamTranslator(ctx, { reasoningVisible: false, includeUsage: false });
    const call = { id: "fc_1", name: "get_weather", args: { city: "Paris" } };
    expect(translator.push(upstream([{ functionCall: call, thoughtSignature: SIG_CALL }]))).toHaveLength(1);
    expect(translator.push(upstream([{ functionCall: call }], { finishReason: "STOP" }))).toEqual([
      { ...head, choices: [{ ...choice({}, "tool_calls"), native_finish_reason: "STOP" }] },
    ]);
  });

  test("streams visible thought summaries apart from content", () => {
    const translator = new ChatStreamTranslator(ctx, { reasoningVisible: true, includeUsage: false });
    expect(translator.push(upstream([{ text: "Thinking…", thought: true }, { text: "Answer" }]))).toEqual([
      {
        ...head,
        choices: [
          choice({
            role: "assistant",
            reasoning_content: "Thinking…",
            reasoning: "Thinking…",
            reasoning_details: [{ type: "reasoning.text", text: "Thinking…", format: "google-gemini-v1", index: 0 }],
          }),
        ],
      },
      { ...head, choices: [choice({ content: "Answer" })] },
    ]);
  });

  test("drops hidden thoughts and counts a signature alone as no output", () => {
    const translator = new ChatStreamTranslator(ctx, { reasoningVisible: false, includeUsage: false });
    expect(translator.push(upstream([{ text: "secret", thought: true }]))).toEqual([]);
    expect(translator.push(upstream([{ text: "", thoughtSignature: SIG_TEXT }]))).toHaveLength(1);
    expect(translator.producedOutput).toBe(false);
  });

  test("finishes a stream that ended without a finish reason, carrying the role if nothing came before", () => {
    const translator = new ChatStreamTranslator(ctx, { reasoningVisible: false, includeUsage: false });
    expect(translator.finish()).toEqual([{ ...head, choices: [choice({ role: "assistant" }, "stop")] }]);
  });

  test("does not repeat the finish chunk when finish() follows Gemini's finish reason", () => {
    const translator = new ChatStreamTranslator(ctx, { reasoningVisible: false, includeUsage: false });
    translator.push(upstream([{ text: "Cut" }], { finishReason: "MAX_TOKENS" }));
    expect(translator.finish()).toEqual([]);
  });

  test("explains a blocked prompt with a refusal delta and a content_filter finish", () => {
    const translator = new ChatStreamTranslator(ctx, { reasoningVisible: false, includeUsage: true });
    const chunks = [...translator.push({ promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 } }), ...translator.finish()];
    expect(chunks).toEqual([
      { ...head, choices: [choice({ role: "assistant", refusal: "Gemini blocked the prompt (SAFETY) and returned no answer." })], usage: null },
      { ...head, choices: [{ ...choice({}, "content_filter"), native_finish_reason: "SAFETY" }], usage: null },
      {
        ...head,
        choices: [],
        usage: { prompt_tokens: 5, completion_tokens: 0, total_tokens: 5, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
      },
    ]);
    expect(translator.producedOutput).toBe(false);
  });

  test("explains an answer withheld before any text", () => {
    const translator = new ChatStreamTranslator(ctx, { reasoningVisible: false, includeUsage: false });
    expect(translator.push({ candidates: [{ finishReason: "PROHIBITED_CONTENT" }] })).toEqual([
      { ...head, choices: [choice({ role: "assistant", refusal: "Gemini withheld the answer (PROHIBITED_CONTENT)." })] },
      { ...head, choices: [{ ...choice({}, "content_filter"), native_finish_reason: "PROHIBITED_CONTENT" }] },
    ]);
  });

  test("builds an in-band error event with no choices, so no client mistakes it for a chunk", () => {
    const translator = new ChatStreamTranslator(ctx, { reasoningVisible: false, includeUsage: false });
    translator.push(upstream([{ text: "Half an answ" }]));
    expect(translator.errorEvent({ message: "Gemini stopped responding mid-stream.", code: "upstream_error", type: "upstream_error" })).toEqual({
      error: { message: "Gemini stopped responding mid-stream.", code: "upstream_error", type: "upstream_error" },
    });
    expect(translator.finish()).toEqual([]);
  });
});
