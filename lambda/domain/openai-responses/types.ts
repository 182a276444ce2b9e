/**
 * The OpenAI Responses API objects the gateway emits. Each is assignable to the `openai` SDK's own
 * type (checked at compile time in test/unit/domain/openai-responses/openai-sdk.test.ts) and adds
 * only `usage.credits`: the whole credits charged (1 credit = US$0.000001), when known.
 *
 * Output item ids name the response they came from — `rs_`, `msg_` or `fc_`, then the response id's
 * random part, then the item's output index — so an `item_reference` finds its kept response with one
 * read (kept-items.ts).
 */
import type { ReasoningEffort } from "../openai/reasoning.ts";

export type ItemStatus = "in_progress" | "completed" | "incomplete";

export interface OutputText {
  type: "output_text";
  text: string;
  annotations: [];
  logprobs: [];
}

export interface OutputRefusal {
  type: "refusal";
  refusal: string;
}

export type MessageContent = OutputText | OutputRefusal;

export interface MessageItem {
  type: "message";
  id: string;
  role: "assistant";
  status: ItemStatus;
  content: MessageContent[];
}

export interface SummaryText {
  type: "summary_text";
  text: string;
}

/** A model turn's thinking: its visible summaries, and its thought signatures sealed in `encrypted_content`. */
export interface ReasoningItem {
  type: "reasoning";
  id: string;
  summary: SummaryText[];
  encrypted_content?: string;
}

export interface FunctionCallItem {
  type: "function_call";
  id: string;
  call_id: string;
  name: string;
  /** JSON text, as OpenAI sends it. */
  arguments: string;
  status: ItemStatus;
}

export type OutputItem = ReasoningItem | MessageItem | FunctionCallItem;

export interface ResponsesUsage {
  input_tokens: number;
  /** Gemini's implicit caching has no write charge, so `cache_write_tokens` is always 0. */
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
  /** Whole credits charged for this request (our extension; 1 credit = US$0.000001). */
  credits?: number;
}

export type ReasoningSummary = "auto" | "concise" | "detailed";

export type TextFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: { [keyword: string]: unknown }; description?: string; strict?: boolean | null };

export interface FunctionTool {
  type: "function";
  name: string;
  description?: string | null;
  parameters: { [keyword: string]: unknown } | null;
  strict: boolean | null;
}

export type ToolChoice =
  | "none"
  | "auto"
  | "required"
  | { type: "function"; name: string }
  | { type: "allowed_tools"; mode: "auto" | "required"; tools: { type: "function"; name: string }[] };

/** What a response repeats of its request, as OpenAI's does. */
export interface RequestEcho {
  instructions: string | null;
  max_output_tokens: number | null;
  metadata: Record<string, string> | null;
  parallel_tool_calls: boolean;
  reasoning: { effort: ReasoningEffort | null; summary: ReasoningSummary | null };
  /** Whether this response's output items are kept for `item_reference` (README "Responses API decisions"). */
  store: boolean;
  temperature: number | null;
  top_p: number | null;
  text: { format: TextFormat };
  tool_choice: ToolChoice;
  tools: FunctionTool[];
  user?: string;
  safety_identifier?: string;
}

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

export interface ResponseObject extends RequestEcho {
  /** Our task id (`resp_…`), also at `GET /v1/tasks/{id}`. */
  id: string;
  object: "response";
  /** Unix seconds. */
  created_at: number;
  status: ResponseStatus;
  /** On a failed response; `server_error` is the one code of OpenAI's list that fits any failure of ours. */
  error: { code: "server_error"; message: string } | null;
  incomplete_details: { reason: "max_output_tokens" | "content_filter" } | null;
  /** The catalog model id. */
  model: string;
  output: OutputItem[];
  usage?: ResponsesUsage;
  previous_response_id: null;
  background: false;
  truncation: "disabled";
  access_programs: null;
}

type Sequenced<T> = T & { sequence_number: number };
type InItem = { item_id: string; output_index: number };
type InContent = InItem & { content_index: number };
type InSummary = InItem & { summary_index: number };

export type ResponseLifecycleEvent = Sequenced<{
  type: "response.created" | "response.in_progress" | "response.completed" | "response.incomplete" | "response.failed";
  response: ResponseObject;
}>;
export type ResponseCreatedEvent = ResponseLifecycleEvent & { type: "response.created" };
export type ResponseInProgressEvent = ResponseLifecycleEvent & { type: "response.in_progress" };
export type ResponseCompletedEvent = ResponseLifecycleEvent & { type: "response.completed" };
export type ResponseIncompleteEvent = ResponseLifecycleEvent & { type: "response.incomplete" };
export type ResponseFailedEvent = ResponseLifecycleEvent & { type: "response.failed" };
export type OutputItemAddedEvent = Sequenced<{ type: "response.output_item.added"; output_index: number; item: OutputItem }>;
export type OutputItemDoneEvent = Sequenced<{ type: "response.output_item.done"; output_index: number; item: OutputItem }>;
export type ContentPartAddedEvent = Sequenced<InContent & { type: "response.content_part.added"; part: MessageContent }>;
export type ContentPartDoneEvent = Sequenced<InContent & { type: "response.content_part.done"; part: MessageContent }>;
export type OutputTextDeltaEvent = Sequenced<InContent & { type: "response.output_text.delta"; delta: string; logprobs: [] }>;
export type OutputTextDoneEvent = Sequenced<InContent & { type: "response.output_text.done"; text: string; logprobs: [] }>;
export type RefusalDeltaEvent = Sequenced<InContent & { type: "response.refusal.delta"; delta: string }>;
export type RefusalDoneEvent = Sequenced<InContent & { type: "response.refusal.done"; refusal: string }>;
export type FunctionCallArgumentsDeltaEvent = Sequenced<InItem & { type: "response.function_call_arguments.delta"; delta: string }>;
export type FunctionCallArgumentsDoneEvent = Sequenced<InItem & { type: "response.function_call_arguments.done"; arguments: string; name: string }>;
export type ReasoningSummaryPartAddedEvent = Sequenced<InSummary & { type: "response.reasoning_summary_part.added"; part: SummaryText }>;
export type ReasoningSummaryPartDoneEvent = Sequenced<InSummary & { type: "response.reasoning_summary_part.done"; part: SummaryText }>;
export type ReasoningSummaryTextDeltaEvent = Sequenced<InSummary & { type: "response.reasoning_summary_text.delta"; delta: string }>;
export type ReasoningSummaryTextDoneEvent = Sequenced<InSummary & { type: "response.reasoning_summary_text.done"; text: string }>;
/** A failure after the stream began; the `openai` SDKs raise it, the AI SDK reports it as an error part. */
export type ErrorEvent = Sequenced<{ type: "error"; code: string; message: string; param: null }>;

export type ResponsesStreamEvent =
  | ResponseCreatedEvent
  | ResponseInProgressEvent
  | ResponseCompletedEvent
  | ResponseIncompleteEvent
  | ResponseFailedEvent
  | OutputItemAddedEvent
  | OutputItemDoneEvent
  | ContentPartAddedEvent
  | ContentPartDoneEvent
  | OutputTextDeltaEvent
  | OutputTextDoneEvent
  | RefusalDeltaEvent
  | RefusalDoneEvent
  | FunctionCallArgumentsDeltaEvent
  | FunctionCallArgumentsDoneEvent
  | ReasoningSummaryPartAddedEvent
  | ReasoningSummaryPartDoneEvent
  | ReasoningSummaryTextDeltaEvent
  | ReasoningSummaryTextDoneEvent
  | ErrorEvent;
