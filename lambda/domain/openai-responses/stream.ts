/**
 * Gemini stream chunks → Responses stream events, and the response they build. The handler frames
 * them as SSE; a non-streamed request runs its whole answer through the same translator
 * (response.ts), so both give the same output.
 *
 * | Gemini part (openai/parts.ts)           | output                                                   |
 * |-----------------------------------------|----------------------------------------------------------|
 * | any, first in the answer                | the turn's `reasoning` item opens at output index 0, and stays open to the end |
 * | visible thought text                    | a summary part of that item: `reasoning_summary_part.added`, `reasoning_summary_text.delta`… |
 * | answer text                             | a `message` item with one `output_text` part: `output_item.added`, `content_part.added`, `output_text.delta`… |
 * | `functionCall`                          | a `function_call` item, whole: `output_item.added`, `function_call_arguments.delta` and `.done`, `output_item.done` |
 * | a thought signature on any part         | kept for the reasoning item's `encrypted_content` (encrypted-content.ts) |
 *
 * - Every event carries the next `sequence_number`, from 0 (`response.created`, then `response.in_progress`).
 * - A summary part closes when answer text or a call arrives; a message closes when a call arrives
 *   (text after it opens a new message). At the end every open part and item closes, the reasoning
 *   item last — it is complete only once the last signature is in — then `response.completed`, or
 *   `response.incomplete` with `max_output_tokens` (Gemini's `MAX_TOKENS`) or `content_filter`.
 * - A blocked prompt, or an answer withheld before any text, gets a message with a `refusal` part saying so.
 * - A call Gemini repeats in a later chunk (seen in the wild) is dropped, keeping the first, signed copy.
 * - A failure after the first event: `error` (our code and message), then `response.failed`, whose
 *   `error.code` is `server_error`. A finished answer whose bill could not be recorded: `error`, then
 *   `response.completed` without `usage.credits` — the answer is whole, and it is not charged.
 */
import type { GenerateContentResponse, UsageMetadata } from "../gemini/types.ts";
import { blockedExplanation, toFinishReason } from "../openai/finish-reason.ts";
import { readParts, toolCallId } from "../openai/parts.ts";
import type { OutputPiece } from "../openai/parts.ts";
import type { TurnSignatures } from "./encrypted-content.ts";
import { hasSignatures } from "./encrypted-content.ts";
import { outputItemId } from "./kept-items.ts";
import type { FunctionCallItem, ItemStatus, MessageItem, ReasoningItem, ResponseLifecycleEvent, ResponseObject, ResponsesStreamEvent } from "./types.ts";
import { toResponsesUsage } from "./usage.ts";

export interface ResponsesStreamOptions {
  /** The response as created: id, model and what it repeats of the request (response.ts). */
  readonly response: ResponseObject;
  readonly reasoningVisible: boolean;
  /** The upstream model, recorded with the signatures. */
  readonly upstreamModel: string;
  /** Seals the turn's signatures into the reasoning item's `encrypted_content`; absent when not asked for. */
  readonly seal?: (turn: TurnSignatures) => string;
}

type Event = ResponsesStreamEvent;
// Distributes over the union, so each event keeps its own fields when the sequence number is left out.
type Unsequenced<T> = T extends unknown ? Omit<T, "sequence_number"> : never;

interface OpenMessage {
  readonly index: number;
  readonly item: MessageItem;
  text: string;
}

interface OpenReasoning {
  readonly index: number;
  readonly item: ReasoningItem;
  /** The summary part still receiving text, if any. */
  openSummary?: number;
}

/**
 * Translates one response; create one per request.
 *
 * @example
 * const translator = new ResponsesStreamTranslator({ response: responseShell(…), reasoningVisible: false, upstreamModel: "gemini-3-flash-preview" });
 * translator.push({ candidates: [{ content: { role: "model", parts: [{ text: "Hi" }] } }] });
 * // [response.created, response.in_progress, output_item.added (reasoning), output_item.added (message), content_part.added, output_text.delta "Hi"]
 * translator.finish(12); // [output_text.done, content_part.done, output_item.done ×2, response.completed]
 * // or, to keep the items before the client hears the end: translator.close(), keep them, translator.finish(12)
 */
export class ResponsesStreamTranslator {
  readonly #options: ResponsesStreamOptions;
  readonly #response: ResponseObject;
  #sequence = 0;
  #started = false;
  /** `open` while chunks come; `finishing` once the answer is whole but its terminal event waits (see `finish`); then `ended`. */
  #state: "open" | "finishing" | "ended" = "open";
  /** Numbered only when sent, so that it follows the `error` told first. */
  #pendingTerminal: Unsequenced<Event> | undefined;
  #closed = false;
  #reasoning: OpenReasoning | undefined;
  #message: OpenMessage | undefined;
  #answered = false;
  #producedOutput = false;
  #finishReason: string | undefined;
  #blockReason: string | undefined;
  #usage: UsageMetadata | undefined;
  readonly #callSignatures = new Map<string, string>();
  #textSignature: string | undefined;
  readonly #callIds = new Set<string>();

  constructor(options: ResponsesStreamOptions) {
    this.#options = options;
    this.#response = structuredClone(options.response);
  }

  /** The last (cumulative) `usageMetadata` seen. */
  get usage(): UsageMetadata | undefined {
    return this.#usage;
  }

  /** Whether any visible text, summary or call has been emitted. */
  get producedOutput(): boolean {
    return this.#producedOutput;
  }

  /** The response as it stands; final once `finish` has run. */
  get response(): ResponseObject {
    return this.#response;
  }

  /** What Gemini needs back from this turn, and which part each signature goes on. */
  get signatures(): TurnSignatures {
    const calls = [...this.#callSignatures].map(([call_id, signature]) => ({ call_id, signature }));
    const turn = { model: this.#options.upstreamModel, calls };
    return this.#textSignature === undefined ? turn : { ...turn, text: this.#textSignature };
  }

  /** The events for one upstream chunk. */
  push(chunk: GenerateContentResponse): Event[] {
    const events = this.#start();
    if (chunk.usageMetadata !== undefined) this.#usage = chunk.usageMetadata;
    const candidate = chunk.candidates?.[0];
    if (candidate === undefined) {
      const blockReason = chunk.promptFeedback?.blockReason;
      if (blockReason !== undefined && this.#blockReason === undefined) {
        this.#blockReason = blockReason;
        events.push(...this.#refusal(blockedExplanation("prompt", blockReason)));
      }
      return events;
    }
    for (const piece of readParts(candidate.content?.parts, this.#options.reasoningVisible)) {
      if (!this.#isRepeatedCall(piece)) events.push(...this.#piece(piece));
    }
    if (candidate.finishReason !== undefined) this.#finishReason = candidate.finishReason;
    return events;
  }

  /**
   * Closes every open part and item, the reasoning item last, and decides the response's status;
   * once only. The route keeps the items between this and `finish`.
   */
  close(): Event[] {
    if (this.#closed || this.#state !== "open") return [];
    this.#closed = true;
    const events = this.#start();
    const reason = this.#blockReason !== undefined ? "content_filter" : toFinishReason(this.#finishReason, this.#callIds.size > 0);
    if (reason === "content_filter" && !this.#answered && this.#blockReason === undefined) {
      events.push(...this.#refusal(blockedExplanation("answer", this.#finishReason ?? "unknown reason")));
    }
    const incomplete = reason === "length" ? "max_output_tokens" : reason === "content_filter" ? "content_filter" : undefined;
    events.push(...this.#closeMessage(incomplete === undefined ? "completed" : "incomplete"), ...this.#closeReasoning());
    this.#response.status = incomplete === undefined ? "completed" : "incomplete";
    this.#response.incomplete_details = incomplete === undefined ? null : { reason: incomplete };
    return events;
  }

  /** The items could not be kept, so the response says `store: false`: no reference to them will work. */
  notKept(): void {
    this.#response.store = false;
  }

  /**
   * Closes what is still open, then the terminal event. Without the charge (the bill could not be
   * recorded) the terminal event waits for `fail`, which tells the truth first.
   */
  finish(credits: number | undefined): Event[] {
    if (this.#state !== "open") return [];
    const events = [...this.#start(), ...this.close()];
    this.#response.usage = toResponsesUsage(this.#usage, credits);
    const terminal = this.#unsequencedLifecycle(this.#response.status === "incomplete" ? "response.incomplete" : "response.completed");
    if (credits === undefined) {
      this.#state = "finishing";
      this.#pendingTerminal = terminal;
      return events;
    }
    this.#state = "ended";
    return [...events, this.#sequenced(terminal)];
  }

  /**
   * The in-band error. Mid-answer: `error`, then `response.failed` with what was produced. After
   * `finish` without a charge: `error`, then the answer's own terminal event.
   */
  fail(failure: { code: string; message: string }): Event[] {
    if (this.#state === "ended") return [];
    const events = this.#start();
    events.push(this.#sequenced({ type: "error", code: failure.code, message: failure.message, param: null }));
    if (this.#state === "finishing" && this.#pendingTerminal !== undefined) {
      events.push(this.#sequenced(this.#pendingTerminal));
    } else {
      for (const item of this.#response.output) if (item.type !== "reasoning" && item.status === "in_progress") item.status = "incomplete";
      Object.assign(this.#response, { status: "failed", error: { code: "server_error", message: failure.message }, usage: toResponsesUsage(this.#usage) });
      events.push(this.#lifecycle("response.failed"));
    }
    this.#state = "ended";
    return events;
  }

  /** Anything still owed at the very end: a terminal event `finish` held back and nothing sent since. */
  end(): Event[] {
    const pending = this.#state === "finishing" ? this.#pendingTerminal : undefined;
    this.#state = "ended";
    return pending === undefined ? [] : [this.#sequenced(pending)];
  }

  #start(): Event[] {
    if (this.#started) return [];
    this.#started = true;
    return [this.#lifecycle("response.created"), this.#lifecycle("response.in_progress")];
  }

  #piece(piece: OutputPiece): Event[] {
    const events = this.#ensureReasoning();
    switch (piece.kind) {
      case "reasoning":
        this.#producedOutput = true;
        if (piece.signature !== undefined) this.#textSignature = piece.signature;
        events.push(...this.#summaryText(piece.text));
        return events;
      case "text":
        this.#producedOutput = true;
        this.#answered = true;
        if (piece.signature !== undefined) this.#textSignature = piece.signature;
        events.push(...this.#closeSummary(), ...this.#messageText(piece.text));
        return events;
      case "toolCall":
        this.#producedOutput = true;
        this.#answered = true;
        events.push(...this.#closeSummary(), ...this.#closeMessage("completed"), ...this.#functionCall(piece));
        return events;
      case "signature":
        this.#textSignature = piece.signature;
        return events;
    }
  }

  #ensureReasoning(): Event[] {
    if (this.#reasoning !== undefined) return [];
    const index = this.#response.output.length;
    const item: ReasoningItem = { type: "reasoning", id: outputItemId("rs", this.#response.id, index), summary: [] };
    this.#reasoning = { index, item };
    this.#response.output.push(item);
    return [this.#sequenced({ type: "response.output_item.added", output_index: index, item: structuredClone(item) })];
  }

  #summaryText(text: string): Event[] {
    const reasoning = this.#reasoning;
    if (reasoning === undefined) return [];
    const events: Event[] = [];
    const at = { item_id: reasoning.item.id, output_index: reasoning.index };
    if (reasoning.openSummary === undefined) {
      reasoning.openSummary = reasoning.item.summary.length;
      reasoning.item.summary.push({ type: "summary_text", text: "" });
      events.push(this.#sequenced({ type: "response.reasoning_summary_part.added", ...at, summary_index: reasoning.openSummary, part: { type: "summary_text", text: "" } }));
    }
    const summary = reasoning.item.summary[reasoning.openSummary];
    if (summary !== undefined) summary.text += text;
    events.push(this.#sequenced({ type: "response.reasoning_summary_text.delta", ...at, summary_index: reasoning.openSummary, delta: text }));
    return events;
  }

  #closeSummary(): Event[] {
    const reasoning = this.#reasoning;
    const summaryIndex = reasoning?.openSummary;
    if (reasoning === undefined || summaryIndex === undefined) return [];
    reasoning.openSummary = undefined;
    const part = { type: "summary_text" as const, text: reasoning.item.summary[summaryIndex]?.text ?? "" };
    const at = { item_id: reasoning.item.id, output_index: reasoning.index, summary_index: summaryIndex };
    return [
      this.#sequenced({ type: "response.reasoning_summary_text.done", ...at, text: part.text }),
      this.#sequenced({ type: "response.reasoning_summary_part.done", ...at, part }),
    ];
  }

  #closeReasoning(): Event[] {
    const reasoning = this.#reasoning;
    if (reasoning === undefined) return [];
    const events = this.#closeSummary();
    const turn = this.signatures;
    if (this.#options.seal !== undefined && hasSignatures(turn)) reasoning.item.encrypted_content = this.#options.seal(turn);
    events.push(this.#sequenced({ type: "response.output_item.done", output_index: reasoning.index, item: structuredClone(reasoning.item) }));
    return events;
  }

  #messageText(text: string): Event[] {
    const events: Event[] = [];
    let message = this.#message;
    if (message === undefined) {
      const index = this.#response.output.length;
      const item: MessageItem = { type: "message", id: outputItemId("msg", this.#response.id, index), role: "assistant", status: "in_progress", content: [] };
      events.push(this.#sequenced({ type: "response.output_item.added", output_index: index, item: structuredClone(item) }));
      item.content.push({ type: "output_text", text: "", annotations: [], logprobs: [] });
      this.#response.output.push(item);
      message = { index, item, text: "" };
      this.#message = message;
      events.push(this.#sequenced({ type: "response.content_part.added", item_id: item.id, output_index: index, content_index: 0, part: { type: "output_text", text: "", annotations: [], logprobs: [] } }));
    }
    message.text += text;
    const part = message.item.content[0];
    if (part?.type === "output_text") part.text = message.text;
    events.push(this.#sequenced({ type: "response.output_text.delta", item_id: message.item.id, output_index: message.index, content_index: 0, delta: text, logprobs: [] }));
    return events;
  }

  #closeMessage(status: ItemStatus): Event[] {
    const message = this.#message;
    if (message === undefined) return [];
    this.#message = undefined;
    message.item.status = status;
    const at = { item_id: message.item.id, output_index: message.index, content_index: 0 };
    return [
      this.#sequenced({ type: "response.output_text.done", ...at, text: message.text, logprobs: [] }),
      this.#sequenced({ type: "response.content_part.done", ...at, part: { type: "output_text", text: message.text, annotations: [], logprobs: [] } }),
      this.#sequenced({ type: "response.output_item.done", output_index: message.index, item: structuredClone(message.item) }),
    ];
  }

  #functionCall(piece: Extract<OutputPiece, { kind: "toolCall" }>): Event[] {
    const index = this.#response.output.length;
    const callId = toolCallId(piece.call, this.#response, this.#callIds.size);
    this.#callIds.add(callId);
    if (piece.signature !== undefined) this.#callSignatures.set(callId, piece.signature);
    const args = JSON.stringify(piece.call.args ?? {});
    const item: FunctionCallItem = { type: "function_call", id: outputItemId("fc", this.#response.id, index), call_id: callId, name: piece.call.name, arguments: "", status: "in_progress" };
    const added = this.#sequenced({ type: "response.output_item.added", output_index: index, item: structuredClone(item) });
    Object.assign(item, { arguments: args, status: "completed" });
    this.#response.output.push(item);
    const at = { item_id: item.id, output_index: index };
    return [
      added,
      this.#sequenced({ type: "response.function_call_arguments.delta", ...at, delta: args }),
      this.#sequenced({ type: "response.function_call_arguments.done", ...at, arguments: args, name: item.name }),
      this.#sequenced({ type: "response.output_item.done", output_index: index, item: structuredClone(item) }),
    ];
  }

  /** A whole message whose only part is a refusal. */
  #refusal(text: string): Event[] {
    const events = this.#closeMessage("completed");
    const index = this.#response.output.length;
    const item: MessageItem = { type: "message", id: outputItemId("msg", this.#response.id, index), role: "assistant", status: "in_progress", content: [] };
    events.push(this.#sequenced({ type: "response.output_item.added", output_index: index, item: structuredClone(item) }));
    const at = { item_id: item.id, output_index: index, content_index: 0 };
    events.push(
      this.#sequenced({ type: "response.content_part.added", ...at, part: { type: "refusal", refusal: "" } }),
      this.#sequenced({ type: "response.refusal.delta", ...at, delta: text }),
      this.#sequenced({ type: "response.refusal.done", ...at, refusal: text }),
      this.#sequenced({ type: "response.content_part.done", ...at, part: { type: "refusal", refusal: text } }),
    );
    Object.assign(item, { status: "incomplete", content: [{ type: "refusal", refusal: text }] });
    this.#response.output.push(item);
    events.push(this.#sequenced({ type: "response.output_item.done", output_index: index, item: structuredClone(item) }));
    return events;
  }

  // A call re-sent in a later chunk (seen in the wild, without its signature) must not become a second call.
  #isRepeatedCall(piece: OutputPiece): boolean {
    const id = piece.kind === "toolCall" ? piece.call.id : undefined;
    return id !== undefined && id !== "" && this.#callIds.has(id);
  }

  #lifecycle(type: ResponseLifecycleEvent["type"]): Event {
    return this.#sequenced(this.#unsequencedLifecycle(type));
  }

  #unsequencedLifecycle(type: ResponseLifecycleEvent["type"]): Unsequenced<Event> {
    return { type, response: structuredClone(this.#response) } as Unsequenced<Event>;
  }

  #sequenced(event: Unsequenced<Event>): Event {
    return { ...event, sequence_number: this.#sequence++ } as Event;
  }
}

