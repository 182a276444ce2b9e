import { beforeAll, describe, expect, jest, test } from "@jest/globals";
import OpenAI from "openai";
import { createManagementKey } from "../../lambda/operations/management-keys.ts";
import { getAccount } from "../../lambda/store/accounts.ts";
import { getTask } from "../../lambda/store/tasks.ts";
import { settledTask, useGateway } from "../support/gateway-fixture.ts";

// The lifecycle waits for a key change to reach a warm instance (the auth cache holds 5 s).
jest.setTimeout(60_000);

const env = useGateway();
let managementKey: string;

beforeAll(async () => {
  managementKey = (await createManagementKey("admin api test")).key;
});

interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** The admin API, as an operator's backend calls it. */
async function admin<T = Record<string, unknown>>(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; key?: string } = {}): Promise<Answer<T>> {
  const response = await fetch(`${env.fixture.gateway.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${options.key ?? managementKey}`, "content-type": "application/json", ...options.headers },
    ...(options.body !== undefined && { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

/** A customer's own routes, on either function URL. */
async function customerGet<T = Record<string, unknown>>(key: string, path: string, native = false): Promise<Answer<T>> {
  const headers: Record<string, string> = native ? { "x-goog-api-key": key } : { authorization: `Bearer ${key}` };
  const response = await fetch(`${env.fixture.gateway.url}${path}`, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return check();
}

interface Task {
  id: string;
  status: string;
  model: string;
  hold: number;
  charge: number | null;
  refund: number | null;
  usage: { input_tokens: number; output_tokens: number } | null;
}

async function allTasks(accountId: string): Promise<Task[]> {
  const tasks: Task[] = [];
  let cursor: string | null = null;
  do {
    const page: Answer<{ data: Task[]; next_cursor: string | null }> = await admin("GET", `/admin/v1/tasks?account_id=${accountId}&limit=7${cursor ? `&cursor=${cursor}` : ""}`);
    expect(page.status).toBe(200);
    tasks.push(...page.body.data);
    cursor = page.body.next_cursor;
  } while (cursor !== null);
  return tasks;
}

describe("the admin API", () => {
  test("runs a reselling business: account, top-ups, a limited key, usage and a statement that reconcile to the credit", async () => {
    // An account, opened by the operator's signup flow.
    const opened = await admin<{ id: string; balance: number; status: string }>("POST", "/admin/v1/accounts", { body: { name: "acme", credits: 2_000_000 } });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ object: "account", name: "acme", balance: 2_000_000, status: "active" });
    const accountId = opened.body.id;
    const listed = await admin<{ data: Array<{ id: string }> }>("GET", "/admin/v1/accounts?limit=100");
    expect(listed.body.data.map((account) => account.id)).toContain(accountId);
    expect((await admin("GET", `/admin/v1/accounts/${accountId}`)).body).toMatchObject({ id: accountId, balance: 2_000_000 });

    // A payment webhook delivers the same top-up 25 times at once, and once more with a changed body.
    const topUp = { amount: 3_000_000, note: "stripe invoice in_1" };
    const replays = await Promise.all(
      Array.from({ length: 25 }, () => admin<{ id: string; balance_after: number }>("POST", `/admin/v1/accounts/${accountId}/credits`, { body: topUp, headers: { "idempotency-key": "evt_1" } })),
    );
    expect(replays.filter((answer) => answer.status === 201)).toHaveLength(1);
    expect(replays.filter((answer) => answer.status === 200 && answer.headers.get("idempotent-replayed") === "true")).toHaveLength(24);
    expect(new Set(replays.map((answer) => answer.body.id)).size).toBe(1);
    expect(replays.every((answer) => answer.body.balance_after === 5_000_000)).toBe(true);
    const conflict = await admin("POST", `/admin/v1/accounts/${accountId}/credits`, { body: { ...topUp, amount: 3_000_001 }, headers: { "idempotency-key": "evt_1" } });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error: { code: "idempotency_conflict", type: "idempotency_error", message: expect.stringContaining("evt_1") } });
    expect((await getAccount(accountId))?.available).toBe(5_000_000);

    // A key with limits, shown once.
    const issued = await admin<{ id: string; key: string }>("POST", `/admin/v1/accounts/${accountId}/keys`, { body: { name: "prod", rpm: 600, spend_limits: { daily: 4_000_000 } } });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ object: "key", name: "prod", rpm: 600, spend_limits: { hourly: null, daily: 4_000_000, total: null }, key: expect.stringMatching(/^sk-/) });
    const keys = await admin<{ data: Array<Record<string, unknown>> }>("GET", `/admin/v1/accounts/${accountId}/keys`);
    expect(keys.body.data).toEqual([expect.objectContaining({ id: issued.body.id })]);
    expect(JSON.stringify(keys.body)).not.toContain(issued.body.key);
    const customer = new OpenAI({ apiKey: issued.body.key, baseURL: `${env.fixture.gateway.url}/v1`, maxRetries: 0 });

    // Mixed traffic, all at once: answers that settle, Google refusing Pro (refunded), Flash-Lite cut mid-stream (failed).
    env.fixture.fake.inject({ fault: { kind: "status", status: 503 }, model: "gemini-3.1-pro-preview", times: Infinity });
    env.fixture.fake.inject({ fault: { kind: "cut", afterChunks: 3 }, model: "gemini-3.1-flash-lite", times: Infinity });
    const ask = (model: string, stream: boolean) => {
      const request = { model, messages: [{ role: "user" as const, content: "Long [[long]]" }], max_tokens: 2_000 };
      return stream
        ? customer.chat.completions.create({ ...request, stream: true }).then(async (events) => {
            for await (const event of events) void event;
          })
        : customer.chat.completions.create(request);
    };
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 8 }, (_, index) => ask("gemini-3-flash", index % 2 === 0)),
      ...Array.from({ length: 6 }, () => ask("gemini-3.1-pro-preview", false)),
      ...Array.from({ length: 6 }, () => ask("gemini-3.1-flash-lite", true)),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(8);

    const tasks = await allTasks(accountId);
    expect(tasks).toHaveLength(20);
    expect(tasks.map((task) => task.status).sort()).toEqual([...Array(8).fill("settled"), ...Array(6).fill("refunded"), ...Array(6).fill("failed")].sort());
    const charged = tasks.reduce((sum, task) => sum + (task.charge ?? 0), 0);
    const refunded = tasks.reduce((sum, task) => sum + (task.refund ?? 0), 0);
    expect(charged).toBeGreaterThan(0);

    // Usage from the aggregates equals the tasks, per model and in total.
    const usage = await admin<{ data: Array<Record<string, number | string>>; total: Record<string, number> }>("GET", `/admin/v1/usage?account_id=${accountId}&group_by=model`);
    expect(usage.status).toBe(200);
    for (const model of ["gemini-3-flash", "gemini-3.1-pro-preview", "gemini-3.1-flash-lite"]) {
      const ofModel = tasks.filter((task) => task.model === model);
      expect(usage.body.data.find((bucket) => bucket.model === model)).toMatchObject({
        requests: ofModel.length,
        credits_charged: ofModel.reduce((sum, task) => sum + (task.charge ?? 0), 0),
        credits_refunded: ofModel.reduce((sum, task) => sum + (task.refund ?? 0), 0),
        input_tokens: ofModel.reduce((sum, task) => sum + (task.usage?.input_tokens ?? 0), 0),
        output_tokens: ofModel.reduce((sum, task) => sum + (task.usage?.output_tokens ?? 0), 0),
      });
    }
    expect(usage.body.total).toMatchObject({ requests: 20, settled: 8, refunded: 6, failed: 6, credits_charged: charged, credits_refunded: refunded });
    const byKeyAndDay = await admin<{ data: unknown[] }>("GET", `/admin/v1/usage?key_id=${issued.body.id}&group_by=day,key,model`);
    expect(byKeyAndDay.body.data).toHaveLength(3);

    // The statement reconciles: opening + added − charged = closing = the balance now.
    const ledger = await admin<{ statement: Record<string, number>; data: Array<{ amount: number; kind: string }> }>("GET", `/admin/v1/accounts/${accountId}/ledger`);
    expect(ledger.status).toBe(200);
    const account = await getAccount(accountId);
    expect(account?.held).toBe(0);
    expect(ledger.body.statement).toEqual(
      expect.objectContaining({ opening_balance: 0, credits_added: 5_000_000, credits_taken_back: 0, charged, refunded, closing_balance: (account?.available ?? 0) + (account?.held ?? 0) }),
    );
    expect(ledger.body.statement.opening_balance + ledger.body.statement.credits_added - ledger.body.statement.charged).toBe(ledger.body.statement.closing_balance);
    expect(ledger.body.data.map((entry) => [entry.kind, entry.amount])).toEqual([
      ["opening", 2_000_000],
      ["top_up", 3_000_000],
    ]);

    // The customer sees the same, for its own account, on both function URLs.
    for (const native of [false, true]) {
      const own = await customerGet<{ total: Record<string, number>; account_id: string }>(issued.body.key, "/v1/usage", native);
      expect(own.body).toMatchObject({ account_id: accountId, total: { requests: 20, credits_charged: charged } });
      const history = await customerGet<{ data: Task[] }>(issued.body.key, "/v1/tasks?limit=100", native);
      expect(history.body.data.map((task) => task.id)).toEqual(tasks.map((task) => task.id));
      expect((await customerGet<{ data: Task[] }>(issued.body.key, "/v1/tasks?status=refunded&limit=100", native)).body.data).toHaveLength(6);
    }

    // A key change reaches the warm gateway within the cache time.
    expect((await customer.chat.completions.create({ model: "gemini-3-flash", messages: [{ role: "user", content: "Hi" }] })).id).toBeTruthy();
    const patched = await admin("PATCH", `/admin/v1/keys/${issued.body.id}`, { body: { models: ["gemini-3.1-pro-preview"], rpm: null } });
    expect(patched.body).toMatchObject({ models: ["gemini-3.1-pro-preview"], rpm: null });
    const flashRefused = () =>
      customer.chat.completions.create({ model: "gemini-3-flash", messages: [{ role: "user", content: "Hi" }] }).then(
        () => false,
        (error: unknown) => (error as { status?: number }).status === 404,
      );
    expect(await eventually(flashRefused)).toBe(true);

    // A disabled account: its keys are refused, nothing it holds is lost; enabled again, it works.
    const before = await getAccount(accountId);
    expect((await admin("PATCH", `/admin/v1/accounts/${accountId}`, { body: { status: "disabled" } })).body).toMatchObject({ status: "disabled" });
    expect(await eventually(async () => (await customerGet(issued.body.key, "/v1/credits")).status === 401)).toBe(true);
    expect((await customerGet<{ error: { code: string } }>(issued.body.key, "/v1/credits")).body.error.code).toBe("invalid_api_key");
    expect(await getAccount(accountId)).toEqual({ ...before, status: "disabled" });
    await admin("PATCH", `/admin/v1/accounts/${accountId}`, { body: { status: "active" } });
    expect(await eventually(async () => (await customerGet(issued.body.key, "/v1/credits")).status === 200)).toBe(true);

    // Rotation and deletion.
    const rotated = await admin<{ key: string }>("POST", `/admin/v1/keys/${issued.body.id}/rotate`);
    expect(rotated.body.key).not.toBe(issued.body.key);
    expect((await admin("DELETE", `/admin/v1/keys/${issued.body.id}`)).body).toMatchObject({ id: issued.body.id, deleted: true });
    expect(await eventually(async () => (await customerGet(rotated.body.key, "/v1/credits")).status === 401)).toBe(true);
  });

  test("takes credits back, never below zero available, and says why", async () => {
    const { body: account } = await admin<{ id: string }>("POST", "/admin/v1/accounts", { body: { name: "refunds", credits: 1_000 } });
    const back = await admin("POST", `/admin/v1/accounts/${account.id}/credits`, { body: { amount: -400, note: "chargeback" }, headers: { "idempotency-key": "cb-1" } });
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({ kind: "take_back", amount: -400, balance_after: 600 });
    const tooMuch = await admin("POST", `/admin/v1/accounts/${account.id}/credits`, { body: { amount: -601 }, headers: { "idempotency-key": "cb-2" } });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body).toMatchObject({ error: { code: "invalid_request", message: expect.stringContaining("has only 600 available") } });
    expect((await getAccount(account.id))?.available).toBe(600);
    const ledger = await admin<{ statement: Record<string, number> }>("GET", `/admin/v1/accounts/${account.id}/ledger`);
    expect(ledger.body.statement).toMatchObject({ credits_added: 1_000, credits_taken_back: 400, closing_balance: 600 });
  });

  test("opens an account once for a retried sign-up with an Idempotency-Key", async () => {
    const signup = () => admin<{ id: string }>("POST", "/admin/v1/accounts", { body: { name: "once", credits: 7 }, headers: { "idempotency-key": `signup-${Date.now()}` } });
    const key = `signup-${Math.random()}`;
    const first = await admin<{ id: string }>("POST", "/admin/v1/accounts", { body: { name: "once", credits: 7 }, headers: { "idempotency-key": key } });
    const again = await admin<{ id: string }>("POST", "/admin/v1/accounts", { body: { name: "once", credits: 7 }, headers: { "idempotency-key": key } });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect((await signup()).body.id).not.toBe(first.body.id);
  });
});

describe("deleting an account", () => {
  test("refuses an active one, then takes its keys, ledger and usage with it, leaving its tasks to expire", async () => {
    const signupKey = `signup-${Math.random()}`;
    const { body: account } = await admin<{ id: string }>("POST", "/admin/v1/accounts", { body: { name: "temporary", credits: 1_000_000 }, headers: { "idempotency-key": signupKey } });
    await admin("POST", `/admin/v1/accounts/${account.id}/credits`, { body: { amount: 500 }, headers: { "idempotency-key": "delete-me-1" } });
    const { body: issued } = await admin<{ id: string; key: string }>("POST", `/admin/v1/accounts/${account.id}/keys`, { body: { name: "k" } });
    const openai = new OpenAI({ apiKey: issued.key, baseURL: `${env.fixture.gateway.url}/v1`, maxRetries: 0 });
    const taskId = (await openai.chat.completions.create({ model: "gemini-3-flash", messages: [{ role: "user", content: "hi" }] }))._request_id ?? "";
    await settledTask(taskId);

    const active = await admin("DELETE", `/admin/v1/accounts/${account.id}`);
    expect(active.status).toBe(409);
    expect(active.body).toMatchObject({ error: { code: "account_not_deletable", message: expect.stringContaining("disable it first") } });
    expect((await admin("GET", `/admin/v1/accounts/${account.id}`)).status).toBe(200);

    await admin("PATCH", `/admin/v1/accounts/${account.id}`, { body: { status: "disabled" } });
    const deleted = await admin("DELETE", `/admin/v1/accounts/${account.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: account.id, object: "account", deleted: true, status: "disabled" });

    expect((await admin("GET", `/admin/v1/accounts/${account.id}`)).status).toBe(404);
    expect((await admin("GET", `/admin/v1/accounts/${account.id}/keys`)).body).toMatchObject({ error: { code: "account_not_found" } });
    expect((await admin("POST", `/admin/v1/keys/${issued.id}/rotate`)).body).toMatchObject({ error: { code: "key_not_found" } });
    for (const report of ["usage", "tasks"]) {
      expect((await admin("GET", `/admin/v1/${report}?account_id=${account.id}`)).body).toMatchObject({ error: { code: "account_not_found" } });
    }
    // Its tasks are left to expire with the retention period: ids and counts, no text.
    expect(await getTask(taskId)).toMatchObject({ accountId: account.id, status: "settled" });
    expect(await eventually(async () => (await customerGet(issued.key, "/v1/credits")).status === 401)).toBe(true);

    expect((await admin("DELETE", `/admin/v1/accounts/${account.id}`)).status).toBe(404);
    const replay = await admin("POST", "/admin/v1/accounts", { body: { name: "temporary", credits: 1_000_000 }, headers: { "idempotency-key": signupKey } });
    expect(replay.status).toBe(409);
    expect(replay.body).toMatchObject({ error: { code: "idempotency_conflict", message: expect.stringContaining("has since been deleted") } });
  });
});

describe("keys open only their own API", () => {
  test("an sk- key gets 401 on the admin API and an mk- key gets 401 on every model route", async () => {
    const { body: account } = await admin<{ id: string }>("POST", "/admin/v1/accounts", { body: { name: "walls", credits: 10_000 } });
    const { body: issued } = await admin<{ key: string }>("POST", `/admin/v1/accounts/${account.id}/keys`, { body: {} });
    const refused = await admin("GET", "/admin/v1/accounts", { key: issued.key });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: { code: "invalid_api_key", message: expect.stringContaining("mk-") } });
    for (const [path, native] of [["/v1/credits", false], ["/v1/credits", true], ["/v1/usage", false]] as const) {
      expect((await customerGet(managementKey, path, native)).status).toBe(401);
    }
    const chat = await fetch(`${env.fixture.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${managementKey}` },
      body: JSON.stringify({ model: "gemini-3-flash", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(chat.status).toBe(401);
    expect(env.fixture.fake.requests).toHaveLength(0);
  });

  test("a disabled management key is refused", async () => {
    const { key, record } = await createManagementKey("short-lived");
    expect((await admin("GET", "/admin/v1/accounts", { key })).status).toBe(200);
    const { setManagementKeyStatus } = await import("../../lambda/operations/management-keys.ts");
    await setManagementKeyStatus(record.keyId, "disabled");
    expect(await eventually(async () => (await admin("GET", "/admin/v1/accounts", { key })).status === 401)).toBe(true);
  });
});

describe("bad input to every admin route is a 4xx naming the field, and writes nothing", () => {
  let accountId: string;
  let keyId: string;
  beforeAll(async () => {
    accountId = (await admin<{ id: string }>("POST", "/admin/v1/accounts", { body: { name: "bad input", credits: 100 } })).body.id;
    keyId = (await admin<{ id: string }>("POST", `/admin/v1/accounts/${accountId}/keys`, { body: { name: "k" } })).body.id;
  });

  const cases: Array<[string, string, (ids: { accountId: string; keyId: string }) => string, unknown, Record<string, string>, number, string]> = [
    ["POST", "accounts without a name", () => "/admin/v1/accounts", { credits: 5 }, {}, 400, "`name`"],
    ["POST", "accounts with fractional credits", () => "/admin/v1/accounts", { name: "x", credits: 1.5 }, {}, 400, "`credits`"],
    ["POST", "accounts with a body that is no JSON", () => "/admin/v1/accounts", "{nope", {}, 400, "not valid JSON"],
    ["GET", "accounts with a limit of 0", () => "/admin/v1/accounts?limit=0", undefined, {}, 400, "`limit`"],
    ["GET", "accounts with a forged cursor", () => "/admin/v1/accounts?cursor=bm90LWEtY3Vyc29y", undefined, {}, 400, "`cursor`"],
    ["GET", "an unknown account", () => "/admin/v1/accounts/acct_nope", undefined, {}, 404, "No account acct_nope"],
    ["PATCH", "an account with nothing to change", (ids) => `/admin/v1/accounts/${ids.accountId}`, {}, {}, 400, "`name` or `status`"],
    ["PATCH", "an account with a status that is not one", (ids) => `/admin/v1/accounts/${ids.accountId}`, { status: "banned" }, {}, 400, "`status`"],
    ["POST", "credits without an Idempotency-Key", (ids) => `/admin/v1/accounts/${ids.accountId}/credits`, { amount: 5 }, {}, 400, "`Idempotency-Key`"],
    ["POST", "credits of 0", (ids) => `/admin/v1/accounts/${ids.accountId}/credits`, { amount: 0 }, { "idempotency-key": "z1" }, 400, "`amount`"],
    ["POST", "credits as text", (ids) => `/admin/v1/accounts/${ids.accountId}/credits`, { amount: "5" }, { "idempotency-key": "z2" }, 400, "`amount`"],
    ["POST", "credits with an overlong note", (ids) => `/admin/v1/accounts/${ids.accountId}/credits`, { amount: 5, note: "n".repeat(501) }, { "idempotency-key": "z3" }, 400, "`note`"],
    ["POST", "credits to an unknown account", () => "/admin/v1/accounts/acct_nope/credits", { amount: 5 }, { "idempotency-key": "z4" }, 404, "No account acct_nope"],
    ["GET", "a ledger from part of a day", (ids) => `/admin/v1/accounts/${ids.accountId}/ledger?from=2026-11-01T10:00:00Z`, undefined, {}, 400, "whole UTC day"],
    ["GET", "a ledger that ends before it starts", (ids) => `/admin/v1/accounts/${ids.accountId}/ledger?from=2026-11-05&to=2026-11-01`, undefined, {}, 400, "`to`"],
    ["GET", "a ledger older than the retention", (ids) => `/admin/v1/accounts/${ids.accountId}/ledger?from=2020-01-01`, undefined, {}, 400, "history is kept for"],
    ["POST", "a key with an rpm of 0", (ids) => `/admin/v1/accounts/${ids.accountId}/keys`, { rpm: 0 }, {}, 400, "`rpm`"],
    ["POST", "a key with a bad CIDR", (ids) => `/admin/v1/accounts/${ids.accountId}/keys`, { ip_allowlist: ["10.0.0.0/40"] }, {}, 400, "`ip_allowlist[0]`"],
    ["POST", "a key for a model we do not sell", (ids) => `/admin/v1/accounts/${ids.accountId}/keys`, { models: ["gpt-4o"] }, {}, 400, "`models[0]`"],
    ["POST", "a key created disabled", (ids) => `/admin/v1/accounts/${ids.accountId}/keys`, { status: "disabled" }, {}, 400, "`status`"],
    ["POST", "a key for an unknown account", () => "/admin/v1/accounts/acct_nope/keys", {}, {}, 404, "No account acct_nope"],
    ["PATCH", "a key with nothing to change", (ids) => `/admin/v1/keys/${ids.keyId}`, {}, {}, 400, "`name` or another setting"],
    ["PATCH", "a key with a negative daily limit", (ids) => `/admin/v1/keys/${ids.keyId}`, { spend_limits: { daily: -1 } }, {}, 400, "`spend_limits.daily`"],
    ["PATCH", "an unknown key", () => "/admin/v1/keys/key_nope", { rpm: 5 }, {}, 404, "No key key_nope"],
    ["POST", "rotating an unknown key", () => "/admin/v1/keys/key_nope/rotate", undefined, {}, 404, "No key key_nope"],
    ["DELETE", "deleting an unknown key", () => "/admin/v1/keys/key_nope", undefined, {}, 404, "No key key_nope"],
    ["GET", "usage with no account or key", () => "/admin/v1/usage", undefined, {}, 400, "`account_id` or `key_id`"],
    ["GET", "usage grouped by week", (ids) => `/admin/v1/usage?account_id=${ids.accountId}&group_by=week`, undefined, {}, 400, "`group_by`"],
    ["GET", "usage of an unknown key", () => "/admin/v1/usage?key_id=key_nope", undefined, {}, 404, "No key key_nope"],
    ["GET", "tasks with no account", () => "/admin/v1/tasks", undefined, {}, 400, "`account_id`"],
    ["GET", "tasks of a status that is none", (ids) => `/admin/v1/tasks?account_id=${ids.accountId}&status=lost`, undefined, {}, 400, "`status`"],
    ["GET", "tasks from a date that is none", (ids) => `/admin/v1/tasks?account_id=${ids.accountId}&from=yesterday`, undefined, {}, 400, "`from`"],
  ];

  const accountCount = async () => (await admin<{ data: unknown[] }>("GET", "/admin/v1/accounts?limit=100")).body.data.length;

  test.each(cases)("%s %s", async (method, _case, path, body, headers, status, field) => {
    const before = JSON.stringify(await getAccount(accountId));
    const accounts = await accountCount();
    const answer = await admin<{ error: { code: string; message: string; type: string } }>(method, path({ accountId, keyId }), { body, headers });
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatchObject({ message: expect.stringContaining(field), type: expect.any(String) });
    expect(answer.headers.get("x-request-id")).toMatch(/^req_/);
    expect(JSON.stringify(await getAccount(accountId))).toBe(before);
    const keys = await admin<{ data: unknown[] }>("GET", `/admin/v1/accounts/${accountId}/keys`);
    expect(keys.body.data).toHaveLength(1);
    expect(await accountCount()).toBe(accounts);
  });
});
