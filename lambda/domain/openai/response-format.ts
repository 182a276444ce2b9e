/**
 * `response_format` → Gemini structured output.
 *
 * | OpenAI                                        | Gemini `generationConfig`                                   |
 * |-----------------------------------------------|-------------------------------------------------------------|
 * | `{ type: "text" }` or absent                  | nothing                                                      |
 * | `{ type: "json_object" }`                     | `responseMimeType: "application/json"`                       |
 * | `{ type: "json_schema", json_schema: { schema } }` | `responseMimeType: "application/json"`, `responseJsonSchema` (json-schema.ts) |
 *
 * `json_schema.name`, `description` and `strict` have no Gemini counterpart and are not sent; a
 * `json_schema` without `schema` asks only for JSON.
 */
import type { GenerationConfig } from "../gemini/types.ts";
import { toGeminiSchema } from "./json-schema.ts";
import { expectObject, expectOneOf, fail, isObject, optionalBoolean, optionalObject, optionalString } from "../validate.ts";
import type { JsonObject } from "../validate.ts";

/**
 * Reads `response_format` into generation settings.
 *
 * @example toResponseFormat({ type: "json_object" }) // { responseMimeType: "application/json" }
 */
export function toResponseFormat(value: unknown): StructuredOutput {
  const format = optionalObject(value, "response_format");
  if (format === undefined) return {};
  switch (expectOneOf(format.type, "response_format.type", ["text", "json_object", "json_schema"])) {
    case "text":
      return {};
    case "json_object":
      return { responseMimeType: "application/json" };
    case "json_schema":
      return jsonSchemaOutput(expectObject(format.json_schema, "response_format.json_schema"), "response_format.json_schema");
  }
}

/** The generation settings `toResponseFormat` and the Responses API's `text.format` produce. */
export type StructuredOutput = Pick<GenerationConfig, "responseMimeType" | "responseJsonSchema">;

/**
 * A JSON Schema output spec (`name`, `description`, `strict`, `schema`, under `path`) → JSON output
 * that follows the schema; without `schema`, JSON only.
 *
 * @example jsonSchemaOutput({ name: "city", schema: { type: "object" } }, "text.format")
 * // { responseMimeType: "application/json", responseJsonSchema: { type: "object" } }
 */
export function jsonSchemaOutput(spec: JsonObject, path: string): StructuredOutput {
  optionalString(spec.name, `${path}.name`);
  optionalString(spec.description, `${path}.description`);
  optionalBoolean(spec.strict, `${path}.strict`);
  if (spec.schema === undefined || spec.schema === null) return { responseMimeType: "application/json" };
  if (!isObject(spec.schema)) fail(`${path}.schema`, "must be a JSON Schema object");
  return { responseMimeType: "application/json", responseJsonSchema: toGeminiSchema({ ...spec.schema }) };
}
