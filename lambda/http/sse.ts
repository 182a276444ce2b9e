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

/**
 * A named server-sent event, as the Responses API sends them: the `openai` SDKs raise an event named
 * `error`, whatever its data.
 *
 * @example sseNamedEvent("response.created", { type: "response.created" }) // 'event: response.created\ndata: {"type":"response.created"}\n\n'
 */
export function sseNamedEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
