/**
 * Usage as the operator and the customer read it, from aggregates kept as requests settle: one
 * counter row per UTC day, key and model (the store writes them in the settlement transaction, so
 * they always equal the sum of the tasks). Pure: grouping and statement arithmetic, no I/O.
 *
 * A request counts on the day it was settled, when its cost became final.
 */

/** What one settled request adds to its day's counters. */
export interface UsageCounters {
  readonly requests: number;
  readonly settled: number;
  readonly failed: number;
  readonly refunded: number;
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  readonly searchQueries: number;
  readonly creditsHeld: number;
  readonly creditsCharged: number;
  readonly creditsRefunded: number;
}

export const COUNTER_NAMES = [
  "requests",
  "settled",
  "failed",
  "refunded",
  "inputTokens",
  "cachedInputTokens",
  "outputTokens",
  "reasoningTokens",
  "searchQueries",
  "creditsHeld",
  "creditsCharged",
  "creditsRefunded",
] as const satisfies ReadonlyArray<keyof UsageCounters>;

export const NO_COUNTERS: UsageCounters = Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])) as unknown as UsageCounters;

/** One stored aggregate: a day, a key and a model. */
export interface UsageRow extends UsageCounters {
  readonly day: string;
  readonly keyId: string;
  readonly model: string;
}

export interface SettledRequest {
  readonly status: "settled" | "failed" | "refunded";
  readonly hold: number;
  readonly charge: number;
  readonly usage: { readonly input: number; readonly cachedInput: number; readonly output: number; readonly reasoning: number; readonly searchQueries: number } | undefined;
}

/**
 * The counters one settlement adds.
 *
 * @example countersOf({ status: "refunded", hold: 900, charge: 0, usage: undefined }).creditsRefunded // 900
 */
export function countersOf(request: SettledRequest): UsageCounters {
  const usage = request.usage;
  return {
    requests: 1,
    settled: request.status === "settled" ? 1 : 0,
    failed: request.status === "failed" ? 1 : 0,
    refunded: request.status === "refunded" ? 1 : 0,
    inputTokens: usage?.input ?? 0,
    cachedInputTokens: usage?.cachedInput ?? 0,
    outputTokens: usage?.output ?? 0,
    reasoningTokens: usage?.reasoning ?? 0,
    searchQueries: usage?.searchQueries ?? 0,
    creditsHeld: request.hold,
    creditsCharged: request.charge,
    creditsRefunded: request.hold - request.charge,
  };
}

export type UsageDimension = "day" | "model" | "key";
export const USAGE_DIMENSIONS: readonly UsageDimension[] = ["day", "model", "key"];

export type UsageBucket = { day?: string; model?: string; keyId?: string } & UsageCounters;

/**
 * Sums rows into one bucket per distinct value of the chosen dimensions, ordered by them; no
 * dimensions gives one bucket for everything (none when there are no rows).
 *
 * @example groupUsage(rows, ["day"]) // [{ day: "2026-11-30", requests: 4, … }, { day: "2026-12-01", … }]
 */
export function groupUsage(rows: readonly UsageRow[], groupBy: readonly UsageDimension[]): UsageBucket[] {
  const buckets = new Map<string, UsageBucket>();
  for (const row of rows) {
    const identity = {
      ...(groupBy.includes("day") && { day: row.day }),
      ...(groupBy.includes("model") && { model: row.model }),
      ...(groupBy.includes("key") && { keyId: row.keyId }),
    };
    const id = JSON.stringify([identity.day, identity.model, identity.keyId]);
    buckets.set(id, { ...identity, ...add(buckets.get(id) ?? NO_COUNTERS, row) });
  }
  return [...buckets.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, bucket]) => bucket);
}

/** @example add(NO_COUNTERS, row).requests // row.requests */
export function add(a: UsageCounters, b: UsageCounters): UsageCounters {
  return Object.fromEntries(COUNTER_NAMES.map((name) => [name, a[name] + b[name]])) as unknown as UsageCounters;
}

/** One account's money movements on one day (the day totals the statement reads). */
export interface DayMoney {
  readonly day: string;
  /** Credits put in by top-ups, and taken back by negative ones. */
  readonly added: number;
  readonly takenBack: number;
  readonly charged: number;
  readonly refunded: number;
}

export interface Statement {
  readonly openingBalance: number;
  readonly added: number;
  readonly takenBack: number;
  readonly charged: number;
  readonly refunded: number;
  readonly closingBalance: number;
}

/**
 * The statement for whole UTC days `[from, to)`, worked back from the balance now: a balance is
 * everything added less everything charged, so the balance at a day's start is today's less what
 * moved since. Holds are not movements; `refunded` is what holds gave back, shown for reconciling
 * with the tasks (each task's hold = charge + refund).
 *
 * @param balanceNow available + held, read in one snapshot with `days` for the current days
 * @param days the account's day totals from `from` to today, in any order
 */
export function statementOf(balanceNow: number, days: readonly DayMoney[], from: string, to: string): Statement {
  const since = (bound: string) => days.filter((day) => day.day >= bound).reduce((sum, day) => sum + day.added - day.takenBack - day.charged, 0);
  const within = days.filter((day) => day.day >= from && day.day < to);
  const total = (field: keyof Omit<DayMoney, "day">) => within.reduce((sum, day) => sum + day[field], 0);
  const openingBalance = balanceNow - since(from);
  const statement = { added: total("added"), takenBack: total("takenBack"), charged: total("charged"), refunded: total("refunded") };
  return { openingBalance, ...statement, closingBalance: openingBalance + statement.added - statement.takenBack - statement.charged };
}
