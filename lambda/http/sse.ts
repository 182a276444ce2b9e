/** Server-sent events as OpenAI clients read them: one `data:` line of JSON, then a blank line. */
export function sseEvent(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

export const SSE_DONE = "data: [DONE]\n\n";

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  // Tells any proxy in front not to buffer the stream.
  "x-accel-buffering": "no",
};
