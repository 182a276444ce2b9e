import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { verify } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { startFakeGemini } from "../../fake-gemini/server.ts";
import type { FakeGemini } from "../../fake-gemini/server.ts";
import { newServiceAccount, privateKeyFragments, withForeignKey } from "../../support/service-account.ts";
import type { TestServiceAccount } from "../../support/service-account.ts";
import { UpstreamAuthError } from "../../../lambda/upstream/errors.ts";
import { CLOUD_PLATFORM_SCOPE, assertionClaims, signAssertion } from "../../../lambda/upstream/vertex/jwt.ts";
import { AccessTokenCache, refreshAt } from "../../../lambda/upstream/vertex/token-cache.ts";
import type { Exchange } from "../../../lambda/upstream/vertex/token-cache.ts";
import { exchangeForAccessToken } from "../../../lambda/upstream/vertex/token-exchange.ts";
import type { AccessToken } from "../../../lambda/upstream/vertex/token-exchange.ts";
import { deadUrl, rejectionOf, startScripted } from "./fixtures.ts";

const JAN_1 = Date.parse("2026-01-01T00:00:00Z");

function decode(segment: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(segment ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

/** Asserts that nothing a person could read of `error` holds one of `secrets`. */
function expectNoneOf(error: unknown, secrets: readonly string[]): void {
  const renderings = [String(error), inspect(error, { depth: 5 }), JSON.stringify(error) ?? "", error instanceof Error ? (error.stack ?? "") : ""];
  for (const text of renderings) for (const secret of secrets) expect(text).not.toContain(secret);
}

describe("Vertex service-account auth", () => {
  let fake: FakeGemini;
  let sa: TestServiceAccount;

  beforeAll(async () => {
    fake = await startFakeGemini();
    sa = newServiceAccount(fake);
  });
  beforeEach(() => fake.reset());
  afterAll(() => fake.close());

  describe("the signed assertion", () => {
    test("claims iss, the cloud-platform scope, aud = token_uri as given, and an hour from iat to exp", () => {
      expect(assertionClaims(sa.key, JAN_1 + 999)).toEqual({
        iss: sa.key.client_email,
        scope: CLOUD_PLATFORM_SCOPE,
        aud: sa.key.token_uri,
        iat: JAN_1 / 1000,
        exp: JAN_1 / 1000 + 3600,
      });
    });

    test("is an RS256 JWS whose signature verifies with the service account's public key and names its key id", () => {
      const [header, claims, signature] = signAssertion(sa.key, JAN_1).split(".");

      expect(decode(header)).toEqual({ alg: "RS256", typ: "JWT", kid: sa.key.private_key_id });
      expect(decode(claims)).toEqual(assertionClaims(sa.key, JAN_1));
      expect(verify("sha256", Buffer.from(`${header}.${claims}`), sa.publicKey, Buffer.from(signature ?? "", "base64url"))).toBe(true);
      expect(verify("sha256", Buffer.from(`${header}.${claims}x`), sa.publicKey, Buffer.from(signature ?? "", "base64url"))).toBe(false);
    });

    test("a private key that cannot sign is refused without quoting the key", () => {
      const broken = { ...sa.key, private_key: sa.key.private_key.replace(/[A-Za-z]{10}/, "!!!!!!!!!!") };

      let error: unknown;
      try {
        signAssertion(broken, JAN_1);
      } catch (caught) {
        error = caught;
      }

      expect(error).toBeInstanceOf(UpstreamAuthError);
      expect(error).toMatchObject({ failure: "refused", message: expect.stringContaining(sa.key.client_email) });
      expectNoneOf(error, privateKeyFragments(broken));
    });
  });

  describe("the token exchange", () => {
    test("posts the JWT-bearer grant to token_uri and returns the token with its expiry", async () => {
      const clock = Date.now();
      const token = await exchangeForAccessToken(sa.key, { now: () => clock });

      expect(token).toEqual({ token: expect.stringMatching(/^ya29\./), issuedAtMs: clock, expiresAtMs: clock + 3_600_000 });
      expect(fake.vertex.tokenRequests).toEqual([expect.objectContaining({ outcome: "issued", claims: expect.objectContaining({ aud: `${fake.url}/token` }) })]);
    });

    test.each([
      ["a 401 from the token endpoint", () => fake.vertex.refuseTokens(401), () => sa.key, /401 invalid_client/],
      ["a key Google does not know (bad signature)", () => undefined, () => withForeignKey(sa), /400 invalid_grant \(Invalid JWT Signature\.\)/],
    ])("%s is a refusal that names the account, not its key or assertion", async (_what, arrange, key, message) => {
      arrange();
      const used = key();

      const error = await rejectionOf(exchangeForAccessToken(used));

      expect(error).toBeInstanceOf(UpstreamAuthError);
      expect(error).toMatchObject({ failure: "refused", message: expect.stringMatching(message) });
      expect(String(error)).toContain(sa.key.client_email);
      expectNoneOf(error, privateKeyFragments(used));
    });

    test("an unreachable endpoint, a 5xx and an answer without a token are the endpoint's fault, not the key's", async () => {
      const failing = await startScripted((_req, res) => res.writeHead(503).end("busy"));
      const empty = await startScripted((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"token_type":"Bearer"}'));
      try {
        for (const tokenUri of [await deadUrl(), failing.url, empty.url]) {
          const error = await rejectionOf(exchangeForAccessToken({ ...sa.key, token_uri: tokenUri }));
          expect(error).toMatchObject({ name: "UpstreamAuthError", failure: "unavailable" });
        }
      } finally {
        await failing.close();
        await empty.close();
      }
    });

    test("an error description that echoes the assertion is redacted", async () => {
      const echo = createServer((req, res) => {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
          const assertion = new URLSearchParams(body).get("assertion") ?? "";
          res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "invalid_grant", error_description: `bad ${assertion}` }));
        });
      });
      await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
      try {
        const { port } = echo.address() as AddressInfo;
        const error = await rejectionOf(exchangeForAccessToken({ ...sa.key, token_uri: `http://127.0.0.1:${port}/token` }));
        expect(String(error)).toContain("400 invalid_grant (bad [redacted])");
        expect(String(error)).not.toMatch(/eyJ/);
      } finally {
        await new Promise((resolve) => echo.close(resolve));
      }
    });
  });

  describe("the token cache", () => {
    function countingExchange(lifetimeMs = 3_600_000) {
      const calls: number[] = [];
      const exchange: Exchange = async (_key, options) => {
        const issuedAtMs = options.now?.() ?? 0;
        calls.push(issuedAtMs);
        return { token: `token-${calls.length}`, issuedAtMs, expiresAtMs: issuedAtMs + lifetimeMs };
      };
      return { calls, exchange };
    }

    test("fetches once and reuses the token until five minutes before it expires, then fetches a new one", async () => {
      let clock = JAN_1;
      const { calls, exchange } = countingExchange();
      const cache = new AccessTokenCache({ now: () => clock, exchange });

      const first = await cache.tokenFor(sa.key);
      clock = JAN_1 + 3_300_000 - 1;
      const reused = await cache.tokenFor(sa.key);
      clock = JAN_1 + 3_300_000;
      const refreshed = await cache.tokenFor(sa.key);

      expect([first, reused, refreshed]).toEqual(["token-1", "token-1", "token-2"]);
      expect(calls).toEqual([JAN_1, JAN_1 + 3_300_000]);
    });

    test("a short-lived token is refreshed halfway through its life", () => {
      const token: AccessToken = { token: "t", issuedAtMs: 1_000, expiresAtMs: 3_000 };

      expect(refreshAt(token)).toBe(2_000);
      expect(refreshAt({ token: "t", issuedAtMs: 0, expiresAtMs: 3_600_000 })).toBe(3_300_000);
    });

    test("concurrent callers share one exchange", async () => {
      let release = () => undefined as void;
      const calls: number[] = [];
      const exchange: Exchange = async () => {
        calls.push(1);
        await new Promise<void>((resolve) => (release = resolve));
        return { token: "shared", issuedAtMs: 0, expiresAtMs: Number.MAX_SAFE_INTEGER };
      };
      const cache = new AccessTokenCache({ now: () => 0, exchange });

      const waiting = Promise.all(Array.from({ length: 5 }, () => cache.tokenFor(sa.key)));
      await new Promise((resolve) => setImmediate(resolve));
      release();

      expect(await waiting).toEqual(Array(5).fill("shared"));
      expect(calls).toHaveLength(1);
    });

    test("keeps service accounts apart, and a replaced key file gets its own token", async () => {
      const { calls, exchange } = countingExchange();
      const cache = new AccessTokenCache({ now: () => JAN_1, exchange });
      const other = newServiceAccount(fake);

      const tokens = [await cache.tokenFor(sa.key), await cache.tokenFor(other.key), await cache.tokenFor(withForeignKey(sa)), await cache.tokenFor(sa.key)];

      expect(tokens).toEqual(["token-1", "token-2", "token-3", "token-1"]);
      expect(calls).toHaveLength(3);
    });

    test("a failed exchange is not cached, and a forgotten token is fetched again", async () => {
      let fail = true;
      const { calls, exchange } = countingExchange();
      const flaky: Exchange = (key, options) => (fail ? Promise.reject(new UpstreamAuthError("unavailable", "down")) : exchange(key, options));
      const cache = new AccessTokenCache({ now: () => JAN_1, exchange: flaky });

      await expect(cache.tokenFor(sa.key)).rejects.toThrow("down");
      fail = false;
      const first = await cache.tokenFor(sa.key);
      cache.forget(sa.key, "not-the-cached-one");
      const kept = await cache.tokenFor(sa.key);
      cache.forget(sa.key, first);
      const replaced = await cache.tokenFor(sa.key);

      expect([first, kept, replaced]).toEqual(["token-1", "token-1", "token-2"]);
      expect(calls).toHaveLength(2);
    });

    test("a caller that gives up leaves the shared exchange to the others", async () => {
      let release = () => undefined as void;
      const exchange: Exchange = async () => {
        await new Promise<void>((resolve) => (release = resolve));
        return { token: "late", issuedAtMs: 0, expiresAtMs: Number.MAX_SAFE_INTEGER };
      };
      const cache = new AccessTokenCache({ now: () => 0, exchange });
      const impatient = new AbortController();

      const abandoned = rejectionOf(cache.tokenFor(sa.key, impatient.signal));
      const patient = cache.tokenFor(sa.key);
      impatient.abort(new Error("client left"));
      release();

      expect(await abandoned).toMatchObject({ message: "client left" });
      expect(await patient).toBe("late");
    });
  });
});
