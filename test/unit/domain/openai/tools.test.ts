import { describe, expect, test } from "@jest/globals";
import { InvalidRequestError } from "../../../../lambda/domain/errors.ts";
import { toGeminiTools } from "../../../../lambda/domain/openai/tools.ts";

const fn = (name: string, extra: Record<string, unknown> = {}) => ({ type: "function", function: { name, ...extra } });
const tools = [fn("get_weather"), fn("get_time")];
const declarations = [{ functionDeclarations: [{ name: "get_weather" }, { name: "get_time" }] }];

function rejection(body: Record<string, unknown>): string {
  try {
    toGeminiTools(body);
  } catch (error) {
    if (error instanceof InvalidRequestError) return error.message;
    throw error;
  }
  throw new Error("expected the tools to be rejected");
}

describe("toGeminiTools", () => {
  test("declares each function with its description and cleaned JSON Schema", () => {
    expect(
      toGeminiTools({
        tools: [
          fn("get_weather", {
            description: "Weather for a city.",
            strict: true,
            parameters: {
              $schema: "http://json-schema.org/draft-07/schema#",
              type: "object",
              properties: { city: { type: "string", minLength: 1 } },
              required: ["city"],
              additionalProperties: false,
            },
          }),
          fn("now"),
        ],
      }),
    ).toEqual({
      tools: [
        {
          functionDeclarations: [
            {
              name: "get_weather",
              description: "Weather for a city.",
              parametersJsonSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
            },
            { name: "now" },
          ],
        },
      ],
    });
  });

  test.each([
    ["none", { functionCallingConfig: { mode: "NONE" } }],
    ["auto", { functionCallingConfig: { mode: "AUTO" } }],
    ["required", { functionCallingConfig: { mode: "ANY" } }],
    [{ type: "function", function: { name: "get_time" } }, { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_time"] } }],
  ])("maps tool_choice %j to Gemini's function calling config", (choice, toolConfig) => {
    expect(toGeminiTools({ tools, tool_choice: choice })).toEqual({ tools: declarations, toolConfig });
  });

  test("sends only the allowed tools for an allowed_tools choice", () => {
    const choice = { type: "allowed_tools", allowed_tools: { mode: "required", tools: [{ type: "function", function: { name: "get_time" } }] } };
    expect(toGeminiTools({ tools, tool_choice: choice })).toEqual({
      tools: [{ functionDeclarations: [{ name: "get_time" }] }],
      toolConfig: { functionCallingConfig: { mode: "ANY" } },
    });
  });

  test("accepts parallel_tool_calls without changing anything, as Gemini has no switch for it", () => {
    expect(toGeminiTools({ tools, parallel_tool_calls: false })).toEqual({ tools: declarations });
  });

  test("sends nothing for no tools, an empty list, or a none/auto choice without tools", () => {
    expect(toGeminiTools({})).toEqual({});
    expect(toGeminiTools({ tools: [], tool_choice: "auto" })).toEqual({});
    expect(toGeminiTools({ tool_choice: "none" })).toEqual({});
  });

  test.each([
    ["a custom tool", { tools: [{ type: "custom", custom: { name: "x" } }] }, '`tools[0].type` is "custom"; Gemini supports only function tools'],
    ["a tool without a type", { tools: [{ function: { name: "x" } }] }, "`tools[0].type` is required"],
    ["a name Gemini rejects", { tools: [fn("1st-tool")] }, "`tools[0].function.name` must start with a letter or _ and use only A-Z a-z 0-9 _ . : - (at most 128 characters)"],
    ["repeated names", { tools: [fn("a"), fn("a")] }, '`tools[1].function.name` repeats "a"; function names must be unique'],
    ["parameters that are not an object", { tools: [fn("a", { parameters: "{}" })] }, "`tools[0].function.parameters` must be a JSON Schema object"],
    ["required without tools", { tool_choice: "required" }, '`tool_choice` is "required" but no `tools` were given'],
    ["an unknown choice", { tools, tool_choice: "any" }, '`tool_choice` must be one of "none", "auto", "required"; got "any"'],
    ["a named function that is not declared", { tools, tool_choice: { type: "function", function: { name: "nope" } } }, '`tool_choice.function.name` ("nope") is not one of the functions in `tools`'],
    ["a non-boolean parallel_tool_calls", { parallel_tool_calls: "no" }, "`parallel_tool_calls` must be true or false"],
  ])("rejects %s, naming the field", (_, body, message) => {
    expect(rejection(body)).toBe(message);
  });
});
