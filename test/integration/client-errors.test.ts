import { describe, expect, test } from "@jest/globals";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { ChatOpenAI } from "@langchain/openai";
import { APICallError, generateText, streamText, type LanguageModel } from "ai";
import OpenAI, { APIError } from "openai";
import { balanceOf, newCustomer, useGateway } from "../support/gateway-fixture.ts";

const env = useGateway({ customerCredits: 1_000_000 });

/** A long answer that the fake Google cuts after three chunks: an error after the first byte. */
const CUT_PROMPT = "Long [[long]]";
const cutMidAnswer = () => env.fixture.fake.inject({ fault: { kind: "cut", afterChunks: 3 }, action: "streamGenerateContent" });

/** What an AI SDK stream reports: its text, the errors it carried, and how it finished. */
async function readAiStream(model: LanguageModel): Promise<{ text: string; errors: unknown[]; finishReason: string }> {
  const errors: unknown[] = [];
  const result = streamText({ model, prompt: CUT_PROMPT, maxRetries: 0, onError: ({ error }) => void errors.push(error) });
  let text = "";
  for await (const part of result.fullStream) {
    if (part.type === "text-delta") text += part.text;
    if (part.type === "error") errors.push(part.error);
  }
  return { text, errors, finishReason: await result.finishReason };
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : JSON.stringify(error));

describe("every OpenAI-style client raises the chat route's in-band stream error", () => {
  test("the openai SDK throws an APIError with our code", async () => {
    cutMidAnswer();
    const openai = new OpenAI({ apiKey: env.customer.key, baseURL: `${env.fixture.gateway.url}/v1`, maxRetries: 0 });
    const stream = await openai.chat.completions.create({ model: "gemini-3-flash", messages: [{ role: "user", content: CUT_PROMPT }], stream: true });
    const failure = await (async () => {
      for await (const chunk of stream) void chunk;
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(APIError);
    expect(failure).toMatchObject({ error: { code: "upstream_error", message: expect.stringContaining("failed mid-answer") } });
  });

  test("the AI SDK's @ai-sdk/openai .chat() model reports the error and finishes with finishReason error", async () => {
    cutMidAnswer();
    const provider = createOpenAI({ apiKey: env.customer.key, baseURL: `${env.fixture.gateway.url}/v1` });
    const { text, errors, finishReason } = await readAiStream(provider.chat("gemini-3-flash"));
    expect(text.length).toBeGreaterThan(0);
    expect(finishReason).toBe("error");
    expect(errors.map(messageOf).join(" ")).toContain("failed mid-answer");
  });

  test("@ai-sdk/openai-compatible reports it the same way", async () => {
    cutMidAnswer();
    const provider = createOpenAICompatible({ name: "gateway", apiKey: env.customer.key, baseURL: `${env.fixture.gateway.url}/v1` });
    const { errors, finishReason } = await readAiStream(provider.chatModel("gemini-3-flash"));
    expect(finishReason).toBe("error");
    expect(errors.map(messageOf).join(" ")).toContain("failed mid-answer");
  });

  test("LangChain's ChatOpenAI throws it from the stream", async () => {
    cutMidAnswer();
    const chat = new ChatOpenAI({ model: "gemini-3-flash", apiKey: env.customer.key, configuration: { baseURL: `${env.fixture.gateway.url}/v1` }, maxRetries: 0 });
    const failure = await (async () => {
      for await (const chunk of await chat.stream(CUT_PROMPT)) void chunk;
    })().catch((error: unknown) => error);
    expect(messageOf(failure)).toContain("failed mid-answer");
  });
});

describe("@ai-sdk/google reads the native route's errors in Google's envelope", () => {
  const google = (key: string) => createGoogleGenerativeAI({ apiKey: key, baseURL: `${env.fixture.gateway.url}/v1beta` });

  test.each([
    ["an unknown key", () => `sk-${"x".repeat(40)}`, 401, "invalid API key"],
    ["a balance too small for the answer", () => "poor", 402, "Insufficient credits"],
  ])("shows our message, not just the status text, for %s", async (_case, keyFor, status, message) => {
    const key = keyFor() === "poor" ? (await newCustomer(env.fixture.gateway, 50)).key : keyFor();
    const failure = await generateText({ model: google(key)("gemini-3-flash"), prompt: "Say hello", maxRetries: 0 }).catch((error: unknown) => error);
    expect(APICallError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ statusCode: status });
    expect(messageOf(failure)).toContain(message);
  });

  test("raises an in-band stream error with our message, charging only what was produced", async () => {
    cutMidAnswer();
    const { text, errors, finishReason } = await readAiStream(google(env.customer.key)("gemini-3-flash"));
    expect(text.length).toBeGreaterThan(0);
    expect(finishReason).toBe("error");
    expect(errors.map(messageOf).join(" ")).toContain("failed mid-answer");
    const books = await balanceOf(env.customer.accountId);
    expect((books.available ?? 0) + (books.charged ?? 0)).toBe(1_000_000);
    expect(books.charged).toBeGreaterThan(0);
  });
});
