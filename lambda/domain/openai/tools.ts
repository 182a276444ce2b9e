/**
 * `tools`, `tool_choice` and `parallel_tool_calls` → Gemini `tools` + `toolConfig`.
 *
 * | OpenAI                                              | Gemini                                            |
 * |-----------------------------------------------------|---------------------------------------------------|
 * | `tools[]` `{type:"function", function}`             | one `functionDeclarations[]` entry each, `parameters` as `parametersJsonSchema` (json-schema.ts) |
 * | `tool_choice: "none"`                               | `functionCallingConfig.mode: NONE`                 |
 * | `tool_choice: "auto"`                               | `AUTO`                                             |
 * | `tool_choice: "required"`                           | `ANY`                                              |
 * | `tool_choice: {type:"function", function:{name}}`   | `ANY` + `allowedFunctionNames: [name]`             |
 * | `tool_choice: {type:"allowed_tools", …}`            | only the listed declarations are sent; `mode` auto → `AUTO`, required → `ANY` |
 *
 * - `function.strict` is accepted and ignored: Gemini always validates calls against the schema.
 * - Custom (free-form) tools and other tool types are a 400: Gemini has no equivalent.
 * - Names must fit Gemini's rule (letter or `_` first, then `A-Za-z0-9_.:-`, at most 128 characters).
 * - `parallel_tool_calls: false` is accepted but has no effect: Gemini has no switch for it, so the model
 *   may still return several calls in one turn, and every one of them is passed on.
 * - `tool_choice` without tools: `none`/`auto` are no-ops; `required` or a named function is a 400.
 */
import type { FunctionDeclaration, Tool, ToolConfig } from "../gemini/types.ts";
import { toGeminiSchema } from "./json-schema.ts";
import { expectName, expectObject, expectOneOf, fail, isObject, optionalArray, optionalBoolean, optionalString } from "../validate.ts";
import type { JsonObject } from "../validate.ts";

const GEMINI_FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

const MODES = { none: "NONE", auto: "AUTO", required: "ANY" } as const;

export interface GeminiTools {
  tools?: Tool[];
  toolConfig?: ToolConfig;
}

/**
 * Translates the tool fields of the request body.
 *
 * @example
 * toGeminiTools({ tools: [{ type: "function", function: { name: "get_weather" } }], tool_choice: "required" })
 * // { tools: [{ functionDeclarations: [{ name: "get_weather" }] }], toolConfig: { functionCallingConfig: { mode: "ANY" } } }
 */
export function toGeminiTools(body: JsonObject): GeminiTools {
  optionalBoolean(body.parallel_tool_calls, "parallel_tool_calls");
  let declarations = (optionalArray(body.tools, "tools") ?? []).map((raw, index) => declaration(raw, `tools[${index}]`));
  const names = new Set<string>();
  declarations.forEach(({ name }, index) => {
    if (names.has(name)) fail(`tools[${index}].function.name`, `repeats "${name}"; function names must be unique`);
    names.add(name);
  });

  const choice = body.tool_choice;
  let toolConfig: ToolConfig | undefined;
  if (choice === undefined || choice === null) {
    toolConfig = undefined;
  } else if (typeof choice === "string") {
    const mode = expectOneOf(choice, "tool_choice", ["none", "auto", "required"]);
    if (mode === "required" && names.size === 0) fail("tool_choice", 'is "required" but no `tools` were given');
    toolConfig = names.size === 0 ? undefined : { functionCallingConfig: { mode: MODES[mode] } };
  } else {
    const object = expectObject(choice, "tool_choice");
    const type = expectOneOf(object.type, "tool_choice.type", ["function", "allowed_tools"]);
    if (type === "function") {
      const name = declaredName(expectObject(object.function, "tool_choice.function").name, "tool_choice.function.name", names);
      toolConfig = { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [name] } };
    } else {
      const allowed = expectObject(object.allowed_tools, "tool_choice.allowed_tools");
      const mode = expectOneOf(allowed.mode, "tool_choice.allowed_tools.mode", ["auto", "required"]);
      const kept = new Set(allowedNames(allowed, names));
      declarations = declarations.filter(({ name }) => kept.has(name));
      toolConfig = { functionCallingConfig: { mode: MODES[mode] } };
    }
  }

  const translated: GeminiTools = {};
  if (declarations.length > 0) translated.tools = [{ functionDeclarations: declarations }];
  if (toolConfig !== undefined) translated.toolConfig = toolConfig;
  return translated;
}

function declaration(raw: unknown, path: string): FunctionDeclaration {
  const tool = expectObject(raw, path);
  const type = tool.type;
  if (type === "custom") fail(`${path}.type`, 'is "custom"; Gemini supports only function tools');
  expectOneOf(type, `${path}.type`, ["function"]);
  const fn = expectObject(tool.function, `${path}.function`);
  const name = expectName(fn.name, `${path}.function.name`);
  if (!GEMINI_FUNCTION_NAME.test(name)) {
    fail(`${path}.function.name`, "must start with a letter or _ and use only A-Z a-z 0-9 _ . : - (at most 128 characters)");
  }
  optionalBoolean(fn.strict, `${path}.function.strict`);
  const result: FunctionDeclaration = { name };
  const description = optionalString(fn.description, `${path}.function.description`);
  if (description !== undefined) result.description = description;
  if (fn.parameters !== undefined && fn.parameters !== null) {
    if (!isObject(fn.parameters)) fail(`${path}.function.parameters`, "must be a JSON Schema object");
    result.parametersJsonSchema = toGeminiSchema({ ...fn.parameters });
  }
  return result;
}

function allowedNames(allowed: JsonObject, declared: Set<string>): string[] {
  const list = optionalArray(allowed.tools, "tool_choice.allowed_tools.tools") ?? fail("tool_choice.allowed_tools.tools", "is required");
  return list.map((raw, index) => {
    const path = `tool_choice.allowed_tools.tools[${index}]`;
    const entry = expectObject(raw, path);
    expectOneOf(entry.type, `${path}.type`, ["function"]);
    // OpenAI's own shape nests the name under `function`; accept a flat `name` too.
    const name = isObject(entry.function) ? entry.function.name : entry.name;
    return declaredName(name, isObject(entry.function) ? `${path}.function.name` : `${path}.name`, declared);
  });
}

function declaredName(value: unknown, path: string, declared: Set<string>): string {
  const name = expectName(value, path);
  return declared.has(name) ? name : fail(path, `("${name}") is not one of the functions in \`tools\``);
}
