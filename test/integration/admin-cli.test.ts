import { beforeAll, describe, expect, test } from "@jest/globals";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient } from "../../lambda/store/client.ts";
import { getAccount } from "../../lambda/store/accounts.ts";
import { TABLES } from "../../lambda/store/schema.ts";
import { tableNames } from "../../lambda/store/tables.ts";
import { useFreshTables } from "../support/tables.ts";

const ADMIN = join(import.meta.dirname, "..", "..", "bin", "admin.ts");
const upstreamFile = join(mkdtempSync(join(tmpdir(), "gw-admin-")), "upstream.json");

/** Runs the CLI as an operator would, against this file's tables. */
function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return adminWith({ ...process.env, GATEWAY_UPSTREAM_FILE: upstreamFile }, ...args);
}

function adminWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [ADMIN, ...args], { env }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

async function adminJson<T>(...args: string[]): Promise<T> {
  const result = await admin(...args, "--json");
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as T;
}

let prefix = "";
beforeAll(async () => {
  prefix = await useFreshTables();
});

describe("the admin CLI", () => {
  test("creates an account, tops it up, and shows it", async () => {
    const account = await adminJson<{ accountId: string; available: number }>("accounts", "create", "--name", "acme", "--credits", "1_000");
    expect(account.available).toBe(1_000);
    await adminJson("credits", "add", "--account", account.accountId, "--amount", "250");
    const shown = await adminJson<{ available: number; keys: unknown[] }>("accounts", "show", account.accountId);
    expect(shown).toMatchObject({ available: 1_250, keys: [] });
    const takeBack = await admin("credits", "add", "--account", account.accountId, "--amount=-5000");
    expect(takeBack.code).toBe(1);
    expect(takeBack.stderr).toContain("does not have that many available");
  });

  test("prints a new key once, then lists, disables and rotates it without ever storing it", async () => {
    const { accountId } = await adminJson<{ accountId: string }>("accounts", "create", "--name", "keys");
    const created = await adminJson<{ key: string; keyId: string; rpm: number; ipAllowlist: string[]; models: string[]; limits: object }>(
      "keys", "create", "--account", accountId, "--name", "ci", "--rpm", "60", "--hourly", "500", "--ip", "203.0.113.0/24", "--ip", "2001:db8::1", "--model", "google/gemini-3-flash",
    );
    expect(created.key).toMatch(/^sk-[0-9A-Za-z]{40}$/);
    expect(created).toMatchObject({ rpm: 60, ipAllowlist: ["203.0.113.0/24", "2001:db8::1/128"], models: ["gemini-3-flash"], limits: { hourly: 500 } });

    const listed = await admin("keys", "list", "--account", accountId);
    expect(listed.stdout).toContain(created.keyId);
    expect(listed.stdout).not.toContain(created.key);

    expect((await adminJson<{ status: string }>("keys", "disable", created.keyId)).status).toBe("disabled");
    const rotated = await adminJson<{ key: string; keyId: string }>("keys", "rotate", created.keyId);
    expect(rotated.keyId).toBe(created.keyId);
    expect(rotated.key).not.toBe(created.key);

    const { Items = [] } = await documentClient().send(new ScanCommand({ TableName: tableNames().keys }));
    expect(JSON.stringify(Items)).not.toContain(created.key);
    expect(JSON.stringify(Items)).not.toContain(rotated.key);
  });

  test.each([
    [["keys", "create", "--account", "acct_missing"], "no account acct_missing"],
    [["keys", "create", "--account", "x", "--rpm", "fast"], "--rpm must be a whole number"],
    [["accounts", "create"], "--name is required"],
    [["keys", "disable", "key_missing"], "no key key_missing"],
  ])("refuses %p with a clear message", async (args, message) => {
    const result = await admin(...args);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });

  test("refuses a bad CIDR or an unknown model before storing anything", async () => {
    const { accountId } = await adminJson<{ accountId: string }>("accounts", "create", "--name", "strict");
    expect((await admin("keys", "create", "--account", accountId, "--ip", "10.0.0.0/40")).stderr).toContain("not an IPv4 or IPv6");
    expect((await admin("keys", "create", "--account", accountId, "--model", "gpt-4o")).stderr).toContain("not in the catalog");
    expect(await adminJson<unknown[]>("keys", "list", "--account", accountId)).toEqual([]);
  });

  test("finds the tables of a gateway started with GATEWAY_TABLE_PREFIX, as npm start does", async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !TABLES.some((table) => table.envVar === name)));
    const created = await adminWith({ ...env, GATEWAY_TABLE_PREFIX: prefix }, "accounts", "create", "--name", "prefixed", "--json");
    expect(created.code).toBe(0);
    const { accountId } = JSON.parse(created.stdout) as { accountId: string };
    expect(await getAccount(accountId)).toMatchObject({ name: "prefixed" });
  });

  test("keeps upstream Google keys in a private file and never prints them", async () => {
    const added = await admin("upstream", "add", "--google-key", "AIzaSyTESTKEY0123456789abcdef", "--name", "primary");
    expect(added.code).toBe(0);
    expect(added.stdout).not.toContain("AIzaSyTESTKEY0123456789abcdef");
    await admin("upstream", "add", "--google-key", "AIzaSySECONDKEY987654321", "--name", "backup");
    const listed = await admin("upstream", "list");
    expect(listed.stdout).toContain("primary");
    expect(listed.stdout).toContain("backup");
    expect(listed.stdout).not.toMatch(/AIzaSyTESTKEY0123456789abcdef|AIzaSySECONDKEY987654321/);
    expect(statSync(upstreamFile).mode & 0o077).toBe(0);
    expect(JSON.parse(readFileSync(upstreamFile, "utf8"))).toEqual({
      accounts: [
        { name: "primary", apiKey: "AIzaSyTESTKEY0123456789abcdef" },
        { name: "backup", apiKey: "AIzaSySECONDKEY987654321" },
      ],
    });
    expect((await admin("upstream", "add", "--google-key", "AIzaSyOTHER000000", "--name", "primary")).stderr).toContain("already exists");
    await admin("upstream", "remove", "primary");
    expect(await adminJson<Array<{ name: string }>>("upstream", "list")).toEqual([{ name: "backup", kind: "ai-studio", key: "AIza…4321" }]);
  });
});
