/**
 * Records as the API shows them: snake_case JSON, ISO times, `null` for what is absent, an `object`
 * naming what each thing is. The admin API and the customer routes share them, so one record always
 * looks the same wherever it appears.
 */
import type { DayPeriod } from "../../domain/admin-requests.ts";
import type { Statement, UsageBucket, UsageCounters } from "../../domain/usage.ts";
import type { PublicKey } from "../../operations/accounts.ts";
import type { UsageReport } from "../../operations/usage.ts";
import type { AccountRecord } from "../../store/accounts.ts";
import type { Paged } from "../../store/pages.ts";
import type { TaskRecord } from "../../store/tasks.ts";
import type { LedgerEntry } from "../../store/top-ups.ts";

const iso = (ms: number) => new Date(ms).toISOString();

/** @example listView({ items: [account], nextCursor: null }, accountView) // { object: "list", data: [...], next_cursor: null } */
export function listView<T, V>(page: Paged<T>, view: (item: T) => V) {
  return { object: "list" as const, data: page.items.map(view), next_cursor: page.nextCursor };
}

export function accountView(account: AccountRecord) {
  return {
    id: account.accountId,
    object: "account" as const,
    name: account.name,
    status: account.status,
    balance: account.available,
    held: account.held,
    charged: account.charged,
    created_at: iso(account.createdAt),
  };
}

export function keyView(key: PublicKey) {
  return {
    id: key.keyId,
    object: "key" as const,
    account_id: key.accountId,
    name: key.name,
    status: key.status,
    hint: key.hint,
    rpm: key.rpm ?? null,
    spend_limits: { hourly: key.limits.hourly ?? null, daily: key.limits.daily ?? null, total: key.limits.total ?? null },
    ip_allowlist: key.ipAllowlist,
    models: key.models,
    created_at: iso(key.createdAt),
  };
}

/** A management key, never with its hash and never with an account. */
export function managementKeyView(key: PublicKey) {
  return { id: key.keyId, object: "management_key" as const, name: key.name, status: key.status, hint: key.hint, created_at: iso(key.createdAt) };
}

export function ledgerEntryView(entry: LedgerEntry) {
  return {
    id: entry.entryId,
    object: "ledger_entry" as const,
    account_id: entry.accountId,
    kind: entry.kind,
    at: iso(entry.at),
    amount: entry.amount,
    note: entry.note ?? null,
    balance_after: entry.balanceAfter ?? null,
    idempotency_key: entry.idempotencyKey ?? null,
  };
}

export function statementView(accountId: string, period: DayPeriod, statement: Statement) {
  return {
    object: "statement" as const,
    account_id: accountId,
    from: period.from,
    to: period.to,
    opening_balance: statement.openingBalance,
    credits_added: statement.added,
    credits_taken_back: statement.takenBack,
    charged: statement.charged,
    refunded: statement.refunded,
    closing_balance: statement.closingBalance,
  };
}

export function countersView(counters: UsageCounters) {
  return {
    requests: counters.requests,
    settled: counters.settled,
    failed: counters.failed,
    refunded: counters.refunded,
    input_tokens: counters.inputTokens,
    cached_input_tokens: counters.cachedInputTokens,
    output_tokens: counters.outputTokens,
    reasoning_tokens: counters.reasoningTokens,
    search_queries: counters.searchQueries,
    credits_held: counters.creditsHeld,
    credits_charged: counters.creditsCharged,
    credits_refunded: counters.creditsRefunded,
  };
}

function bucketView(bucket: UsageBucket) {
  return {
    ...(bucket.day !== undefined && { day: bucket.day }),
    ...(bucket.model !== undefined && { model: bucket.model }),
    ...(bucket.keyId !== undefined && { key_id: bucket.keyId }),
    ...countersView(bucket),
  };
}

export function usageView(report: UsageReport) {
  return {
    object: "usage" as const,
    account_id: report.accountId,
    from: report.period.from,
    to: report.period.to,
    group_by: report.groupBy,
    data: report.buckets.map(bucketView),
    total: countersView(report.total),
  };
}

export function taskView(task: TaskRecord) {
  return {
    id: task.taskId,
    object: "task" as const,
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
    created_at: iso(task.createdAt),
    settled_at: task.settledAt === undefined ? null : iso(task.settledAt),
  };
}
