import { describe, expect, test } from "@jest/globals";
import { balanceOf, newCustomer, settledTask } from "../support/gateway-fixture.ts";
import { ROUTES, ask, type Answer } from "../support/raw-calls.ts";
import { EXPRESS_KEY, useVertexGateway } from "../support/vertex-gateway.ts";

const env = useVertexGateway();
const CREDITS = 10_000_000;

/** Asks, remembering the answer for the leak checks. */
async function askAs(key: string, route: (typeof ROUTES)[number]): Promise<Answer> {
  const answer = await ask(env.gateway, key, route);
  env.remember(answer);
  return answer;
}


describe("both routes over a Vertex AI account", () => {
  const cases = ["a service account", "an express key"].flatMap((kind) => ROUTES.map((route) => [kind, route] as const));

  test.each(cases)("over %s: %s answers, is billed exactly, and its task names the account and its kind", async (kind, route) => {
    const account = kind === "a service account" ? env.serviceAccount().account : env.express;
    await env.useAccounts(account);
    const customer = await newCustomer(env.gateway, CREDITS);

    const answer = await askAs(customer.key, route);
    const bill = await customer.bill(answer.taskId);

    expect(answer).toMatchObject({ status: 200, inBandError: false });
    expect(answer.output).toContain("Hello from gemini-3-flash-preview");
    expect(env.fake.requests).toEqual([expect.objectContaining({ platform: "vertex", action: "streamGenerateContent" })]);
    if (kind === "a service account") expect(env.fake.requests[0]).toMatchObject({ project: "gateway-test", location: "global", bearer: expect.stringMatching(/^ya29\./) });
    else expect(env.fake.requests[0]).toMatchObject({ apiKey: EXPRESS_KEY, project: undefined, bearer: undefined });
    expect(await settledTask(answer.taskId)).toMatchObject({ status: "settled", upstreamAccount: account.name, upstreamKind: "vertex", hold: answer.expectedHold });
    expect(bill).toMatchObject({ status: "settled", charge: answer.expectedCharge, refund: answer.expectedHold - answer.expectedCharge, upstream_kind: "vertex" });
    expect(answer.expectedCharge).toBeGreaterThan(0);
    expect(await balanceOf(customer.accountId)).toEqual({ available: CREDITS - answer.expectedCharge, held: 0, charged: answer.expectedCharge });
  });

  test("countTokens over a service account is Google's count, free", async () => {
    await env.useAccounts(env.serviceAccount().account);
    const customer = await newCustomer(env.gateway, CREDITS);

    const response = await fetch(`${env.gateway.url}/v1beta/models/gemini-3-flash:countTokens`, {
      method: "POST",
      headers: { "x-goog-api-key": customer.key },
      body: JSON.stringify({ generateContentRequest: { model: "models/gemini-3-flash", contents: [{ role: "user", parts: [{ text: "Count me" }] }] } }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(expect.objectContaining({ totalTokens: expect.any(Number) }));
    expect(env.fake.requests).toEqual([expect.objectContaining({ platform: "vertex", action: "countTokens", body: { contents: [{ role: "user", parts: [{ text: "Count me" }] }] } })]);
    expect(await balanceOf(customer.accountId)).toEqual({ available: CREDITS, held: 0, charged: 0 });
  });
});

describe("the service account's access token", () => {
  test("is fetched once and reused across requests on both routes", async () => {
    await env.useAccounts(env.serviceAccount().account);
    const customer = await newCustomer(env.gateway, CREDITS);

    for (const route of ROUTES) expect((await askAs(customer.key, route)).status).toBe(200);

    expect(env.fake.vertex.tokenRequests).toEqual([expect.objectContaining({ outcome: "issued" })]);
    expect(new Set(env.fake.requests.map((request) => request.bearer)).size).toBe(1);
    expect(env.fake.requests).toHaveLength(ROUTES.length);
  });

  test("is exchanged again once it has expired, and the new one is used", async () => {
    env.fake.vertex.issueTokensFor(1);
    await env.useAccounts(env.serviceAccount().account);
    const customer = await newCustomer(env.gateway, CREDITS);

    const first = await askAs(customer.key, "chat");
    const [expired = ""] = env.fake.requests.map((request) => request.bearer);
    // Past the token's one-second life at the fake: reusing it would be refused.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const second = await askAs(customer.key, "native-stream");

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(() => env.fake.vertex.authenticate(`Bearer ${expired}`)).toThrow(/invalid authentication credentials/);
    expect(env.fake.vertex.tokenRequests.map((request) => request.outcome)).toEqual(["issued", "issued"]);
    const bearers = env.fake.requests.map((request) => request.bearer);
    expect(bearers).toHaveLength(2);
    expect(bearers[0]).toBe(expired);
    expect(bearers[1]).not.toBe(expired);
    expect(await settledTask(second.taskId)).toMatchObject({ status: "settled", upstreamKind: "vertex" });
  });
});

describe("upstream secrets", () => {
  test("an upstream error that quotes the access token reaches the customer redacted", async () => {
    await env.useAccounts(env.serviceAccount().account);
    const customer = await newCustomer(env.gateway, CREDITS);
    env.fake.inject({ fault: { kind: "status", status: 400, message: "Token {credential} is not allowed for this request." }, platform: "vertex" });

    const refused = await askAs(customer.key, "native");

    expect(refused.status).toBe(400);
    expect(refused.raw).toContain("Token [redacted] is not allowed");
    expect(await customer.bill(refused.taskId)).toMatchObject({ status: "refunded", charge: 0 });
    expect(env.fake.vertex.issuedTokens()).toContain(env.fake.requests[0]?.bearer);
  });
});
