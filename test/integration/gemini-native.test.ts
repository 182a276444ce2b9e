import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { getTask } from "../../lambda/store/tasks.ts";
import { balanceOf, settledTask, upstreamRequest, useGateway } from "../support/gateway-fixture.ts";
import { expectedCharge, genai, type SdkOptions } from "../support/gemini-sdk.ts";

const env = useGateway({ customerCredits: 10_000_000 });

const FLASH = "gemini-3-flash";

const upstream = (index = -1) => upstreamRequest(env.fixture.fake, index);

describe("generateContent through @google/genai", () => {
  test("answers on the plain base with the SDK's default API version, and bills exactly Google's usage", async () => {
    const ai = genai(env.fixture.gateway, env.customer.key);
    const response = await ai.models.generateContent({ model: FLASH, contents: "Say hello" });

    expect(response.text).toContain("Hello from gemini-3-flash-preview");
    const taskId = response.sdkHttpResponse?.headers?.["x-request-id"] ?? "";
    expect(response.responseId).toBe(taskId);
    expect(upstream()).toMatchObject({ path: "/v1beta/models/gemini-3-flash-preview:streamGenerateContent", apiKey: expect.stringMatching(/^fake-google-key/) });

    const charge = expectedCharge(FLASH, response.usageMetadata);
    expect(charge).toBeGreaterThan(0);
    expect(await getTask(taskId)).toMatchObject({ status: "settled", route: "gemini", stream: false, model: FLASH, upstreamModel: "gemini-3-flash-preview", charge });
    expect(await balanceOf(env.customer.accountId)).toEqual({ available: 10_000_000 - charge, held: 0, charged: charge });
  });

  test.each<[string, string, SdkOptions["base"], SdkOptions["apiVersion"]]>([
    ["the plain base URL with the default API version", "models/gemini-3-flash", "", undefined],
    ["the plain base URL with apiVersion v1beta", "google/gemini-3-flash", "", "v1beta"],
    ["aivideoapi's /v1/gemini base URL with the default API version", "gemini-3-flash-preview", "/v1/gemini", undefined],
    ["aivideoapi's /v1/gemini base URL with apiVersion v1beta", "models/google/gemini-3-flash-preview", "/v1/gemini", "v1beta"],
  ])("serves %s, the model named %p", async (_case, model, base, apiVersion) => {
    const ai = genai(env.fixture.gateway, env.customer.key, { base, apiVersion });
    const response = await ai.models.generateContent({ model, contents: "Say hello" });
    expect(response.text).toContain("Hello from gemini-3-flash-preview");
    // Google is always called streaming; the answer is joined for the client.
    expect(upstream().path).toBe("/v1beta/models/gemini-3-flash-preview:streamGenerateContent");
  });

  test("caps Google's output at what the hold covers, and keeps the client's cap when it set one", async () => {
    const ai = genai(env.fixture.gateway, env.customer.key);
    await ai.models.generateContent({ model: FLASH, contents: "Say hello", config: { maxOutputTokens: 700, temperature: 0.5 } });
    expect(upstream().body.generationConfig).toEqual({ maxOutputTokens: 700, temperature: 0.5 });
    await ai.models.generateContent({ model: FLASH, contents: "Say hello" });
    expect(upstream().body.generationConfig).toEqual({ maxOutputTokens: 65_536 });
  });
});

describe("generateContentStream through @google/genai", () => {
  test("passes Google's chunks through with our task id, and bills the last chunk's usage", async () => {
    const ai = genai(env.fixture.gateway, env.customer.key, { base: "/v1/gemini" });
    const stream = await ai.models.generateContentStream({ model: FLASH, contents: "Say hello [[long]]", config: { thinkingConfig: { includeThoughts: true } } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.length).toBeGreaterThan(20);
    expect(chunks[0]?.candidates?.[0]?.content?.parts?.[0]?.thought).toBe(true);
    expect(chunks.map((chunk) => chunk.text ?? "").join("")).toContain("Long reply part 40.");
    const last = chunks.at(-1);
    expect(last?.candidates?.[0]?.finishReason).toBe("STOP");
    expect(last?.candidates?.[0]?.content?.parts?.[0]?.thoughtSignature).toEqual(expect.any(String));
    const taskId = chunks[0]?.sdkHttpResponse?.headers?.["x-request-id"] ?? "";
    expect(new Set(chunks.map((chunk) => chunk.responseId))).toEqual(new Set([taskId]));
    expect(upstream()).toMatchObject({ path: "/v1beta/models/gemini-3-flash-preview:streamGenerateContent", query: { alt: "sse" } });

    const charge = expectedCharge(FLASH, last?.usageMetadata);
    expect(await settledTask(taskId)).toMatchObject({ status: "settled", stream: true, charge, usage: { output: (last?.usageMetadata?.candidatesTokenCount ?? 0) + 192, reasoning: 192 } });
    expect(await balanceOf(env.customer.accountId)).toEqual({ available: 10_000_000 - charge, held: 0, charged: charge });
  });

  test("writes SSE as Google does: one data line per event, each ended by a blank line, no [DONE]", async () => {
    const response = await fetch(`${env.fixture.gateway.url}/v1beta/models/${FLASH}:streamGenerateContent?alt=sse`, {
      method: "POST",
      headers: { "x-goog-api-key": env.customer.key, "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Say hello" }] }] }),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    expect(text.endsWith("\r\n\r\n")).toBe(true);
    expect(text).not.toContain("[DONE]");
    const events = text.split("\r\n\r\n").filter((event) => event !== "");
    for (const event of events) expect(event).toMatch(/^data: \{[^\n]*\}$/);
    const ids = events.map((event) => (JSON.parse(event.slice("data: ".length)) as { responseId: string }).responseId);
    expect(new Set(ids)).toEqual(new Set([response.headers.get("x-request-id")]));
  });

  test("without ?alt=sse, answers one JSON array that parses whole, as Google does", async () => {
    const response = await fetch(`${env.fixture.gateway.url}/v1beta/models/${FLASH}:streamGenerateContent?key=${env.customer.key}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Say hello" }] }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    const chunks = (await response.json()) as Array<{ candidates?: Array<{ finishReason?: string }>; responseId: string; usageMetadata: object }>;
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe("STOP");
    const taskId = response.headers.get("x-request-id") ?? "";
    expect(chunks.every((chunk) => chunk.responseId === taskId)).toBe(true);
    expect(await settledTask(taskId)).toMatchObject({ status: "settled", stream: true, charge: expectedCharge(FLASH, chunks.at(-1)?.usageMetadata) });
  });
});

describe("countTokens through @google/genai", () => {
  test("counts for free: no task, no hold, no charge", async () => {
    const ai = genai(env.fixture.gateway, env.customer.key);
    const counted = await ai.models.countTokens({ model: FLASH, contents: "12345678" });
    expect(counted.totalTokens).toBe(2);
    expect(upstream()).toMatchObject({ path: "/v1beta/models/gemini-3-flash-preview:countTokens", body: { contents: [{ parts: [{ text: "12345678" }], role: "user" }] } });
    expect(await getTask(counted.sdkHttpResponse?.headers?.["x-request-id"] ?? "")).toBeUndefined();
    expect(await balanceOf(env.customer.accountId)).toEqual({ available: 10_000_000, held: 0, charged: 0 });
  });

  test("rewrites the model inside a generateContentRequest body to Google's id", async () => {
    const response = await fetch(`${env.fixture.gateway.url}/v1/gemini/v1beta/models/${FLASH}:countTokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${env.customer.key}`, "content-type": "application/json" },
      body: JSON.stringify({ generateContentRequest: { model: `models/${FLASH}`, contents: [{ role: "user", parts: [{ text: "12345678" }] }] } }),
    });
    expect(await response.json()).toMatchObject({ totalTokens: 2 });
    expect(upstream().body).toEqual({ generateContentRequest: { model: "models/gemini-3-flash-preview", contents: [{ role: "user", parts: [{ text: "12345678" }] }] } });
  });
});
