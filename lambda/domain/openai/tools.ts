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
 *
 * The Responses API (domain/openai-responses/tools.ts) spells tools and choices flatter; it reads its
 * own shapes and shares the rest from here: {@link functionDeclaration} and {@link toolsFor}.
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

/** A declared function and where its name was given, for messages about it. */
export interface DeclaredFunction {
  readonly declaration: FunctionDeclaration;
  readonly namePath: string;
}

/** A tool choice as either dialect gives it, read into one shape; every name keeps its field path. */
export type ToolChoice =
  | { readonly kind: "mode"; readonly mode: keyof typeof MODES }
  | { readonly kind: "function"; readonly name: string; readonly path: string }
  | { readonly kind: "allowed"; readonly mode: "auto" | "required"; readonly names: readonly { readonly name: string; readonly path: string }[] };

/**
 * Translates the tool fields of the request body.
 *
 * @example
 * toGeminiTools({ tools: [{ type: "function", function: { name: "get_weather" } }], tool_choice: "required" })
 * // { tools: [{ functionDeclarations: [{ name: "get_weather" }] }], toolConfig: { functionCallingConfig: { mode: "ANY" } } }
 */
export function toGeminiTools(body: JsonObject): GeminiTools {
  optionalBoolean(body.parallel_tool_calls, "parallel_tool_calls");
  const functions = (optionalArray(body.tools, "tools") ?? []).map((raw, index) => chatFunction(raw, `tools[${index}]`));
  return toolsFor(functions, readChatChoice(body.tool_choice), "tool_choice");
}

/**
 * Reads one function's `name`, `description`, `parameters` and `strict` (under `path`) into a
 * Gemini declaration.
 *
 * @example functionDeclaration({ name: "now", strict: true }, "tools[0]") // { name: "now" }
 */
export function functionDeclaration(fn: JsonObject, path: string): FunctionDeclaration {
  const name = expectName(fn.name, `${path}.name`);
  if (!GEMINI_FUNCTION_NAME.test(name)) {
    fail(`${path}.name`, "must start with a letter or _ and use only A-Z a-z 0-9 _ . : - (at most 128 characters)");
  }
  optionalBoolean(fn.strict, `${path}.strict`);
  const result: FunctionDeclaration = { name };
  const description = optionalString(fn.description, `${path}.description`);
  if (description !== undefined) result.description = description;
  if (fn.parameters !== undefined && fn.parameters !== null) {
    if (!isObject(fn.parameters)) fail(`${path}.parameters`, "must be a JSON Schema object");
    result.parametersJsonSchema = toGeminiSchema({ ...fn.parameters });
  }
  return result;
}

/**
 * The Gemini `tools` and `toolConfig` for some declared functions and a choice among them: names
 * must be unique, a choice must name declared functions, and `allowed` sends only the ones it lists.
 *
 * @example toolsFor([{ declaration: { name: "f" }, namePath: "tools[0].name" }], { kind: "mode", mode: "required" }, "tool_choice")
 * // { tools: [{ functionDeclarations: [{ name: "f" }] }], toolConfig: { functionCallingConfig: { mode: "ANY" } } }
 */
export function toolsFor(functions: readonly DeclaredFunction[], choice: ToolChoice | undefined, choicePath: string): GeminiTools {
  const names = new Set<string>();
  for (const { declaration, namePath } of functions) {
    if (names.has(declaration.name)) fail(namePath, `repeats "${declaration.name}"; function names must be unique`);
    names.add(declaration.name);
  }
  const declared = (name: string, path: string) => (names.has(name) ? name : fail(path, `("${name}") is not one of the functions in \`tools\``));

  let declarations = functions.map(({ declaration }) => declaration);
  let toolConfig: ToolConfig | undefined;
  if (choice?.kind === "mode") {
    if (choice.mode === "required" && names.size === 0) fail(choicePath, 'is "required" but no `tools` were given');
    toolConfig = names.size === 0 ? undefined : { functionCallingConfig: { mode: MODES[choice.mode] } };
  } else if (choice?.kind === "function") {
    toolConfig = { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [declared(choice.name, choice.path)] } };
  } else if (choice?.kind === "allowed") {
    const kept = new Set(choice.names.map(({ name, path }) => declared(name, path)));
    declarations = declarations.filter(({ name }) => kept.has(name));
    toolConfig = { functionCallingConfig: { mode: MODES[choice.mode] } };
  }

  const translated: GeminiTools = {};
  if (declarations.length > 0) translated.tools = [{ functionDeclarations: declarations }];
  if (toolConfig !== undefined) translated.toolConfig = toolConfig;
  return translated;
}

function chatFunction(raw: unknown, path: string): DeclaredFunction {
  const tool = expectObject(raw, path);
  if (tool.type === "custom") fail(`${path}.type`, 'is "custom"; Gemini supports only function tools');
  expectOneOf(tool.type, `${path}.type`, ["function"]);
  return { declaration: functionDeclaration(expectObject(tool.function, `${path}.function`), `${path}.function`), namePath: `${path}.function.name` };
}

function readChatChoice(choice: unknown): ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (typeof choice === "string") return { kind: "mode", mode: expectOneOf(choice, "tool_choice", ["none", "auto", "required"]) };
  const object = expectObject(choice, "tool_choice");
  const type = expectOneOf(object.type, "tool_choice.type", ["function", "allowed_tools"]);
  if (type === "function") {
    return { kind: "function", name: expectName(expectObject(object.function, "tool_choice.function").name, "tool_choice.function.name"), path: "tool_choice.function.name" };
  }
  const allowed = expectObject(object.allowed_tools, "tool_choice.allowed_tools");
  const mode = expectOneOf(allowed.mode, "tool_choice.allowed_tools.mode", ["auto", "required"]);
  const list = optionalArray(allowed.tools, "tool_choice.allowed_tools.tools") ?? fail("tool_choice.allowed_tools.tools", "is required");
  const names = list.map((raw, index) => {
    const path = `tool_choice.allowed_tools.tools[${index}]`;
    const entry = expectObject(raw, path);
    expectOneOf(entry.type, `${path}.type`, ["function"]);
    // OpenAI's own shape nests the name under `function`; accept a flat `name` too.
    const namePath = isObject(entry.function) ? `${path}.function.name` : `${path}.name`;
    return { name: expectName(isObject(entry.function) ? entry.function.name : entry.name, namePath), path: namePath };
  });
  return { kind: "allowed", mode, names };
}
