/**
 * A native `generateContent` / `streamGenerateContent` body → what the gateway sends Google. Pure:
 * everything that would cost a round trip and a confusing answer is a 400 here, before any charge.
 *
 * The body passes through with its meaning intact, in whichever spelling the client used: only the
 * model id is rewritten (to Google's id for our catalog name), and later the output cap
 * (`output-cap.ts`). Fields we do not know are kept.
 *
 * | check                                              | why                                              |
 * |----------------------------------------------------|--------------------------------------------------|
 * | `contents`: a non-empty array of contents with parts | Google's first complaint otherwise              |
 * | `generationConfig.maxOutputTokens`: 1 … the model's maximum | the hold is sized from it                 |
 * | `generationConfig.candidateCount`: 1               | the hold covers one answer, not several          |
 * | `thinkingConfig` (thinking.ts)                     | level with budget, a level the model rejects, budget 0 |
 * | `tools` (tools.ts)                                 | googleSearch with functionDeclarations needs the flag |
 * | any field sent in both spellings                   | Google rejects the duplicate                     |
 */
import type { ModelSpec } from "../catalog.ts";
import { InvalidRequestError } from "../errors.ts";
import { fail, isObject, optionalNumber, type JsonObject } from "../validate.ts";
import { join, readArray, readField, readObject, snakeCase } from "./fields.ts";
import { checkThinking } from "./thinking.ts";
import { checkTools } from "./tools.ts";

export interface NativeRequestPlan {
  /** The body for Google: the client's, with the model id rewritten. */
  readonly body: JsonObject;
  /** The client's own output cap, validated; absent when it set none. */
  readonly maxOutputTokens?: number;
  /** Where the client sets the cap, in its own spelling, for messages that tell it to lower it. */
  readonly outputParam: string;
}

const EXAMPLE_CONTENTS = '[{"role":"user","parts":[{"text":"Hello"}]}]';

/**
 * @example
 * planGenerateContent({ contents: [{ parts: [{ text: "Hi" }] }], generation_config: { max_output_tokens: 100 } }, flash);
 * // { body: <the same body>, maxOutputTokens: 100, outputParam: "generation_config.max_output_tokens" }
 */
export function planGenerateContent(input: unknown, model: ModelSpec): NativeRequestPlan {
  if (!isObject(input)) throw new InvalidRequestError(`The request body must be a JSON object with \`contents\`, e.g. {"contents":${EXAMPLE_CONTENTS}}.`);
  checkContents(input, "");
  const generation = readObject(input, "generationConfig", "");
  const config = generation?.value ?? {};
  const parent = generation?.path ?? "generationConfig";
  const cap = readField(config, "maxOutputTokens", parent);
  const maxOutputTokens = optionalNumber(cap?.value, cap?.path ?? "", { min: 1, max: model.maxOutputTokens, integer: true });
  const candidates = readField(config, "candidateCount", parent);
  if (candidates !== undefined && candidates.value !== 1) {
    fail(candidates.path, "must be 1: credits are held for one answer per request; send several requests for more");
  }
  checkThinking(config, parent, model);
  checkTools(input);
  const outputParam = cap?.path ?? join(parent, generation?.key === "generation_config" ? snakeCase("maxOutputTokens") : "maxOutputTokens");
  return {
    body: withUpstreamModel(input, model, false),
    ...(maxOutputTokens !== undefined && { maxOutputTokens }),
    outputParam,
  };
}

/**
 * Requires `contents` (either spelling) to be a non-empty array of objects, each with parts.
 *
 * @example checkContents({ contents: [] }, "") // throws "`contents` is required: …"
 */
export function checkContents(request: JsonObject, parent: string): void {
  const contents = readArray(request, "contents", parent);
  if (contents === undefined || contents.value.length === 0) {
    fail(contents?.path ?? join(parent, "contents"), `is required: send at least one content, e.g. ${EXAMPLE_CONTENTS}`);
  }
  contents.value.forEach((content, index) => {
    const path = `${contents.path}[${index}]`;
    if (!isObject(content)) fail(path, "must be an object with `role` and `parts`");
    const parts = readArray(content, "parts", path);
    if (parts === undefined || parts.value.length === 0) fail(parts?.path ?? `${path}.parts`, "must hold at least one part");
  });
}

/**
 * The body with any `model` field naming Google's id for the catalog model (`always`: set it even
 * when absent, as `countTokens`' inner request needs).
 *
 * @example withUpstreamModel({ model: "models/gemini-3-flash" }, flash, false) // { model: "models/gemini-3-flash-preview" }
 */
export function withUpstreamModel(body: JsonObject, model: ModelSpec, always: boolean): JsonObject {
  if (!always && (body.model === undefined || body.model === null)) return body;
  return { ...body, model: `models/${model.upstreamModel}` };
}
