import { Buffer } from "node:buffer";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startFakeGemini } from "../../fake-gemini/server.ts";
import type { FakeGemini } from "../../fake-gemini/server.ts";
import { FLASH, generate, parseSseEvents, post, textOf, userText } from "./wire.ts";

describe("deterministic replies", () => {
  let fake: FakeGemini;

  beforeAll(async () => {
    fake = await startFakeGemini();
  });
  afterAll(() => fake.close());

  test("the reply names the model and the number of contents and never echoes the prompt", async () => {
    const response = await generate(fake, { contents: [userText("secret words"), { role: "model", parts: [{ text: "ok" }] }, userText("more")] }, "gemini-3.5-flash");
    const text = textOf([response]);

    expect(text).not.toContain("secret");
    expect(text).toBe("Hello from gemini-3.5-flash. This fake reply follows 3 contents and has enough words to be streamed in pieces.");
    expect(response.usageMetadata).toEqual({
      promptTokenCount: 3 + 1 + 1,
      candidatesTokenCount: Math.ceil(text.length / 4),
      totalTokenCount: 5 + Math.ceil(text.length / 4) + 192,
      thoughtsTokenCount: 192,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: 5 }],
    });
    expect(response.responseId).toMatch(/^[A-Za-z0-9_-]{16,}$/);
  });

  test("maxOutputTokens truncates the visible text and finishes with MAX_TOKENS", async () => {
    const response = await generate(fake, { contents: [userText("Hi")], generationConfig: { maxOutputTokens: 5 } });

    expect(textOf([response])).toBe("Hello from gemini-3-");
    expect(response.candidates?.[0]?.finishReason).toBe("MAX_TOKENS");
    expect(response.usageMetadata.candidatesTokenCount).toBe(5);
  });

  test("JSON mode fills every required property of the response schema with a type-correct value", async () => {
    const schema = {
      type: "object",
      properties: {
        name: { type: "string" },
        age: { type: "integer" },
        tags: { type: "array", items: { type: "string" } },
        mood: { type: "string", enum: ["happy", "sad"] },
        nickname: { type: "string" },
      },
      required: ["name", "age", "tags", "mood"],
    };
    const response = await generate(fake, {
      contents: [userText("Describe someone")],
      generationConfig: { response_mime_type: "application/json", response_json_schema: schema },
    });

    expect(JSON.parse(textOf([response]))).toEqual({ name: "example", age: 1, tags: ["example"], mood: "happy" });
  });

  test("JSON mode without an object schema answers {\"ok\":true}", async () => {
    const response = await generate(fake, { contents: [userText("Hi")], generationConfig: { responseMimeType: "application/json" } });

    expect(JSON.parse(textOf([response]))).toEqual({ ok: true });
  });

  test("[[block]] blocks the prompt: no candidates and a SAFETY promptFeedback", async () => {
    const response = await generate(fake, { contents: [userText("Something bad [[block]]")] });

    expect(response.candidates).toBeUndefined();
    expect(response.promptFeedback?.blockReason).toBe("SAFETY");
    expect(Array.isArray(response.promptFeedback?.safetyRatings)).toBe(true);
    expect(response.usageMetadata.totalTokenCount).toBe(response.usageMetadata.promptTokenCount);
  });

  test("[[safety]] stops the candidate early with finishReason SAFETY", async () => {
    const response = await generate(fake, { contents: [userText("Risky [[safety]]")] });
    const streamed = parseSseEvents(
      await (await post(fake, FLASH, "streamGenerateContent", { contents: [userText("Risky [[safety]]")] }, { query: "alt=sse" })).text(),
    );

    expect(response.candidates?.[0]).toMatchObject({ finishReason: "SAFETY", content: { parts: [{ text: "Hello from gemini-3-flash-preview." }] } });
    expect(streamed[streamed.length - 1].candidates?.[0]).toMatchObject({ finishReason: "SAFETY" });
    expect(streamed[streamed.length - 1].candidates?.[0]?.content).toBeUndefined();
  });

  test("the googleSearch tool adds grounding metadata and 64 tool-use prompt tokens", async () => {
    const response = await generate(fake, { contents: [userText("News?")], tools: [{ google_search: {} }] });
    const candidate = response.candidates?.[0];
    const usage = response.usageMetadata;

    expect(candidate?.groundingMetadata?.webSearchQueries).toHaveLength(2);
    expect(candidate?.groundingMetadata?.groundingChunks).toHaveLength(2);
    expect(candidate?.groundingMetadata?.groundingSupports.length).toBeGreaterThan(0);
    expect(candidate?.groundingMetadata?.searchEntryPoint.renderedContent).toContain("<");
    expect(usage.toolUsePromptTokenCount).toBe(64);
    expect(usage.totalTokenCount).toBe(usage.promptTokenCount + (usage.candidatesTokenCount ?? 0) + 192 + 64);
  });

  test("cachedContent reports half the prompt as cached", async () => {
    const response = await generate(fake, { contents: [userText("x".repeat(40))], cached_content: "cachedContents/abc" });

    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 10, cachedContentTokenCount: 5 });
  });

  test("images and audio are counted by the documented rules", async () => {
    const twoSecondsOfAudio = Buffer.alloc(20_000).toString("base64");
    const response = await generate(fake, {
      contents: [
        {
          role: "user",
          parts: [
            { text: "abcd" },
            { inlineData: { mimeType: "image/jpeg", data: "AAAA" } },
            { fileData: { mimeType: "image/png", fileUri: "https://example.com/cat.png" } },
            { inlineData: { mimeType: "audio/wav", data: twoSecondsOfAudio } },
          ],
        },
      ],
    });

    expect(response.usageMetadata.promptTokenCount).toBe(1 + 258 + 258 + 64);
    expect(response.usageMetadata.promptTokensDetails).toEqual([
      { modality: "TEXT", tokenCount: 1 },
      { modality: "IMAGE", tokenCount: 516 },
      { modality: "AUDIO", tokenCount: 64 },
    ]);
  });

  test("countTokens accepts a generateContentRequest including its system instruction", async () => {
    const response = await post(fake, FLASH, "countTokens", {
      generate_content_request: {
        model: `models/${FLASH}`,
        system_instruction: { parts: [{ text: "12345678" }] },
        contents: [userText("1234")],
        cachedContent: "cachedContents/abc",
      },
    });

    expect(await response.json()).toEqual({
      totalTokens: 3,
      cachedContentTokenCount: 1,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: 3 }],
    });
  });

  test("countTokens checks the model like generateContent does", async () => {
    const response = await post(fake, "gemini-1.0-pro", "countTokens", { contents: [userText("Hi")] });

    expect(response.status).toBe(404);
  });
});
