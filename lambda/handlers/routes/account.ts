import { CREDITS_PER_USD } from "../../domain/catalog.ts";
import { TaskNotFoundError } from "../../domain/errors.ts";
import { isTaskIdShape } from "../../domain/ids.ts";
import { rateWindow, spendWindows } from "../../domain/windows.ts";
import { json } from "../../http/function-url.ts";
import { readAccountAndCounters } from "../../store/accounts.ts";
import { getTask, type TaskRecord } from "../../store/tasks.ts";
import type { RouteHandler, RouteRequest } from "../../middleware/types.ts";

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
  return json(200, describeTask(task));
};

export function describeTask(task: TaskRecord) {
  return {
    id: task.taskId,
    object: "task",
    status: task.status,
    model: task.model,
    upstream_model: task.upstreamModel,
    route: task.route,
    stream: task.stream,
    key_id: task.keyId,
    upstream_kind: task.upstreamKind ?? null,
    usage: task.usage
      ? {
          input_tokens: task.usage.input,
          cached_input_tokens: task.usage.cachedInput,
          output_tokens: task.usage.output,
          reasoning_tokens: task.usage.reasoning,
          tool_use_prompt_tokens: task.usage.toolUsePrompt,
          search_queries: task.usage.searchQueries,
        }
      : null,
    hold: task.hold,
    charge: task.charge ?? null,
    refund: task.refund ?? null,
    error_code: task.errorCode ?? null,
    created_at: new Date(task.createdAt).toISOString(),
    settled_at: task.settledAt === undefined ? null : new Date(task.settledAt).toISOString(),
  };
}

function authenticatedKey(request: RouteRequest) {
  const key = request.context.key;
  // The auth middleware runs before every non-public route; this only keeps the types honest.
  if (!key) throw new Error("route reached without an authenticated key");
  return key;
}
