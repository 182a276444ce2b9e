/**
 * Where the money rules cap Google's output (DESIGN.md §5): `generationConfig.maxOutputTokens`, thinking
 * and answer together. The cap replaces the client's own field in the client's spelling: a body with
 * `generation_config.max_output_tokens` must not gain a second, conflicting camelCase field.
 */
import { isObject } from "../validate.ts";
import { snakeCase } from "./fields.ts";

const CONFIG = "generationConfig";
const CAP = "maxOutputTokens";

/**
 * @example withOutputCap({ contents, generation_config: { max_output_tokens: 9000 } }, 512)
 * // { contents, generation_config: { max_output_tokens: 512 } }
 * @example withOutputCap({ contents }, 512) // { contents, generationConfig: { maxOutputTokens: 512 } }
 */
export function withOutputCap<T extends object>(body: T, outputCap: number): T {
  const record = body as Record<string, unknown>;
  const configKey = spelledAs(record, CONFIG);
  const current = record[configKey];
  const config: Record<string, unknown> = isObject(current) ? { ...current } : {};
  const capKey = config[CAP] !== undefined ? CAP : config[snakeCase(CAP)] !== undefined ? snakeCase(CAP) : configKey === CONFIG ? CAP : snakeCase(CAP);
  config[capKey] = outputCap;
  return { ...body, [configKey]: config };
}

// The plan rejects a field sent in both spellings, so at most one of them is present here.
function spelledAs(record: Record<string, unknown>, camel: string): string {
  if (record[camel] !== undefined) return camel;
  return record[snakeCase(camel)] !== undefined ? snakeCase(camel) : camel;
}
