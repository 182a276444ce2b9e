/** `/admin/v1/usage` and `/admin/v1/tasks`: any account's usage and history. */
import { parseDayPeriod, parseGroupBy, parsePage, parseTimeRange } from "../../../domain/admin-requests.ts";
import { fail } from "../../../domain/validate.ts";
import { json } from "../../../http/function-url.ts";
import type { GatewayRoute, RouteRequest } from "../../../middleware/types.ts";
import { accountById } from "../../../operations/accounts.ts";
import { taskHistory, usageReport } from "../../../operations/usage.ts";
import { lastThirtyDays, taskStatusOf } from "../usage-queries.ts";
import { listView, taskView, usageView } from "../views.ts";

const query = (request: RouteRequest) => request.event.queryStringParameters ?? {};

export const REPORT_ROUTES: GatewayRoute[] = [
  {
    method: "GET",
    path: "/admin/v1/usage",
    doc: {
      tag: "usage",
      summary: "Usage buckets of an account or a key, from the aggregates kept as requests settle",
      query: { account_id: "the account (or give key_id)", key_id: "one key", from: "YYYY-MM-DD, default 29 days ago", to: "YYYY-MM-DD, exclusive, default tomorrow", group_by: "day, model, key, or a comma-separated combination" },
      ok: { status: 200, schema: "Usage", description: "Buckets and their total" },
      errors: [400, 404],
    },
    handle: async (request) => {
      const { account_id: accountId, key_id: keyId, group_by: groupBy } = query(request);
      if (accountId === undefined && keyId === undefined) fail("account_id", "or `key_id` is required: usage is read one account at a time");
      if (accountId !== undefined) await accountById(accountId);
      const report = await usageReport({ accountId, keyId, period: parseDayPeriod(query(request), lastThirtyDays()), groupBy: parseGroupBy(groupBy) });
      return json(200, usageView(report));
    },
  },
  {
    method: "GET",
    path: "/admin/v1/tasks",
    doc: {
      tag: "usage",
      summary: "An account's tasks, newest first",
      query: { account_id: "the account (required)", from: "created at or after (date or ISO time)", to: "created before", status: "held, settled, refunded or failed", limit: "1–100", cursor: "next_cursor of the page before" },
      ok: { status: 200, schema: "TaskList", description: "A page of tasks" },
      errors: [400, 404],
    },
    handle: async (request) => {
      const accountId = query(request).account_id ?? fail("account_id", "is required: tasks are listed one account at a time");
      await accountById(accountId);
      const page = await taskHistory(accountId, parseTimeRange(query(request)), parsePage(query(request)), taskStatusOf(query(request).status));
      return json(200, listView(page, taskView));
    },
  },
];
