/**
 * Small validators that read the untrusted request body from `unknown`. Each throws
 * `InvalidRequestError` naming the exact field path, e.g. "`messages[2].role` must be one of …".
 * JSON `null` counts as absent for optional fields, as OpenAI treats it.
 */
import { InvalidRequestError } from "./errors.ts";

export type JsonObject = { readonly [key: string]: unknown };

export interface NumberRange {
  min?: number;
  max?: number;
  integer?: boolean;
}

/**
 * Throws the 400 for one field.
 *
 * @example fail("messages[0].role", "is required") // throws "`messages[0].role` is required"
 */
export function fail(path: string, problem: string): never {
  throw new InvalidRequestError(`\`${path}\` ${problem}`);
}

/** Per field a request may not set: what is wrong with a value, or undefined if this one is fine. */
export type UnsupportedFields = Readonly<Record<string, (value: unknown) => string | undefined>>;

/**
 * Refuses the first field set (not null) whose check names a problem, with a 400 naming the field.
 *
 * @example rejectUnsupported({ n: 2 }, { n: (value) => (value === 1 ? undefined : "must be 1") }) // throws "`n` must be 1"
 */
export function rejectUnsupported(body: JsonObject, fields: UnsupportedFields): void {
  for (const [field, check] of Object.entries(fields)) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    const problem = check(value);
    if (problem !== undefined) fail(field, problem);
  }
}

/** A JSON object (not an array, not null). @example isObject([]) // false */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** @example expectObject({}, "response_format") // {} */
export function expectObject(value: unknown, path: string): JsonObject {
  if (isObject(value)) return value;
  return fail(path, value === undefined || value === null ? "is required" : "must be an object");
}

/** @example optionalObject(null, "stream_options") // undefined */
export function optionalObject(value: unknown, path: string): JsonObject | undefined {
  return value === undefined || value === null ? undefined : expectObject(value, path);
}

/** @example expectArray([1], "stop") // [1] */
export function expectArray(value: unknown, path: string): readonly unknown[] {
  if (Array.isArray(value)) return value;
  return fail(path, value === undefined || value === null ? "is required" : "must be an array");
}

/** @example optionalArray(undefined, "tools") // undefined */
export function optionalArray(value: unknown, path: string): readonly unknown[] | undefined {
  return value === undefined || value === null ? undefined : expectArray(value, path);
}

/** @example expectString("hi", "messages[0].content") // "hi" */
export function expectString(value: unknown, path: string): string {
  if (typeof value === "string") return value;
  return fail(path, value === undefined || value === null ? "is required" : "must be a string");
}

/** @example optionalString(7, "user") // throws "`user` must be a string" */
export function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : expectString(value, path);
}

/**
 * A string that must not be empty, such as an id or a name.
 *
 * @example expectName("", "tools[0].function.name") // throws "`tools[0].function.name` must not be empty"
 */
export function expectName(value: unknown, path: string): string {
  const text = expectString(value, path);
  return text.length > 0 ? text : fail(path, "must not be empty");
}

/** @example optionalBoolean("yes", "stream") // throws "`stream` must be true or false" */
export function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "boolean" ? value : fail(path, "must be true or false");
}

/**
 * Reads an optional number within a range.
 *
 * @example optionalNumber(0.5, "top_p", { min: 0, max: 1 }) // 0.5
 */
export function optionalNumber(value: unknown, path: string, range: NumberRange = {}): number | undefined {
  if (value === undefined || value === null) return undefined;
  const { min, max, integer = false } = range;
  const kind = integer ? "an integer" : "a number";
  const bounds =
    min !== undefined && max !== undefined ? ` from ${min} to ${max}` : min !== undefined ? ` of at least ${min}` : max !== undefined ? ` of at most ${max}` : "";
  const valid =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || value >= min) &&
    (max === undefined || value <= max);
  return valid ? value : fail(path, `must be ${kind}${bounds}`);
}

/** @example expectOneOf("auto", "tool_choice", ["none", "auto"]) // "auto" */
export function expectOneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  const text = expectString(value, path);
  const found = allowed.find((candidate) => candidate === text);
  return found ?? fail(path, `must be one of ${allowed.map((name) => `"${name}"`).join(", ")}; got "${text}"`);
}

/**
 * Keeps only the defined entries, so outputs never carry `key: undefined`.
 *
 * @example definedOnly({ topP: undefined, seed: 1 }) // { seed: 1 }
 */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
