import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { sign } from "node:crypto";
import { startFakeGemini } from "../../fake-gemini/server.ts";
import type { FakeGemini } from "../../fake-gemini/server.ts";
import { newServiceAccount, withForeignKey } from "../../support/service-account.ts";
import type { TestServiceAccount } from "../../support/service-account.ts";
import { FLASH, userText } from "./wire.ts";

const HELLO = { contents: [userText("Hi")] };
const SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

interface OAuthAnswer {
  status: number;
  body: { access_token?: string; expires_in?: number; token_type?: string; error?: string; error_description?: string };
}

/** A JWT signed with `privateKey`, claims as given: the fake must judge them, not trust them. */
function jwt(claims: Record<string, unknown>, privateKey: string, alg = "RS256"): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${encode({ alg, typ: "JWT" })}.${encode(claims)}`;
  return `${input}.${sign("sha256", Buffer.from(input), privateKey).toString("base64url")}`;
}

describe("the fake's Vertex AI side", () => {
  let fake: FakeGemini;
  let sa: TestServiceAccount;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (overrides: Record<string, unknown> = {}) => ({
    iss: sa.key.client_email,
    scope: SCOPE,
    aud: `${fake.url}/token`,
    iat: now(),
    exp: now() + 3600,
    ...overrides,
  });

  async function exchange(assertion: string, grant = GRANT): Promise<OAuthAnswer> {
    const response = await fetch(`${fake.url}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: grant, assertion }).toString(),
    });
    return { status: response.status, body: (await response.json()) as OAuthAnswer["body"] };
  }

  async function token(): Promise<string> {
    const answer = await exchange(jwt(claims(), sa.key.private_key));
    return answer.body.access_token ?? "";
  }

  function vertexPost(path: string, headers: Record<string, string>, body: unknown = HELLO): Promise<Response> {
    return fetch(`${fake.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  }

  const projectPath = (action: string, location = "global", model = FLASH, project = "gateway-test") =>
    `/v1/projects/${project}/locations/${location}/publishers/google/models/${model}:${action}`;

  beforeAll(async () => {
    fake = await startFakeGemini();
    sa = newServiceAccount(fake);
  });
  beforeEach(() => fake.reset());
  afterAll(() => fake.close());

  describe("the token endpoint", () => {
    test("issues a bearer token with expires_in for an assertion signed by the registered key", async () => {
      const answer = await exchange(jwt(claims(), sa.key.private_key));

      expect(answer).toEqual({ status: 200, body: { access_token: expect.stringMatching(/^ya29\./), expires_in: 3600, token_type: "Bearer" } });
      expect(fake.vertex.tokenRequests).toEqual([expect.objectContaining({ clientEmail: sa.key.client_email, outcome: "issued" })]);
    });

    test.each([
      ["a signature from another key", () => jwt(claims(), withForeignKey(sa).private_key), "Invalid JWT Signature."],
      ["an expired assertion", () => jwt(claims({ iat: now() - 7200, exp: now() - 3600 }), sa.key.private_key), "short-lived token"],
      ["an assertion living over an hour", () => jwt(claims({ exp: now() + 7200 }), sa.key.private_key), "short-lived token"],
      ["another audience", () => jwt(claims({ aud: "https://oauth2.googleapis.com/token" }), sa.key.private_key), "audience"],
      ["an unknown issuer", () => jwt(claims({ iss: "nobody@x.iam.gserviceaccount.com" }), sa.key.private_key), "account not found"],
      ["a JWT that is not signed", () => "not.a-jwt", "not a signed JWT"],
    ])("refuses %s with 400 invalid_grant", async (_what, assertion, description) => {
      const answer = await exchange(assertion());

      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: "invalid_grant", error_description: expect.stringContaining(description) });
    });

    test("refuses an assertion without the cloud-platform scope, and another grant type", async () => {
      expect((await exchange(jwt(claims({ scope: "https://www.googleapis.com/auth/userinfo.email" }), sa.key.private_key))).body.error).toBe("invalid_scope");
      expect((await exchange(jwt(claims(), sa.key.private_key), "client_credentials")).body.error).toBe("unsupported_grant_type");
    });

    test("can be told to answer 401, then issues again", async () => {
      fake.vertex.refuseTokens(401);

      const refused = await exchange(jwt(claims(), sa.key.private_key));
      const issued = await exchange(jwt(claims(), sa.key.private_key));

      expect(refused).toEqual({ status: 401, body: { error: "invalid_client", error_description: expect.any(String) } });
      expect(issued.status).toBe(200);
    });

    test("can be told to issue short-lived tokens, which Vertex then rejects once expired", async () => {
      fake.vertex.issueTokensFor(1);
      const answer = await exchange(jwt(claims(), sa.key.private_key));
      const bearer = { authorization: `Bearer ${answer.body.access_token}` };

      const fresh = await vertexPost(projectPath("generateContent"), bearer);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const stale = await vertexPost(projectPath("generateContent"), bearer);

      expect(answer.body.expires_in).toBe(1);
      expect(fresh.status).toBe(200);
      expect(stale.status).toBe(401);
      expect(await stale.json()).toMatchObject({ error: { status: "UNAUTHENTICATED", details: [expect.objectContaining({ reason: "ACCESS_TOKEN_EXPIRED" })] } });
    });
  });

  describe("the project/location routes", () => {
    test("serve generateContent, SSE streams and countTokens to a valid bearer token, recording who called", async () => {
      const bearer = { authorization: `Bearer ${await token()}` };

      const unary = await vertexPost(projectPath("generateContent"), bearer);
      const stream = await vertexPost(`${projectPath("streamGenerateContent")}?alt=sse`, bearer);
      const counted = await vertexPost(projectPath("countTokens"), bearer);

      expect(unary.status).toBe(200);
      expect(await stream.text()).toMatch(/^data: \{.*"finishReason":"STOP"/m);
      expect(await counted.json()).toEqual(expect.objectContaining({ totalTokens: expect.any(Number) }));
      expect(fake.requests.map(({ platform, serviceAccount, project, location, action }) => ({ platform, serviceAccount, project, location, action }))).toEqual(
        ["generateContent", "streamGenerateContent", "countTokens"].map((action) => ({
          platform: "vertex",
          serviceAccount: sa.key.client_email,
          project: "gateway-test",
          location: "global",
          action,
        })),
      );
    });

    test.each([
      ["no bearer token", {}, "CREDENTIALS_MISSING"],
      ["an unknown bearer token", { authorization: "Bearer ya29.made-up" }, "ACCESS_TOKEN_TYPE_UNSUPPORTED"],
    ])("reject %s with Vertex's 401, array-wrapped on a stream", async (_what, headers, reason) => {
      const unary = await vertexPost(projectPath("generateContent"), headers);
      const stream = await vertexPost(`${projectPath("streamGenerateContent")}?alt=sse`, headers);

      expect(unary.status).toBe(401);
      expect(await unary.json()).toMatchObject({ error: { code: 401, status: "UNAUTHENTICATED", details: [expect.objectContaining({ reason })], errors: [{ reason: "unauthorized" }] } });
      expect(stream.status).toBe(401);
      expect(await stream.json()).toEqual([{ error: expect.objectContaining({ code: 401, status: "UNAUTHENTICATED" }) }]);
    });

    test("refuse another project with 403 IAM_PERMISSION_DENIED, and a preview model outside global with 404", async () => {
      const bearer = { authorization: `Bearer ${await token()}` };

      const otherProject = await vertexPost(projectPath("generateContent", "global", FLASH, "someone-else"), bearer);
      const regional = await vertexPost(projectPath("generateContent", "us-central1"), bearer);
      const regionalGa = await vertexPost(projectPath("generateContent", "us-central1", "gemini-3.1-flash-lite"), bearer);

      expect(otherProject.status).toBe(403);
      expect(await otherProject.json()).toMatchObject({ error: { status: "PERMISSION_DENIED", details: [expect.objectContaining({ reason: "IAM_PERMISSION_DENIED" })] } });
      expect(regional.status).toBe(404);
      expect(await regional.json()).toMatchObject({ error: { message: expect.stringContaining("Publisher Model") } });
      expect(regionalGa.status).toBe(200);
    });

    test("refuse countTokens' generateContentRequest wrapper, which only the Gemini API has", async () => {
      const bearer = { authorization: `Bearer ${await token()}` };

      const wrapped = await vertexPost(projectPath("countTokens"), bearer, { generateContentRequest: { model: `models/${FLASH}`, ...HELLO } });

      expect(wrapped.status).toBe(400);
      expect(await wrapped.json()).toMatchObject({ error: { message: expect.stringContaining('Unknown name "generateContentRequest"') } });
    });

    test("answer an injected 429 with Vertex's envelope: array-wrapped, legacy errors[], no RetryInfo", async () => {
      const bearer = { authorization: `Bearer ${await token()}` };
      fake.inject({ fault: { kind: "status", status: 429 }, platform: "vertex", serviceAccount: sa.key.client_email });

      const response = await vertexPost(`${projectPath("streamGenerateContent")}?alt=sse`, bearer);
      const [envelope] = (await response.json()) as [{ error: Record<string, unknown> }];

      expect(response.status).toBe(429);
      expect(envelope.error).toEqual({
        code: 429,
        status: "RESOURCE_EXHAUSTED",
        message: expect.stringContaining("Resource exhausted. Please try again later."),
        errors: [{ message: expect.stringContaining("Resource exhausted"), domain: "global", reason: "rateLimitExceeded" }],
      });
    });
  });

  describe("the express-mode route", () => {
    test("serves an API key in x-goog-api-key without project or location", async () => {
      const response = await vertexPost(`/v1/publishers/google/models/${FLASH}:streamGenerateContent?alt=sse`, { "x-goog-api-key": "AQ.express-key" });

      expect(response.status).toBe(200);
      expect(fake.requests[0]).toMatchObject({ platform: "vertex", apiKey: "AQ.express-key", project: undefined, location: undefined });
    });

    test("refuses a missing key as Vertex does, and AI Studio faults do not reach it", async () => {
      fake.inject({ fault: { kind: "status", status: 503 }, platform: "ai-studio", times: Infinity });

      const missing = await vertexPost(`/v1/publishers/google/models/${FLASH}:generateContent`, {});
      const served = await vertexPost(`/v1/publishers/google/models/${FLASH}:generateContent`, { "x-goog-api-key": "AQ.express-key" });

      expect(missing.status).toBe(403);
      expect(await missing.json()).toMatchObject({ error: { status: "PERMISSION_DENIED", errors: [{ reason: "forbidden" }] } });
      expect(served.status).toBe(200);
    });
  });
});
