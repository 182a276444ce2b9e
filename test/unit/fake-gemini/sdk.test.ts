import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { ApiError, GoogleGenAI } from "@google/genai";
import { startFakeGemini } from "../../fake-gemini/server.ts";
import type { FakeGemini } from "../../fake-gemini/server.ts";
import { FLASH, TEST_KEY } from "./wire.ts";

describe("the official @google/genai SDK against the fake", () => {
  let fake: FakeGemini;
  let ai: GoogleGenAI;

  beforeAll(async () => {
    fake = await startFakeGemini({ apiKeys: [TEST_KEY], chunkDelayMs: 2 });
    // Inside jest's VM sandbox the SDK cannot reach Node's undici global dispatcher ("Undici
    // globalDispatcher is not available"), so it is handed the sandbox's fetch explicitly.
    ai = new GoogleGenAI({ apiKey: TEST_KEY, httpOptions: { baseUrl: fake.url, fetch } });
  });
  afterAll(() => fake.close());

  test("generateContent returns text, a signature and usage the SDK understands", async () => {
    const response = await ai.models.generateContent({ model: FLASH, contents: "Say hello" });

    expect(response.text).toBe(
      "Hello from gemini-3-flash-preview. This fake reply follows 1 content and has enough words to be streamed in pieces.",
    );
    expect(response.candidates?.[0]?.content?.parts?.[0]?.thoughtSignature).toEqual(expect.any(String));
    expect(response.usageMetadata?.thoughtsTokenCount).toBe(192);
    expect(response.modelVersion).toBe(FLASH);
    expect(fake.requests.at(-1)).toMatchObject({ model: FLASH, action: "generateContent", apiKey: TEST_KEY });
  });

  test("generateContentStream yields several chunks with cumulative usage and a final signature", async () => {
    const stream = await ai.models.generateContentStream({
      model: FLASH,
      contents: "Say hello",
      config: { thinkingConfig: { includeThoughts: true } },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.length).toBeGreaterThanOrEqual(5);
    expect(chunks[0].candidates?.[0]?.content?.parts?.[0]?.thought).toBe(true);
    const counts = chunks.map((chunk) => chunk.usageMetadata?.candidatesTokenCount ?? 0);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    const last = chunks[chunks.length - 1];
    expect(last.candidates?.[0]?.finishReason).toBe("STOP");
    expect(last.candidates?.[0]?.content?.parts).toEqual([{ text: "", thoughtSignature: expect.any(String) }]);
    expect(new Set(chunks.map((chunk) => chunk.responseId)).size).toBe(1);
    expect(fake.requests.at(-1)?.query).toEqual({ alt: "sse" });
  });

  test("the SDK's default /v1 path and an explicit v1beta both reach the fake", async () => {
    const v1beta = new GoogleGenAI({ apiKey: TEST_KEY, httpOptions: { baseUrl: fake.url, apiVersion: "v1beta", fetch } });

    await ai.models.generateContent({ model: FLASH, contents: "hello" });
    await v1beta.models.generateContent({ model: FLASH, contents: "hello" });

    expect(fake.requests.slice(-2).map((request) => request.path)).toEqual([
      `/v1/models/${FLASH}:generateContent`,
      `/v1beta/models/${FLASH}:generateContent`,
    ]);
  });

  test("countTokens returns the deterministic prompt count", async () => {
    const response = await ai.models.countTokens({ model: FLASH, contents: "12345678" });

    expect(response.totalTokens).toBe(2);
  });

  test("a 429 fault surfaces as an ApiError carrying Google's status", async () => {
    fake.inject({ fault: { kind: "status", status: 429 } });

    const failure = ai.models.generateContent({ model: FLASH, contents: "hello" });

    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ status: 429 });
  });
});
