import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import OpenAI, { APIError, AuthenticationError, BadRequestError, NotFoundError, RateLimitError } from "openai";
import { findModel, type ModelSpec } from "../../lambda/domain/catalog.ts";
import { boundPromptTokens, holdFor } from "../../lambda/domain/holds.ts";
import { planChatRequest } from "../../lambda/domain/openai/request.ts";
import { balanceOf, burstBehindGate, newCustomer, settledTask, UPSTREAM_KEYS, useGateway } from "../support/gateway-fixture.ts";

const env = useGateway();

const hello = { model: "gemini-3-flash", messages: [{ role: "user" as const, content: "Say hello" }] };

/** The hold the gateway computes for a request, from the same domain code, for exact expectations. */
function holdOf(request: object, maxTokens: number): number {
  const plan = planChatRequest(request);
  return holdFor(findModel(plan.model.id) as ModelSpec, boundPromptTokens(plan.body, plan.model), maxTokens).credits;
}

/** Built as text: JSON.stringify itself overflows on such depth. */
function nestedSchema(depth: number): string {
  return `${'{"type":"object","properties":{"a":'.repeat(depth)}{"type":"string"}${"}}".repeat(depth)}`;
}

async function failure(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof APIError) return error;
    throw error;
  }
  throw new Error("expected the request to fail");
}

describe("failover and upstream failures", () => {
  test("moves to the second Google account when the first answers 429", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    env.fixture.fake.inject({ fault: { kind: "status", status: 429 }, apiKey: UPSTREAM_KEYS[0], times: Infinity });
    env.fixture.fake.inject({ fault: { kind: "status", status: 429 }, apiKey: UPSTREAM_KEYS[1], times: 0 });
    const completion = await customer.openai.chat.completions.create(hello);
    expect(completion.choices[0]?.message.content).toBeTruthy();
    expect(env.fixture.fake.requests.map((request) => request.apiKey)).toContain(UPSTREAM_KEYS[1]);
    expect(await settledTask(completion.id)).toMatchObject({ status: "settled", upstreamAccount: "env-2" });
    const charge = (completion.usage as unknown as { credits: number }).credits;
    expect(await customer.bill(completion.id)).toMatchObject({ status: "settled", charge });
    expect(await balanceOf(customer.accountId)).toEqual({ available: 1_000_000 - charge, held: 0, charged: charge });
  });

  test("answers 503 upstream_error and refunds everything when every account is down", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    env.fixture.fake.inject({ fault: { kind: "status", status: 503 }, times: Infinity });
    const error = await failure(customer.openai.chat.completions.create(hello));
    expect(error.status).toBe(503);
    expect(error).toMatchObject({ code: "upstream_error", type: "upstream_error" });
    expect(error.message).toContain("Google could not be reached through any upstream account");
    expect(error.message).toContain(`Retry in ${error.headers?.get("retry-after")} s.`);
    expect(error.message).not.toMatch(/fake-google-key/);
    expect(error.headers?.get("x-request-id")).toBeTruthy();
    expect(await customer.bill(error.headers?.get("x-request-id") ?? "")).toMatchObject({ status: "refunded", charge: 0, error_code: "upstream_error" });
    expect(await balanceOf(customer.accountId)).toEqual({ available: 1_000_000, held: 0, charged: 0 });
  });

  test("returns Google's 400 as our 400 with Google's reason, refunded", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    const error = await failure(
      customer.openai.chat.completions.create({
        model: "gemini-3-flash",
        messages: [
          { role: "user", content: "Weather?" },
          { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: "{}" }, ...({ extra_content: { google: { thought_signature: "bm90LWEtcmVhbC1zaWduYXR1cmU=" } } } as object) }] },
          { role: "tool", tool_call_id: "call_1", content: "{}" },
        ],
      }),
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toContain("Google rejected the request");
    expect(error.message).toContain("Thought signature is not valid");
    expect(await balanceOf(customer.accountId)).toEqual({ available: 1_000_000, held: 0, charged: 0 });
  });

  test("ends a stream cut mid-answer with an in-band error, charging only what was produced", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    env.fixture.fake.inject({ fault: { kind: "cut", afterChunks: 3 }, action: "streamGenerateContent" });
    const stream = await customer.openai.chat.completions.create({ ...hello, messages: [{ role: "user", content: "Long [[long]]" }], stream: true });
    let text = "";
    let id = "";
    const error = await failure(
      (async () => {
        for await (const chunk of stream) {
          id = chunk.id;
          text += chunk.choices[0]?.delta.content ?? "";
        }
      })(),
    );
    expect(text.length).toBeGreaterThan(0);
    expect(error.message).toContain("failed mid-answer");
    const bill = await customer.bill(id);
    expect(bill).toMatchObject({ status: "failed", error_code: "upstream_error" });
    expect(bill.charge).toBeGreaterThan(0);
    expect(await balanceOf(customer.accountId)).toEqual({ available: 1_000_000 - (bill.charge ?? 0), held: 0, charged: bill.charge });
  });

  test("answers a non-streamed request whose Google stream breaks part-way with 503, refunded: the client got nothing", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    env.fixture.fake.inject({ fault: { kind: "cut", afterChunks: 3 }, action: "streamGenerateContent" });
    const error = await failure(customer.openai.chat.completions.create({ ...hello, messages: [{ role: "user", content: "Long [[long]]" }] }));
    expect(error).toMatchObject({ status: 503, code: "upstream_error" });
    expect(await customer.bill(error.headers?.get("x-request-id") ?? "")).toMatchObject({ status: "refunded", charge: 0 });
    expect(await balanceOf(customer.accountId)).toEqual({ available: 1_000_000, held: 0, charged: 0 });
  });

  test("still reads Google to the end and bills the whole answer when the client hangs up", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    const controller = new AbortController();
    const stream = await customer.openai.chat.completions.create(
      { ...hello, messages: [{ role: "user", content: "Long [[long]]" }], stream: true, stream_options: { include_usage: true } },
      { signal: controller.signal },
    );
    let id = "";
    await failure(
      (async () => {
        for await (const chunk of stream) {
          id = chunk.id;
          controller.abort();
        }
      })(),
    ).catch(() => undefined);
    const bill = await customer.bill(id);
    expect(bill.status).toBe("settled");
    // The whole 160-word reply: 40 text chunks' worth of output, not just the first.
    expect(bill.usage?.output_tokens).toBeGreaterThan(200);
    expect(await balanceOf(customer.accountId)).toEqual({ available: 1_000_000 - (bill.charge ?? 0), held: 0, charged: bill.charge });
  });
});

describe("requests refused before Google is called, charging nothing", () => {
  test.each([
    ["no messages", { model: "gemini-3-flash" }, "messages"],
    ["a wrong type", { ...hello, temperature: "hot" }, "temperature"],
    ["an out-of-range number", { ...hello, top_p: 7 }, "top_p"],
    ["an unknown role", { model: "gemini-3-flash", messages: [{ role: "wizard", content: "hi" }] }, "role"],
    ["unparseable tool arguments", { model: "gemini-3-flash", messages: [{ role: "user", content: "x" }, { role: "assistant", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{oops" } }] }] }, "arguments"],
    ["a tool result with no matching call", { model: "gemini-3-flash", messages: [{ role: "user", content: "x" }, { role: "tool", tool_call_id: "nope", content: "1" }] }, "tool_call_id"],
    ["n above 1", { ...hello, n: 2 }, "n"],
  ])("answers %s with a 400 naming the field", async (_case, body, field) => {
    const customer = await newCustomer(env.fixture.gateway, 1_000);
    const error = await failure(customer.openai.chat.completions.create(body as never));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: "invalid_request", type: "invalid_request_error" });
    expect(error.message).toContain(field);
    expect(await balanceOf(customer.accountId)).toEqual({ available: 1_000, held: 0, charged: 0 });
    expect(env.fixture.fake.requests).toHaveLength(0);
  });

  test.each([
    ["a body over 6 MB", () => JSON.stringify({ ...hello, messages: [{ role: "user", content: "x".repeat(7 * 1024 * 1024) }] }), 413],
    ["hostile nesting", () => `{"model":"gemini-3-flash","messages":[{"role":"user","content":"x"}],"metadata":${"[".repeat(50_000)}${"]".repeat(50_000)}}`, 400],
    ["a schema nested to overflow a recursive walk", () => `{"model":"gemini-3-flash","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":${nestedSchema(20_000)}}}}`, 400],
  ])("answers %s with a clean 4xx and charges nothing", async (_case, body, status) => {
    const customer = await newCustomer(env.fixture.gateway, 1_000);
    const response = await fetch(`${env.fixture.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${customer.key}`, "content-type": "application/json" },
      body: body(),
    });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { type: "invalid_request_error" } });
    expect(await balanceOf(customer.accountId)).toEqual({ available: 1_000, held: 0, charged: 0 });
    expect(env.fixture.fake.requests).toHaveLength(0);
  });

  test("answers an unknown model, and a model the key may not use, with 404 model_not_found", async () => {
    const limited = await newCustomer(env.fixture.gateway, 1_000, { models: ["gemini-3-flash"] });
    for (const model of ["gpt-4o", "gemini-3.1-pro-preview"]) {
      const error = await failure(limited.openai.chat.completions.create({ ...hello, model }));
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ code: "model_not_found" });
    }
  });

  test("answers a bad key with 401", async () => {
    const stranger = new OpenAI({ apiKey: `sk-${"x".repeat(40)}`, baseURL: `${env.fixture.gateway.url}/v1`, maxRetries: 0 });
    expect(await failure(stranger.chat.completions.create(hello))).toBeInstanceOf(AuthenticationError);
  });

  test("answers 402 with the balance, the hold and the max_tokens that would fit", async () => {
    const customer = await newCustomer(env.fixture.gateway, 2_000);
    const request = { ...hello, max_tokens: 60_000 };
    const error = await failure(customer.openai.chat.completions.create(request));
    expect(error.status).toBe(402);
    expect(error).toMatchObject({ code: "insufficient_credits", type: "billing_error" });
    expect(error.message).toContain("the balance is 2000 credits");
    expect(error.message).toContain(`needs a hold of ${holdOf(request, 60_000)}`);
    expect(error.message).toMatch(/Set `max_tokens` to \d+ or less/);
    expect(await balanceOf(customer.accountId)).toEqual({ available: 2_000, held: 0, charged: 0 });
  });

  test("without max_tokens, caps Google's output at what the balance affords instead of refusing", async () => {
    const customer = await newCustomer(env.fixture.gateway, 5_000);
    const completion = await customer.openai.chat.completions.create(hello);
    const cap = (env.fixture.fake.requests.at(-1)?.body as { generationConfig: { maxOutputTokens: number } }).generationConfig.maxOutputTokens;
    expect(cap).toBeLessThan(65_536);
    expect(holdOf(hello, cap)).toBeLessThanOrEqual(5_000);
    expect(holdOf(hello, cap + 1)).toBeGreaterThan(5_000);
    expect((await settledTask(completion.id)).outputCap).toBe(cap);
  });

  test("answers 429 spend_limit_exceeded naming the window and when it resets, while another request holds the rest", async () => {
    const customer = await newCustomer(env.fixture.gateway, 10_000_000, { limits: { hourly: 20_000 } });
    let open = () => undefined as void;
    env.fixture.fake.inject({ fault: { kind: "gate", open: new Promise<void>((resolve) => (open = resolve)) } });
    const inFlight = customer.openai.chat.completions.create({ ...hello, max_tokens: 4_000 });
    while (env.fixture.fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const error = await failure(customer.openai.chat.completions.create({ ...hello, max_tokens: 4_000 }));
    open();
    await inFlight;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ code: "spend_limit_exceeded", type: "billing_error" });
    expect(error.message).toContain("Hourly spend limit reached: 12053 of 20000 credits used or held");
    expect(error.message).toMatch(/resets at \d{4}-\d\d-\d\dT/);
    expect(Number(error.headers?.get("retry-after"))).toBeGreaterThan(0);
  });

  test("says at once when a request could never fit the key's spend limit", async () => {
    const customer = await newCustomer(env.fixture.gateway, 10_000_000, { limits: { daily: 5_000 } });
    const error = await failure(customer.openai.chat.completions.create({ ...hello, max_tokens: 4_000 }));
    expect(error).toMatchObject({ status: 429, code: "spend_limit_exceeded" });
    expect(error.message).toContain("more than the key's whole daily limit of 5000; lower `max_tokens`");
  });

  test("answers 429 rate_limit_exceeded with Retry-After once the key's requests per minute are used", async () => {
    const customer = await newCustomer(env.fixture.gateway, 10_000_000, { rpm: 2 });
    const first = await customer.openai.chat.completions.create(hello).withResponse();
    expect(first.response.headers.get("x-ratelimit-limit-requests")).toBe("2");
    expect(first.response.headers.get("x-ratelimit-remaining-requests")).toBe("1");
    await customer.openai.chat.completions.create(hello);
    const error = await failure(customer.openai.chat.completions.create(hello));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ code: "rate_limit_exceeded", type: "rate_limit_error" });
    expect(Number(error.headers?.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });
});

describe("money under concurrency over HTTP", () => {
  test("admits exactly as many of 200 simultaneous requests as the balance affords, and the books balance", async () => {
    const request = { ...hello, max_tokens: 1_000 };
    const hold = holdOf(request, 1_000);
    const start = hold * 37 + hold / 2;
    const customer = await newCustomer(env.fixture.gateway, Math.floor(start));
    const outcomes = await burstBehindGate(env.fixture.fake, 200, () => customer.openai.chat.completions.create(request));
    const admitted = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.value] : []));
    expect(admitted).toHaveLength(37);
    expect(outcomes.every((o) => o.ok || (o.error instanceof APIError && o.error.status === 402))).toBe(true);

    const charged = (await Promise.all(admitted.map((completion) => settledTask(completion.id)))).reduce((sum, task) => sum + (task.charge ?? 0), 0);
    const books = await balanceOf(customer.accountId);
    expect(books).toEqual({ available: Math.floor(start) - charged, held: 0, charged });
  });
});
