import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { ApiError } from "@google/genai";
import { getTask } from "../../lambda/store/tasks.ts";
import { balanceOf, newCustomer, useGateway } from "../support/gateway-fixture.ts";
import { apiFailure, genai } from "../support/gemini-sdk.ts";

const env = useGateway();

const FLASH = "gemini-3-flash";
const hello = { model: FLASH, contents: "Say hello" };

/** Every refusal leaves the balance as it was and never reaches Google. */
async function expectUntouched(accountId: string, credits: number): Promise<void> {
  expect(await balanceOf(accountId)).toEqual({ available: credits, held: 0, charged: 0 });
  expect(env.fixture.fake.requests).toHaveLength(0);
}

describe("errors before the first byte reach the SDK as ApiError with our envelope and Google's status name", () => {
  test("401 for a key we did not issue", async () => {
    const { error, body } = await apiFailure(genai(env.fixture.gateway, `sk-${"x".repeat(40)}`).models.generateContent(hello));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(401);
    expect(body.error).toEqual({
      code: 401,
      details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "invalid_api_key", domain: "gemini-gateway" }],
      type: "authentication_error",
      status: "UNAUTHENTICATED",
      message: expect.stringContaining("invalid API key"),
    });
  });

  test("402 with the balance, the hold and the maxOutputTokens that would fit", async () => {
    const customer = await newCustomer(env.fixture.gateway, 2_000);
    const { error, body } = await apiFailure(genai(env.fixture.gateway, customer.key).models.generateContent({ ...hello, config: { maxOutputTokens: 60_000 } }));
    expect(error.status).toBe(402);
    expect(body.error).toMatchObject({ code: 402, details: [expect.objectContaining({ reason: "insufficient_credits", domain: "gemini-gateway" })], type: "billing_error", status: "RESOURCE_EXHAUSTED" });
    expect(error.message).toContain("the balance is 2000 credits");
    expect(error.message).toMatch(/Set `generationConfig.maxOutputTokens` to \d+ or less/);
    await expectUntouched(customer.accountId, 2_000);
  });

  test("403 from an address outside the key's allowlist", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000, { ipAllowlist: ["203.0.113.0/24"] });
    const { error, body } = await apiFailure(genai(env.fixture.gateway, customer.key).models.generateContent(hello));
    expect(error.status).toBe(403);
    expect(body.error).toMatchObject({ code: 403, details: [expect.objectContaining({ reason: "ip_not_allowed", domain: "gemini-gateway" })], type: "permission_error", status: "PERMISSION_DENIED" });
    await expectUntouched(customer.accountId, 1_000_000);
  });

  test("404 model_not_found for an unknown model and for one the key may not use, on every action", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000, { models: [FLASH] });
    const ai = genai(env.fixture.gateway, customer.key);
    for (const call of [
      () => ai.models.generateContent({ ...hello, model: "gpt-4o" }),
      () => ai.models.generateContentStream({ ...hello, model: "gemini-3.1-pro-preview" }),
      () => ai.models.countTokens({ ...hello, model: "gemini-2.5-flash" }),
    ]) {
      const { error, body } = await apiFailure(call);
      expect(error.status).toBe(404);
      expect(body.error).toMatchObject({ code: 404, details: [expect.objectContaining({ reason: "model_not_found", domain: "gemini-gateway" })], type: "invalid_request_error", status: "NOT_FOUND", message: expect.stringContaining("GET /v1beta/models") });
    }
    await expectUntouched(customer.accountId, 1_000_000);
  });

  test("429 rate_limit_exceeded once the key's requests per minute are used, countTokens included", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000, { rpm: 2 });
    const ai = genai(env.fixture.gateway, customer.key);
    const counted = await ai.models.countTokens(hello);
    expect(counted.sdkHttpResponse?.headers?.["x-ratelimit-remaining-requests"]).toBe("1");
    await ai.models.generateContent(hello);
    for (const call of [() => ai.models.generateContent(hello), () => ai.models.countTokens(hello)]) {
      const { error, body } = await apiFailure(call);
      expect(error.status).toBe(429);
      expect(body.error).toMatchObject({ code: 429, details: [expect.objectContaining({ reason: "rate_limit_exceeded", domain: "gemini-gateway" })], type: "rate_limit_error", status: "RESOURCE_EXHAUSTED", message: expect.stringContaining("2 requests per minute") });
    }
    const raw = await fetch(`${env.fixture.gateway.url}/v1beta/models/${FLASH}:countTokens?key=${customer.key}`, { method: "POST", body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }) });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  test("429 spend_limit_exceeded naming the field to lower", async () => {
    const customer = await newCustomer(env.fixture.gateway, 10_000_000, { limits: { daily: 5_000 } });
    const { error, body } = await apiFailure(genai(env.fixture.gateway, customer.key).models.generateContent({ ...hello, config: { maxOutputTokens: 4_000 } }));
    expect(error.status).toBe(429);
    expect(body.error).toMatchObject({ code: 429, details: [expect.objectContaining({ reason: "spend_limit_exceeded", domain: "gemini-gateway" })], type: "billing_error", status: "RESOURCE_EXHAUSTED" });
    expect(error.message).toContain("more than the key's whole daily limit of 5000; lower `generationConfig.maxOutputTokens`");
    await expectUntouched(customer.accountId, 10_000_000);
  });

  test.each([
    ["googleSearch with functionDeclarations", { tools: [{ googleSearch: {} }, { functionDeclarations: [{ name: "get_weather" }] }] }, "toolConfig.includeServerSideToolInvocations: true"],
    ["a thinking level the model rejects", { thinkingConfig: { thinkingLevel: "MINIMAL" } }, '"MINIMAL" is not accepted by gemini-3.1-pro-preview; it accepts LOW, MEDIUM, HIGH'],
    ["a thinking level with a budget", { thinkingConfig: { thinkingLevel: "LOW", thinkingBudget: 512 } }, "cannot be sent together with"],
    ["maxOutputTokens above the model's maximum", { maxOutputTokens: 70_000 }, "must be an integer from 1 to 65536"],
  ])("400 invalid_request, before any charge, for %s", async (_case, config, message) => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    const { error, body } = await apiFailure(genai(env.fixture.gateway, customer.key).models.generateContent({ model: "gemini-3.1-pro-preview", contents: "Hi", config: config as never }));
    expect(error.status).toBe(400);
    expect(body.error).toMatchObject({ code: 400, details: [expect.objectContaining({ reason: "invalid_request", domain: "gemini-gateway" })], type: "invalid_request_error", status: "INVALID_ARGUMENT", message: expect.stringContaining(message) });
    await expectUntouched(customer.accountId, 1_000_000);
  });

  test("400 invalid_request for a body without contents", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    const response = await fetch(`${env.fixture.gateway.url}/v1beta/models/${FLASH}:streamGenerateContent?alt=sse`, {
      method: "POST",
      headers: { "x-goog-api-key": customer.key, "content-type": "application/json" },
      body: JSON.stringify({ generationConfig: {} }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 400, details: [expect.objectContaining({ reason: "invalid_request", domain: "gemini-gateway" })], status: "INVALID_ARGUMENT", message: expect.stringContaining("`contents` is required") } });
    await expectUntouched(customer.accountId, 1_000_000);
  });

  test("503 upstream_error when every Google account is down, refunded in full, streamed or not", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    const ai = genai(env.fixture.gateway, customer.key);
    env.fixture.fake.inject({ fault: { kind: "status", status: 503 }, times: Infinity });
    for (const call of [() => ai.models.generateContent(hello), () => ai.models.generateContentStream(hello)]) {
      const { error, body } = await apiFailure(call);
      expect(error.status).toBe(503);
      expect(body.error).toMatchObject({ code: 503, details: [expect.objectContaining({ reason: "upstream_error", domain: "gemini-gateway" })], type: "upstream_error", status: "UNAVAILABLE", message: expect.stringContaining("through any upstream account") });
      expect(error.message).not.toContain("fake-google-key");
    }
    const { error } = await apiFailure(() => ai.models.countTokens(hello));
    expect(error.status).toBe(503);
    expect(await balanceOf(customer.accountId)).toEqual({ available: 1_000_000, held: 0, charged: 0 });
  });

  test("a refused request still names its task, refunded", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    env.fixture.fake.inject({ fault: { kind: "status", status: 503 }, times: Infinity });
    const response = await fetch(`${env.fixture.gateway.url}/v1beta/models/${FLASH}:generateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": customer.key },
      body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
    });
    expect(response.status).toBe(503);
    expect(await getTask(response.headers.get("x-request-id") ?? "")).toMatchObject({ status: "refunded", charge: 0, errorCode: "upstream_error", route: "gemini" });
  });
});
