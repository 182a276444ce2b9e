/**
 * `POST /v1/responses` body → a plan: the model, the stream flag, what to seal and keep, the Gemini
 * request body, and what the response repeats of the request. Pure: everything is validated before
 * any charge, and the Gemini body is built by the chat route's own pieces, so the same request sent
 * to either route gives the same body — and the same hold.
 *
 * | Responses field                           | Gemini / plan                                               |
 * |-------------------------------------------|-------------------------------------------------------------|
 * | `model`                                   | catalog id or alias; unknown → 404 `model_not_found`        |
 * | `input`, `instructions`                   | `contents`, `systemInstruction` (input.ts)                  |
 * | `tools`, `tool_choice`, `parallel_tool_calls` | `tools`, `toolConfig` (tools.ts)                        |
 * | `text.format` `text` / `json_object` / `json_schema` | nothing / `responseMimeType` / + `responseJsonSchema` (openai/response-format.ts) |
 * | `reasoning.effort`                        | `thinkingLevel` per model, as the chat route's `reasoning_effort` (openai/reasoning.ts) |
 * | `reasoning.summary` (or `generate_summary`) | `includeThoughts`: Gemini's thought summaries in the reasoning item; all three values get the same summaries; hidden when the effort is `none` |
 * | `max_output_tokens`                       | `maxOutputTokens` (1 … the model's maximum)                 |
 * | `temperature` (0–2), `top_p` (0–1)        | `temperature`, `topP`, as on the chat route                 |
 * | `stream`                                  | `plan.stream`                                               |
 * | `include: ["reasoning.encrypted_content"]`| `plan.sealReasoning`; also sealed whenever nothing is kept  |
 * | `store` (default true)                    | `plan.keep`: output items kept for `item_reference`, unless the operator switched keeping off |
 * | `metadata`, `user`, `safety_identifier`   | validated and repeated in the response; not sent to Google  |
 * | `text.verbosity`, `service_tier`, `prompt_cache_key`, `prompt_cache_retention`, `max_tool_calls`, `stream_options.include_obfuscation` | accepted hints without effect (there are no hosted tools to cap) |
 *
 * Refused with a 400 naming the field: the stateful ones — `previous_response_id`, `conversation`,
 * `background: true`, `prompt` (a stored prompt) — because the gateway keeps no conversation;
 * `truncation: "auto"` (Gemini cannot drop turns for us), `top_logprobs` and the `include` of
 * logprobs, and `context_management` (compaction).
 */
import type { ModelSpec } from "../catalog.ts";
import { InvalidRequestError } from "../errors.ts";
import type { GenerateContentRequest } from "../gemini/types.ts";
import { readEffort, thinkingFor } from "../openai/reasoning.ts";
import type { ReasoningEffort } from "../openai/reasoning.ts";
import { assembleGenerationConfig, resolveModel, samplingConfig } from "../openai/request.ts";
import { jsonSchemaOutput } from "../openai/response-format.ts";
import type { StructuredOutput } from "../openai/response-format.ts";
import { expectOneOf, fail, isObject, optionalArray, optionalBoolean, optionalNumber, optionalObject, optionalString, rejectUnsupported } from "../validate.ts";
import type { JsonObject, UnsupportedFields } from "../validate.ts";
import { toGeminiInput } from "./input.ts";
import type { ItemSources } from "./input.ts";
import { toResponsesTools } from "./tools.ts";
import type { ReasoningSummary, RequestEcho, TextFormat } from "./types.ts";

export interface ResponsesPlan {
  readonly model: ModelSpec;
  readonly stream: boolean;
  /** `max_output_tokens`, within 1 … `model.maxOutputTokens`. */
  readonly maxOutputTokens?: number;
  /** Whether thought summaries are requested and returned in the reasoning item. */
  readonly reasoningVisible: boolean;
  /** Whether the reasoning item carries the turn's signatures in `encrypted_content`. */
  readonly sealReasoning: boolean;
  /** Whether the output items are kept for `item_reference`. */
  readonly keep: boolean;
  /** The Gemini body; `generationConfig.maxOutputTokens` is set only when the client gave a limit. */
  readonly body: GenerateContentRequest;
  readonly echo: RequestEcho;
}

const STATELESS = "this gateway keeps no conversation state (it never stores prompts). Leave it out and send the whole conversation in `input`, with the output items you received";

/** Fields we refuse: each returns the problem when the value asks for something we cannot do. */
const UNSUPPORTED: UnsupportedFields = {
  previous_response_id: () => `is not supported: ${STATELESS}`,
  conversation: () => `is not supported: ${STATELESS}`,
  background: (value) => (value === false ? undefined : "is not supported: every response runs in the foreground; send `stream: true` for a long one instead"),
  prompt: () => "names a stored prompt; this gateway stores none, so send the prompt itself in `instructions` and `input`",
  truncation: (value) => (value === "disabled" ? undefined : 'may only be "disabled": Gemini cannot drop turns to fit its context window, so shorten `input` yourself'),
  top_logprobs: (value) => (value === 0 ? undefined : "is not supported by Gemini here; leave it out"),
  context_management: (value) => (Array.isArray(value) && value.length === 0 ? undefined : "is not supported: this gateway does not compact conversations"),
};

const INCLUDABLE = [
  "reasoning.encrypted_content",
  "message.output_text.logprobs",
  "file_search_call.results",
  "web_search_call.results",
  "web_search_call.action.sources",
  "message.input_image.image_url",
  "computer_call_output.output.image_url",
  "code_interpreter_call.outputs",
] as const;

const SUMMARIES = ["auto", "concise", "detailed"] as const;

/**
 * Validates a Responses request and translates it to Gemini; `sources` resolve its references and
 * open its `encrypted_content`.
 *
 * @example
 * planResponsesRequest({ model: "gemini-3-flash", input: "Hi" }, sources)
 * // { model: <gemini-3-flash-preview>, stream: false, keep: true, sealReasoning: false, reasoningVisible: false,
 * //   body: { contents: [{ role: "user", parts: [{ text: "Hi" }] }], generationConfig: {} }, echo: { … } }
 */
export function planResponsesRequest(input: unknown, sources: ItemSources): ResponsesPlan {
  if (!isObject(input)) throw new InvalidRequestError("The request body must be a JSON object.");
  const model = resolveModel(input.model);
  rejectUnsupported(input, UNSUPPORTED);
  const hints = readHints(input);

  const stream = optionalBoolean(input.stream, "stream") ?? false;
  optionalBoolean(optionalObject(input.stream_options, "stream_options")?.include_obfuscation, "stream_options.include_obfuscation");
  const include = readInclude(input.include);
  const keep = (optionalBoolean(input.store, "store") ?? true) && sources.keeping;

  const conversation = toGeminiInput(input, sources, model.upstreamModel);
  const tools = toResponsesTools(input);
  const maxOutputTokens = optionalNumber(input.max_output_tokens, "max_output_tokens", { min: 1, max: model.maxOutputTokens, integer: true });
  const text = readText(input.text);
  const reasoning = readReasoning(input.reasoning);
  const thinking = thinkingFor(reasoning.effort, reasoning.summary !== undefined && reasoning.effort !== "none", model);
  const sampling = samplingConfig(input, ["temperature", "top_p"], model);
  const generationConfig = assembleGenerationConfig(sampling, maxOutputTokens, text.output, thinking.thinkingConfig);

  return {
    model,
    stream,
    ...(maxOutputTokens !== undefined && { maxOutputTokens }),
    reasoningVisible: thinking.visible,
    sealReasoning: include.has("reasoning.encrypted_content") || !keep,
    keep,
    body: { ...conversation, ...tools.gemini, generationConfig },
    echo: {
      instructions: optionalString(input.instructions, "instructions") ?? null,
      max_output_tokens: maxOutputTokens ?? null,
      metadata: hints.metadata,
      parallel_tool_calls: tools.echo.parallel_tool_calls,
      reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null },
      store: keep,
      temperature: sampling.temperature ?? null,
      top_p: sampling.topP ?? null,
      text: { format: text.format },
      tool_choice: tools.echo.tool_choice,
      tools: tools.echo.tools,
      ...(hints.user !== undefined && { user: hints.user }),
      ...(hints.safetyIdentifier !== undefined && { safety_identifier: hints.safetyIdentifier }),
    },
  };
}

function readHints(body: JsonObject): { metadata: Record<string, string> | null; user?: string; safetyIdentifier?: string } {
  for (const field of ["prompt_cache_key", "prompt_cache_retention", "service_tier"]) optionalString(body[field], field);
  optionalNumber(body.max_tool_calls, "max_tool_calls", { min: 0, integer: true });
  const metadata = optionalObject(body.metadata, "metadata");
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (typeof value !== "string") fail(`metadata.${key}`, "must be a string");
  }
  const user = optionalString(body.user, "user");
  const safetyIdentifier = optionalString(body.safety_identifier, "safety_identifier");
  return {
    metadata: metadata === undefined ? null : Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, String(value)])),
    ...(user !== undefined && { user }),
    ...(safetyIdentifier !== undefined && { safetyIdentifier }),
  };
}

function readInclude(value: unknown): Set<(typeof INCLUDABLE)[number]> {
  const include = new Set((optionalArray(value, "include") ?? []).map((entry, index) => expectOneOf(entry, `include[${index}]`, INCLUDABLE)));
  if (include.has("message.output_text.logprobs")) fail("include", 'asks for "message.output_text.logprobs", which Gemini does not give here; leave it out');
  return include;
}

function readText(value: unknown): { output: StructuredOutput; format: TextFormat } {
  const text = optionalObject(value, "text");
  if (text?.verbosity !== undefined && text.verbosity !== null) expectOneOf(text.verbosity, "text.verbosity", ["low", "medium", "high"]);
  const format = optionalObject(text?.format, "text.format");
  if (format === undefined) return { output: {}, format: { type: "text" } };
  switch (expectOneOf(format.type, "text.format.type", ["text", "json_object", "json_schema"])) {
    case "text":
      return { output: {}, format: { type: "text" } };
    case "json_object":
      return { output: { responseMimeType: "application/json" }, format: { type: "json_object" } };
    case "json_schema": {
      const output = jsonSchemaOutput(format, "text.format");
      const echoed: TextFormat = { type: "json_schema", name: typeof format.name === "string" ? format.name : "response", schema: isObject(format.schema) ? { ...format.schema } : {} };
      if (typeof format.description === "string") echoed.description = format.description;
      if (typeof format.strict === "boolean") echoed.strict = format.strict;
      return { output, format: echoed };
    }
  }
}

function readReasoning(value: unknown): { effort?: ReasoningEffort; summary?: ReasoningSummary } {
  const reasoning = optionalObject(value, "reasoning");
  if (reasoning === undefined) return {};
  const effort = readEffort(reasoning.effort, "reasoning.effort");
  const read = (field: string) => (reasoning[field] === undefined || reasoning[field] === null ? undefined : expectOneOf(reasoning[field], `reasoning.${field}`, SUMMARIES));
  const summary = read("summary") ?? read("generate_summary");
  return { ...(effort !== undefined && { effort }), ...(summary !== undefined && { summary }) };
}

