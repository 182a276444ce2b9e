import { arrayOrEmpty, isRecord } from "./json.ts";

// Builds a type-correct value for a JSON Schema or Gemini `Schema` (whose types are upper-case).
// Objects get only their `required` properties, which is all a caller can rely on.
export function placeholderFor(schema: unknown, depth = 0): unknown {
  if (!isRecord(schema) || depth > 8) return null;
  const enumValues = arrayOrEmpty(schema.enum);
  if (enumValues.length > 0) return enumValues[0];
  const variants = arrayOrEmpty(schema.anyOf ?? schema.oneOf);
  if (variants.length > 0) return placeholderFor(variants[0], depth + 1);
  switch (schemaType(schema)) {
    case "string":
      return "example";
    case "integer":
      return 1;
    case "number":
      return 1.5;
    case "boolean":
      return true;
    case "array":
      return [placeholderFor(schema.items, depth + 1)];
    case "object":
      return objectPlaceholder(schema, depth);
    default:
      return isRecord(schema.properties) ? objectPlaceholder(schema, depth) : null;
  }
}

export function objectPlaceholder(schema: unknown, depth = 0): Record<string, unknown> {
  const properties = isRecord(schema) && isRecord(schema.properties) ? schema.properties : {};
  const required = isRecord(schema) ? arrayOrEmpty(schema.required) : [];
  const value: Record<string, unknown> = {};
  for (const name of required) {
    if (typeof name === "string") value[name] = placeholderFor(properties[name], depth + 1);
  }
  return value;
}

function schemaType(schema: Record<string, unknown>): string | undefined {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const first = types.find((type): type is string => typeof type === "string" && type.toLowerCase() !== "null");
  return first?.toLowerCase();
}
