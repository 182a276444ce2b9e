/** `/admin/v1/accounts…`: open, list, show and change accounts; add credits; read the ledger and statement. */
import { parseAccountChange, parseDayPeriod, parseIdempotencyKey, parseNewAccount, parsePage, parseTopUp } from "../../../domain/admin-requests.ts";
import { header, json } from "../../../http/function-url.ts";
import type { GatewayRoute, RouteRequest } from "../../../middleware/types.ts";
import { accountById, accountsPage, changeAccount, deleteAccount, openAccount } from "../../../operations/accounts.ts";
import { currentMonth, ledgerFor, topUp } from "../../../operations/credits.ts";
import { accountView, ledgerEntryView, listView, statementView } from "../views.ts";

const query = (request: RouteRequest) => request.event.queryStringParameters ?? {};
const IDEMPOTENCY_HEADER = { "Idempotency-Key": { description: "A unique value per request (e.g. a payment's id); a replay returns the first answer and changes nothing" } };

export const ACCOUNT_ROUTES: GatewayRoute[] = [
  {
    method: "POST",
    path: "/admin/v1/accounts",
    doc: { tag: "accounts", summary: "Open an account, with opening credits", body: "NewAccount", headers: IDEMPOTENCY_HEADER, ok: { status: 201, schema: "Account", description: "The new account" }, errors: [400, 409] },
    handle: async (request) => {
      const idempotencyKey = parseIdempotencyKey(header(request.event, "idempotency-key"), false);
      const { account, replayed } = await openAccount(parseNewAccount(request.body), idempotencyKey);
      return json(replayed ? 200 : 201, accountView(account), replayed ? { "idempotent-replayed": "true" } : {});
    },
  },
  {
    method: "GET",
    path: "/admin/v1/accounts",
    doc: { tag: "accounts", summary: "List accounts, newest first", query: { limit: "1–100, default 20", cursor: "next_cursor of the page before" }, ok: { status: 200, schema: "AccountList", description: "A page of accounts" }, errors: [400] },
    handle: async (request) => json(200, listView(await accountsPage(parsePage(query(request))), accountView)),
  },
  {
    method: "GET",
    path: "/admin/v1/accounts/{account_id}",
    doc: { tag: "accounts", summary: "Show an account", ok: { status: 200, schema: "Account", description: "The account" }, errors: [404] },
    handle: async ({ params }) => json(200, accountView(await accountById(params.account_id ?? ""))),
  },
  {
    method: "PATCH",
    path: "/admin/v1/accounts/{account_id}",
    doc: {
      tag: "accounts",
      summary: "Rename, disable or enable an account",
      description: "A disabled account's keys get 401 within 5 s and it can hold nothing; its balance, keys and history stay.",
      body: "AccountChange",
      ok: { status: 200, schema: "Account", description: "The account as it is now" },
      errors: [400, 404],
    },
    handle: async ({ params, body }) => json(200, accountView(await changeAccount(params.account_id ?? "", parseAccountChange(body)))),
  },
  {
    method: "DELETE",
    path: "/admin/v1/accounts/{account_id}",
    doc: {
      tag: "accounts",
      summary: "Delete a disabled account that holds nothing, with its keys, ledger and usage",
      description: "For accounts you are done with (a test, a mistake); disable a departing customer instead, so their statements stay. Its tasks expire with the retention period.",
      ok: { status: 200, schema: "Account", description: "The account as it was, with deleted: true" },
      errors: [404, 409],
    },
    handle: async ({ params }) => json(200, { ...accountView(await deleteAccount(params.account_id ?? "")), deleted: true }),
  },
  {
    method: "POST",
    path: "/admin/v1/accounts/{account_id}/credits",
    doc: {
      tag: "credits",
      summary: "Add (or, negative, take back) credits as one ledger entry",
      description: "Idempotent: the Idempotency-Key header is required; a replay returns the same entry, the same key on a different request is a 409.",
      body: "TopUp",
      headers: { "Idempotency-Key": { ...IDEMPOTENCY_HEADER["Idempotency-Key"], required: true } },
      ok: { status: 201, schema: "LedgerEntry", description: "The ledger entry (200 on a replay, with Idempotent-Replayed: true)" },
      errors: [400, 404, 409],
    },
    handle: async ({ params, body, event }) => {
      const request = parseTopUp(body);
      const idempotencyKey = parseIdempotencyKey(header(event, "idempotency-key"), true);
      const accountId = params.account_id ?? "";
      await accountById(accountId);
      const { entry, replayed } = await topUp(accountId, request, idempotencyKey);
      return json(replayed ? 200 : 201, ledgerEntryView(entry), replayed ? { "idempotent-replayed": "true" } : {});
    },
  },
  {
    method: "GET",
    path: "/admin/v1/accounts/{account_id}/ledger",
    doc: {
      tag: "credits",
      summary: "An account's ledger entries and its statement for whole UTC days [from, to)",
      query: { from: "YYYY-MM-DD, default the 1st of this month", to: "YYYY-MM-DD, exclusive, default tomorrow", limit: "entries per page, 1–100", cursor: "next_cursor of the page before" },
      ok: { status: 200, schema: "Ledger", description: "The statement and a page of entries, oldest first" },
      errors: [400, 404],
    },
    handle: async (request) => {
      const accountId = request.params.account_id ?? "";
      const period = parseDayPeriod(query(request), currentMonth());
      const { statement, entries } = await ledgerFor(accountId, period, parsePage(query(request)));
      return json(200, { object: "ledger", statement: statementView(accountId, period, statement), data: entries.items.map(ledgerEntryView), next_cursor: entries.nextCursor });
    },
  },
];
