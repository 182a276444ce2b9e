import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import type { GetSecretValueCommand, GetSecretValueCommandOutput, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import type { UpstreamAccount } from "../../../lambda/upstream/accounts.ts";
import {
  accountSourceFromEnv,
  localSource,
  readAccountsFile,
  readSecretAccounts,
  secretsManagerSource,
  writeAccountsFile,
  writeSecretAccounts,
} from "../../../lambda/upstream/sources.ts";
import { KEY_A, KEY_B, KEY_C, expectNoKeys, rejectionOf } from "./fixtures.ts";

const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:upstream-AbCdEf";
const GOOGLE = "https://generativelanguage.googleapis.com";

/** A stand-in for SecretsManagerClient that serves `value` and counts reads. */
function secretStub(value: { current: string | Error }) {
  const reads: (string | undefined)[] = [];
  return {
    reads,
    client: {
      send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput> {
        reads.push(command.input.SecretId);
        if (value.current instanceof Error) return Promise.reject(value.current);
        return Promise.resolve({ $metadata: {}, SecretString: value.current });
      },
    },
  };
}

function list(...accounts: UpstreamAccount[]): string {
  return JSON.stringify({ accounts });
}

describe("the Secrets Manager source", () => {
  test("reads the secret once per TTL and again after it", async () => {
    const value = { current: list({ name: "main", apiKey: KEY_A }) };
    const { client, reads } = secretStub(value);
    let clock = 0;
    const source = secretsManagerSource(ARN, { client, ttlMs: 60_000, now: () => clock });

    const first = await source.accounts();
    value.current = list({ name: "main", apiKey: KEY_A }, { name: "added", apiKey: KEY_B });
    clock = 59_999;
    const cached = await source.accounts();
    clock = 60_000;
    const refreshed = await source.accounts();

    expect(first).toEqual([{ name: "main", apiKey: KEY_A, baseUrl: GOOGLE }]);
    expect(cached).toBe(first);
    expect(refreshed.map((account) => account.name)).toEqual(["main", "added"]);
    expect(reads).toEqual([ARN, ARN]);
  });

  test("concurrent callers share one read", async () => {
    const { client, reads } = secretStub({ current: list({ name: "main", apiKey: KEY_A }) });
    const source = secretsManagerSource(ARN, { client });

    await Promise.all([source.accounts(), source.accounts(), source.accounts()]);

    expect(reads).toHaveLength(1);
  });

  test("keeps serving the last good list when a refresh fails", async () => {
    const value: { current: string | Error } = { current: list({ name: "main", apiKey: KEY_A }) };
    const { client } = secretStub(value);
    let clock = 0;
    const source = secretsManagerSource(ARN, { client, ttlMs: 1_000, now: () => clock });

    await source.accounts();
    value.current = new Error("ThrottlingException");
    clock = 5_000;

    expect((await source.accounts()).map((account) => account.name)).toEqual(["main"]);
  });

  test("fails when the first read fails, and a malformed secret's error never quotes it", async () => {
    const { client } = secretStub({ current: `{"accounts":[{"name":"main","apiKey":"${KEY_A}"` });

    const error = await rejectionOf(secretsManagerSource(ARN, { client }).accounts());

    expect(String(error)).toMatch(/not valid JSON/);
    expectNoKeys(error);
  });

  test("applies the default base URL to accounts that name none", async () => {
    const { client } = secretStub({ current: list({ name: "a", apiKey: KEY_A }, { name: "b", apiKey: KEY_B, baseUrl: "http://b" }) });

    const accounts = await secretsManagerSource(ARN, { client, defaultBaseUrl: "http://local:1" }).accounts();

    expect(accounts.map((account) => account.baseUrl)).toEqual(["http://local:1", "http://b"]);
  });

  test("is what accountSourceFromEnv picks when UPSTREAM_SECRET_ARN is set", async () => {
    const { client, reads } = secretStub({ current: list({ name: "main", apiKey: KEY_A }) });

    const source = accountSourceFromEnv({ UPSTREAM_SECRET_ARN: ARN, GEMINI_API_KEY: KEY_C }, { secretsClient: client });

    expect((await source.accounts()).map((account) => account.name)).toEqual(["main"]);
    expect(reads).toEqual([ARN]);
  });

  test("the admin side reads the list and writes a new version with PutSecretValue", async () => {
    const { client } = secretStub({ current: list({ name: "main", apiKey: KEY_A }) });
    const sent: PutSecretValueCommand[] = [];
    const writer = {
      send(command: PutSecretValueCommand) {
        sent.push(command);
        return Promise.resolve({ $metadata: {} });
      },
    };

    const accounts = await readSecretAccounts(ARN, client);
    await writeSecretAccounts(ARN, [...accounts, { name: "backup", apiKey: KEY_B }], writer);

    expect(sent).toHaveLength(1);
    expect(sent[0].input.SecretId).toBe(ARN);
    expect(JSON.parse(sent[0].input.SecretString ?? "")).toEqual({
      accounts: [
        { name: "main", apiKey: KEY_A },
        { name: "backup", apiKey: KEY_B },
      ],
    });
  });
});

describe("the local source", () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "upstream-"));
    file = join(dir, "nested", "upstream.json");
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test("names GEMINI_API_KEY's comma-separated keys env-1, env-2 and uses GEMINI_BASE_URL", async () => {
    const source = accountSourceFromEnv({ GEMINI_API_KEY: ` ${KEY_A}, ${KEY_B},`, GEMINI_BASE_URL: "http://127.0.0.1:9/" });

    expect(await source.accounts()).toEqual([
      { name: "env-1", apiKey: KEY_A, baseUrl: "http://127.0.0.1:9" },
      { name: "env-2", apiKey: KEY_B, baseUrl: "http://127.0.0.1:9" },
    ]);
  });

  test("defaults to Google's host and treats a missing file as no accounts", async () => {
    const source = localSource({ apiKeys: [KEY_A], file });

    expect(await source.accounts()).toEqual([{ name: "env-1", apiKey: KEY_A, baseUrl: GOOGLE }]);
  });

  test("adds the file's accounts after the env keys and re-reads the file when it changes", async () => {
    const source = accountSourceFromEnv({ GEMINI_API_KEY: KEY_A, GATEWAY_UPSTREAM_FILE: file });

    const before = await source.accounts();
    await writeAccountsFile(file, [{ name: "added", apiKey: KEY_B, baseUrl: "http://other" }]);
    const afterAdd = await source.accounts();
    const unchanged = await source.accounts();
    await writeAccountsFile(file, [{ name: "replaced", apiKey: KEY_C }]);
    const afterReplace = await source.accounts();
    await rm(file);
    const afterRemove = await source.accounts();

    expect(before.map((account) => account.name)).toEqual(["env-1"]);
    expect(afterAdd).toEqual([
      { name: "env-1", apiKey: KEY_A, baseUrl: GOOGLE },
      { name: "added", apiKey: KEY_B, baseUrl: "http://other" },
    ]);
    expect(unchanged).toBe(afterAdd);
    expect(afterReplace.map((account) => account.name)).toEqual(["env-1", "replaced"]);
    expect(afterRemove.map((account) => account.name)).toEqual(["env-1"]);
  });

  test("a malformed file is reported with its path and without its keys", async () => {
    await writeAccountsFile(file, []);
    await writeFile(file, JSON.stringify({ accounts: [{ name: "x", apiKey: KEY_B }, { name: "x", apiKey: KEY_C }] }));

    const error = await rejectionOf(localSource({ file }).accounts());

    expect(String(error)).toContain(file);
    expect(String(error)).toMatch(/"x" is used twice/);
    expectNoKeys(error);
  });

  test("the account file is written readable by its owner only and reads back", async () => {
    await writeAccountsFile(file, [{ name: "main", apiKey: KEY_A }]);

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readAccountsFile(file)).toEqual([{ name: "main", apiKey: KEY_A }]);
    expect(await readAccountsFile(join(dir, "absent.json"))).toEqual([]);
  });
});
