/**
 * Usage reports from the aggregates kept as requests settle (never by reading every task), and the
 * task history, for the operator (any account) and for a customer (their own).
 */
import type { DayPeriod, Page, TimeRange } from "../domain/admin-requests.ts";
import { KeyNotFoundError } from "../domain/errors.ts";
import { add, groupUsage, NO_COUNTERS, type UsageBucket, type UsageCounters, type UsageDimension } from "../domain/usage.ts";
import type { Paged } from "../store/pages.ts";
import { listTasks, type TaskRecord, type TaskStatus } from "../store/tasks.ts";
import { usageRows } from "../store/usage.ts";
import { checkRetained } from "./credits.ts";
import { customerKey } from "./keys.ts";

export interface UsageQuery {
  readonly accountId?: string;
  readonly keyId?: string;
  readonly period: DayPeriod;
  readonly groupBy: readonly UsageDimension[];
}

export interface UsageReport {
  readonly accountId: string;
  readonly period: DayPeriod;
  readonly groupBy: readonly UsageDimension[];
  readonly buckets: UsageBucket[];
  readonly total: UsageCounters;
}

/**
 * Usage of an account, or of one key (whose account it then is), grouped as asked.
 *
 * @example await usageReport({ accountId: "acct_1", period: { from: "2026-11-01", to: "2026-12-01" }, groupBy: ["day", "model"] })
 */
export async function usageReport(query: UsageQuery, now = Date.now()): Promise<UsageReport> {
  checkRetained(query.period.from, now);
  const accountId = await accountOf(query);
  const rows = (await usageRows(accountId, query.period.from, query.period.to)).filter((row) => query.keyId === undefined || row.keyId === query.keyId);
  return {
    accountId,
    period: query.period,
    groupBy: query.groupBy,
    buckets: groupUsage(rows, query.groupBy),
    total: rows.reduce<UsageCounters>((sum, row) => add(sum, row), NO_COUNTERS),
  };
}

async function accountOf(query: UsageQuery): Promise<string> {
  if (query.keyId === undefined) return query.accountId ?? "";
  const key = await customerKey(query.keyId);
  // Another account's key is as unknown to this one as a key that does not exist.
  if (query.accountId !== undefined && key.accountId !== query.accountId) throw new KeyNotFoundError(query.keyId);
  return key.accountId;
}

/** @example await taskHistory("acct_1", { fromMs }, { limit: 20 }, "refunded") */
export function taskHistory(accountId: string, range: TimeRange, page: Page, status?: TaskStatus): Promise<Paged<TaskRecord>> {
  return listTasks({ accountId, ...range, ...page, ...(status !== undefined && { status }) });
}
