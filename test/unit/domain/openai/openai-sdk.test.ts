import { describe, expect, test } from "@jest/globals";
import OpenAI, { APIError } from "openai";
import type {
  ChatCompletion as SdkChatCompletion,
  ChatCompletionChunk as SdkChatCompletionChunk,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { CompletionUsage as SdkCompletionUsage } from "openai/resources/completions";
import type { GenerateContentResponse } from "../../../../lambda/domain/gemini/types.ts";
import { planChatRequest } from "../../../../lambda/domain/openai/request.ts";
import { toChatCompletion } from "../../../../lambda/domain/openai/response.ts";
import { ChatStreamTranslator } from "../../../../lambda/domain/openai/stream.ts";
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionUsage } from "../../../../lambda/domain/openai/types.ts";

// Compile-time: everything we emit is what the SDK's own types describe (tsc checks these lines).
const asSdkCompletion = (completion: ChatCompletion): SdkChatCompletion => completion;
const asSdkChunk = (chunk: ChatCompletionChunk): SdkChatCompletionChunk => chunk;
const asSdkUsage = (usage: ChatCompletionUsage): SdkCompletionUsage => usage;
void asSdkCompletion;
void asSdkChunk;
void asSdkUsage;

const ctx = { id: "req_task1", created: 1_767_225_600, model: "gemini-3-flash" };
const SIG_CALL = "CiQBjz1rX2Fs";
const SIG_TEXT = "CpoIAdHtim9X";

/** An `openai` client whose HTTP layer answers with the given body, as our handler would. */
function clientAnswering(body: string, contentType: string): OpenAI {
  return new OpenAI({
    apiKey: "sk-test",
    baseURL: "https://gateway.test/v1",
    maxRetries: 0,
    fetch: async () => new Response(body, { status: 200, headers: { "content-type": contentType } }),
  });
}

function sse(events: readonly object[]): string {
  return events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join("") + "data: [DONE]\n\n";
}

const callTurn: GenerateContentResponse[] = [
  { candidates: [{ content: { role: "model", parts: [{ text: "Checking." }] } }] },
  {
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
    usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 30, thoughtsTokenCount: 50, totalTokenCount: 100 },
  },
];

const request = {
  model: "gemini-3-flash",
  tools: [{ type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
};
const question: ChatCompletionMessageParam = { role: "user", content: "Weather in Paris and Rome?" };

function nextTurn(assistant: ChatCompletionMessageParam) {
  return planChatRequest({
    ...request,
    messages: [question, assistant, { role: "tool", tool_call_id: "fc_1", content: "22C" }, { role: "tool", tool_call_id: "fc_2", content: "31C" }],
  });
}

const expectedModelTurn = {
  role: "model",
  parts: [
    { text: "Checking." },
    { functionCall: { id: "fc_1", name: "get_weather", args: { city: "Paris" } }, thoughtSignature: SIG_CALL },
    { functionCall: { id: "fc_2", name: "get_weather", args: { city: "Rome" } } },
  ],
};

describe("the official openai SDK reading what we emit", () => {
  test("round-trips a streamed tool turn's signatures through the SDK's own accumulator", async () => {
    const translator = new ChatStreamTranslator(ctx, { reasoningVisible: false, includeUsage: true });
    const chunks = [...callTurn.flatMap((chunk) => translator.push(chunk)), ...translator.finish({ credits: 190 })];
    const client = clientAnswering(sse(chunks), "text/event-stream");

    const stream = client.chat.completions.stream({ ...request, messages: [question], stream_options: { include_usage: true } });
    const completion = await stream.finalChatCompletion();

    expect(completion.choices[0].finish_reason).toBe("tool_calls");
    expect(completion.usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 80, total_tokens: 100, credits: 190 });
    const message = completion.choices[0].message;
    expect(message.tool_calls?.map((call) => call.id)).toEqual(["fc_1", "fc_2"]);
    // A client appends the SDK's message unchanged; the signature must come back on the first call only.
    expect(nextTurn(message).body.contents[1]).toEqual(expectedModelTurn);
  });

  test("round-trips a whole completion's signatures when the client echoes the message", async () => {
    const merged: GenerateContentResponse = {
      candidates: [{ content: { role: "model", parts: callTurn.flatMap((chunk) => chunk.candidates?.[0].content?.parts ?? []) }, finishReason: "STOP" }],
      usageMetadata: callTurn[1].usageMetadata,
    };
    const client = clientAnswering(JSON.stringify(toChatCompletion(merged, ctx, { reasoningVisible: false })), "application/json");

    const completion = await client.chat.completions.create({ ...request, messages: [question] });

    expect(nextTurn(completion.choices[0].message).body.contents[1]).toEqual(expectedModelTurn);
  });

  test("keeps a text signature through the SDK's stream accumulator", async () => {
    const translator = new ChatStreamTranslator(ctx, { reasoningVisible: false, includeUsage: false });
    const chunks = [
      ...translator.push({ candidates: [{ content: { parts: [{ text: "Hi" }] } }] }),
      ...translator.push({ candidates: [{ content: { parts: [{ text: "", thoughtSignature: SIG_TEXT }] }, finishReason: "STOP" }] }),
      ...translator.finish(),
    ];
    const completion = await clientAnswering(sse(chunks), "text/event-stream")
      .chat.completions.stream({ model: "gemini-3-flash", messages: [question] })
      .finalChatCompletion();

    const replay = planChatRequest({ model: "gemini-3-flash", messages: [question, completion.choices[0].message, { role: "user", content: "Thanks" }] });
    expect(replay.body.contents[1]).toEqual({ role: "model", parts: [{ text: "Hi", thoughtSignature: SIG_TEXT }] });
  });

  test("raises the in-band error chunk as an APIError", async () => {
    const translator = new ChatStreamTranslator(ctx, { reasoningVisible: false, includeUsage: false });
    const chunks = [...translator.push({ candidates: [{ content: { parts: [{ text: "Half" }] } }] }), translator.errorEvent({ message: "Gemini stopped mid-stream.", code: "upstream_error", type: "upstream_error" })];
    const stream = await clientAnswering(sse(chunks), "text/event-stream").chat.completions.create({ model: "gemini-3-flash", messages: [question], stream: true });

    const failure = await (async () => {
      for await (const chunk of stream) void chunk;
    })().then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(APIError);
    expect(failure).toMatchObject({ error: { message: "Gemini stopped mid-stream.", code: "upstream_error", type: "upstream_error" } });
  });
});
