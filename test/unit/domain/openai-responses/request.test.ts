import { describe, expect, test } from "@jest/globals";
import { InvalidRequestError } from "../../../../lambda/domain/errors.ts";
import { sealTurn } from "../../../../lambda/domain/openai-responses/encrypted-content.ts";
import { FLASH, KEY, plan, SIG_CALL, SIG_TEXT, sources, weatherTool } from "./fixtures.ts";

const PNG = "iVBORw0KGgo";
const user = { role: "user", content: "Weather?" };
const call = (call_id: string, extra: Record<string, unknown> = {}) => ({ type: "function_call", call_id, name: "get_weather", arguments: '{"city":"Paris"}', ...extra });
const output = (call_id: string, value: unknown = "22C") => ({ type: "function_call_output", call_id, output: value });

function rejection(body: Record<string, unknown>, from = sources()): string {
  try {
    plan(body, from);
  } catch (error) {
    if (error instanceof InvalidRequestError) return error.message;
    throw error;
  }
  throw new Error("expected the request to be rejected");
}

describe("planResponsesRequest: input", () => {
  test("sends a string input as one user content, and instructions before system and developer messages", () => {
    expect(plan({ input: "Hi" }).body).toEqual({ contents: [{ role: "user", parts: [{ text: "Hi" }] }], generationConfig: {} });
    const body = plan({ instructions: "Be terse.", input: [{ role: "developer", content: "Use metric." }, { role: "system", content: [{ type: "input_text", text: "No emoji." }] }, { role: "user", content: "Hi" }] }).body;
    expect(body.systemInstruction).toEqual({ parts: [{ text: "Be terse." }, { text: "Use metric." }, { text: "No emoji." }] });
  });

  test("reads text, images and files of a user message, as the chat route does", () => {
    const parts = plan({
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "What is this?" },
            { type: "input_image", image_url: `data:image/png;base64,${PNG}`, detail: "auto" },
            { type: "input_image", image_url: "https://x.test/cat.webp", detail: "low" },
            { type: "input_file", filename: "a.pdf", file_data: "data:application/pdf;base64,JVBE" },
            { type: "input_file", file_url: "https://x.test/b.pdf" },
          ],
        },
      ],
    }).body.contents[0]?.parts;
    expect(parts).toEqual([
      { text: "What is this?" },
      { inlineData: { mimeType: "image/png", data: PNG } },
      { fileData: { mimeType: "image/webp", fileUri: "https://x.test/cat.webp" }, mediaResolution: { level: "MEDIA_RESOLUTION_LOW" } },
      { inlineData: { mimeType: "application/pdf", data: "JVBE" } },
      { fileData: { mimeType: "application/pdf", fileUri: "https://x.test/b.pdf" } },
    ]);
  });

  test("joins a model turn's message, calls and reasoning into one model content, and its outputs into one user content", () => {
    const contents = plan({
      tools: [weatherTool],
      input: [
        user,
        { type: "reasoning", id: "rs_x", summary: [{ type: "summary_text", text: "thinking" }] },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking.", annotations: [] }] },
        call("c1"),
        call("c2", { arguments: "" }),
        output("c2", [{ type: "input_text", text: "31" }, { type: "input_text", text: "C" }]),
        output("c1"),
      ],
    }).body.contents;
    expect(contents.slice(1)).toEqual([
      {
        role: "model",
        parts: [
          { text: "Checking." },
          { functionCall: { id: "c1", name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "skip_thought_signature_validator" },
          { functionCall: { id: "c2", name: "get_weather", args: {} } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { id: "c2", name: "get_weather", response: { output: "31C" } } },
          { functionResponse: { id: "c1", name: "get_weather", response: { output: "22C" } } },
        ],
      },
    ]);
  });

  test("sends images a function returned as its response's parts", () => {
    const contents = plan({ input: [user, call("c1"), output("c1", [{ type: "input_text", text: "a chart" }, { type: "input_image", image_url: `data:image/png;base64,${PNG}` }])] }).body.contents;
    expect(contents[2]?.parts[0]).toEqual({ functionResponse: { id: "c1", name: "get_weather", response: { output: "a chart" }, parts: [{ inlineData: { mimeType: "image/png", data: PNG } }] } });
  });

  test("puts the signatures an encrypted_content seals on the parts they came on", () => {
    const sealed = sealTurn({ model: FLASH, calls: [{ call_id: "c1", signature: SIG_CALL }], text: SIG_TEXT }, KEY);
    const contents = plan({ input: [user, { type: "reasoning", id: "rs_x", summary: [], encrypted_content: sealed }, { role: "assistant", content: "Checking." }, call("c2"), call("c1"), output("c2"), output("c1")] }).body.contents;
    expect(contents[1]?.parts).toEqual([
      { text: "Checking.", thoughtSignature: SIG_TEXT },
      { functionCall: { id: "c2", name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "skip_thought_signature_validator" },
      { functionCall: { id: "c1", name: "get_weather", args: { city: "Paris" } }, thoughtSignature: SIG_CALL },
    ]);
  });

  test("replaces an item_reference by the kept item and its signatures, and finds the kept signatures of a full item of ours", () => {
    const kept = {
      rs_abc_0: { item: { type: "reasoning" as const, id: "rs_abc_0", summary: [] }, signatures: { model: FLASH, calls: [{ call_id: "c1", signature: SIG_CALL }] } },
      msg_abc_1: { item: { type: "message" as const, id: "msg_abc_1", role: "assistant" as const, status: "completed" as const, content: [{ type: "output_text" as const, text: "Sure.", annotations: [] as [], logprobs: [] as [] }] }, signatures: { model: FLASH, calls: [], text: SIG_TEXT } },
    };
    const byReference = plan({ input: [user, { type: "item_reference", id: "rs_abc_0" }, { id: "msg_abc_1" }, call("c1"), output("c1")] }, sources(kept)).body.contents;
    expect(byReference[1]?.parts).toEqual([{ text: "Sure.", thoughtSignature: SIG_TEXT }, { functionCall: { id: "c1", name: "get_weather", args: { city: "Paris" } }, thoughtSignature: SIG_CALL }]);
    const inFull = plan({ input: [user, { type: "reasoning", id: "rs_abc_0", summary: [] }, call("c1"), output("c1")] }, sources(kept)).body.contents;
    expect(inFull[1]?.parts[0]?.thoughtSignature).toBe(SIG_CALL);
  });

  test.each([
    ["an item_reference nobody kept", { input: [user, { type: "item_reference", id: "rs_gone_0" }] }, "`input[1]` refers to item `rs_gone_0`, which this gateway does not have for your account: it keeps the output items of requests that did not set `store: false`, for 1 hour."],
    ["a call answered twice", { input: [user, call("c1"), output("c1"), output("c1")] }, '`input[3].call_id` ("c1") answers no function_call before it'],
    ["a message between a call and its output", { input: [user, call("c1"), { role: "user", content: "and?" }, output("c1")] }, "`input[1].call_id` has no function_call_output answering it"],
    ["an empty user message", { input: [{ role: "user", content: "" }] }, "`input[0].content` is empty"],
    ["a message without a role", { input: [{ content: "hi" }] }, "`input[0].role` is required"],
    ["an image in a system message", { input: [{ role: "system", content: [{ type: "input_image", image_url: "https://x.test/a.png" }] }, user] }, '`input[0].content[0].type` must be one of "input_text"'],
    ["an unknown item type", { input: [{ type: "telepathy" }] }, '`input[0].type` must be one of "message", "function_call", "function_call_output", "reasoning", "item_reference"; got "telepathy"'],
    ["a foreign encrypted_content", { input: [user, { type: "reasoning", summary: [], encrypted_content: "gAAAAABopenai" }] }, "`input[1].encrypted_content` is not an `encrypted_content` this gateway issued"],
  ])("refuses %s, naming the field", (_case, body, message) => {
    expect(rejection(body)).toContain(message);
  });

  test("says what to send instead when a reference meets a gateway that keeps nothing", () => {
    expect(rejection({ input: [user, { type: "item_reference", id: "rs_abc_0" }] }, sources({}, false))).toContain("this gateway keeps no response items (its operator switched that off). Send the item itself");
  });
});

describe("planResponsesRequest: settings", () => {
  test("translates tools and every tool_choice, and repeats them", () => {
    const time = { type: "function", name: "get_time", description: "Now", strict: true };
    expect(plan({ input: "x", tools: [weatherTool, time], tool_choice: { type: "function", name: "get_time" } }).body).toMatchObject({
      tools: [{ functionDeclarations: [{ name: "get_weather", parametersJsonSchema: weatherTool.parameters }, { name: "get_time", description: "Now" }] }],
      toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_time"] } },
    });
    const allowed = plan({ input: "x", tools: [weatherTool, time], tool_choice: { type: "allowed_tools", mode: "required", tools: [{ type: "function", name: "get_time" }] } });
    expect(allowed.body.tools).toEqual([{ functionDeclarations: [{ name: "get_time", description: "Now" }] }]);
    expect(allowed.body.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY" } });
    expect(allowed.echo.tools.map((tool) => tool.name)).toEqual(["get_weather", "get_time"]);
    expect(plan({ input: "x", tools: [weatherTool], tool_choice: "none", parallel_tool_calls: false }).echo).toMatchObject({ tool_choice: "none", parallel_tool_calls: false });
  });

  test("maps text.format, max_output_tokens and sampling into generationConfig in the chat route's order", () => {
    const schema = { type: "object", properties: { a: { type: "string", minLength: 1 } } };
    const planned = plan({ input: "x", temperature: 0.3, top_p: 0.9, max_output_tokens: 500, text: { format: { type: "json_schema", name: "a", schema, strict: true }, verbosity: "low" } });
    expect(JSON.stringify(planned.body.generationConfig)).toBe(
      JSON.stringify({ temperature: 0.3, topP: 0.9, maxOutputTokens: 500, responseMimeType: "application/json", responseJsonSchema: { type: "object", properties: { a: { type: "string" } } } }),
    );
    expect(planned.maxOutputTokens).toBe(500);
    expect(planned.echo.text).toEqual({ format: { type: "json_schema", name: "a", schema, strict: true } });
    expect(plan({ input: "x", text: { format: { type: "json_object" } } }).body.generationConfig).toEqual({ responseMimeType: "application/json" });
  });

  test.each([
    [{ effort: "minimal", summary: "detailed" }, "gemini-3.1-pro-preview", { thinkingLevel: "LOW", includeThoughts: true }, true],
    [{ effort: "high" }, "gemini-3-flash", { thinkingLevel: "HIGH", includeThoughts: false }, false],
    [{ effort: "none", summary: "auto" }, "gemini-3-flash", { thinkingLevel: "MINIMAL", includeThoughts: false }, false],
    [{ summary: "concise" }, "gemini-3-flash", { includeThoughts: true }, true],
  ])("maps reasoning %j on %s as the chat route maps the same effort", (reasoning, model, thinkingConfig, visible) => {
    const planned = plan({ model, input: "x", reasoning });
    expect(planned.body.generationConfig?.thinkingConfig).toEqual(thinkingConfig);
    expect(planned.reasoningVisible).toBe(visible);
  });

  test("keeps items unless store is false or keeping is off, and seals signatures when asked or when nothing is kept", () => {
    expect(plan({ input: "x" })).toMatchObject({ keep: true, sealReasoning: false, echo: { store: true } });
    expect(plan({ input: "x", include: ["reasoning.encrypted_content", "web_search_call.results"] })).toMatchObject({ keep: true, sealReasoning: true });
    expect(plan({ input: "x", store: false })).toMatchObject({ keep: false, sealReasoning: true, echo: { store: false } });
    expect(plan({ input: "x" }, sources({}, false))).toMatchObject({ keep: false, sealReasoning: true, echo: { store: false } });
  });

  test("accepts and repeats the metadata, user and safety identifier, and accepts the hints without effect", () => {
    const planned = plan({ input: "x", metadata: { team: "a" }, user: "u1", safety_identifier: "s1", service_tier: "auto", prompt_cache_key: "k", max_tool_calls: 3, stream_options: { include_obfuscation: false } });
    expect(planned.echo).toMatchObject({ metadata: { team: "a" }, user: "u1", safety_identifier: "s1" });
    expect(planned.body).toEqual({ contents: [{ role: "user", parts: [{ text: "x" }] }], generationConfig: {} });
  });

  test.each([
    ["metadata that is not text", { metadata: { n: 1 } }, "`metadata.n` must be a string"],
    ["a tool of another kind", { tools: [{ type: "code_interpreter" }] }, '`tools[0].type` is "code_interpreter", which needs a tool this gateway does not offer'],
    ["a choice of an undeclared function", { tools: [weatherTool], tool_choice: { type: "function", name: "nope" } }, '`tool_choice.name` ("nope") is not one of the functions in `tools`'],
    ["an unknown summary", { reasoning: { summary: "long" } }, '`reasoning.summary` must be one of "auto", "concise", "detailed"'],
    ["an unknown effort", { reasoning: { effort: "extreme" } }, "`reasoning.effort` must be one of"],
    ["a non-boolean store", { store: "yes" }, "`store` must be true or false"],
    ["context management", { context_management: [{ type: "compaction" }] }, "`context_management` is not supported"],
  ])("refuses %s, naming the field", (_case, extra, message) => {
    expect(rejection({ input: "x", ...extra })).toContain(message);
  });
});
