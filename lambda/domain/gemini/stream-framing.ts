/**
 * Google's chunks → the bytes of a native `streamGenerateContent` answer, passed through one by one as
 * they arrive (gemini-wire.md §4). Each chunk keeps everything Google sent except `responseId`, which
 * becomes our task id (`@google/genai` treats it as an opaque string) so the bill can be looked up.
 *
 * - `?alt=sse`: one `data: <json>` line per chunk, each event ended by a blank line (CRLF, as Google
 *   does); no `[DONE]`, which the SDK would try to parse.
 * - without it: one JSON array, `[` chunk `,\r\n` chunk … `]`, always closed, as Google does.
 *
 * A failure after the first chunk ends the stream with Google's error envelope (errors.ts),
 * `{"error":{"code":503,"message":…,"status":"UNAVAILABLE","details":[…]}}`. In SSE it is written
 * twice, each as its own write: bare, because SDKs before 3.x raise `ApiError` only when one network
 * read is exactly an error object; then as a `data:` event, which `@google/genai` 3.x raises however
 * reads coalesce, and which any SSE parser sees (a bare line is ignored by SSE parsers). In the array
 * it is the last element.
 */
import type { GatewayError } from "../errors.ts";
import type { GenerateContentResponse, UsageMetadata } from "./types.ts";

export type NativeFraming = "sse" | "json-array";

/**
 * One per streamed request.
 *
 * @example
 * const framer = new NativeStreamFramer("sse", "req_abc");
 * framer.push({ candidates: [{ content: { role: "model", parts: [{ text: "Hi" }] } }], responseId: "g1" });
 * // ['data: {"candidates":[…],"responseId":"req_abc"}\r\n\r\n']
 * framer.end(); // []
 */
export class NativeStreamFramer {
  readonly #framing: NativeFraming;
  readonly #responseId: string;
  #written = 0;
  #usage: UsageMetadata | undefined;
  #producedOutput = false;

  constructor(framing: NativeFraming, responseId: string) {
    this.#framing = framing;
    this.#responseId = responseId;
  }

  /** The last (cumulative) `usageMetadata` seen. */
  get usage(): UsageMetadata | undefined {
    return this.#usage;
  }

  /** Whether any chunk carried content beyond a bare signature. */
  get producedOutput(): boolean {
    return this.#producedOutput;
  }

  push(chunk: GenerateContentResponse): string[] {
    if (chunk.usageMetadata !== undefined) this.#usage = chunk.usageMetadata;
    if (hasOutput(chunk)) this.#producedOutput = true;
    return [this.#frame({ ...chunk, responseId: this.#responseId })];
  }

  /** Nothing follows Google's last chunk: the stream ends when the response does. */
  finish(): string[] {
    return [];
  }

  /** The in-band error after output started; the stream must end after it. */
  fail(failure: GatewayError): string[] {
    const error = failure.toGoogleJSON();
    if (this.#framing === "json-array") return [this.#frame(error)];
    return [`${JSON.stringify(error)}\r\n\r\n`, this.#frame(error)];
  }

  /** Closes the array; SSE needs nothing more, every event already ended with its blank line. */
  end(): string[] {
    if (this.#framing === "sse") return [];
    return [this.#written === 0 ? "[]" : "\r\n]"];
  }

  #frame(value: object): string {
    const json = JSON.stringify(value);
    if (this.#framing === "sse") return `data: ${json}\r\n\r\n`;
    return `${this.#written++ === 0 ? "[" : ",\r\n"}${json}`;
  }
}

/**
 * Whether a chunk carries output: a part with text, or any data besides the thought flags. A final
 * `{ text: "", thoughtSignature }` part alone is not output.
 *
 * @example hasOutput({ candidates: [{ content: { parts: [{ text: "", thoughtSignature: "c2ln" }] } }] }) // false
 */
export function hasOutput(chunk: GenerateContentResponse): boolean {
  return (chunk.candidates ?? []).some((candidate) =>
    (candidate.content?.parts ?? []).some((part) =>
      Object.entries(part).some(([key, value]) => (key === "text" ? value !== "" : key !== "thought" && key !== "thoughtSignature")),
    ),
  );
}
