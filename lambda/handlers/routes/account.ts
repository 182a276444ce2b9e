/**
 * What a customer can see of their own account, on both function URLs: the balance and limits, one
 * task, the task history and usage. Always their own account: the key says which.
 */
import { parseDayPeriod, parseGroupBy, parsePage, parseTimeRange } from "../../domain/admin-requests.ts";
import { CREDITS_PER_USD } from "../../domain/catalog.ts";
import { TaskNotFoundError } from "../../domain/errors.ts";
import { isTaskIdShape } from "../../domain/ids.ts";
import { fail } from "../../domain/validate.ts";
import { rateWindow, spendWindows } from "../../domain/windows.ts";
import { json } from "../../http/function-url.ts";
import type { GatewayRoute, RouteHandler, RouteRequest } from "../../middleware/types.ts";
import { taskHistory, usageReport } from "../../operations/usage.ts";
import { readAccountAndCounters } from "../../store/accounts.ts";
import { getTask } from "../../store/tasks.ts";
import { lastThirtyDays, taskStatusOf } from "./usage-queries.ts";
import { listView, taskView, usageView } from "./views.ts";

/** `GET /v1/credits`: the account's balance and holds, and this key's use of each of its limits. */
export const getCredits: RouteHandler = async (request) => {
  const key = authenticatedKey(request);
  const now = Date.now();
  const rate = rateWindow(now);
  const windows = spendWindows(now);
  const { account, counters } = await readAccountAndCounters(key.accountId, key.keyId, [rate.sk, ...windows.map((w) => w.sk)]);
  const used = Number(counters.get(rate.sk)?.requests ?? 0);
  const iso = (seconds: number | undefined) => (seconds === undefined ? null : new Date(seconds * 1000).toISOString());
  return json(200, {
    object: "credits",
    account_id: key.accountId,
    unit: "credits",
    credits_per_usd: CREDITS_PER_USD,
    balance: account?.available ?? 0,
    held: account?.held ?? 0,
    charged: account?.charged ?? 0,
    key: {
      id: key.keyId,
      name: key.name,
      rate_limit: {
        requests_per_minute: key.rpm ?? null,
        used_this_minute: used,
        remaining: key.rpm === undefined ? null : Math.max(0, key.rpm - used),
        resets_at: iso(rate.resetsAt),
      },
      spend: Object.fromEntries(
        windows.map((window) => [
          window.kind,
          { spent: Number(counters.get(window.sk)?.spent ?? 0), limit: key.limits[window.kind] ?? null, resets_at: iso(window.resetsAt) },
        ]),
      ),
    },
  });
};

/** `GET /v1/tasks/{id}`: one request's record, to the account that made it and nobody else. */
export const getTaskRecord: RouteHandler = async (request) => {
  const key = authenticatedKey(request);
  const taskId = request.params.id ?? "";
  const task = isTaskIdShape(taskId) ? await getTask(taskId) : undefined;
  if (!task || task.accountId !== key.accountId) throw new TaskNotFoundError(taskId);
  return json(200, taskView(task));
};

/** `GET /v1/tasks`: the account's tasks, newest first. */
export const listTaskRecords: RouteHandler = async (request) => {
  const key = authenticatedKey(request);
  const query = request.event.queryStringParameters ?? {};
  const page = await taskHistory(key.accountId, parseTimeRange(query), parsePage(query), taskStatusOf(query.status));
  return json(200, listView(page, taskView));
};

/** `GET /v1/usage`: the account's usage, as the operator's report shows it, for its own keys only. */
export const getUsage: RouteHandler = async (request) => {
  const key = authenticatedKey(request);
  const query = request.event.queryStringParameters ?? {};
  if (query.account_id !== undefined) fail("account_id", "is not taken here: a key sees its own account's usage");
  const report = await usageReport({ accountId: key.accountId, keyId: query.key_id, period: parseDayPeriod(query, lastThirtyDays()), groupBy: parseGroupBy(query.group_by) });
  return json(200, usageView(report));
};

/** The routes every customer has on both function URLs. */
export const ACCOUNT_ROUTES: GatewayRoute[] = [
  { method: "GET", path: "/v1/credits", handle: getCredits, doc: { tag: "account", summary: "Balance, held credits, and this key's limits and their use", ok: { status: 200, schema: "Credits", description: "The balance" } } },
  {
    method: "GET",
    path: "/v1/tasks",
    handle: listTaskRecords,
    doc: {
      tag: "account",
      summary: "This account's tasks, newest first",
      query: { from: "created at or after (date or ISO time)", to: "created before", status: "held, settled, refunded or failed", limit: "1–100", cursor: "next_cursor of the page before" },
      ok: { status: 200, schema: "TaskList", description: "A page of tasks" },
      errors: [400],
    },
  },
  { method: "GET", path: "/v1/tasks/{id}", handle: getTaskRecord, doc: { tag: "account", summary: "One request's record: status, usage, hold, charge, refund", ok: { status: 200, schema: "Task", description: "The task" }, errors: [400, 404] } },
  {
    method: "GET",
    path: "/v1/usage",
    handle: getUsage,
    doc: {
      tag: "account",
      summary: "This account's usage, from the aggregates kept as requests settle",
      query: { key_id: "one of this account's keys", from: "YYYY-MM-DD, default 29 days ago", to: "YYYY-MM-DD, exclusive, default tomorrow", group_by: "day, model, key, or a comma-separated combination" },
      ok: { status: 200, schema: "Usage", description: "Buckets and their total" },
      errors: [400, 404],
    },
  },
];

function authenticatedKey(request: RouteRequest) {
  const key = request.context.key;
  // The auth middleware runs before every non-public route; this only keeps the types honest.
  if (!key) throw new Error("route reached without an authenticated key");
  return key;
}
