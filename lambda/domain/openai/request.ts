/**
 * `POST /v1/chat/completions` body → a plan: the model, the stream flags and the Gemini request body.
 * Pure: validates everything before any I/O, so a bad request is a 400 before any charge.
 *
 * | OpenAI field                            | Gemini / plan                                                |
 * |-----------------------------------------|--------------------------------------------------------------|
 * | `model`                                 | catalog id or `google/` alias → `plan.model`; unknown → 404 `model_not_found` |
 * | `messages`                              | `contents`, `systemInstruction` (messages.ts)                |
 * | `tools`, `tool_choice`, `parallel_tool_calls` | `tools`, `toolConfig` (tools.ts)                       |
 * | `response_format`                       | `responseMimeType`, `responseJsonSchema` (response-format.ts)|
 * | `reasoning_effort`, `reasoning`, `show_thinking` | `thinkingConfig`, `plan.reasoningVisible` (reasoning.ts) |
 * | `max_completion_tokens` ?? `max_tokens` | `maxOutputTokens` (1 … the model's maximum)                  |
 * | `temperature` (0–2), `top_p` (0–1)      | `temperature`, `topP`, as given: nothing is injected          |
 * | `stop` (string or up to 5 strings)      | `stopSequences` (empty strings dropped)                      |
 * | `seed` (32-bit integer)                 | `seed`                                                        |
 * | `presence_penalty`, `frequency_penalty` | sent only to models whose catalog entry accepts penalties; dropped otherwise |
 * | `stream`, `stream_options.include_usage`| `plan.stream`, `plan.includeUsage`                            |
 * | `n`                                     | 1 only; n > 1 is a 400                                       |
 *
 * Fields that would silently change the answer if ignored are a 400: `n` > 1, `logprobs: true`,
 * `top_logprobs` > 0, a non-empty `logit_bias`, audio output (`audio`, `modalities` with "audio"),
 * `web_search_options`, and the deprecated `functions` / `function_call`. Hints and metadata are
 * accepted and ignored: `user`, `store`, `metadata`, `service_tier`, `prediction`, `prompt_cache_key`,
 * `prompt_cache_retention`, `safety_identifier`, `verbosity`, `stream_options.include_obfuscation`, and
 * any field we do not know (OpenAI clients send extras).
 */
import { findModel, modelIds } from "../catalog.ts";
import type { ModelSpec } from "../catalog.ts";
import { InvalidRequestError, ModelNotFoundError } from "../errors.ts";
import type { GenerateContentRequest, GenerationConfig, ThinkingConfig } from "../gemini/types.ts";
import { toGeminiConversation } from "./messages.ts";
import { planReasoning } from "./reasoning.ts";
import { toResponseFormat } from "./response-format.ts";
import type { StructuredOutput } from "./response-format.ts";
import { toGeminiTools } from "./tools.ts";
import { definedOnly, expectString, fail, isObject, optionalArray, optionalBoolean, optionalNumber, optionalObject, optionalString, rejectUnsupported } from "../validate.ts";
import type { JsonObject, UnsupportedFields } from "../validate.ts";

export interface ChatRequestPlan {
  model: ModelSpec;
  stream: boolean;
  /** `stream_options.include_usage` on a streamed request. */
  includeUsage: boolean;
  /** From `max_completion_tokens` ?? `max_tokens`, within 1 … `model.maxOutputTokens`. */
  maxOutputTokens?: number;
  /** Whether thought summaries are requested (`includeThoughts`) and returned as reasoning text. */
  reasoningVisible: boolean;
  /** The Gemini body; `generationConfig.maxOutputTokens` is set only when the client gave a limit. */
  body: GenerateContentRequest;
}

type GenerationMapper = (value: unknown, path: string, model: ModelSpec) => Partial<GenerationConfig>;
export type SamplingField = "temperature" | "top_p" | "seed" | "stop" | "presence_penalty" | "frequency_penalty";

const INT32 = { min: -2_147_483_648, max: 2_147_483_647, integer: true };
const PENALTY = { min: -2, max: 2 };

/** OpenAI sampling fields → `generationConfig`, one row per field. */
const GENERATION_FIELDS: Readonly<Record<SamplingField, GenerationMapper>> = {
  temperature: (value, path) => ({ temperature: optionalNumber(value, path, { min: 0, max: 2 }) }),
  top_p: (value, path) => ({ topP: optionalNumber(value, path, { min: 0, max: 1 }) }),
  seed: (value, path) => ({ seed: optionalNumber(value, path, INT32) }),
  stop: (value, path) => ({ stopSequences: readStop(value, path) }),
  presence_penalty: (value, path, model) => {
    const penalty = optionalNumber(value, path, PENALTY);
    return { presencePenalty: model.acceptsPenalties ? penalty : undefined };
  },
  frequency_penalty: (value, path, model) => {
    const penalty = optionalNumber(value, path, PENALTY);
    return { frequencyPenalty: model.acceptsPenalties ? penalty : undefined };
  },
};

const SAMPLING_FIELDS: readonly SamplingField[] = ["temperature", "top_p", "seed", "stop", "presence_penalty", "frequency_penalty"];

/** Fields we refuse: each returns the problem when the value asks for something we cannot do. */
const UNSUPPORTED: UnsupportedFields = {
  n: (value) =>
    value === 1 ? undefined : "must be 1: this gateway returns exactly one choice per request (send several requests for more)",
  logprobs: (value) => (value === false ? undefined : "is not supported; send false or leave it out"),
  top_logprobs: (value) => (value === 0 ? undefined : "is not supported; leave it out"),
  logit_bias: (value) => (isObject(value) && Object.keys(value).length === 0 ? undefined : "is not supported by Gemini; leave it out"),
  audio: () => "is not supported: Gemini models here answer in text only",
  modalities: (value) =>
    Array.isArray(value) && value.every((modality) => modality === "text") ? undefined : 'may only contain "text": audio output is not supported',
  web_search_options: () => "is not supported on this endpoint",
  functions: () => "belongs to the deprecated functions API; send `tools`",
  function_call: () => "belongs to the deprecated functions API; send `tool_choice`",
};

/**
 * Validates a chat completion request and translates it to Gemini.
 *
 * @example
 * planChatRequest({ model: "google/gemini-3-flash-preview", messages: [{ role: "user", content: "Hi" }] })
 * // { model: <gemini-3-flash-preview>, stream: false, includeUsage: false, reasoningVisible: false,
 * //   body: { contents: [{ role: "user", parts: [{ text: "Hi" }] }], generationConfig: {} } }
 */
export function planChatRequest(input: unknown): ChatRequestPlan {
  if (!isObject(input)) throw new InvalidRequestError("The request body must be a JSON object.");
  const model = resolveModel(input.model);
  rejectUnsupported(input, UNSUPPORTED);
  optionalString(input.user, "user");

  const stream = optionalBoolean(input.stream, "stream") ?? false;
  const streamOptions = optionalObject(input.stream_options, "stream_options");
  optionalBoolean(streamOptions?.include_obfuscation, "stream_options.include_obfuscation");
  const includeUsage = optionalBoolean(streamOptions?.include_usage, "stream_options.include_usage") ?? false;

  const conversation = toGeminiConversation(input.messages);
  const tools = toGeminiTools(input);
  const maxOutputTokens = readMaxOutputTokens(input, model);
  const reasoning = planReasoning(input, model);

  const sampling = samplingConfig(input, SAMPLING_FIELDS, model);
  const generationConfig = assembleGenerationConfig(sampling, maxOutputTokens, toResponseFormat(input.response_format), reasoning.thinkingConfig);

  const plan: ChatRequestPlan = {
    model,
    stream,
    includeUsage: stream && includeUsage,
    reasoningVisible: reasoning.visible,
    body: { ...conversation, ...tools, generationConfig },
  };
  if (maxOutputTokens !== undefined) plan.maxOutputTokens = maxOutputTokens;
  return plan;
}

/**
 * The sampling fields (`temperature`, `top_p`, …) the body gives, of those named, read by the same
 * rows on both OpenAI dialects.
 *
 * @example samplingConfig({ temperature: 0.2 }, ["temperature", "top_p"], model) // { temperature: 0.2, topP: undefined }
 */
export function samplingConfig(body: JsonObject, fields: readonly SamplingField[], model: ModelSpec): GenerationConfig {
  return fields.reduce<GenerationConfig>((config, field) => ({ ...config, ...GENERATION_FIELDS[field](body[field], field, model) }), {});
}

/**
 * `generationConfig` in the one order both OpenAI dialects build it, so the same request gives the
 * same Gemini body byte for byte — and so the same hold.
 *
 * @example assembleGenerationConfig({ temperature: 1 }, 100, {}, undefined) // { temperature: 1, maxOutputTokens: 100 }
 */
export function assembleGenerationConfig(
  sampling: GenerationConfig,
  maxOutputTokens: number | undefined,
  output: StructuredOutput,
  thinkingConfig: ThinkingConfig | undefined,
): GenerationConfig {
  return definedOnly({ ...sampling, maxOutputTokens, ...output, thinkingConfig });
}

/**
 * The catalog model a body's `model` names; an unknown one is a 404 listing the offered ids.
 *
 * @example resolveModel("google/gemini-3-flash-preview").id // "gemini-3-flash-preview"
 */
export function resolveModel(value: unknown): ModelSpec {
  const name = expectString(value, "model");
  const model = findModel(name);
  if (model === undefined) {
    throw new ModelNotFoundError(`Model \`${name}\` is not offered here. GET /v1/models lists the models you can use: ${modelIds().join(", ")}.`);
  }
  return model;
}

function readMaxOutputTokens(body: JsonObject, model: ModelSpec): number | undefined {
  const range = { min: 1, max: model.maxOutputTokens, integer: true };
  const completion = optionalNumber(body.max_completion_tokens, "max_completion_tokens", range);
  const legacy = optionalNumber(body.max_tokens, "max_tokens", range);
  return completion ?? legacy;
}

function readStop(value: unknown, path: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = typeof value === "string" ? [value] : (optionalArray(value, path) ?? []);
  if (list.length > 5) fail(path, "may hold at most 5 sequences");
  const sequences = list.map((entry, index) => expectString(entry, typeof value === "string" ? path : `${path}[${index}]`)).filter((entry) => entry.length > 0);
  return sequences.length > 0 ? sequences : undefined;
}
