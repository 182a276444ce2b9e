/**
 * Fits a client's JSON Schema to what Gemini accepts in `responseJsonSchema` and
 * `parametersJsonSchema` (gemini-wire §1.5), changing as little as possible:
 *
 * - keywords outside Google's supported list are removed, at every depth (`$schema`, `allOf`,
 *   `pattern`, `minLength`, `default`, `examples`, `nullable`, `strict`, …);
 * - a subschema with `$ref` keeps only its `$` keywords, because Gemini rejects siblings of `$ref`;
 * - `const` becomes a one-value `enum` (unless an `enum` is already there), keeping its meaning;
 * - draft-07 `definitions` becomes `$defs`, with `#/definitions/…` references rewritten to match,
 *   since `zod-to-json-schema` and pydantic v1 still emit the older name.
 *
 * Property names under `properties` and `$defs` are data, not keywords, and are never removed.
 */
import type { JsonSchema } from "../gemini/types.ts";
import { isObject } from "../validate.ts";
import type { JsonObject } from "../validate.ts";

const SUPPORTED = new Set([
  "$id",
  "$defs",
  "$ref",
  "$anchor",
  "type",
  "format",
  "title",
  "description",
  "enum",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "anyOf",
  "oneOf",
  "properties",
  "additionalProperties",
  "required",
  "propertyOrdering",
]);

/** Keywords whose value is one subschema. */
const SCHEMA_VALUED = new Set(["items", "additionalProperties"]);
/** Keywords whose value is a list of subschemas. */
const SCHEMA_LISTS = new Set(["prefixItems", "anyOf", "oneOf"]);
/** Keywords whose value maps names to subschemas. */
const SCHEMA_MAPS = new Set(["properties", "$defs"]);

/**
 * Returns a copy of `schema` that Gemini accepts; the input is not changed.
 *
 * @example
 * toGeminiSchema({ $schema: "http://json-schema.org/draft-07/schema#", type: "object", properties: { kind: { const: "a" } } })
 * // { type: "object", properties: { kind: { enum: ["a"] } } }
 */
export function toGeminiSchema(schema: JsonSchema): JsonSchema {
  return clean(schema);
}

function clean(schema: unknown): JsonSchema {
  if (typeof schema === "boolean") return schema;
  if (!isObject(schema)) return {};
  const source = withModernNames(schema);
  const cleaned: { [keyword: string]: unknown } = {};
  const hasRef = typeof source.$ref === "string";
  for (const [keyword, value] of Object.entries(source)) {
    if (!SUPPORTED.has(keyword)) continue;
    if (hasRef && !keyword.startsWith("$")) continue;
    cleaned[keyword] = cleanValue(keyword, value);
  }
  if (!hasRef && "const" in source && !("enum" in source)) cleaned.enum = [source.const];
  return cleaned;
}

function cleanValue(keyword: string, value: unknown): unknown {
  if (SCHEMA_VALUED.has(keyword)) return typeof value === "boolean" || isObject(value) ? clean(value) : value;
  if (SCHEMA_LISTS.has(keyword)) return Array.isArray(value) ? value.map(clean) : value;
  if (SCHEMA_MAPS.has(keyword) && isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([name, subschema]) => [name, clean(subschema)]));
  }
  if (keyword === "$ref" && typeof value === "string") return value.replace(/^#\/definitions\//, "#/$defs/");
  return value;
}

function withModernNames(schema: JsonObject): JsonObject {
  if (!("definitions" in schema)) return schema;
  const { definitions, ...rest } = schema;
  const defs = isObject(rest.$defs) && isObject(definitions) ? { ...definitions, ...rest.$defs } : (rest.$defs ?? definitions);
  return { ...rest, $defs: defs };
}
