import { describe, expect, test } from "@jest/globals";
import type { VertexServiceAccount } from "../../lambda/upstream/accounts.ts";
import { REJECTED_KEY_COOLDOWN_MS, RATE_LIMIT_COOLDOWN_MS, defaultPool } from "../../lambda/upstream/pool.ts";
import { balanceOf, newCustomer, settledTask } from "../support/gateway-fixture.ts";
import { ROUTES, ask, type Answer, type Route } from "../support/raw-calls.ts";
import { withForeignKey } from "../support/service-account.ts";
import { useVertexGateway } from "../support/vertex-gateway.ts";

const env = useVertexGateway();
const CREDITS = 10_000_000;


interface Failure {
  /** Arranges the Vertex account's failure; returns the account to configure. */
  arrange(): VertexServiceAccount;
  /** What Vertex (not the token endpoint) saw before the AI Studio key answered. */
  vertexCalls: number;
  cooldownMs: number;
}

const FAILURES: Record<string, Failure> = {
  "a private key Google does not know": {
    arrange: () => {
      const { account, sa } = env.serviceAccount();
      return { ...account, serviceAccount: withForeignKey(sa) };
    },
    vertexCalls: 0,
    cooldownMs: REJECTED_KEY_COOLDOWN_MS,
  },
  "a token endpoint answering 401": {
    arrange: () => {
      env.fake.vertex.refuseTokens(401);
      return env.serviceAccount().account;
    },
    vertexCalls: 0,
    cooldownMs: REJECTED_KEY_COOLDOWN_MS,
  },
  "a Vertex 429": {
    arrange: () => {
      env.fake.inject({ fault: { kind: "status", status: 429 }, platform: "vertex", times: Infinity });
      return env.serviceAccount().account;
    },
    vertexCalls: 1,
    cooldownMs: RATE_LIMIT_COOLDOWN_MS,
  },
};

const cases = Object.keys(FAILURES).flatMap((failure) => ROUTES.map((route) => [failure, route] as [string, Route]));

describe("failover from a Vertex account to an AI Studio key, before the first byte", () => {
  test.each(cases)("%s: %s is answered by the AI Studio key, its hold intact and its bill exact", async (what, route) => {
    const failure = FAILURES[what] as Failure;
    const vertex = failure.arrange();
    // Vertex first: after a reset the pool starts with the first account configured.
    await env.useAccounts(vertex, env.studio);
    const customer = await newCustomer(env.gateway, CREDITS);
    const before = Date.now();

    const answer = await ask(env.gateway, customer.key, route);
    const after = Date.now();
    env.remember(answer);
    const bill = await customer.bill(answer.taskId);

    expect(answer).toMatchObject({ status: 200, inBandError: false });
    expect(answer.output).toContain("Hello from gemini-3-flash-preview");
    expect(env.fake.requests.map((request) => request.platform)).toEqual([...Array<string>(failure.vertexCalls).fill("vertex"), "ai-studio"]);
    expect(await settledTask(answer.taskId)).toMatchObject({ status: "settled", upstreamAccount: "studio", upstreamKind: "ai-studio", hold: answer.expectedHold });
    expect(bill).toMatchObject({ status: "settled", charge: answer.expectedCharge, refund: answer.expectedHold - answer.expectedCharge, upstream_kind: "ai-studio" });
    expect(answer.expectedCharge).toBeGreaterThan(0);
    expect(await balanceOf(customer.accountId)).toEqual({ available: CREDITS - answer.expectedCharge, held: 0, charged: answer.expectedCharge });
    const cooling = defaultPool.coolingUntil(vertex);
    expect(cooling).toBeGreaterThanOrEqual(before + failure.cooldownMs);
    expect(cooling).toBeLessThanOrEqual(after + failure.cooldownMs);
  });

  test("while it cools down, the next request goes straight to the AI Studio key", async () => {
    env.fake.vertex.refuseTokens(401);
    await env.useAccounts(env.serviceAccount().account, env.studio);
    const customer = await newCustomer(env.gateway, CREDITS);

    const first = await ask(env.gateway, customer.key, "chat");
    const second = await ask(env.gateway, customer.key, "native");
    env.remember(first, second);

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(env.fake.vertex.tokenRequests).toHaveLength(1);
    expect(env.fake.requests.map((request) => request.platform)).toEqual(["ai-studio", "ai-studio"]);
  });

  test("when the Vertex account is the only one, the customer gets the 503 upstream_error, refunded", async () => {
    env.fake.vertex.refuseTokens(401);
    await env.useAccounts(env.serviceAccount().account);
    const customer = await newCustomer(env.gateway, CREDITS);

    const answer = await ask(env.gateway, customer.key, "chat-stream");
    env.remember(answer);

    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.raw)).toMatchObject({ error: { code: "upstream_error", type: "upstream_error" } });
    expect(await customer.bill(answer.taskId)).toMatchObject({ status: "refunded", charge: 0 });
    expect(await balanceOf(customer.accountId)).toEqual({ available: CREDITS, held: 0, charged: 0 });
  });
});

describe("a model no configured account serves", () => {
  test("gets the 503 upstream_error without reaching Google or telling how many accounts there are, refunded", async () => {
    const { account } = env.serviceAccount("regional", { location: "us-central1" });
    await env.useAccounts(account, { ...account, name: "regional-2" });
    const customer = await newCustomer(env.gateway, CREDITS);

    const chat = await ask(env.gateway, customer.key, "chat");
    const native = await ask(env.gateway, customer.key, "native-stream");
    env.remember(chat, native);

    for (const answer of [chat, native]) {
      expect(answer.status).toBe(503);
      const { error } = JSON.parse(answer.raw) as { error: { code: string | number; type: string; message: string } };
      // The chat route's envelope, or Google's on the native route, with our code as the reason.
      expect(error).toMatchObject(answer === chat ? { code: "upstream_error", type: "upstream_error" } : { code: 503, type: "upstream_error", details: [{ reason: "upstream_error" }] });
      expect(error.message.replaceAll("gemini-3-flash-preview", "").replace(/Retry in \d+ s/, "")).not.toMatch(/\d|\ball\b|\bonly\b/i);
      expect(await customer.bill(answer.taskId)).toMatchObject({ status: "refunded", charge: 0 });
    }
    expect(env.fake.requests).toEqual([]);
    expect(env.fake.vertex.tokenRequests).toEqual([]);
    expect(await balanceOf(customer.accountId)).toEqual({ available: CREDITS, held: 0, charged: 0 });
  });
});
