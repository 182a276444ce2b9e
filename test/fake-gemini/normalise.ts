import { isRecord } from "./json.ts";

// Google accepts proto-JSON field names in either spelling, even mixed in one body.
// Values under these keys are caller data (tool arguments, JSON schemas), whose own
// property names must be kept exactly as written.
const VERBATIM_KEYS = new Set([
  "args",
  "response",
  "parameters",
  "parametersJsonSchema",
  "responseSchema",
  "responseJsonSchema",
  "responseJsonSchemaOrdering",
  "labels",
  "metadata",
]);

export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

export function normaliseFieldNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseFieldNames);
  if (!isRecord(value)) return value;
  const normalised: Record<string, unknown> = {};
  for (const [rawKey, child] of Object.entries(value)) {
    const key = snakeToCamel(rawKey);
    normalised[key] = VERBATIM_KEYS.has(key) ? child : normaliseFieldNames(child);
  }
  return normalised;
}
