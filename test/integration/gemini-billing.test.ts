import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { TransactionConflictException } from "@aws-sdk/client-dynamodb";
import { ApiError, type GenerateContentResponse } from "@google/genai";
import { ledgerIo } from "../../lambda/store/ledger.ts";
import { balanceOf, burstBehindGate, newCustomer, settledTask, UPSTREAM_KEYS, useGateway } from "../support/gateway-fixture.ts";
import { apiFailure, expectedCharge, genai } from "../support/gemini-sdk.ts";

const env = useGateway();
const realUpdate = ledgerIo.update;
afterEach(() => {
  ledgerIo.update = realUpdate;
});

const FLASH = "gemini-3-flash";
const hello = { model: FLASH, contents: "Say hello" };
const long = { model: FLASH, contents: "Say hello [[long]]" };

describe("failover and upstream failures", () => {
  test("moves to the second Google account when the first answers 429", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    env.fixture.fake.inject({ fault: { kind: "status", status: 429 }, apiKey: UPSTREAM_KEYS[0], times: Infinity });
    const response = await genai(env.fixture.gateway, customer.key).models.generateContent(hello);
    expect(response.text).toContain("Hello from");
    expect(await settledTask(response.responseId ?? "")).toMatchObject({ status: "settled", upstreamAccount: "env-2" });
  });

  test("returns Google's own 400 as our 400 with Google's reason, refunded", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    const forged = [
      { role: "user", parts: [{ text: "Weather?" }] },
      { role: "model", parts: [{ functionCall: { name: "get_weather", args: {} }, thoughtSignature: "bm90LWEtcmVhbC1zaWduYXR1cmU=" }] },
      { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { output: "sunny" } } }] },
    ];
    const { error, body } = await apiFailure(genai(env.fixture.gateway, customer.key).models.generateContent({ model: FLASH, contents: forged }));
    expect(error.status).toBe(400);
    expect(body.error).toMatchObject({ code: 400, details: [expect.objectContaining({ reason: "invalid_request", domain: "gemini-gateway" })], status: "INVALID_ARGUMENT", message: expect.stringContaining("Thought signature is not valid") });
    expect(await balanceOf(customer.accountId)).toEqual({ available: 1_000_000, held: 0, charged: 0 });
  });

  test("ends a stream cut mid-answer with an error the SDK raises as ApiError, charging only what was produced", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    env.fixture.fake.inject({ fault: { kind: "cut", afterChunks: 3 }, action: "streamGenerateContent" });
    const chunks: GenerateContentResponse[] = [];
    const { error } = await apiFailure(async () => {
      for await (const chunk of await genai(env.fixture.gateway, customer.key).models.generateContentStream(long)) chunks.push(chunk);
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(503);
    expect(error.message).toContain("failed mid-answer");
    expect(chunks).toHaveLength(3);

    const task = await settledTask(chunks[0]?.responseId ?? "");
    expect(task).toMatchObject({ status: "failed", errorCode: "upstream_error", charge: expectedCharge(FLASH, chunks.at(-1)?.usageMetadata) });
    expect(task.charge).toBeGreaterThan(0);
    const delivered = chunks.at(-1)?.usageMetadata;
    expect(task.usage?.output).toBe((delivered?.candidatesTokenCount ?? 0) + (delivered?.thoughtsTokenCount ?? 0));
    expect(await balanceOf(customer.accountId)).toEqual({ available: 1_000_000 - (task.charge ?? 0), held: 0, charged: task.charge });
  });

  test("closes the JSON array with Google's error object when the stream is cut", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    env.fixture.fake.inject({ fault: { kind: "cut", afterChunks: 2 }, action: "streamGenerateContent" });
    const response = await fetch(`${env.fixture.gateway.url}/v1/gemini/v1beta/models/${FLASH}:streamGenerateContent`, {
      method: "POST",
      headers: { authorization: `Bearer ${customer.key}` },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Long [[long]]" }] }] }),
    });
    const elements = (await response.json()) as object[];
    expect(elements).toHaveLength(3);
    expect(elements.at(-1)).toEqual({
      error: {
        code: 503,
        status: "UNAVAILABLE",
        message: expect.stringContaining("failed mid-answer"),
        details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "upstream_error", domain: "gemini-gateway" }],
        type: "upstream_error",
      },
    });
    expect(await settledTask(response.headers.get("x-request-id") ?? "")).toMatchObject({ status: "failed" });
  });

  test("still reads Google to the end and bills the whole answer when the client hangs up", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    const controller = new AbortController();
    let taskId = "";
    await apiFailure(async () => {
      const stream = await genai(env.fixture.gateway, customer.key).models.generateContentStream({ ...long, config: { abortSignal: controller.signal } });
      for await (const chunk of stream) {
        taskId = chunk.responseId ?? "";
        controller.abort();
      }
    }).catch(() => undefined);
    const task = await settledTask(taskId);
    expect(task.status).toBe("settled");
    // The whole 160-word reply, not just the first of its 40 text chunks.
    expect(task.usage?.output).toBeGreaterThan(200);
  });

  test("bills a blocked prompt's input and passes Google's promptFeedback through", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    const response = await genai(env.fixture.gateway, customer.key).models.generateContent({ model: FLASH, contents: "Something bad [[block]]" });
    expect(response.promptFeedback?.blockReason).toBe("SAFETY");
    expect(response.candidates).toBeUndefined();
    expect(await settledTask(response.responseId ?? "")).toMatchObject({ status: "settled", charge: expectedCharge(FLASH, response.usageMetadata), usage: { output: 0 } });
  });
});

describe("the bill, over HTTP", () => {
  test("GET /v1/tasks/{id} shows what the x-request-id answer cost, and the balance agrees", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    const response = await genai(env.fixture.gateway, customer.key, { base: "/v1/gemini" }).models.generateContent({ ...hello, config: { tools: [{ googleSearch: {} }] } });
    const taskId = response.sdkHttpResponse?.headers?.["x-request-id"] ?? "";
    const queries = response.candidates?.[0]?.groundingMetadata?.webSearchQueries ?? [];
    const charge = expectedCharge(FLASH, response.usageMetadata, queries);

    for (const headers of [{ authorization: `Bearer ${customer.key}` }, { "x-goog-api-key": customer.key }]) {
      const bill = await fetch(`${env.fixture.gateway.url}/v1/tasks/${taskId}`, { headers });
      expect(await bill.json()).toMatchObject({
        id: taskId,
        status: "settled",
        route: "gemini",
        model: FLASH,
        charge,
        usage: {
          input_tokens: response.usageMetadata?.promptTokenCount,
          output_tokens: (response.usageMetadata?.candidatesTokenCount ?? 0) + (response.usageMetadata?.thoughtsTokenCount ?? 0),
          tool_use_prompt_tokens: 64,
          search_queries: 2,
        },
      });
    }
    expect(await balanceOf(customer.accountId)).toEqual({ available: 1_000_000 - charge, held: 0, charged: charge });
  });

  test("prices cached prompt tokens at the cached price, holding the whole context window for a cache it cannot see", async () => {
    const customer = await newCustomer(env.fixture.gateway, 10_000_000);
    const contents = `Summarise: ${"lorem ipsum ".repeat(4_000)}`;
    const response = await genai(env.fixture.gateway, customer.key).models.generateContent({ model: FLASH, contents, config: { cachedContent: "cachedContents/abc" } });
    const cached = response.usageMetadata?.cachedContentTokenCount ?? 0;
    expect(cached).toBeGreaterThan(0);
    const task = await settledTask(response.responseId ?? "");
    expect(task).toMatchObject({ charge: expectedCharge(FLASH, response.usageMetadata), usage: { cachedInput: cached }, promptBound: 1_048_576 });
    expect(task.charge).toBeLessThan(expectedCharge(FLASH, { ...response.usageMetadata, cachedContentTokenCount: 0 }));
  });
});

describe("money under concurrency over the native route", () => {
  test("admits exactly as many of 200 simultaneous requests as the balance affords, and the books balance", async () => {
    const request = { ...hello, config: { maxOutputTokens: 1_000 } };
    const probe = await newCustomer(env.fixture.gateway, 1_000_000);
    const hold = (await settledTask((await genai(env.fixture.gateway, probe.key).models.generateContent(request)).responseId ?? "")).hold;
    env.fixture.fake.reset();

    const start = hold * 37 + Math.floor(hold / 2);
    const customer = await newCustomer(env.fixture.gateway, start);
    const ai = genai(env.fixture.gateway, customer.key);
    const outcomes = await burstBehindGate(env.fixture.fake, 200, () => ai.models.generateContent(request));
    const admitted = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.value] : []));
    expect(admitted).toHaveLength(37);
    expect(outcomes.every((o) => o.ok || (o.error instanceof ApiError && o.error.status === 402))).toBe(true);

    const tasks = await Promise.all(admitted.map((response) => settledTask(response.responseId ?? "")));
    const charged = tasks.reduce((sum, task) => sum + (task.charge ?? 0), 0);
    expect(tasks.every((task) => task.status === "settled" && task.hold === hold)).toBe(true);
    expect(await balanceOf(customer.accountId)).toEqual({ available: start - charged, held: 0, charged });
  });
});

describe("countTokens under concurrency", () => {
  test("admits exactly the key's requests per minute of 12 simultaneous counts, retrying injected write conflicts", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000, { rpm: 5 });
    let calls = 0;
    let injected = 0;
    ledgerIo.update = async (input) => {
      if (calls++ % 2 === 0 && injected < 6) {
        injected++;
        throw new TransactionConflictException({ message: "Transaction is ongoing for the item", $metadata: {} });
      }
      return realUpdate(input);
    };
    const ai = genai(env.fixture.gateway, customer.key);
    const results = await Promise.all(Array.from({ length: 12 }, () => ai.models.countTokens(hello).then(() => 200, (error: unknown) => (error instanceof ApiError ? error.status : 0))));
    expect(injected).toBe(6);
    expect(results.filter((status) => status === 200)).toHaveLength(5);
    expect(results.filter((status) => status === 429)).toHaveLength(7);
    expect(env.fixture.fake.requests).toHaveLength(5);
    expect(await balanceOf(customer.accountId)).toEqual({ available: 1_000, held: 0, charged: 0 });
  });
});
