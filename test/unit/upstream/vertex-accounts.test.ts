import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { startFakeGemini } from "../../fake-gemini/server.ts";
import type { FakeGemini } from "../../fake-gemini/server.ts";
import { newServiceAccount, privateKeyFragments } from "../../support/service-account.ts";
import type { TestServiceAccount } from "../../support/service-account.ts";
import { AccountListError, accountKind, accountPlacement, parseAccountList, serializeAccountList, withDefaultBaseUrl } from "../../../lambda/upstream/accounts.ts";
import { accountSourceFromEnv } from "../../../lambda/upstream/sources.ts";
import { KEY_A, errorOf } from "./fixtures.ts";

const EXPRESS_KEY = "AQ.Ab8RN6-express-mode-key-0123456789abcdef";

describe("Vertex AI accounts in the upstream account list", () => {
  let fake: FakeGemini;
  let sa: TestServiceAccount;
  let secrets: string[];

  function expectNoSecrets(error: unknown): void {
    const renderings = [String(error), inspect(error, { depth: 5 }), JSON.stringify(error) ?? "", error instanceof Error ? (error.stack ?? "") : ""];
    for (const text of renderings) for (const secret of secrets) expect(text).not.toContain(secret);
  }

  beforeAll(async () => {
    fake = await startFakeGemini();
    sa = newServiceAccount(fake, { projectId: "acme-prod" });
    secrets = [...privateKeyFragments(sa.key), EXPRESS_KEY, KEY_A, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"];
  });
  afterAll(() => fake.close());

  test("parses a service account (key file kept as issued) and an express key beside an AI Studio key", () => {
    const list = {
      accounts: [
        { name: "studio", apiKey: KEY_A },
        { kind: "vertex", name: "sa", serviceAccount: sa.key, location: "us-central1", project: "other-project", baseUrl: "http://127.0.0.1:9/" },
        { kind: "vertex", name: "express", apiKey: EXPRESS_KEY },
      ],
    };

    const accounts = parseAccountList(JSON.stringify(list));

    expect(accounts).toEqual([
      { name: "studio", apiKey: KEY_A },
      { kind: "vertex", name: "sa", serviceAccount: sa.key, location: "us-central1", project: "other-project", baseUrl: "http://127.0.0.1:9" },
      { kind: "vertex", name: "express", apiKey: EXPRESS_KEY },
    ]);
    expect(accounts.map(accountKind)).toEqual(["ai-studio", "vertex", "vertex"]);
    expect(accounts.map(accountPlacement)).toEqual([{ kind: "ai-studio" }, { kind: "vertex", location: "us-central1" }, { kind: "vertex", location: "global" }]);
    expect(parseAccountList(serializeAccountList(accounts))).toEqual(accounts);
  });

  test("GEMINI_BASE_URL fills in AI Studio accounts only: it is not Vertex's host", () => {
    const accounts = withDefaultBaseUrl(parseAccountList(JSON.stringify({ accounts: [{ name: "a", apiKey: KEY_A }, { kind: "vertex", name: "v", apiKey: EXPRESS_KEY }] })), "http://fake");

    expect(accounts.map((account) => account.baseUrl)).toEqual(["http://fake", undefined]);
  });

  test.each([
    ["both a key file and a key", (key: object) => ({ kind: "vertex", name: "v", serviceAccount: key, apiKey: EXPRESS_KEY }), /#1 \("v"\) needs exactly one of "serviceAccount".*or "apiKey"/],
    ["neither", () => ({ kind: "vertex", name: "v" }), /#1 \("v"\) needs exactly one of/],
    ["an unknown kind", () => ({ kind: "bedrock", name: "v", apiKey: EXPRESS_KEY }), /"kind" must be "ai-studio" or "vertex"/],
    ["a location on an express key", () => ({ kind: "vertex", name: "v", apiKey: EXPRESS_KEY, location: "us-central1" }), /apply to service accounts only/],
    ["a key file that is not an object", () => ({ kind: "vertex", name: "v", serviceAccount: "sa.json" }), /"serviceAccount" must be the JSON key file/],
    ["a user credential instead of a service account", (key: object) => ({ kind: "vertex", name: "v", serviceAccount: { ...key, type: "authorized_user" } }), /"authorized_user" credential/],
    ["a key file without client_email", (key: object) => ({ kind: "vertex", name: "v", serviceAccount: { ...key, client_email: "" } }), /needs a non-empty "client_email"/],
    ["a private key that is not PEM", (key: object) => ({ kind: "vertex", name: "v", serviceAccount: { ...key, private_key: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" } }), /"private_key" as Google issues it/],
    ["a token_uri that is not a URL", (key: object) => ({ kind: "vertex", name: "v", serviceAccount: { ...key, token_uri: "oauth2" } }), /"token_uri" must be an http\(s\) URL/],
    ["no project anywhere", (key: object) => ({ kind: "vertex", name: "v", serviceAccount: { ...key, project_id: undefined } }), /needs a "project": its key file has no "project_id"/],
    ["a location that is not one", (key: object) => ({ kind: "vertex", name: "v", serviceAccount: key, location: "us central" }), /"location" must be a Vertex location/],
  ])("rejects %s with a message naming the account, never quoting a key", (_what, entry, message) => {
    const error = errorOf(JSON.stringify({ accounts: [entry(sa.key)] }));

    expect(error).toBeInstanceOf(AccountListError);
    expect(String(error)).toMatch(message);
    expectNoSecrets(error);
  });

  test("GOOGLE_APPLICATION_CREDENTIALS adds a Vertex account env-vertex beside GEMINI_API_KEY, in VERTEX_LOCATION", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gw-gac-"));
    try {
      const path = join(dir, "sa.json");
      await writeFile(path, JSON.stringify(sa.key));

      const accounts = await accountSourceFromEnv({ GEMINI_API_KEY: KEY_A, GOOGLE_APPLICATION_CREDENTIALS: path, VERTEX_LOCATION: "europe-west4" }).accounts();
      const global = await accountSourceFromEnv({ GOOGLE_APPLICATION_CREDENTIALS: path }).accounts();

      expect(accounts.map((account) => [account.name, accountKind(account)])).toEqual([["env-1", "ai-studio"], ["env-vertex", "vertex"]]);
      expect(accounts[1]).toEqual({ kind: "vertex", name: "env-vertex", serviceAccount: sa.key, location: "europe-west4" });
      expect(global.map(accountPlacement)).toEqual([{ kind: "vertex", location: "global" }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a GOOGLE_APPLICATION_CREDENTIALS file that is missing or not JSON is named, its content never quoted", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gw-gac-"));
    try {
      const broken = join(dir, "broken.json");
      await writeFile(broken, JSON.stringify(sa.key).slice(0, -10));

      const missing = await accountSourceFromEnv({ GOOGLE_APPLICATION_CREDENTIALS: join(dir, "none.json") }).accounts().catch((error: unknown) => error);
      const unreadable = await accountSourceFromEnv({ GOOGLE_APPLICATION_CREDENTIALS: broken }).accounts().catch((error: unknown) => error);

      expect(String(missing)).toMatch(/GOOGLE_APPLICATION_CREDENTIALS \(.*none\.json\) does not exist/);
      expect(String(unreadable)).toMatch(/GOOGLE_APPLICATION_CREDENTIALS \(.*broken\.json\) is not valid JSON/);
      expectNoSecrets(unreadable);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
