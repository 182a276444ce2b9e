import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { FunctionCallingConfigMode, ThinkingLevel, type Content, type FunctionDeclaration, type Part } from "@google/genai";
import { settledTask, upstreamRequest, useGateway } from "../support/gateway-fixture.ts";
import { expectedCharge, genai } from "../support/gemini-sdk.ts";

const env = useGateway({ customerCredits: 10_000_000 });

const FLASH = "gemini-3-flash";

const upstream = (index = -1) => upstreamRequest(env.fixture.fake, index);

describe("chats with function calling", () => {
  const declarations: FunctionDeclaration[] = [
    { name: "get_weather", description: "Weather in a city", parametersJsonSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
    { name: "get_time", description: "Time in a city", parametersJsonSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
  ];
  const answer = (parts: Part[] | undefined): Part[] =>
    (parts ?? []).flatMap((part) => (part.functionCall ? [{ functionResponse: { id: part.functionCall.id, name: part.functionCall.name, response: { output: "ok" } } }] : []));

  test("runs parallel calls over several turns, the SDK's history carrying Google's thought signatures", async () => {
    const ai = genai(env.fixture.gateway, env.customer.key);
    const chat = ai.chats.create({ model: FLASH, config: { tools: [{ functionDeclarations: declarations }] } });
    for (const city of ["Paris", "Rome"]) {
      const calls = await chat.sendMessage({ message: `Weather and time in ${city}?` });
      expect(calls.functionCalls?.map((call) => call.name)).toEqual(["get_weather", "get_time"]);
      const reply = await chat.sendMessage({ message: answer(calls.candidates?.[0]?.content?.parts) });
      expect(reply.text).toContain("Hello from gemini-3-flash-preview");
    }
    const sent = upstream().body.contents as Content[];
    const modelTurns = sent.filter((content) => content.role === "model" && content.parts?.some((part) => part.functionCall));
    expect(modelTurns).toHaveLength(2);
    for (const turn of modelTurns) {
      expect(turn.parts?.[0]?.thoughtSignature).toEqual(expect.any(String));
      expect(turn.parts?.[1]?.thoughtSignature).toBeUndefined();
    }
  });

  test("runs a sequential chain of calls streamed, each step keeping its own signature", async () => {
    const ai = genai(env.fixture.gateway, env.customer.key);
    const chained: FunctionDeclaration[] = [{ ...declarations[0], description: "Weather in a city [[chain]]" }];
    const chat = ai.chats.create({ model: FLASH, config: { tools: [{ functionDeclarations: chained }], toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } } } });
    let message: string | Part[] = "Weather in Oslo, twice?";
    const steps: string[] = [];
    for (let turn = 0; turn < 3; turn++) {
      const parts: Part[] = [];
      for await (const chunk of await chat.sendMessageStream({ message })) parts.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
      const calls = answer(parts);
      steps.push(calls.length > 0 ? "call" : "text");
      if (calls.length === 0) break;
      message = calls;
    }
    expect(steps).toEqual(["call", "call", "text"]);
    const history = chat.getHistory().filter((content) => content.role === "model" && content.parts?.some((part) => part.functionCall));
    expect(history.map((content) => content.parts?.find((part) => part.functionCall)?.thoughtSignature)).toEqual([expect.any(String), expect.any(String)]);
  });
});

describe("thinking, images and Google Search", () => {
  test("passes each thinking level the model accepts", async () => {
    const ai = genai(env.fixture.gateway, env.customer.key);
    const flash = await ai.models.generateContent({ model: FLASH, contents: "Hi", config: { thinkingConfig: { thinkingLevel: ThinkingLevel.MINIMAL } } });
    expect(flash.usageMetadata?.thoughtsTokenCount).toBe(8);
    const pro = await ai.models.generateContent({ model: "gemini-3.1-pro-preview", contents: "Hi", config: { thinkingConfig: { thinkingLevel: ThinkingLevel.LOW } } });
    expect(pro.usageMetadata?.thoughtsTokenCount).toBe(32);
    expect(upstream().body.generationConfig).toMatchObject({ thinkingConfig: { thinkingLevel: "LOW" } });
  });

  test("sends an inline image through untouched and bills its tokens", async () => {
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    const ai = genai(env.fixture.gateway, env.customer.key);
    const response = await ai.models.generateContent({ model: FLASH, contents: [{ role: "user", parts: [{ text: "What is this?" }, { inlineData: { mimeType: "image/png", data: png } }] }] });
    expect((upstream().body.contents as Content[])[0]?.parts).toContainEqual({ inlineData: { mimeType: "image/png", data: png } });
    expect(response.usageMetadata?.promptTokensDetails).toContainEqual({ modality: "IMAGE", tokenCount: 258 });
    expect(await settledTask(response.responseId ?? "")).toMatchObject({ charge: expectedCharge(FLASH, response.usageMetadata) });
  });

  test("passes grounding metadata through and bills each search query once, streamed or not", async () => {
    const ai = genai(env.fixture.gateway, env.customer.key);
    const grounded = await ai.models.generateContent({ model: FLASH, contents: "Latest news?", config: { tools: [{ googleSearch: {} }] } });
    const metadata = grounded.candidates?.[0]?.groundingMetadata;
    expect(metadata?.webSearchQueries).toEqual(["fake search query one", "fake search query two"]);
    expect(metadata?.groundingChunks?.[0]?.web?.uri).toContain("grounding-api-redirect");
    expect(metadata?.searchEntryPoint?.renderedContent).toContain("fake-search-entry-point");
    const task = await settledTask(grounded.responseId ?? "");
    expect(task.usage).toMatchObject({ searchQueries: 2, toolUsePrompt: 64 });
    expect(task.charge).toBe(expectedCharge(FLASH, grounded.usageMetadata, metadata?.webSearchQueries));

    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream({ model: FLASH, contents: "Latest news?", config: { tools: [{ googleSearch: {} }] } })) chunks.push(chunk);
    const streamed = await settledTask(chunks[0]?.responseId ?? "");
    expect(streamed.usage).toMatchObject({ searchQueries: 2, toolUsePrompt: 64 });
  });
});

describe("snake_case bodies over raw HTTP", () => {
  async function post(body: object): Promise<Response> {
    return fetch(`${env.fixture.gateway.url}/v1beta/models/${FLASH}:generateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": env.customer.key, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  }
  const contents = [{ role: "user", parts: [{ text: "What is this?" }, { inline_data: { mime_type: "image/png", data: "iVBORw0KGgo=" } }] }];

  test("reach Google with their meaning intact, the cap replacing the client's own snake_case field", async () => {
    const body = {
      contents,
      system_instruction: { parts: [{ text: "Be terse." }] },
      generation_config: { max_output_tokens: 2_000, thinking_config: { thinking_level: "low", include_thoughts: true } },
      safety_settings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
    };
    const response = await post(body);
    expect(response.status).toBe(200);
    const reply = (await response.json()) as { candidates: Array<{ content: { parts: Array<{ thought?: boolean }> } }>; usageMetadata: { thoughtsTokenCount: number } };
    expect(upstream().body).toEqual(body);
    expect(reply.candidates[0]?.content.parts[0]?.thought).toBe(true);
    expect(reply.usageMetadata.thoughtsTokenCount).toBe(32);
  });

  test("get the gateway's cap in snake_case inside a snake_case generation config", async () => {
    await post({ contents, generation_config: { temperature: 1 } });
    expect(upstream().body).toEqual({ contents, generation_config: { temperature: 1, max_output_tokens: 65_536 } });
  });
});
