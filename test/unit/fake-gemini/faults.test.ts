import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { startFakeGemini } from "../../fake-gemini/server.ts";
import type { FakeGemini } from "../../fake-gemini/server.ts";
import { FLASH, expectGoogleError, post, userText } from "./wire.ts";

const HELLO = { contents: [userText("Hi")] };

describe("injected faults", () => {
  let fake: FakeGemini;

  beforeAll(async () => {
    fake = await startFakeGemini({ chunkDelayMs: 1 });
  });
  beforeEach(() => fake.reset());
  afterAll(() => fake.close());

  test("a 429 status fault answers with RESOURCE_EXHAUSTED, RetryInfo and QuotaFailure but no Retry-After", async () => {
    fake.inject({ fault: { kind: "status", status: 429 } });

    const response = await post(fake, FLASH, "generateContent", HELLO);
    const error = await expectGoogleError(response, 429, "RESOURCE_EXHAUSTED");

    expect(response.headers.get("retry-after")).toBeNull();
    expect(error.details).toEqual(
      expect.arrayContaining([
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "2s" },
        expect.objectContaining({ "@type": "type.googleapis.com/google.rpc.QuotaFailure" }),
      ]),
    );
  });

  test.each([
    [500, "INTERNAL"],
    [503, "UNAVAILABLE"],
    [504, "DEADLINE_EXCEEDED"],
    [403, "PERMISSION_DENIED"],
  ])("a %i status fault uses Google's status name %s", async (status, name) => {
    fake.inject({ fault: { kind: "status", status } });

    await expectGoogleError(await post(fake, FLASH, "generateContent", HELLO), status, name);
  });

  test("a status fault may carry its own message and is consumed after one use by default", async () => {
    fake.inject({ fault: { kind: "status", status: 503, message: "Try later" } });

    const error = await expectGoogleError(await post(fake, FLASH, "generateContent", HELLO), 503, "UNAVAILABLE");
    const retried = await post(fake, FLASH, "generateContent", HELLO);

    expect(error.message).toBe("Try later");
    expect(retried.status).toBe(200);
  });

  test("times limits how many requests a rule affects and Infinity never runs out", async () => {
    fake.inject({ fault: { kind: "status", status: 500 }, times: 2 });
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt++) statuses.push((await post(fake, FLASH, "generateContent", HELLO)).status);
    fake.inject({ fault: { kind: "status", status: 500 }, times: Infinity });
    for (let attempt = 0; attempt < 3; attempt++) statuses.push((await post(fake, FLASH, "generateContent", HELLO)).status);

    expect(statuses).toEqual([500, 500, 200, 500, 500, 500]);
  });

  test("rules match on apiKey, model and action", async () => {
    fake.inject({ fault: { kind: "status", status: 429 }, apiKey: "key-b", times: Infinity });
    fake.inject({ fault: { kind: "status", status: 503 }, model: "gemini-3.1-pro-preview", action: "countTokens" });

    const keyA = await post(fake, FLASH, "generateContent", HELLO, { apiKey: "key-a" });
    const keyB = await post(fake, FLASH, "generateContent", HELLO, { apiKey: "key-b" });
    const otherAction = await post(fake, "gemini-3.1-pro-preview", "generateContent", HELLO, { apiKey: "key-a" });
    const matching = await post(fake, "gemini-3.1-pro-preview", "countTokens", HELLO, { apiKey: "key-a" });

    expect([keyA.status, keyB.status, otherAction.status, matching.status]).toEqual([200, 429, 200, 503]);
  });

  test("a delay fault holds the answer back and then answers normally", async () => {
    fake.inject({ fault: { kind: "delay", ms: 60 } });
    const started = performance.now();

    const response = await post(fake, FLASH, "generateContent", HELLO);

    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  test("a cut fault mid-stream delivers some chunks and then breaks the body without a clean end", async () => {
    fake.inject({ fault: { kind: "cut", afterChunks: 2 } });
    const response = await post(fake, FLASH, "streamGenerateContent", HELLO, { query: "alt=sse" });
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error("no body");
    const decoder = new TextDecoder();
    let received = "";

    const reading = (async () => {
      for (let next = await reader.read(); !next.done; next = await reader.read()) received += decoder.decode(next.value);
    })();

    expect(response.status).toBe(200);
    await expect(reading).rejects.toThrow();
    expect(received.split("\r\n\r\n").filter(Boolean)).toHaveLength(2);
  });

  test("a cut fault with zero chunks on a unary call closes the connection before any byte", async () => {
    fake.inject({ fault: { kind: "cut", afterChunks: 0 } });

    await expect(post(fake, FLASH, "generateContent", HELLO)).rejects.toThrow();
  });

  test("a cut fault with chunks on a unary call sends part of the body and then breaks it", async () => {
    fake.inject({ fault: { kind: "cut", afterChunks: 1 } });

    const response = await post(fake, FLASH, "generateContent", HELLO);

    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  test("a reset fault destroys the connection before any response byte", async () => {
    fake.inject({ fault: { kind: "reset" }, action: "streamGenerateContent" });

    await expect(post(fake, FLASH, "streamGenerateContent", HELLO, { query: "alt=sse" })).rejects.toThrow();
    expect((await post(fake, FLASH, "streamGenerateContent", HELLO, { query: "alt=sse" })).status).toBe(200);
  });

  test("every request is recorded with its route, key, query and parsed body", async () => {
    await post(fake, FLASH, "streamGenerateContent", HELLO, { query: "alt=sse", apiKey: "recorded-key" });

    expect(fake.requests).toEqual([
      {
        method: "POST",
        path: `/v1beta/models/${FLASH}:streamGenerateContent`,
        model: FLASH,
        action: "streamGenerateContent",
        apiKey: "recorded-key",
        platform: "ai-studio",
        query: { alt: "sse" },
        body: HELLO,
      },
    ]);
  });

  test("reset() clears injected faults and recorded requests", async () => {
    fake.inject({ fault: { kind: "status", status: 500 }, times: Infinity });
    await post(fake, FLASH, "generateContent", HELLO);

    fake.reset();

    expect(fake.requests).toEqual([]);
    expect((await post(fake, FLASH, "generateContent", HELLO)).status).toBe(200);
  });
});
