import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startFakeGemini } from "../../fake-gemini/server.ts";
import type { FakeGemini } from "../../fake-gemini/server.ts";
import { FLASH, parseSseEvents, post, textOf, userText } from "./wire.ts";
import type { WireResponse } from "./wire.ts";

const HELLO = { contents: [userText("Hi there")] };

describe("streamGenerateContent", () => {
  let fake: FakeGemini;

  beforeAll(async () => {
    fake = await startFakeGemini({ chunkDelayMs: 1 });
  });
  afterAll(() => fake.close());

  test("with alt=sse it sends CRLF-framed data events with Google's headers and no [DONE]", async () => {
    const response = await post(fake, FLASH, "streamGenerateContent", HELLO, { query: "alt=sse" });
    const text = await response.text();

    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("content-disposition")).toBe("attachment");
    expect(text).not.toContain("[DONE]");
    expect(text).not.toMatch(/^event:/m);
    const events = parseSseEvents(text);
    expect(events.length).toBeGreaterThanOrEqual(4);
    expect(textOf(events)).toBe(
      "Hello from gemini-3-flash-preview. This fake reply follows 1 content and has enough words to be streamed in pieces.",
    );
  });

  test("chunks carry only new parts, cumulative usage and one responseId, ending with a signature-only part", async () => {
    const events = await streamSse(HELLO);
    const textChunks = events.slice(0, -1);
    const last = events[events.length - 1];

    expect(textChunks.length).toBeGreaterThanOrEqual(3);
    for (const chunk of textChunks) {
      expect(chunk.candidates?.[0]?.content?.parts).toHaveLength(1);
      expect(chunk.candidates?.[0]?.finishReason).toBeUndefined();
    }
    const counts = events.map((event) => event.usageMetadata.candidatesTokenCount ?? 0);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts[0]).toBeLessThan(counts[counts.length - 1]);
    expect(last.candidates?.[0]).toMatchObject({
      content: { role: "model", parts: [{ text: "", thoughtSignature: expect.any(String) }] },
      finishReason: "STOP",
    });
    expect(new Set(events.map((event) => event.responseId)).size).toBe(1);
    expect(events.every((event) => event.modelVersion === FLASH)).toBe(true);
  });

  test("the final chunk's usage equals the non-streaming usage", async () => {
    const events = await streamSse(HELLO);
    const unary = (await (await post(fake, FLASH, "generateContent", HELLO)).json()) as WireResponse;

    expect(events[events.length - 1].usageMetadata).toEqual(unary.usageMetadata);
  });

  test("without alt=sse it writes one JSON array whose elements are separated by ,\\r\\n", async () => {
    const response = await post(fake, FLASH, "streamGenerateContent", HELLO);
    const text = await response.text();

    expect(response.headers.get("content-type")).toBe("application/json; charset=UTF-8");
    expect(text.startsWith("[{")).toBe(true);
    expect(text.endsWith("}]")).toBe(true);
    const chunks = JSON.parse(text) as WireResponse[];
    expect(text.split("},\r\n{")).toHaveLength(chunks.length);
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    expect(textOf(chunks)).toContain("Hello from gemini-3-flash-preview.");
  });

  test("each chunk arrives in its own network read when a chunk delay is configured", async () => {
    const slow = await startFakeGemini({ chunkDelayMs: 15 });
    try {
      const response = await post(slow, FLASH, "streamGenerateContent", HELLO, { query: "alt=sse" });
      const reads = await readAll(response);
      const events = parseSseEvents(reads.join(""));

      expect(reads.length).toBe(events.length);
      expect(reads.every((read) => read.startsWith("data: ") && read.endsWith("\r\n\r\n"))).toBe(true);
    } finally {
      await slow.close();
    }
  });

  test("thought summaries come first when includeThoughts is set", async () => {
    const events = await streamSse({
      contents: [userText("Hi")],
      generationConfig: { thinkingConfig: { includeThoughts: true, thinkingLevel: "low" } },
    });

    expect(events[0].candidates?.[0]?.content?.parts).toEqual([
      { text: expect.stringMatching(/^\*\*Planning the answer\*\*\n/), thought: true },
    ]);
    expect(events[0].usageMetadata.thoughtsTokenCount).toBe(32);
  });

  test("[[long]] streams a reply of about forty chunks", async () => {
    const events = await streamSse({ contents: [userText("Tell me everything [[long]]")] });

    expect(events.length).toBe(41);
    expect(textOf(events)).toMatch(/^Long reply part 1\. .* Long reply part 40\.$/);
  });

  test("function calls arrive whole in a single chunk with finishReason STOP", async () => {
    const events = await streamSse({
      contents: [userText("What is the weather?")],
      tools: [{ functionDeclarations: [{ name: "get_weather" }, { name: "get_time" }] }],
    });

    expect(events).toHaveLength(1);
    const parts = events[0].candidates?.[0]?.content?.parts ?? [];
    expect(parts.map((part) => part.functionCall?.name)).toEqual(["get_weather", "get_time"]);
    expect(events[0].candidates?.[0]?.finishReason).toBe("STOP");
  });

  async function streamSse(body: unknown): Promise<WireResponse[]> {
    const response = await post(fake, FLASH, "streamGenerateContent", body, { query: "alt=sse" });
    return parseSseEvents(await response.text());
  }
});

async function readAll(response: Response): Promise<string[]> {
  const reader = response.body?.getReader();
  if (reader === undefined) throw new Error("response has no body");
  const decoder = new TextDecoder();
  const reads: string[] = [];
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    reads.push(decoder.decode(next.value));
  }
  return reads;
}
