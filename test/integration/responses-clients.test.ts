import { describe, expect, test } from "@jest/globals";
import { createOpenAI } from "@ai-sdk/openai";
import { ToolMessage, type BaseMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { Output, generateText, jsonSchema, stepCountIs, streamText, tool } from "ai";
import { balanceOf, upstreamRequest, useGateway } from "../support/gateway-fixture.ts";

const env = useGateway({ customerCredits: 10_000_000 });

/** The AI SDK's default OpenAI model — the Responses API — on the gateway, recording each body it sends. */
function gatewayModel(id = "gemini-3-flash") {
  const sent: Array<{ input?: Array<Record<string, unknown>>; store?: boolean }> = [];
  const provider = createOpenAI({
    apiKey: env.customer.key,
    baseURL: `${env.fixture.gateway.url}/v1`,
    fetch: async (url, init) => {
      if (typeof init?.body === "string") sent.push(JSON.parse(init.body) as (typeof sent)[number]);
      return fetch(url, init);
    },
  });
  return { model: provider(id), sent };
}

const weather = tool({
  description: "Weather in a city",
  inputSchema: jsonSchema<{ city: string }>({ type: "object", properties: { city: { type: "string" } }, required: ["city"] }),
  execute: async ({ city }) => ({ city, celsius: 22 }),
});

type Contents = Array<{ role: string; parts: Array<Record<string, unknown>> }>;
const modelTurnSent = () => (upstreamRequest(env.fixture.fake).body.contents as Contents).find((content) => content.role === "model");

describe("the AI SDK's default openai(model), which speaks the Responses API", () => {
  test("generateText answers and is billed what its usage says", async () => {
    const { model, sent } = gatewayModel();
    const result = await generateText({ model, prompt: "Say hello", maxRetries: 0 });
    expect(result.text).toContain("Hello from gemini-3-flash-preview");
    expect(result.finishReason).toBe("stop");
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(sent).toHaveLength(1);
    const id = result.response.id;
    expect(id).toMatch(/^resp_/);
    const bill = await env.customer.bill(id);
    expect(bill).toMatchObject({ status: "settled", route: "responses" });
    expect(bill.usage?.input_tokens).toBe(result.usage.inputTokens);
  });

  test("streamText streams the answer piece by piece", async () => {
    const { model } = gatewayModel();
    const result = streamText({ model, prompt: "Tell me [[long]]", maxRetries: 0 });
    const pieces: string[] = [];
    for await (const piece of result.textStream) pieces.push(piece);
    expect(pieces.length).toBeGreaterThan(20);
    expect(pieces.join("")).toContain("Long reply part 40.");
    expect(await result.finishReason).toBe("stop");
    expect((await result.usage).totalTokens).toBeGreaterThan(0);
  });

  test.each([
    ["by item_reference, as it does while store is on (its default)", {}, "item_reference"],
    ["in full with encrypted_content when store is false", { openai: { store: false } }, "reasoning"],
  ])("runs a multi-step tool loop, sending the earlier items %s, with Google's own signatures", async (_case, providerOptions, carrier) => {
    const { model, sent } = gatewayModel();
    const result = await generateText({ model, prompt: "Weather in Paris?", tools: { get_weather: weather }, stopWhen: stepCountIs(3), providerOptions, maxRetries: 0 });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.toolCalls.map((call) => call.toolName)).toEqual(["get_weather"]);
    expect(result.text).toContain("Hello from");

    const second = sent[1]?.input ?? [];
    expect(second.map((item) => item.type)).toContain(carrier);
    if (carrier === "reasoning") expect(second.find((item) => item.type === "reasoning")).toMatchObject({ encrypted_content: expect.stringMatching(/^gw1\./) });
    expect(modelTurnSent()?.parts[0]).toMatchObject({ functionCall: { name: "get_weather" }, thoughtSignature: expect.any(String) });
    expect(modelTurnSent()?.parts[0]?.thoughtSignature).not.toBe("skip_thought_signature_validator");
  });

  test("generates an object that follows the schema (Output.object, generateObject's successor)", async () => {
    const { model, sent } = gatewayModel();
    const result = await generateText({
      model,
      prompt: "A city",
      output: Output.object({ schema: jsonSchema<{ name: string; population: number }>({ type: "object", properties: { name: { type: "string" }, population: { type: "integer" } }, required: ["name", "population"], additionalProperties: false }) }),
      maxRetries: 0,
    });
    expect(Object.keys(result.output).sort()).toEqual(["name", "population"]);
    expect((sent[0] as { text?: { format?: { type?: string } } }).text?.format?.type).toBe("json_schema");
  });

  test("reports a stream Google cuts mid-answer as an error, finishing with finishReason error", async () => {
    env.fixture.fake.inject({ fault: { kind: "cut", afterChunks: 3 }, action: "streamGenerateContent" });
    const { model } = gatewayModel();
    const errors: unknown[] = [];
    const result = streamText({ model, prompt: "Long [[long]]", maxRetries: 0, onError: ({ error }) => void errors.push(error) });
    let text = "";
    for await (const part of result.fullStream) {
      if (part.type === "text-delta") text += part.text;
      if (part.type === "error") errors.push(part.error);
    }
    expect(text.length).toBeGreaterThan(0);
    expect(await result.finishReason).toBe("error");
    expect(errors.map((error) => (error instanceof Error ? error.message : JSON.stringify(error))).join(" ")).toContain("failed mid-answer");
    const books = await balanceOf(env.customer.accountId);
    expect((books.available ?? 0) + (books.charged ?? 0)).toBe(10_000_000);
    expect(books.charged).toBeGreaterThan(0);
  });
});

describe("LangChain's ChatOpenAI with useResponsesApi", () => {
  const chat = () => new ChatOpenAI({ model: "gemini-3-flash", apiKey: env.customer.key, configuration: { baseURL: `${env.fixture.gateway.url}/v1` }, useResponsesApi: true, maxRetries: 0 });
  const getWeather = { type: "function" as const, function: { name: "get_weather", description: "Weather in a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } };

  test("invokes and streams", async () => {
    expect((await chat().invoke("Say hello")).text).toContain("Hello from");
    let streamed = "";
    for await (const chunk of await chat().stream("Tell me [[long]]")) streamed += chunk.text;
    expect(streamed).toContain("Long reply part 40.");
  });

  test("continues a tool loop from the messages it keeps, which echo our items by id, with Google's own signatures", async () => {
    const model = chat().bindTools([getWeather]);
    const first = await model.invoke("Weather in Paris?");
    const history: BaseMessage[] = [first, ...(first.tool_calls ?? []).map((call) => new ToolMessage({ tool_call_id: call.id ?? "", content: "22C" }))];
    const second = await model.invoke(["Weather in Paris?", ...history]);
    expect(second.text).toContain("Hello from");
    expect(modelTurnSent()?.parts[0]).toMatchObject({ functionCall: { name: "get_weather" }, thoughtSignature: expect.any(String) });
    expect(modelTurnSent()?.parts[0]?.thoughtSignature).not.toBe("skip_thought_signature_validator");
  });
});
