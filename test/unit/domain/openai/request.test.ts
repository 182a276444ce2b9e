import { describe, expect, test } from "@jest/globals";
import { findModel } from "../../../../lambda/domain/catalog.ts";
import { InvalidRequestError, ModelNotFoundError } from "../../../../lambda/domain/errors.ts";
import { planChatRequest } from "../../../../lambda/domain/openai/request.ts";

const hello = [{ role: "user", content: "Hi" }];
const helloContents = [{ role: "user", parts: [{ text: "Hi" }] }];

function plan(extra: Record<string, unknown>) {
  return planChatRequest({ model: "gemini-3-flash-preview", messages: hello, ...extra });
}

function rejection(body: unknown): { name: string; message: string; statusCode: number; code: string } {
  try {
    planChatRequest(body);
  } catch (error) {
    if (error instanceof InvalidRequestError || error instanceof ModelNotFoundError) {
      return { name: error.name, message: error.message, statusCode: error.statusCode, code: error.code };
    }
    throw error;
  }
  throw new Error("expected the request to be rejected");
}

describe("planChatRequest", () => {
  test("plans the smallest request with no defaults injected", () => {
    expect(planChatRequest({ model: "google/gemini-3-flash-preview", messages: hello })).toEqual({
      model: findModel("gemini-3-flash-preview"),
      stream: false,
      includeUsage: false,
      reasoningVisible: false,
      body: { contents: helloContents, generationConfig: {} },
    });
  });

  test("resolves ids and google/ aliases to the catalog entry whose upstream model the handler calls", () => {
    expect(plan({ model: "gemini-3-pro-preview" }).model.upstreamModel).toBe("gemini-3.1-pro-preview");
    expect(plan({ model: "google/gemini-3-flash" }).model.upstreamModel).toBe("gemini-3-flash-preview");
  });

  test("answers an unknown model with 404 model_not_found pointing at /v1/models", () => {
    expect(rejection({ model: "gpt-4o", messages: hello })).toEqual({
      name: "ModelNotFoundError",
      statusCode: 404,
      code: "model_not_found",
      message:
        "Model `gpt-4o` is not offered here. GET /v1/models lists the models you can use: gemini-3-flash-preview, gemini-3-flash, gemini-3.1-pro-preview, gemini-3-pro-preview, gemini-3.1-flash-lite.",
    });
  });

  test("maps every sampling field onto generationConfig as given", () => {
    const body = plan({ temperature: 0.2, top_p: 0.9, seed: 42, stop: ["END", "", "STOP"], max_completion_tokens: 1024 }).body;
    expect(body.generationConfig).toEqual({ temperature: 0.2, topP: 0.9, seed: 42, stopSequences: ["END", "STOP"], maxOutputTokens: 1024 });
  });

  test("takes a single stop string and drops an empty stop list", () => {
    expect(plan({ stop: "END" }).body.generationConfig).toEqual({ stopSequences: ["END"] });
    expect(plan({ stop: [] }).body.generationConfig).toEqual({});
  });

  test("prefers max_completion_tokens over max_tokens and reports the limit on the plan", () => {
    const planned = plan({ max_tokens: 100, max_completion_tokens: 200 });
    expect(planned.maxOutputTokens).toBe(200);
    expect(planned.body.generationConfig?.maxOutputTokens).toBe(200);
    expect(plan({ max_tokens: 100 }).maxOutputTokens).toBe(100);
  });

  test("drops presence and frequency penalties for models that reject them", () => {
    expect(plan({ presence_penalty: 0.5, frequency_penalty: -0.5 }).body.generationConfig).toEqual({});
  });

  test("treats null as absent, as OpenAI does", () => {
    expect(plan({ temperature: null, stop: null, tools: null, tool_choice: null, reasoning_effort: null, n: null }).body).toEqual({
      contents: helloContents,
      generationConfig: {},
    });
  });

  test("reports stream flags, with usage only on streamed requests", () => {
    expect(plan({ stream: true, stream_options: { include_usage: true } })).toMatchObject({ stream: true, includeUsage: true });
    expect(plan({ stream: true })).toMatchObject({ stream: true, includeUsage: false });
    expect(plan({ stream: false, stream_options: { include_usage: true } })).toMatchObject({ stream: false, includeUsage: false });
  });

  test("ignores hints, metadata and fields it does not know", () => {
    const extras = {
      user: "u-1",
      store: false,
      metadata: { a: "b" },
      service_tier: "auto",
      prompt_cache_key: "k",
      safety_identifier: "s",
      verbosity: "low",
      parallel_tool_calls: false,
      n: 1,
      logprobs: false,
      logit_bias: {},
      modalities: ["text"],
      some_vendor_extra: { x: 1 },
    };
    expect(plan(extras).body).toEqual({ contents: helloContents, generationConfig: {} });
  });

  test("builds the whole Gemini body from a full request", () => {
    const planned = planChatRequest({
      model: "gemini-3.1-pro-preview",
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: "Weather in Paris?" },
      ],
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
      tool_choice: "auto",
      response_format: { type: "json_object" },
      reasoning_effort: "minimal",
      max_tokens: 2048,
      temperature: 1,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(planned).toEqual({
      model: findModel("gemini-3.1-pro-preview"),
      stream: true,
      includeUsage: true,
      maxOutputTokens: 2048,
      reasoningVisible: true,
      body: {
        contents: [{ role: "user", parts: [{ text: "Weather in Paris?" }] }],
        systemInstruction: { parts: [{ text: "Be terse." }] },
        tools: [{ functionDeclarations: [{ name: "get_weather", parametersJsonSchema: { type: "object", properties: { city: { type: "string" } } } }] }],
        toolConfig: { functionCallingConfig: { mode: "AUTO" } },
        generationConfig: {
          temperature: 1,
          maxOutputTokens: 2048,
          responseMimeType: "application/json",
          thinkingConfig: { thinkingLevel: "LOW", includeThoughts: true },
        },
      },
    });
  });
});

describe("planChatRequest rejections", () => {
  test.each([
    ["a body that is not an object", [], "The request body must be a JSON object."],
    ["a missing model", { messages: hello }, "`model` is required"],
    ["a missing messages list", { model: "gemini-3-flash" }, "`messages` is required"],
    ["an empty messages list", { model: "gemini-3-flash", messages: [] }, "`messages` must contain at least one message"],
  ])("rejects %s with a 400", (_, body, message) => {
    expect(rejection(body)).toEqual({ name: "InvalidRequestError", statusCode: 400, code: "invalid_request", message });
  });

  test.each([
    ["n above 1", { n: 2 }, "`n` must be 1: this gateway returns exactly one choice per request (send several requests for more)"],
    ["n of 0", { n: 0 }, "`n` must be 1: this gateway returns exactly one choice per request (send several requests for more)"],
    ["logprobs", { logprobs: true }, "`logprobs` is not supported; send false or leave it out"],
    ["top_logprobs", { top_logprobs: 3 }, "`top_logprobs` is not supported; leave it out"],
    ["a logit bias", { logit_bias: { "50256": -100 } }, "`logit_bias` is not supported by Gemini; leave it out"],
    ["audio output", { modalities: ["text", "audio"] }, '`modalities` may only contain "text": audio output is not supported'],
    ["the deprecated functions list", { functions: [] }, "`functions` belongs to the deprecated functions API; send `tools`"],
    ["web search options", { web_search_options: {} }, "`web_search_options` is not supported on this endpoint"],
    ["a temperature above 2", { temperature: 2.5 }, "`temperature` must be a number from 0 to 2"],
    ["a string temperature", { temperature: "1" }, "`temperature` must be a number from 0 to 2"],
    ["a top_p above 1", { top_p: 1.5 }, "`top_p` must be a number from 0 to 1"],
    ["a fractional seed", { seed: 1.5 }, "`seed` must be an integer from -2147483648 to 2147483647"],
    ["six stop sequences", { stop: ["a", "b", "c", "d", "e", "f"] }, "`stop` may hold at most 5 sequences"],
    ["a non-string stop sequence", { stop: ["a", 1] }, "`stop[1]` must be a string"],
    ["zero max tokens", { max_tokens: 0 }, "`max_tokens` must be an integer from 1 to 65536"],
    ["more max tokens than the model writes", { max_completion_tokens: 65_537 }, "`max_completion_tokens` must be an integer from 1 to 65536"],
    ["a penalty out of range", { presence_penalty: 3 }, "`presence_penalty` must be a number from -2 to 2"],
    ["a non-boolean stream", { stream: "yes" }, "`stream` must be true or false"],
    ["a non-boolean include_usage", { stream: true, stream_options: { include_usage: 1 } }, "`stream_options.include_usage` must be true or false"],
    ["a non-string user", { user: 7 }, "`user` must be a string"],
  ])("rejects %s with a 400 naming the field", (_, extra, message) => {
    expect(rejection({ model: "gemini-3-flash-preview", messages: hello, ...extra })).toEqual({ name: "InvalidRequestError", statusCode: 400, code: "invalid_request", message });
  });
});
