import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { openAccount } from "../../lambda/operations/accounts.ts";
import { changeKeyStatus, issueKey, rotateKey } from "../../lambda/operations/keys.ts";
import type { LocalGateway } from "../../bin/local/gateway.ts";
import { hashKey } from "../../lambda/domain/keys.ts";
import { clearKeyCache } from "../../lambda/middleware/auth.ts";
import { documentClient } from "../../lambda/store/client.ts";
import { admit } from "../../lambda/store/ledger.ts";
import { tableNames } from "../../lambda/store/tables.ts";
import { startTestGateway } from "../support/local-gateway.ts";

let gateway: LocalGateway;
const issued: string[] = [];
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

async function customer(credits: number, settings: Parameters<typeof issueKey>[1] = {}) {
  const account = (await openAccount({ name: "http-test", credits: credits })).account;
  const { key, record } = await issueKey(account.accountId, settings);
  issued.push(key);
  return { key, accountId: account.accountId, keyId: record.keyId };
}

function get(path: string, headers: Record<string, string> = {}) {
  return fetch(`${gateway.url}${path}`, { headers });
}

const INVALID_KEY = {
  error: { code: "invalid_api_key", type: "authentication_error", message: "Missing or invalid API key. Send `Authorization: Bearer sk-…` with an active key." },
};

describe("authentication", () => {
  test.each([
    ["no header", {}],
    ["a malformed key", { authorization: "Bearer sk-short" }],
    ["another scheme", { authorization: "Basic c2stYWJjOmRlZg==" }],
    ["an unknown key", { authorization: `Bearer sk-${"A".repeat(40)}` }],
    ["an oversized key", { authorization: `Bearer sk-${"A".repeat(5_000)}` }],
    ["an unknown key in Google's header", { "x-goog-api-key": `sk-${"A".repeat(40)}` }],
  ])("answers %s with the same 401 that does not say which", async (_case, headers) => {
    const response = await get("/v1/credits", headers);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: unknown; message: string; details?: Array<{ reason: string }> } };
    // The native function answers in Google's envelope: the same message, our code as the reason.
    if ("x-goog-api-key" in headers) expect(body.error).toMatchObject({ code: 401, status: "UNAUTHENTICATED", message: INVALID_KEY.error.message, details: [{ reason: "invalid_api_key" }] });
    else expect(body).toMatchObject(INVALID_KEY);
  });

  test("accepts Google's x-goog-api-key header and ?key= on the native function", async () => {
    const { key } = await customer(100);
    expect((await get("/v1/credits", { "x-goog-api-key": key })).status).toBe(200);
    expect((await get(`/v1/credits?key=${key}`)).status).toBe(200);
  });

  test("refuses a disabled key and accepts it again once enabled", async () => {
    const { key, keyId } = await customer(100);
    const auth = { authorization: `Bearer ${key}` };
    expect((await get("/v1/credits", auth)).status).toBe(200);
    await changeKeyStatus(keyId, "disabled");
    clearKeyCache();
    const refused = await get("/v1/credits", auth);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual(INVALID_KEY);
    await changeKeyStatus(keyId, "active");
    clearKeyCache();
    expect((await get("/v1/credits", auth)).status).toBe(200);
  });

  test("stops the old secret and starts the new one when a key is rotated, keeping its id", async () => {
    const { key, keyId } = await customer(100);
    const rotated = await rotateKey(keyId);
    issued.push(rotated.key);
    clearKeyCache();
    expect((await get("/v1/credits", { authorization: `Bearer ${key}` })).status).toBe(401);
    const fresh = await get("/v1/credits", { authorization: `Bearer ${rotated.key}` });
    expect(fresh.status).toBe(200);
    expect(await fresh.json()).toMatchObject({ key: { id: keyId } });
  });
});

describe("IP allowlists", () => {
  test("refuse a caller outside the list with 403, whatever x-forwarded-for claims", async () => {
    const { key, keyId } = await customer(100, { ipAllowlist: ["10.0.0.0/8"] });
    const response = await get("/v1/credits", { authorization: `Bearer ${key}`, "x-forwarded-for": "10.1.2.3" });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: { code: "ip_not_allowed", type: "permission_error", message: expect.stringContaining(keyId) },
    });
  });

  test("let a listed caller in", async () => {
    const { key } = await customer(100, { ipAllowlist: ["127.0.0.1/32", "::1"] });
    expect((await get("/v1/credits", { authorization: `Bearer ${key}` })).status).toBe(200);
  });
});

describe("GET /v1/credits", () => {
  test("shows the balance, what is held, and this key's limits and use", async () => {
    const who = await customer(50_000, { rpm: 30, limits: { hourly: 1_000, total: 9_000 } });
    await admit({
      task: { taskId: `req_credits${Date.now()}`, accountId: who.accountId, keyId: who.keyId, model: "gemini-3-flash", upstreamModel: "gemini-3-flash-preview", route: "chat", stream: false },
      hold: 700,
      rpm: 30,
      spendLimits: { hourly: 1_000, total: 9_000 },
      now: Date.now(),
    });
    const response = await get("/v1/credits", { authorization: `Bearer ${who.key}` });
    expect(await response.json()).toMatchObject({
      object: "credits",
      account_id: who.accountId,
      balance: 49_300,
      held: 700,
      charged: 0,
      credits_per_usd: 1_000_000,
      key: {
        id: who.keyId,
        rate_limit: { requests_per_minute: 30, used_this_minute: 1, remaining: 29 },
        spend: { hourly: { spent: 700, limit: 1_000 }, daily: { spent: 700, limit: null }, total: { spent: 700, limit: 9_000, resets_at: null } },
      },
    });
  });
});

describe("GET /v1/tasks/{id}", () => {
  test("shows the owner its task and answers everyone else as if it did not exist", async () => {
    const owner = await customer(10_000);
    const stranger = await customer(10_000);
    const taskId = `req_task${Date.now()}`;
    await admit({
      task: { taskId, accountId: owner.accountId, keyId: owner.keyId, model: "gemini-3-flash", upstreamModel: "gemini-3-flash-preview", route: "gemini", stream: true },
      hold: 123,
      spendLimits: {},
      now: Date.now(),
    });
    const mine = await get(`/v1/tasks/${taskId}`, { authorization: `Bearer ${owner.key}` });
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ id: taskId, object: "task", status: "held", model: "gemini-3-flash", route: "gemini", stream: true, hold: 123, charge: null });

    for (const [path, key] of [[`/v1/tasks/${taskId}`, stranger.key], ["/v1/tasks/req_doesnotexist", owner.key]] as const) {
      const response = await get(path, { authorization: `Bearer ${key}` });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: "task_not_found", type: "invalid_request_error" } });
    }
  });

  test("answers an id no task could have without reading storage: 404 for a strange one, 400 for one past any key limit", async () => {
    const owner = await customer(10_000);
    const auth = { authorization: `Bearer ${owner.key}` };
    const strange = await get("/v1/tasks/req%20%3Cscript%3E", auth);
    expect(strange.status).toBe(404);
    expect(await strange.json()).toMatchObject({ error: { code: "task_not_found" } });
    for (const headers of [auth, { "x-goog-api-key": owner.key }]) {
      const long = await get(`/v1/tasks/${"a".repeat(3_000)}`, headers);
      expect(long.status).toBe(400);
      expect(long.headers.get("x-request-id")).toMatch(/^req_/);
      expect(JSON.stringify(await long.json())).toContain("3000 characters long");
    }
  });
});

describe("the keys table", () => {
  test("holds no plaintext key after creating, rotating and disabling keys", async () => {
    const who = await customer(1);
    await changeKeyStatus(who.keyId, "disabled");
    const { Items = [] } = await documentClient().send(new ScanCommand({ TableName: tableNames().keys }));
    const stored = JSON.stringify(Items);
    expect(issued.length).toBeGreaterThan(3);
    for (const key of issued) {
      expect(stored).not.toContain(key);
      expect(stored).not.toContain(key.slice(3));
    }
    expect(Items.map((item) => item.keyHash)).toEqual(expect.arrayContaining(issued.slice(-1).map(hashKey)));
  });
});
