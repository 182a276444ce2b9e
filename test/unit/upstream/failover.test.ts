import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { startFakeGemini } from "../../fake-gemini/server.ts";
import type { Fault, FakeGemini } from "../../fake-gemini/server.ts";
import { InvalidRequestError, UpstreamError } from "../../../lambda/domain/errors.ts";
import type { UpstreamAccount } from "../../../lambda/upstream/accounts.ts";
import { UpstreamNetworkError } from "../../../lambda/upstream/errors.ts";
import { countTokens, generate, openStream } from "../../../lambda/upstream/failover.ts";
import type { FailoverDeps } from "../../../lambda/upstream/failover.ts";
import { AccountPool } from "../../../lambda/upstream/pool.ts";
import { FLASH, HELLO, KEY_A, KEY_B, collect, expectNoKeys, finishReasonOf, rejectionOf, staticSource, textOf } from "./fixtures.ts";

const TIMEOUTS = { firstByteMs: 300, idleMs: 300 };

describe("failover across upstream accounts", () => {
  let fake: FakeGemini;
  let accounts: UpstreamAccount[];
  let pool: AccountPool;
  let clock: number;
  let deps: FailoverDeps;

  const keysTried = () => fake.requests.map((request) => request.apiKey);

  beforeAll(async () => {
    fake = await startFakeGemini({ apiKeys: [KEY_A, KEY_B] });
    accounts = [
      { name: "a", apiKey: KEY_A, baseUrl: fake.url },
      { name: "b", apiKey: KEY_B, baseUrl: fake.url },
    ];
  });
  beforeEach(() => {
    fake.reset();
    pool = new AccountPool();
    clock = 1_000_000;
    deps = { source: staticSource(accounts), pool, now: () => clock, timeouts: TIMEOUTS };
  });
  afterAll(() => fake.close());

  const firstAccountFaults: [string, Fault][] = [
    ["a 429", { kind: "status", status: 429 }],
    ["a 503", { kind: "status", status: 503 }],
    ["a 500", { kind: "status", status: 500 }],
    ["a 403 for its key", { kind: "status", status: 403, message: "Method doesn't allow unregistered callers. Please use API Key." }],
    ["a connection reset", { kind: "reset" }],
    ["a stream cut before its first chunk", { kind: "cut", afterChunks: 0 }],
    ["a delay past the first-byte timeout", { kind: "delay", ms: 2_000 }],
  ];

  test.each(firstAccountFaults)("a stream moves to the second account when the first fails with %s", async (_what, fault) => {
    fake.inject({ fault, apiKey: KEY_A, times: Infinity });

    const stream = await openStream({ model: FLASH, body: HELLO }, deps);
    const chunks = [stream.first, ...(await collect(stream.rest))];

    expect(stream).toMatchObject({ account: "b", attempts: 2 });
    expect(textOf(chunks)).toContain("Hello from gemini-3-flash-preview");
    expect(finishReasonOf(chunks[chunks.length - 1])).toBe("STOP");
    expect(keysTried()).toEqual([KEY_A, KEY_B]);
    expect(pool.coolingUntil(accounts[0])).toBeGreaterThan(clock);
  });

  test("generate and countTokens fail over the same way", async () => {
    fake.inject({ fault: { kind: "status", status: 503 }, apiKey: KEY_A, times: Infinity });

    const generated = await generate({ model: FLASH, body: HELLO }, deps);
    const counted = await countTokens({ model: FLASH, body: HELLO }, deps);

    expect(generated).toMatchObject({ account: "b", attempts: 2 });
    expect(textOf([generated.response])).toContain("Hello from");
    expect(counted).toMatchObject({ account: "b", response: { totalTokens: expect.any(Number) } });
  });

  test("an account whose key Google rejects with 400 API_KEY_INVALID is skipped, not blamed on the request", async () => {
    const broken = { name: "revoked", apiKey: "AIzaSyRevokedKey-not-accepted-anymore" };
    const source = staticSource([{ ...broken, baseUrl: fake.url }, accounts[1]]);

    const result = await generate({ model: FLASH, body: HELLO }, { ...deps, source });

    expect(result).toMatchObject({ account: "b", attempts: 2 });
    expect(pool.coolingUntil(broken)).toBe(clock + 300_000);
  });

  test("Google's 400 for the request itself is not retried and becomes our 400 with Google's reason", async () => {
    const error = await rejectionOf(openStream({ model: FLASH, body: { contents: [] } }, deps));

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: "invalid_request" });
    expect(String(error)).toMatch(/Google rejected the request: .*contents is not specified/);
    expect(keysTried()).toEqual([KEY_A]);
    expect(pool.coolingUntil(accounts[0])).toBe(0);
  });

  test("Google's 403 about something the request references is the request's fault: not retried, no cool-down", async () => {
    fake.inject({ fault: { kind: "status", status: 403, message: "You do not have permission to access the File abc123 or it may not exist." }, times: Infinity });
    const error = await rejectionOf(generate({ model: FLASH, body: HELLO }, deps));

    expect(error).toMatchObject({ statusCode: 400, message: expect.stringContaining("Google rejected the request: You do not have permission to access the File") });
    expect(keysTried()).toEqual([KEY_A]);
    expect(pool.coolingUntil(accounts[0])).toBe(0);
  });

  test("Google's 404 for an unknown model is not retried either", async () => {
    const error = await rejectionOf(generate({ model: "gemini-0-unknown", body: HELLO }, deps));

    expect(error).toMatchObject({ statusCode: 400, message: expect.stringContaining("Google rejected the request: models/gemini-0-unknown") });
    expect(fake.requests).toHaveLength(1);
  });

  test("when every account fails the caller gets a 503 naming the last failure, whose Retry-After says what the message says", async () => {
    fake.inject({ fault: { kind: "status", status: 429 }, times: Infinity });

    const error = await rejectionOf(openStream({ model: FLASH, body: HELLO }, deps));

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ statusCode: 503, code: "upstream_error", headers: { "retry-after": "2" } });
    expect(String(error)).toContain("(last failure: 429 RESOURCE_EXHAUSTED); nothing was charged. Retry in 2 s.");
    expectNoKeys(error);
  });

  test("never tells the customer how many upstream accounts the operator has", async () => {
    fake.inject({ fault: { kind: "status", status: 503 }, times: Infinity });
    const several = await rejectionOf(openStream({ model: FLASH, body: HELLO }, deps));
    const one = await rejectionOf(openStream({ model: FLASH, body: HELLO }, { ...deps, source: staticSource(accounts.slice(0, 1)) }));

    for (const error of [several, one]) expect(String(error)).not.toMatch(/\b(one|only|all|both|\d+) (upstream )?accounts?\b/i);
  });

  test("with no accounts configured the 503 sends the customer to the operator", async () => {
    const error = await rejectionOf(generate({ model: FLASH, body: HELLO }, { ...deps, source: staticSource([]) }));

    expect(error).toMatchObject({ statusCode: 503, message: expect.stringContaining("Tell its operator") });
  });

  test("an account list that cannot be loaded is a 503, not a crash", async () => {
    const source = { accounts: () => Promise.reject(new Error("AccessDeniedException")) };

    const error = await rejectionOf(generate({ model: FLASH, body: HELLO }, { ...deps, source }));

    expect(error).toMatchObject({ statusCode: 503, message: expect.stringContaining("could not load its upstream accounts") });
  });

  test("an account that just failed is tried last on the next calls, and shares the load again once it cooled down", async () => {
    const twoCalls = async () => {
      fake.reset();
      await generate({ model: FLASH, body: HELLO }, deps);
      await generate({ model: FLASH, body: HELLO }, deps);
      return keysTried();
    };
    fake.inject({ fault: { kind: "status", status: 503 }, apiKey: KEY_A });
    await generate({ model: FLASH, body: HELLO }, deps);

    const whileCooling = await twoCalls();
    clock += 5_000;
    const afterCoolDown = await twoCalls();

    expect(whileCooling).toEqual([KEY_B, KEY_B]);
    expect([...afterCoolDown].sort()).toEqual([KEY_A, KEY_B]);
  });

  test("a cooling account is still tried when no healthy account is left", async () => {
    fake.inject({ fault: { kind: "status", status: 503 }, times: 2 });
    await rejectionOf(generate({ model: FLASH, body: HELLO }, deps));

    const result = await generate({ model: FLASH, body: HELLO }, deps);

    expect(result.attempts).toBe(1);
  });

  test("a stream cut after its first chunks surfaces as an error from rest, with no retry", async () => {
    fake.inject({ fault: { kind: "cut", afterChunks: 2 }, apiKey: KEY_A });

    const stream = await openStream({ model: FLASH, body: HELLO }, deps);
    const received: unknown[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const chunk of stream.rest) received.push(chunk);
      })(),
    );

    expect(stream).toMatchObject({ account: "a", attempts: 1 });
    expect(received).toHaveLength(1);
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(keysTried()).toEqual([KEY_A]);
    expectNoKeys(error);
  });

  test("the caller's abort stops the attempt without blaming the account or trying another", async () => {
    fake.inject({ fault: { kind: "delay", ms: 2_000 }, apiKey: KEY_A });
    const controller = new AbortController();

    const pending = rejectionOf(openStream({ model: FLASH, body: HELLO, signal: controller.signal }, deps));
    await waitFor(() => fake.requests.length === 1);
    controller.abort();
    const error = await pending;

    expect(error).toMatchObject({ name: "AbortError" });
    expect(keysTried()).toEqual([KEY_A]);
    expect(pool.coolingUntil(accounts[0])).toBe(0);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}
