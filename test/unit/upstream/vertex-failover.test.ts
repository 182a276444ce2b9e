import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { inspect } from "node:util";
import { startFakeGemini } from "../../fake-gemini/server.ts";
import type { FakeGemini } from "../../fake-gemini/server.ts";
import { newServiceAccount, privateKeyFragments, withForeignKey } from "../../support/service-account.ts";
import type { TestServiceAccount } from "../../support/service-account.ts";
import { InvalidRequestError, UpstreamError } from "../../../lambda/domain/errors.ts";
import type { UpstreamAccount, VertexServiceAccount } from "../../../lambda/upstream/accounts.ts";
import { UpstreamHttpError } from "../../../lambda/upstream/errors.ts";
import { countTokens, generate, openStream } from "../../../lambda/upstream/failover.ts";
import type { FailoverDeps } from "../../../lambda/upstream/failover.ts";
import { countTokens as clientCountTokens, generateContent, streamGenerateContent } from "../../../lambda/upstream/gemini-client.ts";
import { AccountPool } from "../../../lambda/upstream/pool.ts";
import { FLASH, HELLO, KEY_A, collect, deadUrl, finishReasonOf, rejectionOf, staticSource, textOf } from "./fixtures.ts";

const TIMEOUTS = { firstByteMs: 2_000, idleMs: 2_000 };
const EXPRESS_KEY = "AQ.Ab8RN6-express-mode-key-0123456789abcdef";
const LITE = "gemini-3.1-flash-lite";

describe("Vertex AI accounts through the shared client and failover", () => {
  let fake: FakeGemini;
  let sa: TestServiceAccount;
  let vertex: VertexServiceAccount;
  let studio: UpstreamAccount;
  let pool: AccountPool;
  let clock: number;

  const deps = (...accounts: UpstreamAccount[]): FailoverDeps => ({ source: staticSource(accounts), pool, now: () => clock, timeouts: TIMEOUTS });
  const platformsTried = () => fake.requests.map((request) => request.platform);

  /** Nothing that could be printed of `value` holds the private key or any token the fake issued. */
  function expectNoVertexSecrets(value: unknown): void {
    const renderings = [String(value), inspect(value, { depth: 6 }), JSON.stringify(value) ?? "", value instanceof Error ? (value.stack ?? "") : ""];
    const secrets = [...privateKeyFragments(sa.key), ...fake.vertex.issuedTokens(), EXPRESS_KEY, KEY_A];
    for (const text of renderings) for (const secret of secrets) expect(text).not.toContain(secret);
  }

  beforeAll(async () => {
    fake = await startFakeGemini({ apiKeys: [KEY_A], vertexApiKeys: [EXPRESS_KEY] });
    studio = { name: "studio", apiKey: KEY_A, baseUrl: fake.url };
  });
  beforeEach(() => {
    fake.reset();
    // A service account of its own per test, so the instance's token cache starts empty for it.
    sa = newServiceAccount(fake);
    vertex = { kind: "vertex", name: "vertex-sa", serviceAccount: sa.key, baseUrl: fake.url };
    pool = new AccountPool();
    clock = 1_000_000;
  });
  afterAll(() => fake.close());

  describe("the client", () => {
    test("streams over a service account: one token exchange, then the bearer token on the project/location path", async () => {
      const chunks = await collect(await streamGenerateContent({ account: vertex, model: FLASH, body: HELLO, timeouts: TIMEOUTS }));
      const again = await generateContent({ account: vertex, model: FLASH, body: HELLO, timeouts: TIMEOUTS });

      expect(textOf(chunks)).toContain("Hello from gemini-3-flash-preview");
      expect(finishReasonOf(chunks.at(-1))).toBe("STOP");
      expect(textOf([again])).toContain("Hello from");
      expect(fake.vertex.tokenRequests).toEqual([expect.objectContaining({ outcome: "issued", clientEmail: sa.key.client_email })]);
      expect(fake.requests).toEqual([
        expect.objectContaining({ platform: "vertex", serviceAccount: sa.key.client_email, project: "gateway-test", location: "global", action: "streamGenerateContent", query: { alt: "sse" } }),
        expect.objectContaining({ platform: "vertex", serviceAccount: sa.key.client_email, action: "generateContent" }),
      ]);
      expect(fake.requests[0]?.bearer).toBe(fake.vertex.issuedTokens()[0]);
    });

    test("an express-mode key goes in x-goog-api-key on the publisher path", async () => {
      const express: UpstreamAccount = { kind: "vertex", name: "express", apiKey: EXPRESS_KEY, baseUrl: fake.url };

      const chunks = await collect(await streamGenerateContent({ account: express, model: FLASH, body: HELLO, timeouts: TIMEOUTS }));

      expect(textOf(chunks)).toContain("Hello from");
      expect(fake.requests[0]).toMatchObject({ platform: "vertex", apiKey: EXPRESS_KEY, path: `/v1/publishers/google/models/${FLASH}:streamGenerateContent` });
      expect(fake.vertex.tokenRequests).toEqual([]);
    });

    test("countTokens unwraps generateContentRequest for Vertex and counts as AI Studio does", async () => {
      const wrapped = { generateContentRequest: { model: `models/${FLASH}`, ...HELLO } };

      const viaVertex = await clientCountTokens({ account: vertex, model: FLASH, body: wrapped, timeouts: TIMEOUTS });
      const viaStudio = await clientCountTokens({ account: studio, model: FLASH, body: wrapped, timeouts: TIMEOUTS });

      expect(viaVertex).toEqual(viaStudio);
      expect(fake.requests[0]?.body).toEqual(HELLO);
    });

    test("Vertex's array-wrapped 429 with legacy errors[] maps as Google's does", async () => {
      fake.inject({ fault: { kind: "status", status: 429 }, platform: "vertex" });

      const error = await rejectionOf(streamGenerateContent({ account: vertex, model: FLASH, body: HELLO, timeouts: TIMEOUTS }));

      expect(error).toBeInstanceOf(UpstreamHttpError);
      expect(error).toMatchObject({ status: 429, googleStatus: "RESOURCE_EXHAUSTED", reason: "rateLimitExceeded", retryAfterMs: undefined, platform: "vertex" });
      expect(String(error)).toContain("Resource exhausted. Please try again later.");
    });

    test("a token Vertex answers 401 for is dropped, so the next call exchanges a new one", async () => {
      await generateContent({ account: vertex, model: FLASH, body: HELLO, timeouts: TIMEOUTS });
      fake.inject({ fault: { kind: "status", status: 401 }, platform: "vertex" });

      const refused = await rejectionOf(generateContent({ account: vertex, model: FLASH, body: HELLO, timeouts: TIMEOUTS }));
      await generateContent({ account: vertex, model: FLASH, body: HELLO, timeouts: TIMEOUTS });

      expect(refused).toMatchObject({ status: 401 });
      expect(fake.vertex.tokenRequests.map((request) => request.outcome)).toEqual(["issued", "issued"]);
      expect(fake.requests[2]?.bearer).not.toBe(fake.requests[0]?.bearer);
    });

    test("an upstream message that quotes the access token or the express key is redacted", async () => {
      const express: UpstreamAccount = { kind: "vertex", name: "express", apiKey: EXPRESS_KEY, baseUrl: fake.url };
      fake.inject({ fault: { kind: "status", status: 400, message: "Bad credential {credential} here." }, platform: "vertex", times: 2 });

      const viaToken = await rejectionOf(generateContent({ account: vertex, model: FLASH, body: HELLO, timeouts: TIMEOUTS }));
      const viaKey = await rejectionOf(streamGenerateContent({ account: express, model: FLASH, body: HELLO, timeouts: TIMEOUTS }));

      expect(fake.vertex.issuedTokens()).toContain(fake.requests[0]?.bearer);
      for (const error of [viaToken, viaKey]) {
        expect(error).toMatchObject({ googleMessage: "Bad credential [redacted] here." });
        expectNoVertexSecrets(error);
      }
    });
  });

  describe("failover across kinds", () => {
    test("a token endpoint answering 401 moves to the AI Studio key before any byte and cools the Vertex account for 5 minutes", async () => {
      fake.vertex.refuseTokens(401);

      const stream = await openStream({ model: FLASH, body: HELLO }, deps(vertex, studio));
      await collect(stream.rest);

      expect(stream).toMatchObject({ account: "studio", accountKind: "ai-studio", attempts: 2 });
      expect(platformsTried()).toEqual(["ai-studio"]);
      expect(pool.coolingUntil(vertex)).toBe(clock + 300_000);
    });

    test("a private key Google does not know moves on the same way, and the failure names nothing secret", async () => {
      const foreign: VertexServiceAccount = { ...vertex, serviceAccount: withForeignKey(sa) };

      const result = await generate({ model: FLASH, body: HELLO }, deps(foreign, studio));
      const alone = await rejectionOf(generate({ model: FLASH, body: HELLO }, deps(foreign)));

      expect(result).toMatchObject({ account: "studio", attempts: 2 });
      expect(pool.coolingUntil(foreign)).toBe(clock + 300_000);
      expect(fake.vertex.tokenRequests.map((request) => request.error)).toEqual(["invalid_grant", "invalid_grant"]);
      expect(alone).toBeInstanceOf(UpstreamError);
      expect(String(alone)).toContain("token exchange refused");
      expectNoVertexSecrets(alone);
      expect(String(alone)).not.toContain(foreign.serviceAccount.private_key.split("\n")[1] ?? "");
    });

    test("a Vertex 429 moves to the AI Studio key and cools the Vertex account for the default 30 s", async () => {
      fake.inject({ fault: { kind: "status", status: 429 }, platform: "vertex", times: Infinity });

      const stream = await openStream({ model: FLASH, body: HELLO }, deps(vertex, studio));

      expect(stream).toMatchObject({ account: "studio", accountKind: "ai-studio", attempts: 2 });
      expect(platformsTried()).toEqual(["vertex", "ai-studio"]);
      expect(pool.coolingUntil(vertex)).toBe(clock + 30_000);
      await collect(stream.rest);
    });

    test("an AI Studio failure moves to the Vertex account: the pool orders by health, whatever the kind", async () => {
      fake.inject({ fault: { kind: "status", status: 503 }, platform: "ai-studio", times: Infinity });

      const counted = await countTokens({ model: FLASH, body: HELLO }, deps(studio, vertex));
      const stream = await openStream({ model: FLASH, body: HELLO }, deps(studio, vertex));
      await collect(stream.rest);

      expect(counted).toMatchObject({ account: "vertex-sa", response: { totalTokens: expect.any(Number) } });
      expect(stream).toMatchObject({ account: "vertex-sa", accountKind: "vertex", attempts: 1 });
    });

    test("a Vertex 403 (IAM on another project) is the account's fault; a 403 about a gs:// object is the request's", async () => {
      const otherProject: VertexServiceAccount = { ...vertex, name: "vertex-other-project", project: "someone-else" };
      const moved = await generate({ model: FLASH, body: HELLO }, deps(otherProject, studio));
      const otherProjectCooling = pool.coolingUntil(otherProject);
      fake.reset();
      pool.reset();
      fake.inject({ fault: { kind: "status", status: 403, message: "Permission denied on gs://customer-bucket/a.pdf" }, platform: "vertex" });

      const refused = await rejectionOf(generate({ model: FLASH, body: HELLO }, deps(vertex, studio)));

      expect(moved).toMatchObject({ account: "studio", attempts: 2 });
      expect(otherProjectCooling).toBe(clock + 300_000);
      expect(refused).toBeInstanceOf(InvalidRequestError);
      expect(platformsTried()).toEqual(["vertex"]);
      expect(pool.coolingUntil(vertex)).toBe(0);
    });

    test("an unreachable token endpoint is a transient failure (5 s), not a rejected key", async () => {
      const unreachable: VertexServiceAccount = { ...vertex, serviceAccount: { ...sa.key, token_uri: `${await deadUrl()}/token` } };

      const result = await generate({ model: FLASH, body: HELLO }, deps(unreachable, studio));

      expect(result).toMatchObject({ account: "studio", attempts: 2 });
      expect(pool.coolingUntil(unreachable)).toBe(clock + 5_000);
    });
  });

  describe("only accounts that serve the model are asked", () => {
    test("a regional Vertex account is skipped for a preview model, and used for a GA one in its own location", async () => {
      const regional: VertexServiceAccount = { ...vertex, location: "us-central1" };

      const preview = await generate({ model: FLASH, body: HELLO }, deps(regional, studio));
      pool.reset();
      const ga = await generate({ model: LITE, body: HELLO }, deps(regional, studio));

      expect(preview).toMatchObject({ account: "studio", attempts: 1 });
      expect(ga).toMatchObject({ account: "vertex-sa", attempts: 1 });
      expect(fake.requests.map(({ platform, location }) => [platform, location])).toEqual([["ai-studio", undefined], ["vertex", "us-central1"]]);
    });

    test("with no account serving the model, the 503 says so without telling how many accounts there are", async () => {
      const regional: VertexServiceAccount = { ...vertex, location: "europe-west4" };
      const alsoRegional: VertexServiceAccount = { ...regional, name: "vertex-2" };

      const error = await rejectionOf(openStream({ model: FLASH, body: HELLO }, deps(regional, alsoRegional)));

      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ statusCode: 503, code: "upstream_error", message: expect.stringContaining("gemini-3-flash-preview") });
      expect(String(error).replace("gemini-3-flash-preview", "").replace(/Retry in \d+ s/, "")).not.toMatch(/\d|only|all/i);
      expect(fake.requests).toEqual([]);
      expect(fake.vertex.tokenRequests).toEqual([]);
    });
  });
});
