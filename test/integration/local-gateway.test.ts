import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { ApiError, GoogleGenAI } from "@google/genai";
import OpenAI, { NotFoundError } from "openai";
import type { LocalGateway } from "../../bin/local/gateway.ts";
import { MODELS } from "../../lambda/domain/catalog.ts";
import { startTestGateway } from "../support/local-gateway.ts";

let gateway: LocalGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

describe("the local gateway over HTTP", () => {
  test("lists the catalog to the official openai SDK", async () => {
    const openai = new OpenAI({ apiKey: "sk-unused", baseURL: `${gateway.url}/v1` });
    const ids = [];
    for await (const model of openai.models.list()) ids.push(model.id);
    expect(ids).toEqual(MODELS.map((model) => model.id));
  });

  test("retrieves one model by alias through the openai SDK", async () => {
    const openai = new OpenAI({ apiKey: "sk-unused", baseURL: `${gateway.url}/v1` });
    const model = await openai.models.retrieve("google/gemini-3.1-pro-preview");
    expect(model).toMatchObject({ id: "gemini-3.1-pro-preview", owned_by: "google" });
  });

  test("surfaces an unknown model as the openai SDK's NotFoundError with our code", async () => {
    const openai = new OpenAI({ apiKey: "sk-unused", baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const failure = openai.models.retrieve("gpt-4o");
    await expect(failure).rejects.toBeInstanceOf(NotFoundError);
    await expect(failure).rejects.toMatchObject({ status: 404, code: "model_not_found", type: "invalid_request_error" });
  });

  test("lists and gets models through @google/genai with a /v1/gemini base URL", async () => {
    const google = new GoogleGenAI({ apiKey: "sk-unused", httpOptions: { baseUrl: `${gateway.url}/v1/gemini` } });
    const model = await google.models.get({ model: "gemini-3-flash" });
    expect(model).toMatchObject({ name: "models/gemini-3-flash", inputTokenLimit: 1_048_576, outputTokenLimit: 65_536 });
    const pager = await google.models.list();
    expect(pager.page.map((entry) => entry.name)).toContain("models/gemini-3.1-pro-preview");
  });

  test("surfaces an unknown model as @google/genai's ApiError with Google's status name", async () => {
    const google = new GoogleGenAI({ apiKey: "sk-unused", httpOptions: { baseUrl: gateway.url } });
    const failure = google.models.get({ model: "gemini-1.0-pro" });
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ status: 404, message: expect.stringContaining('"status":"NOT_FOUND"') });
  });

  test.each([
    ["/v1/unknown", { code: "not_found", type: "invalid_request_error" }],
    ["/v1beta/unknown", { code: 404, status: "NOT_FOUND", details: [{ reason: "not_found" }] }],
  ])("answers the unknown path %s with the route's JSON envelope", async (path, error) => {
    const response = await fetch(`${gateway.url}${path}`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
    expect(await response.json()).toMatchObject({ error });
  });

  test.each([
    ["/v1/chat/completions", { code: "request_too_large", type: "invalid_request_error" }],
    ["/v1beta/models/gemini-3-flash:generateContent", { code: 413, status: "INVALID_ARGUMENT", details: [{ reason: "request_too_large" }] }],
  ])("refuses a body over 6 MB to %s the way a function URL does, in the route's envelope with a request id", async (path, error) => {
    const response = await fetch(`${gateway.url}${path}`, { method: "POST", body: "x".repeat(6 * 1024 * 1024 + 1) });
    expect(response.status).toBe(413);
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
    expect(await response.json()).toMatchObject({ error });
  });
});
