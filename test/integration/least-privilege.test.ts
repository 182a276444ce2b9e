import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { LocalServer } from "../../lambda/http/local-server.ts";
import { startLocalServer, type StreamingHandler } from "../../lambda/http/local-server.ts";
import { createManagementKey } from "../../lambda/operations/management-keys.ts";
import { documentClient } from "../../lambda/store/client.ts";
import { admit } from "../../lambda/store/ledger.ts";
import { TABLES, type TableSchema } from "../../lambda/store/schema.ts";
import { tableNames } from "../../lambda/store/tables.ts";
import { ACCESS } from "../../lib/access.ts";
import type { FunctionName } from "../../lib/config.ts";
import { isAdminRequest, isGeminiRequest } from "../../bin/local/gateway.ts";
import { newCustomer, settledTask, startGatewayWithFakeGoogle, type GatewayFixture } from "../support/gateway-fixture.ts";

/**
 * `lib/access.ts` is the IAM policy of each function. DynamoDB Local enforces no IAM, so this test
 * records every storage call each function's code makes, as IAM would authorise it (a transaction
 * needs the action of every item in it), while the functions serve every route they have; then
 * holds the policy to it both ways: nothing the code does is missing, and nothing granted goes unused.
 */

const calls = new AsyncLocalStorage<FunctionName>();
/** `function table[/index] action`, as recorded. */
const used = new Set<string>();

let fixture: GatewayFixture;
let server: LocalServer;
let tableIds: Map<string, TableSchema["id"]>;

beforeAll(async () => {
  fixture = await startGatewayWithFakeGoogle();
  tableIds = new Map(TABLES.map((table) => [tableNames()[table.id], table.id]));
  documentClient().middlewareStack.add((next, context) => (args) => {
    const fn = calls.getStore();
    if (fn !== undefined) for (const permission of permissionsOf(context.commandName ?? "", args.input as Record<string, unknown>)) used.add(`${fn} ${permission}`);
    return next(args);
  }, { step: "initialize", name: "recordPermissions" });

  // The same handlers the local gateway serves, each run inside its own function's name.
  const handler = async (path: string) => (await import(path)).handler as StreamingHandler;
  const [chat, gemini, admin] = await Promise.all(["../../lambda/handlers/chat.ts", "../../lambda/handlers/gemini.ts", "../../lambda/handlers/admin.ts"].map(handler));
  const as = (fn: FunctionName, serve: StreamingHandler): StreamingHandler => (event, stream, context) => calls.run(fn, () => serve(event, stream, context));
  server = await startLocalServer({ port: 0, pick: (event) => (isAdminRequest(event) ? as("admin", admin!) : isGeminiRequest(event) ? as("gemini", gemini!) : as("chat", chat!)) });
});
afterAll(async () => {
  await server?.close();
  await fixture?.close();
});

/** What IAM checks for one call: `table action` or `table/index action`, per item of a batch or transaction. */
function permissionsOf(commandName: string, input: Record<string, unknown>): string[] {
  const action = commandName.replace(/Command$/, "");
  const on = (tableName: unknown, actionName: string, index?: unknown) => {
    const id = tableIds.get(String(tableName)) ?? `unknown table ${String(tableName)}`;
    return `${id}${index === undefined ? "" : `/${String(index)}`} ${actionName}`;
  };
  switch (action) {
    case "GetItem":
      return [on(input.TableName, "GetItem")];
    case "PutItem":
      return [on(input.TableName, "PutItem")];
    case "UpdateItem":
      return [on(input.TableName, "UpdateItem")];
    case "DeleteItem":
      return [on(input.TableName, "DeleteItem")];
    case "Query":
      return [on(input.TableName, "Query", input.IndexName)];
    case "BatchGetItem":
      return Object.keys(input.RequestItems as object).map((table) => on(table, "BatchGetItem"));
    case "BatchWriteItem":
      return Object.keys(input.RequestItems as object).map((table) => on(table, "BatchWriteItem"));
    case "TransactGetItems":
      return (input.TransactItems as Array<{ Get: { TableName: string } }>).map((item) => on(item.Get.TableName, "GetItem"));
    case "TransactWriteItems":
      return (input.TransactItems as Array<Record<string, { TableName: string }>>).flatMap((item) =>
        Object.entries(item).map(([kind, write]) => on(write.TableName, { Put: "PutItem", Update: "UpdateItem", Delete: "DeleteItem", ConditionCheck: "ConditionCheckItem" }[kind] ?? kind)),
      );
    default:
      return [`${action} (not a call the gateway's functions are expected to make)`];
  }
}

/** Every permission `lib/access.ts` grants, in the form they are recorded. */
function granted(fn: FunctionName): string[] {
  return Object.entries(ACCESS[fn]).flatMap(([table, access]) => [
    ...(access?.table ?? []).map((action) => `${fn} ${table} ${action}`),
    ...Object.entries(access?.indexes ?? {}).flatMap(([index, actions]) => actions.map((action) => `${fn} ${table}/${index} ${action}`)),
  ]);
}

function recorded(fn: FunctionName): string[] {
  return [...used].filter((permission) => permission.startsWith(`${fn} `));
}

async function call(method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}) {
  const auth = path.startsWith("/v1beta/") ? { "x-goog-api-key": key } : { authorization: `Bearer ${key}` };
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...auth, "content-type": "application/json", ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 400) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return { headers: response.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

const hello = { model: "gemini-3-flash", messages: [{ role: "user", content: "Say hello" }] };
const native = { contents: [{ role: "user", parts: [{ text: "Say hello" }] }] };

/** Both customer functions serve the account routes beside their model routes. */
async function customerRoutes(key: string, taskId: string, onGemini: boolean): Promise<void> {
  // Locally, Google's header sends a request to the gemini function, as its own URL would in AWS.
  const headers: Record<string, string> = onGemini ? { "x-goog-api-key": key } : {};
  const get = (path: string) => call("GET", path, key, undefined, headers);
  await get("/v1/credits");
  await get(`/v1/tasks/${taskId}`);
  await get("/v1/tasks?limit=5");
  await get("/v1/usage?group_by=day");
}

describe("each function's IAM policy (lib/access.ts)", () => {
  test("the chat function needs exactly what it is granted", async () => {
    const customer = await newCustomer(fixture.gateway, 10_000_000, { rpm: 600, limits: { daily: 5_000_000 } });
    const taskId = await served(call("POST", "/v1/chat/completions", customer.key, hello));
    await served(call("POST", "/v1/chat/completions", customer.key, { ...hello, stream: true }));
    // The Responses route keeps output items, reads them back by reference, and seals signatures.
    const kept = (await call("POST", "/v1/responses", customer.key, { model: "gemini-3-flash", input: "Say hello" })).json() as { id: string; output: Array<{ id: string }> };
    await settledTask(kept.id);
    await served(call("POST", "/v1/responses", customer.key, { model: "gemini-3-flash", input: [{ role: "user", content: "Hi" }, ...kept.output.map((item) => ({ type: "item_reference", id: item.id })), { role: "user", content: "Again" }] }));
    await served(call("POST", "/v1/responses", customer.key, { model: "gemini-3-flash", input: "Say hello", store: false, include: ["reasoning.encrypted_content"], stream: true }));
    await call("GET", "/v1/models", customer.key);
    await customerRoutes(customer.key, taskId, false);
    const broke = await newCustomer(fixture.gateway, 1);
    await expect(call("POST", "/v1/chat/completions", broke.key, hello)).rejects.toThrow(/answered 402/);

    expect(recorded("chat").sort()).toEqual(granted("chat").sort());
  });

  test("the gemini function needs exactly what it is granted", async () => {
    const customer = await newCustomer(fixture.gateway, 10_000_000, { rpm: 600, limits: { daily: 5_000_000 } });
    const taskId = await served(call("POST", "/v1beta/models/gemini-3-flash:generateContent", customer.key, native));
    await served(call("POST", "/v1beta/models/gemini-3-flash:streamGenerateContent?alt=sse", customer.key, native));
    await call("POST", "/v1beta/models/gemini-3-flash:countTokens", customer.key, native);
    await call("GET", "/v1beta/models", customer.key);
    await customerRoutes(customer.key, taskId, true);

    expect(recorded("gemini").sort()).toEqual(granted("gemini").sort());
  });

  test("the admin function needs exactly what it is granted", async () => {
    const { key } = await createManagementKey("least privilege");
    const account = (await call("POST", "/admin/v1/accounts", key, { name: "iam", credits: 1_000 })).json();
    const id = String(account.id);
    await call("GET", "/admin/v1/accounts?limit=10", key);
    await call("GET", `/admin/v1/accounts/${id}`, key);
    await call("PATCH", `/admin/v1/accounts/${id}`, key, { name: "iam 2" });
    const topUp = { "idempotency-key": randomUUID() };
    await call("POST", `/admin/v1/accounts/${id}/credits`, key, { amount: 500, note: "top-up" }, topUp);
    await call("POST", `/admin/v1/accounts/${id}/credits`, key, { amount: 500, note: "top-up" }, topUp);
    await call("GET", `/admin/v1/accounts/${id}/ledger`, key);
    const issued = (await call("POST", `/admin/v1/accounts/${id}/keys`, key, { name: "k" })).json();
    await call("GET", `/admin/v1/accounts/${id}/keys`, key);
    await call("PATCH", `/admin/v1/keys/${String(issued.id)}`, key, { rpm: 60 });
    await call("POST", `/admin/v1/keys/${String(issued.id)}/rotate`, key);
    await call("DELETE", `/admin/v1/keys/${String(issued.id)}`, key);
    await call("GET", `/admin/v1/usage?account_id=${id}`, key);
    await call("GET", `/admin/v1/tasks?account_id=${id}`, key);
    await call("PATCH", `/admin/v1/accounts/${id}`, key, { status: "disabled" });
    await call("DELETE", `/admin/v1/accounts/${id}`, key);

    expect(recorded("admin").sort()).toEqual(granted("admin").sort());
  });

  test("the sweeper needs exactly what it is granted", async () => {
    const customer = await newCustomer(fixture.gateway, 1_000);
    const died = Date.now() - 60 * 60 * 1000;
    const task = { taskId: `req_${randomUUID()}`, accountId: customer.accountId, keyId: customer.keyId, model: "gemini-3-flash", upstreamModel: "gemini-3-flash-preview", route: "chat" as const, stream: false };
    expect((await admit({ task, hold: 100, spendLimits: {}, now: died })).admitted).toBe(true);

    const { handler } = await import("../../lambda/handlers/sweeper.ts");
    expect(await calls.run("sweeper", () => handler())).toMatchObject({ refunded: 1 });

    expect(recorded("sweeper").sort()).toEqual(granted("sweeper").sort());
  });
});

/** A model call's task id, once it is settled (settlement may finish just after the last byte). */
async function served(answer: Promise<{ headers: Headers }>): Promise<string> {
  const taskId = (await answer).headers.get("x-request-id");
  if (taskId === null) throw new Error("no x-request-id");
  await settledTask(taskId);
  return taskId;
}
