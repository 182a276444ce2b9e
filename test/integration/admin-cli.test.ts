import { beforeAll, describe, expect, jest, test } from "@jest/globals";
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

// Each call starts the CLI afresh, as an operator's shell does: about half a second each.
jest.setTimeout(30_000);

let prefix = "";
beforeAll(async () => {
  prefix = await useFreshTables();
});

describe("the admin CLI", () => {
  test("creates an account, tops it up idempotently, shows, lists and disables it, printing the admin API's JSON", async () => {
    const account = await adminJson<{ id: string; object: string; balance: number }>("accounts", "create", "--name", "acme", "--credits", "1_000");
    expect(account).toMatchObject({ object: "account", balance: 1_000, status: "active" });
    const entry = await adminJson<{ balance_after: number; kind: string }>("credits", "add", "--account", account.id, "--amount", "250", "--note", "invoice 7", "--idempotency-key", "inv-7");
    expect(entry).toMatchObject({ object: "ledger_entry", kind: "top_up", amount: 250, balance_after: 1_250, note: "invoice 7", idempotency_key: "inv-7" });
    const again = await admin("credits", "add", "--account", account.id, "--amount", "250", "--note", "invoice 7", "--idempotency-key", "inv-7");
    expect(again.stdout).toContain("already applied");
    const shown = await adminJson<{ balance: number; keys: unknown[] }>("accounts", "show", account.id);
    expect(shown).toMatchObject({ balance: 1_250, keys: [] });
    const takeBack = await admin("credits", "add", "--account", account.id, "--amount=-5000");
    expect(takeBack.code).toBe(1);
    expect(takeBack.stderr).toContain("has only 1250 available");

    const listed = await adminJson<{ data: Array<{ id: string }> }>("accounts", "list", "--limit", "100");
    expect(listed.data.map((item) => item.id)).toContain(account.id);
    const csv = await admin("accounts", "list", "--limit", "100", "--csv");
    expect(csv.stdout.split("\r\n")[0]).toBe("id,object,name,status,balance,held,charged,created_at");
    expect(csv.stdout).toContain(`${account.id},account,acme,active,1250,0,0,`);

    expect(await adminJson("accounts", "disable", account.id)).toMatchObject({ status: "disabled", balance: 1_250 });
    expect(await adminJson("accounts", "enable", account.id)).toMatchObject({ status: "active" });
    expect(await adminJson("accounts", "rename", account.id, "--name", "acme ltd")).toMatchObject({ name: "acme ltd" });
    expect((await admin("accounts", "delete", account.id)).stderr).toContain("disable it first");

    const ledger = await adminJson<{ statement: Record<string, number>; data: Array<{ kind: string; amount: number }> }>("ledger", "--account", account.id);
    expect(ledger.statement).toMatchObject({ opening_balance: 0, credits_added: 1_250, charged: 0, closing_balance: 1_250 });
    expect(ledger.data.map((item) => [item.kind, item.amount])).toEqual([
      ["opening", 1_000],
      ["top_up", 250],
    ]);

    await admin("accounts", "disable", account.id);
    expect((await admin("accounts", "delete", account.id)).stdout).toContain(`deleted ${account.id} (acme ltd), its keys, ledger and usage`);
    expect((await admin("accounts", "show", account.id)).stderr).toContain(`No account ${account.id} exists`);
  });

  test("prints a new key once, then lists, updates, disables, rotates and deletes it without ever storing it", async () => {
    const { id: accountId } = await adminJson<{ id: string }>("accounts", "create", "--name", "keys");
    const created = await adminJson<{ key: string; id: string }>(
      "keys", "create", "--account", accountId, "--name", "ci", "--rpm", "60", "--hourly", "500", "--ip", "203.0.113.0/24", "--ip", "2001:db8::1", "--model", "google/gemini-3-flash",
    );
    expect(created.key).toMatch(/^sk-[0-9A-Za-z]{40}$/);
    expect(created).toMatchObject({ object: "key", rpm: 60, ip_allowlist: ["203.0.113.0/24", "2001:db8::1/128"], models: ["gemini-3-flash"], spend_limits: { hourly: 500, daily: null } });

    const listed = await admin("keys", "list", "--account", accountId);
    expect(listed.stdout).toContain(created.id);
    expect(listed.stdout).not.toContain(created.key);

    const updated = await adminJson("keys", "update", created.id, "--rpm", "none", "--daily", "9000", "--ip", "none");
    expect(updated).toMatchObject({ rpm: null, spend_limits: { hourly: 500, daily: 9_000 }, ip_allowlist: [] });
    expect((await adminJson<{ status: string }>("keys", "disable", created.id)).status).toBe("disabled");
    const rotated = await adminJson<{ key: string; id: string }>("keys", "rotate", created.id);
    expect(rotated.id).toBe(created.id);
    expect(rotated.key).not.toBe(created.key);

    const { Items = [] } = await documentClient().send(new ScanCommand({ TableName: tableNames().keys }));
    expect(JSON.stringify(Items)).not.toContain(created.key);
    expect(JSON.stringify(Items)).not.toContain(rotated.key);

    expect(await adminJson("keys", "delete", created.id)).toMatchObject({ id: created.id, deleted: true });
    expect((await admin("keys", "disable", created.id)).stderr).toContain(`No key ${created.id} exists`);
  });

  test("creates, lists, disables and deletes management keys, printing each once", async () => {
    const created = await adminJson<{ id: string; key: string }>("management-keys", "create", "--name", "billing");
    expect(created.key).toMatch(/^mk-[0-9A-Za-z]{40}$/);
    const listed = await admin("management-keys", "list");
    expect(listed.stdout).toContain(created.id);
    expect(listed.stdout).not.toContain(created.key);
    expect(await adminJson("management-keys", "disable", created.id)).toMatchObject({ status: "disabled" });
    expect(await adminJson("management-keys", "delete", created.id)).toMatchObject({ id: created.id, deleted: true });
    expect((await admin("management-keys", "list")).stdout).not.toContain(created.id);
  });

  test("reports usage and tasks as tables, JSON or CSV", async () => {
    const { id: accountId } = await adminJson<{ id: string }>("accounts", "create", "--name", "reports");
    expect(await adminJson("usage", "--account", accountId, "--group-by", "day,model")).toMatchObject({ object: "usage", account_id: accountId, data: [], total: { requests: 0 } });
    expect(await adminJson("tasks", "--account", accountId)).toMatchObject({ object: "list", data: [], next_cursor: null });
    expect((await admin("usage", "--account", accountId, "--group-by", "week")).stderr).toContain("`group_by` takes day, model, key");
    expect((await admin("usage")).stderr).toContain("--account or --key is required");
  });

  test.each([
    [["keys", "create", "--account", "acct_missing"], "No account acct_missing exists"],
    [["keys", "create", "--account", "x", "--rpm", "fast"], "--rpm must be a whole number"],
    [["accounts", "create"], "--name is required"],
    [["keys", "disable", "key_missing"], "No key key_missing exists"],
    [["credits", "add", "--account", "x", "--amount", "0"], "`amount` is required"],
    [["ledger", "--account", "x", "--from", "2026-11-01T10:00:00Z"], "must be a whole UTC day"],
  ])("refuses %p with a clear message", async (args, message) => {
    const result = await admin(...args);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });

  test("refuses a bad CIDR or an unknown model before storing anything", async () => {
    const { id: accountId } = await adminJson<{ id: string }>("accounts", "create", "--name", "strict");
    expect((await admin("keys", "create", "--account", accountId, "--ip", "10.0.0.0/40")).stderr).toContain("not an IPv4 or IPv6");
    expect((await admin("keys", "create", "--account", accountId, "--model", "gpt-4o")).stderr).toContain("not in the catalog");
    expect(await adminJson("keys", "list", "--account", accountId)).toMatchObject({ data: [] });
  });

  test("finds the tables of a gateway started with GATEWAY_TABLE_PREFIX, as npm start does", async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !TABLES.some((table) => table.envVar === name)));
    const created = await adminWith({ ...env, GATEWAY_TABLE_PREFIX: prefix }, "accounts", "create", "--name", "prefixed", "--json");
    expect(created.code).toBe(0);
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect(await getAccount(id)).toMatchObject({ name: "prefixed" });
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
