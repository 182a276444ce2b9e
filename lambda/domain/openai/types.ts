/**
 * The OpenAI Chat Completions objects the gateway emits. Each is assignable to the `openai` SDK's own
 * type (checked in test/unit/domain/openai/sdk-types.test.ts) and adds only these extensions, which
 * typed clients ignore:
 *
 * - `reasoning_content` (DeepSeek style) and `reasoning` (OpenRouter style): the thought summaries, when
 *   the request asked for them; never mixed into `content`.
 * - `reasoning_details` (OpenRouter style): `reasoning.text` entries for those summaries and one
 *   `reasoning.encrypted` entry per thought signature, so OpenRouter-shaped clients replay signatures.
 * - `extra_content.google.thought_signature` on tool calls, messages and deltas, where Google's own
 *   OpenAI-compatible endpoint puts thought signatures.
 * - `native_finish_reason` on choices: Gemini's own `finishReason`, as OpenRouter reports it.
 * - `usage.credits`: the whole credits charged for the request (1 credit = US$0.000001), when known.
 */

/** What every object of one completion shares. */
export interface CompletionContext {
  /** Our task id, the same on every chunk. */
  id: string;
  /** Unix seconds, the same on every chunk. */
  created: number;
  /** The model name the client asked for, echoed back. */
  model: string;
}

/** The `format` OpenRouter gives Gemini reasoning details; replayed details in other formats are ignored. */
export const GEMINI_REASONING_FORMAT = "google-gemini-v1";

export interface GoogleExtraContent {
  google: { thought_signature: string };
}

export interface ReasoningTextDetail {
  type: "reasoning.text";
  text: string;
  format: typeof GEMINI_REASONING_FORMAT;
  index: number;
}

export interface ReasoningEncryptedDetail {
  type: "reasoning.encrypted";
  /** The thought signature. */
  data: string;
  /** The tool call the signature belongs to; absent for a signature on text. */
  id?: string;
  format: typeof GEMINI_REASONING_FORMAT;
  index: number;
}

export type ReasoningDetail = ReasoningTextDetail | ReasoningEncryptedDetail;

export type ChatFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
  extra_content?: GoogleExtraContent;
}

/** Reasoning and signature fields shared by a whole message and by a stream delta. */
export interface ReasoningFields {
  reasoning_content?: string;
  reasoning?: string;
  reasoning_details?: ReasoningDetail[];
  extra_content?: GoogleExtraContent;
}

export interface ChatCompletionMessage extends ReasoningFields {
  role: "assistant";
  content: string | null;
  refusal: string | null;
  tool_calls?: ChatToolCall[];
}

export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  finish_reason: ChatFinishReason;
  logprobs: null;
  native_finish_reason?: string;
}

export interface ChatCompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
  /** Whole credits charged for this request (our extension; 1 credit = US$0.000001). */
  credits?: number;
}

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage: ChatCompletionUsage;
}

export interface ChatDeltaToolCall extends ChatToolCall {
  /** Running position of the call across the whole stream. */
  index: number;
}

export interface ChatCompletionDelta extends ReasoningFields {
  role?: "assistant";
  content?: string;
  refusal?: string;
  tool_calls?: ChatDeltaToolCall[];
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: ChatCompletionDelta;
  finish_reason: ChatFinishReason | null;
  logprobs: null;
  native_finish_reason?: string;
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: ChatCompletionChunkChoice[];
  /** `null` on every chunk but the last when the client asked for usage; absent otherwise. */
  usage?: ChatCompletionUsage | null;
}

/**
 * An error after the stream has started: an event that is only `{"error":{…}}`, as OpenAI's own API
 * sends. The `openai` SDKs (Node and Python) and LangChain throw an `APIError` for any event carrying
 * `error`; the AI SDK's OpenAI providers read an event as an error only when it does not also look
 * like a chunk, so it carries no `choices`.
 */
export interface ChatCompletionErrorEvent {
  error: { message: string; code: string; type: string };
}
