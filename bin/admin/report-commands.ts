/** `usage` and `tasks`: the admin API's reports, from the shell. */
import { parseDayPeriod, parseGroupBy, parsePage, parseTimeRange } from "../../lambda/domain/admin-requests.ts";
import { lastThirtyDays, taskStatusOf } from "../../lambda/handlers/routes/usage-queries.ts";
import { listView, taskView, usageView } from "../../lambda/handlers/routes/views.ts";
import { accountById } from "../../lambda/operations/accounts.ts";
import { taskHistory, usageReport } from "../../lambda/operations/usage.ts";
import { AdminError, optionalString, query, required, type Values } from "./flags.ts";
import { table, type CommandResult } from "./output.ts";

type Command = (input: { values: Values; args: string[] }) => Promise<CommandResult>;

export const REPORT_USAGE = `  usage (--account ACCOUNT_ID | --key KEY_ID) [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--group-by day,model,key]   [--csv]
  tasks --account ACCOUNT_ID [--from T] [--to T] [--status S] [--limit N] [--cursor C]   [--csv]`;

export const REPORT_COMMANDS: Record<string, Command> = {
  usage: async ({ values }) => {
    const accountId = optionalString(values, "account");
    const keyId = optionalString(values, "key");
    if (accountId === undefined && keyId === undefined) throw new AdminError("--account or --key is required");
    const params = query(values, { from: "from", to: "to" });
    const report = await usageReport({ accountId, keyId, period: parseDayPeriod(params, lastThirtyDays()), groupBy: parseGroupBy(optionalString(values, "group-by")) });
    const view = usageView(report);
    const columns = [...view.group_by.map((name) => (name === "key" ? "key_id" : name)), "requests", "settled", "failed", "refunded", "input_tokens", "output_tokens", "credits_charged", "credits_refunded"];
    const rows = view.data.length > 0 ? view.data : [];
    return { data: view, rows, text: `${view.account_id} ${view.from} .. ${view.to} (exclusive)\n\n${table(rows, columns)}\n\ntotal: ${JSON.stringify(view.total)}` };
  },
  tasks: async ({ values }) => {
    const accountId = required(values, "account");
    await accountById(accountId);
    const params = query(values, { from: "from", to: "to", limit: "limit", cursor: "cursor" });
    const page = listView(await taskHistory(accountId, parseTimeRange(params), parsePage(params), taskStatusOf(optionalString(values, "status"))), taskView);
    const more = page.next_cursor === null ? "" : `\n\nmore: --cursor ${page.next_cursor}`;
    return { data: page, rows: page.data, text: `${table(page.data, ["id", "created_at", "status", "model", "route", "hold", "charge", "refund"])}${more}` };
  },
};
