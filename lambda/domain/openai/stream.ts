/**
 * Gemini stream chunks → OpenAI `chat.completion.chunk` objects (the handler does the SSE framing and
 * the final `data: [DONE]`).
 *
 * - Every chunk has the same `id`, `created` and `model`; the first one carries `delta.role: "assistant"`.
 * - Each Gemini part becomes its own chunk, in order: text → `delta.content`; visible thought summaries
 *   → `delta.reasoning_content` + `delta.reasoning` + a `reasoning.text` detail; each `functionCall` →
 *   one `delta.tool_calls` entry, complete (Gemini sends whole calls), with a running `index` across the
 *   whole stream (parallel calls get 0, 1, 2…) and its signature in `extra_content`; a signature on
 *   anything else (often a final `{ text: "", thoughtSignature }` part) → `delta.extra_content`, plus a
 *   `reasoning.encrypted` detail (see signatures.ts).
 * - The finish chunk (`delta: {}`) is sent as soon as Gemini gives a `finishReason`, else by `finish()`;
 *   a turn that made tool calls finishes with `tool_calls`.
 * - A `functionCall` whose id was already streamed is dropped, keeping the first (signed) copy.
 * - With `stream_options.include_usage`, every chunk carries `usage: null` and `finish()` adds the usage
 *   chunk (`choices: []`), as OpenAI does. Usage in Gemini streams is cumulative: the last one counts.
 * - A blocked prompt, or an answer withheld before any text, sends the reason as `delta.refusal` and
 *   finishes with `content_filter`.
 */
import type { GenerateContentResponse, UsageMetadata } from "../gemini/types.ts";
import { blockedExplanation, toFinishReason } from "./finish-reason.ts";
import { readParts, toChatToolCall, toolCallId } from "./parts.ts";
import type { OutputPiece } from "./parts.ts";
import type { ChatRequestPlan } from "./request.ts";
import { encryptedDetail, googleExtra } from "./signatures.ts";
import { GEMINI_REASONING_FORMAT } from "./types.ts";
import type {
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ChatCompletionDelta,
  ChatCompletionErrorEvent,
  ChatFinishReason,
  CompletionContext,
} from "./types.ts";
import { toChatUsage } from "./usage.ts";

/**
 * Translates one streamed completion; create one per request.
 *
 * @example
 * const translator = new ChatStreamTranslator({ id: "req_1", created: 1767225600, model: "gemini-3-flash" }, { reasoningVisible: false, includeUsage: true });
 * translator.push({ candidates: [{ content: { role: "model", parts: [{ text: "Hi" }] } }] });
 * // [{ id: "req_1", object: "chat.completion.chunk", …, choices: [{ index: 0, delta: { role: "assistant", content: "Hi" }, finish_reason: null, logprobs: null }], usage: null }]
 * translator.finish({ credits: 12 }); // [finish chunk with finish_reason "stop", usage chunk with choices: []]
 */
export class ChatStreamTranslator {
  readonly #ctx: CompletionContext;
  readonly #plan: Pick<ChatRequestPlan, "reasoningVisible" | "includeUsage">;
  #roleSent = false;
  #toolCalls = 0;
  #answered = false;
  #finished = false;
  #producedOutput = false;
  #usage: UsageMetadata | undefined;
  readonly #callIds = new Set<string>();

  constructor(ctx: CompletionContext, plan: Pick<ChatRequestPlan, "reasoningVisible" | "includeUsage">) {
    this.#ctx = ctx;
    this.#plan = plan;
  }

  /** The last (cumulative) `usageMetadata` seen. */
  get usage(): UsageMetadata | undefined {
    return this.#usage;
  }

  /** Whether any visible text, reasoning or tool call has been emitted. */
  get producedOutput(): boolean {
    return this.#producedOutput;
  }

  /** Zero or more chunks for one upstream chunk. */
  push(chunk: GenerateContentResponse): ChatCompletionChunk[] {
    if (chunk.usageMetadata !== undefined) this.#usage = chunk.usageMetadata;
    const candidate = chunk.candidates?.[0];
    if (candidate === undefined) {
      const blockReason = chunk.promptFeedback?.blockReason;
      if (blockReason === undefined || this.#finished) return [];
      return [this.#chunk({ refusal: blockedExplanation("prompt", blockReason) }), this.#finishChunk("content_filter", blockReason)];
    }
    const chunks = readParts(candidate.content?.parts, this.#plan.reasoningVisible)
      .filter((piece) => !this.#isRepeatedCall(piece))
      .map((piece) => this.#chunk(this.#delta(piece)));
    const nativeReason = candidate.finishReason;
    if (nativeReason !== undefined && !this.#finished) {
      const reason = toFinishReason(nativeReason, this.#toolCalls > 0);
      if (reason === "content_filter" && !this.#answered) chunks.push(this.#chunk({ refusal: blockedExplanation("answer", nativeReason) }));
      chunks.push(this.#finishChunk(reason, nativeReason));
    }
    return chunks;
  }

  /** The finish chunk if none was sent yet and, when usage was asked for, the usage chunk. */
  finish(extra: { credits?: number } = {}): ChatCompletionChunk[] {
    const chunks: ChatCompletionChunk[] = [];
    if (!this.#finished) chunks.push(this.#finishChunk(this.#toolCalls > 0 ? "tool_calls" : "stop", undefined));
    if (this.#plan.includeUsage) chunks.push({ ...this.#envelope(), choices: [], usage: toChatUsage(this.#usage, extra.credits) });
    return chunks;
  }

  /**
   * An in-band error after output has started (shape: types.ts `ChatCompletionErrorEvent`); the
   * stream should end after it.
   */
  errorEvent(failure: { message: string; code: string; type: string }): ChatCompletionErrorEvent {
    this.#finished = true;
    return { error: { message: failure.message, code: failure.code, type: failure.type } };
  }

  // A call re-sent in a later chunk (seen in the wild, without its signature) must not become a second call.
  #isRepeatedCall(piece: OutputPiece): boolean {
    const id = piece.kind === "toolCall" ? piece.call.id : undefined;
    if (id === undefined || id === "") return false;
    if (this.#callIds.has(id)) return true;
    this.#callIds.add(id);
    return false;
  }

  #delta(piece: OutputPiece): ChatCompletionDelta {
    switch (piece.kind) {
      case "text":
        this.#producedOutput = true;
        this.#answered = true;
        return withSignature({ content: piece.text }, piece.signature);
      case "reasoning":
        this.#producedOutput = true;
        return withSignature(
          {
            reasoning_content: piece.text,
            reasoning: piece.text,
            reasoning_details: [{ type: "reasoning.text", text: piece.text, format: GEMINI_REASONING_FORMAT, index: 0 }],
          },
          piece.signature,
        );
      case "toolCall": {
        this.#producedOutput = true;
        this.#answered = true;
        const index = this.#toolCalls++;
        const call = toChatToolCall(piece.call, toolCallId(piece.call, this.#ctx, index), piece.signature);
        const delta: ChatCompletionDelta = { tool_calls: [{ index, ...call }] };
        if (piece.signature !== undefined) delta.reasoning_details = [encryptedDetail(piece.signature, call.id)];
        return delta;
      }
      case "signature":
        return withSignature({}, piece.signature);
    }
  }

  #finishChunk(reason: ChatFinishReason, nativeReason: string | undefined): ChatCompletionChunk {
    this.#finished = true;
    return this.#chunk({}, reason, nativeReason);
  }

  #chunk(delta: ChatCompletionDelta, finishReason: ChatFinishReason | null = null, nativeReason?: string): ChatCompletionChunk {
    const first = !this.#roleSent;
    this.#roleSent = true;
    const choice: ChatCompletionChunkChoice = { index: 0, delta: first ? { role: "assistant", ...delta } : delta, finish_reason: finishReason, logprobs: null };
    if (nativeReason !== undefined) choice.native_finish_reason = nativeReason;
    const chunk: ChatCompletionChunk = { ...this.#envelope(), choices: [choice] };
    if (this.#plan.includeUsage) chunk.usage = null;
    return chunk;
  }

  #envelope(): { id: string; object: "chat.completion.chunk"; created: number; model: string } {
    return { id: this.#ctx.id, object: "chat.completion.chunk", created: this.#ctx.created, model: this.#ctx.model };
  }
}

function withSignature(delta: ChatCompletionDelta, signature: string | undefined): ChatCompletionDelta {
  if (signature === undefined) return delta;
  return { ...delta, reasoning_details: [...(delta.reasoning_details ?? []), encryptedDetail(signature)], extra_content: googleExtra(signature) };
}
