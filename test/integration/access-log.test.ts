import { afterEach, beforeEach, describe, expect, jest, test } from "@jest/globals";
import { logger } from "../../lambda/telemetry/logger.ts";
import { UPSTREAM_KEYS, useGateway } from "../support/gateway-fixture.ts";

const env = useGateway({ customerCredits: 10_000_000 });

/** A prompt no log line may ever contain. */
const SECRET_PROMPT = "my-password-is-hunter2";

let info: jest.SpiedFunction<typeof logger.info>;
beforeEach(() => {
  info = jest.spyOn(logger, "info").mockImplementation(() => undefined);
});
afterEach(() => info.mockRestore());

type Line = Record<string, unknown> & { credits?: Record<string, number>; tokens?: Record<string, number> };

/** The access line of one request, once its request (and any stream) has ended. */
async function accessLine(requestId: string): Promise<Line> {
  for (let waited = 0; waited < 200; waited++) {
    const call = info.mock.calls.find(([message, fields]) => message === "request" && (fields as Line | undefined)?.requestId === requestId);
    if (call) return call[1] as Line;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no access line for ${requestId}`);
}

async function chat(body: object): Promise<Response> {
  return fetch(`${env.fixture.gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${env.customer.key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

function expectNothingSecret(): void {
  const logged = JSON.stringify(info.mock.calls);
  expect(logged).not.toContain(SECRET_PROMPT);
  expect(logged).not.toContain(env.customer.key);
  for (const key of UPSTREAM_KEYS) expect(logged).not.toContain(key);
}

describe("the access line", () => {
  test("tells a success's whole story: route, key, model, upstream, times, tokens and credits", async () => {
    const response = await chat({ model: "gemini-3-flash", messages: [{ role: "user", content: `Say hello ${SECRET_PROMPT}` }] });
    const answer = (await response.json()) as { id: string; usage: { credits: number; completion_tokens: number } };
    const line = await accessLine(answer.id);
    expect(line).toMatchObject({
      function: "chat",
      method: "POST",
      route: "/v1/chat/completions",
      status: 200,
      model: "gemini-3-flash",
      stream: false,
      keyId: env.customer.keyId,
      accountId: env.customer.accountId,
      upstreamAccount: expect.stringMatching(/^env-/),
      upstreamKind: "ai-studio",
      upstreamAttempts: 1,
      taskStatus: "settled",
      credits: { held: expect.any(Number), charged: answer.usage.credits, refunded: expect.any(Number) },
      tokens: expect.objectContaining({ output: answer.usage.completion_tokens }),
    });
    expect(line.errorCode).toBeUndefined();
    expect(line.totalMs).toEqual(expect.any(Number));
    expect(line.firstByteMs).toEqual(expect.any(Number));
    expectNothingSecret();
  });

  test("names a 4xx's error code, and the refused request holds nothing", async () => {
    const response = await chat({ model: "gemini-3-flash", messages: [{ role: "wizard", content: SECRET_PROMPT }] });
    expect(response.status).toBe(400);
    const line = await accessLine(response.headers.get("x-request-id") ?? "");
    expect(line).toMatchObject({ status: 400, errorCode: "invalid_request", route: "/v1/chat/completions", keyId: env.customer.keyId });
    expect(line.credits).toBeUndefined();
    expectNothingSecret();
  });

  test("shows a refund: every account failed, nothing charged, how many attempts", async () => {
    env.fixture.fake.inject({ fault: { kind: "status", status: 503 }, times: Infinity });
    const response = await chat({ model: "gemini-3-flash", messages: [{ role: "user", content: SECRET_PROMPT }] });
    expect(response.status).toBe(503);
    const line = await accessLine(response.headers.get("x-request-id") ?? "");
    expect(line).toMatchObject({ status: 503, errorCode: "upstream_error", taskStatus: "refunded", credits: { charged: 0 }, upstreamAttempts: UPSTREAM_KEYS.length });
    expect(line.upstreamAccount).toBeUndefined();
    expect(line.credits?.refunded).toBe(line.credits?.held);
    expectNothingSecret();
  });

  test("is written when a stream that failed mid-answer has ended, with what it was charged", async () => {
    env.fixture.fake.inject({ fault: { kind: "cut", afterChunks: 3 }, action: "streamGenerateContent" });
    const response = await chat({ model: "gemini-3-flash", messages: [{ role: "user", content: `Long [[long]] ${SECRET_PROMPT}` }], stream: true });
    const body = await response.text();
    expect(body).toContain("failed mid-answer");
    const line = await accessLine(response.headers.get("x-request-id") ?? "");
    expect(line).toMatchObject({ status: 200, stream: true, taskStatus: "failed", upstreamAttempts: 1 });
    expect(line.credits?.charged).toBeGreaterThan(0);
    expect(line.firstByteMs as number).toBeLessThanOrEqual(line.totalMs as number);
    expectNothingSecret();
  });

  test("covers the routes that bill nothing too", async () => {
    const response = await fetch(`${env.fixture.gateway.url}/v1beta/models`);
    const line = await accessLine(response.headers.get("x-request-id") ?? "");
    expect(line).toMatchObject({ function: "gemini", route: "/v1beta/models", status: 200 });
  });
});
