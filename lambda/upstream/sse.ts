/**
 * Server-sent events as Google's `streamGenerateContent?alt=sse` sends them (gemini-wire.md §4):
 * `data: <json>` lines separated by blank lines, CRLF from Google, LF or CR from others, `data:`
 * with or without the space. Comments and other fields are ignored. A block that is bare JSON
 * (no `data:`) is read too, because Google may write a mid-stream error object that way.
 */
import { UpstreamStreamError } from "./errors.ts";

/**
 * Splits text into event payloads, keeping partial lines and events between pushes.
 *
 * @example
 * const decoder = new SseDecoder();
 * decoder.push('data: {"a":1}\r\n\r\ndata: {"b"'); // ['{"a":1}']
 * decoder.push(":2}\n\n"); // ['{"b":2}']
 */
export class SseDecoder {
  #buffer = "";
  #data: string[] = [];
  #raw: string[] | undefined;

  /** Feeds decoded text; returns the payloads of the events it completed. */
  push(text: string): string[] {
    this.#buffer += text;
    const events: string[] = [];
    let start = 0;
    for (;;) {
      const end = nextLineEnd(this.#buffer, start);
      if (end === -1) break;
      // A CR at the very end may be the first half of a CRLF split across reads.
      if (this.#buffer[end] === "\r" && end === this.#buffer.length - 1) break;
      const width = this.#buffer[end] === "\r" && this.#buffer[end + 1] === "\n" ? 2 : 1;
      const event = this.#line(this.#buffer.slice(start, end));
      if (event !== undefined) events.push(event);
      start = end + width;
    }
    this.#buffer = this.#buffer.slice(start);
    return events;
  }

  /** Ends the input: a last line or event without its terminating blank line still counts. */
  end(): string[] {
    const events = this.push("");
    const last = this.#buffer.replace(/\r$/, "");
    this.#buffer = "";
    if (last !== "") {
      const event = this.#line(last);
      if (event !== undefined) events.push(event);
    }
    const trailing = this.#line("");
    if (trailing !== undefined) events.push(trailing);
    return events;
  }

  #line(line: string): string | undefined {
    if (line === "") return this.#dispatch();
    if (this.#raw !== undefined) {
      this.#raw.push(line);
    } else if (this.#data.length === 0 && (line.startsWith("{") || line.startsWith("["))) {
      this.#raw = [line];
    } else if (line.startsWith("data:")) {
      this.#data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
    }
    return undefined;
  }

  #dispatch(): string | undefined {
    const payload = this.#raw !== undefined ? this.#raw.join("\n") : this.#data.length > 0 ? this.#data.join("\n") : undefined;
    this.#raw = undefined;
    this.#data = [];
    return payload;
  }
}

/**
 * Reads a byte stream of SSE and yields each event's JSON, parsed. Throws `UpstreamStreamError`
 * for an event that is not JSON (without quoting it: it may hold a customer's content).
 *
 * @example
 * for await (const chunk of parseSse(response.body)) console.log(chunk);
 */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<unknown, void, undefined> {
  const decoder = new SseDecoder();
  const text = new TextDecoder("utf-8");
  for await (const bytes of body) {
    for (const payload of decoder.push(text.decode(bytes, { stream: true }))) yield parseEvent(payload);
  }
  for (const payload of [...decoder.push(text.decode()), ...decoder.end()]) yield parseEvent(payload);
}

function parseEvent(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    throw new UpstreamStreamError(`Google sent a stream event that is not JSON (${payload.length} characters).`);
  }
}

function nextLineEnd(text: string, from: number): number {
  const lf = text.indexOf("\n", from);
  const cr = text.indexOf("\r", from);
  if (lf === -1) return cr;
  if (cr === -1) return lf;
  return Math.min(lf, cr);
}
