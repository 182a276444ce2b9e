/**
 * Google's proto-JSON accepts every field as `camelCase` or `snake_case`, even mixed in one body
 * (gemini-wire.md §1.1). Native bodies are read and written through these helpers so a field is
 * found, and replaced, under whichever spelling the client chose.
 */
import { fail, isObject, type JsonObject } from "../validate.ts";

/**
 * @example snakeCase("maxOutputTokens") // "max_output_tokens"
 */
export function snakeCase(camel: string): string {
  return camel.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * The key under which `object` holds the field, or undefined when it holds neither spelling. Both
 * spellings at once is a 400: Google would reject the duplicate, and which one we read would be a guess.
 *
 * @example fieldKey({ generation_config: {} }, "generationConfig", "") // "generation_config"
 */
export function fieldKey(object: JsonObject, camel: string, parent: string): string | undefined {
  const snake = snakeCase(camel);
  const hasCamel = object[camel] !== undefined;
  const hasSnake = snake !== camel && object[snake] !== undefined;
  if (hasCamel && hasSnake) fail(join(parent, camel), `is also sent as \`${join(parent, snake)}\`; send it once, in either spelling`);
  return hasCamel ? camel : hasSnake ? snake : undefined;
}

export interface Field {
  /** The key as the client spelled it. */
  readonly key: string;
  /** The field's path in messages, in the client's spelling, e.g. `generation_config.max_output_tokens`. */
  readonly path: string;
  readonly value: unknown;
}

/**
 * Reads a field under either spelling; JSON `null` counts as absent, as proto-JSON treats it.
 *
 * @example readField({ max_output_tokens: 5 }, "maxOutputTokens", "generation_config") // { key: "max_output_tokens", path: "generation_config.max_output_tokens", value: 5 }
 */
export function readField(object: JsonObject, camel: string, parent: string): Field | undefined {
  const key = fieldKey(object, camel, parent);
  if (key === undefined || object[key] === null) return undefined;
  return { key, path: join(parent, key), value: object[key] };
}

/**
 * Reads a field that, when present, must be an object.
 *
 * @example readObject({ toolConfig: {} }, "toolConfig", "")?.value // {}
 */
export function readObject(object: JsonObject, camel: string, parent: string): (Field & { readonly value: JsonObject }) | undefined {
  const field = readField(object, camel, parent);
  if (field === undefined) return undefined;
  if (!isObject(field.value)) fail(field.path, "must be an object");
  return { ...field, value: field.value };
}

/**
 * Reads a field that, when present, must be an array.
 *
 * @example readArray({ tools: [] }, "tools", "")?.value // []
 */
export function readArray(object: JsonObject, camel: string, parent: string): (Field & { readonly value: readonly unknown[] }) | undefined {
  const field = readField(object, camel, parent);
  if (field === undefined) return undefined;
  if (!Array.isArray(field.value)) fail(field.path, "must be an array");
  return { ...field, value: field.value };
}

/** `parent.child`, or `child` at the top level. */
export function join(parent: string, child: string): string {
  return parent === "" ? child : `${parent}.${child}`;
}
