import type { ServerResponse } from "node:http";

// streamGenerateContent framing (gemini-wire.md §4): with ?alt=sse each chunk is one
// `data: <json>\r\n\r\n` event (no event: lines, no [DONE]); without it the chunks form one
// JSON array written progressively: `[` chunk `,\r\n` chunk … `]`.

export type StreamFraming = "sse" | "json-array";

export interface StreamOptions {
  framing: StreamFraming;
  chunkDelayMs: number;
  // When set, the socket is destroyed after this many chunks instead of ending the response cleanly.
  cutAfterChunks?: number;
  sleep: (ms: number) => Promise<void>;
}

export const JSON_CONTENT_TYPE = "application/json; charset=UTF-8";

export async function writeStream(res: ServerResponse, chunks: readonly unknown[], options: StreamOptions): Promise<void> {
  res.writeHead(200, streamHeaders(options.framing));
  res.flushHeaders();
  for (const [index, chunk] of chunks.entries()) {
    if (index === options.cutAfterChunks) break;
    if (index > 0 && options.chunkDelayMs > 0) await options.sleep(options.chunkDelayMs);
    if (res.destroyed) return;
    await write(res, frame(chunk, index, options.framing));
  }
  if (options.cutAfterChunks !== undefined) {
    res.destroy();
    return;
  }
  if (options.framing === "json-array") await write(res, "]");
  res.end();
}

function streamHeaders(framing: StreamFraming): Record<string, string> {
  if (framing === "json-array") return { "content-type": JSON_CONTENT_TYPE };
  return { "content-type": "text/event-stream", "content-disposition": "attachment" };
}

// SSE events must be single-line JSON; array elements are pretty-printed like Google's, so clients
// that split the array on newlines fail here as they would against Google.
function frame(chunk: unknown, index: number, framing: StreamFraming): string {
  if (framing === "sse") return `data: ${JSON.stringify(chunk)}\r\n\r\n`;
  const json = JSON.stringify(chunk, null, 2);
  return index === 0 ? `[${json}` : `,\r\n${json}`;
}

// Waiting for each write to flush keeps chunks in separate TCP sends, so clients see them arrive apart.
function write(res: ServerResponse, data: string): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    const done = () => {
      res.off("close", done);
      resolve();
    };
    res.once("close", done);
    res.write(data, done);
  });
}
