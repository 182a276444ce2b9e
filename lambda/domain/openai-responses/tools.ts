/**
 * Responses `tools`, `tool_choice` and `parallel_tool_calls` → Gemini `tools` + `toolConfig`, through
 * the chat route's rules (openai/tools.ts: names, schemas, modes).
 *
 * | Responses                                             | Gemini                                        |
 * |-------------------------------------------------------|-----------------------------------------------|
 * | `tools[]` `{ type: "function", name, description, parameters, strict }` | one `functionDeclarations[]` entry each; `strict` accepted (Gemini always validates calls) |
 * | `tool_choice: "none"` / `"auto"` / `"required"`       | mode `NONE` / `AUTO` / `ANY`                  |
 * | `tool_choice: { type: "function", name }`             | `ANY` + `allowedFunctionNames: [name]`        |
 * | `tool_choice: { type: "allowed_tools", mode, tools }` | only those declarations; `auto` → `AUTO`, `required` → `ANY` |
 * | `parallel_tool_calls`                                 | accepted; Gemini has no switch for it         |
 * | hosted tools (`web_search`, `file_search`, `code_interpreter`, `computer_use_preview`, `mcp`, `image_generation`, `shell`, `custom`, …) and choices of them | 400: function tools only |
 *
 * The echo is what the response repeats of them, as OpenAI's does.
 */
import { functionDeclaration, toolsFor } from "../openai/tools.ts";
import type { DeclaredFunction, GeminiTools, ToolChoice as SharedToolChoice } from "../openai/tools.ts";
import { expectName, expectObject, expectOneOf, fail, isObject, optionalArray, optionalBoolean } from "../validate.ts";
import type { JsonObject } from "../validate.ts";
import type { FunctionTool, ToolChoice } from "./types.ts";

export interface ResponsesTools {
  readonly gemini: GeminiTools;
  readonly echo: { tools: FunctionTool[]; tool_choice: ToolChoice; parallel_tool_calls: boolean };
}

const ONLY_FUNCTIONS = "needs a tool this gateway does not offer: Gemini here takes function tools only";

/**
 * @example
 * toResponsesTools({ tools: [{ type: "function", name: "get_weather" }], tool_choice: "required" }).gemini
 * // { tools: [{ functionDeclarations: [{ name: "get_weather" }] }], toolConfig: { functionCallingConfig: { mode: "ANY" } } }
 */
export function toResponsesTools(body: JsonObject): ResponsesTools {
  const parallel = optionalBoolean(body.parallel_tool_calls, "parallel_tool_calls") ?? true;
  const read = (optionalArray(body.tools, "tools") ?? []).map((raw, index) => readTool(raw, `tools[${index}]`));
  const choice = readChoice(body.tool_choice);
  return {
    gemini: toolsFor(read.map(({ declared }) => declared), choice?.shared, "tool_choice"),
    echo: { tools: read.map(({ echo }) => echo), tool_choice: choice?.echo ?? "auto", parallel_tool_calls: parallel },
  };
}

function readTool(raw: unknown, path: string): { declared: DeclaredFunction; echo: FunctionTool } {
  const tool = expectObject(raw, path);
  if (tool.type !== "function" && typeof tool.type === "string") fail(`${path}.type`, `is "${tool.type}", which ${ONLY_FUNCTIONS}`);
  expectOneOf(tool.type, `${path}.type`, ["function"]);
  const declaration = functionDeclaration(tool, path);
  const echo: FunctionTool = {
    type: "function",
    name: declaration.name,
    description: typeof tool.description === "string" ? tool.description : null,
    parameters: isObject(tool.parameters) ? { ...tool.parameters } : null,
    strict: typeof tool.strict === "boolean" ? tool.strict : null,
  };
  return { declared: { declaration, namePath: `${path}.name` }, echo };
}

function readChoice(value: unknown): { shared: SharedToolChoice; echo: ToolChoice } | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") {
    const mode = expectOneOf(value, "tool_choice", ["none", "auto", "required"]);
    return { shared: { kind: "mode", mode }, echo: mode };
  }
  const choice = expectObject(value, "tool_choice");
  if (typeof choice.type === "string" && choice.type !== "function" && choice.type !== "allowed_tools") {
    fail("tool_choice.type", `is "${choice.type}", which ${ONLY_FUNCTIONS}`);
  }
  if (expectOneOf(choice.type, "tool_choice.type", ["function", "allowed_tools"]) === "function") {
    const name = expectName(choice.name, "tool_choice.name");
    return { shared: { kind: "function", name, path: "tool_choice.name" }, echo: { type: "function", name } };
  }
  const mode = expectOneOf(choice.mode, "tool_choice.mode", ["auto", "required"]);
  const listed = (optionalArray(choice.tools, "tool_choice.tools") ?? fail("tool_choice.tools", "is required")).map((raw, index) => {
    const path = `tool_choice.tools[${index}]`;
    const entry = expectObject(raw, path);
    if (typeof entry.type === "string" && entry.type !== "function") fail(`${path}.type`, `is "${entry.type}", which ${ONLY_FUNCTIONS}`);
    expectOneOf(entry.type, `${path}.type`, ["function"]);
    return { name: expectName(entry.name, `${path}.name`), path: `${path}.name` };
  });
  return {
    shared: { kind: "allowed", mode, names: listed },
    echo: { type: "allowed_tools", mode, tools: listed.map(({ name }) => ({ type: "function", name })) },
  };
}
