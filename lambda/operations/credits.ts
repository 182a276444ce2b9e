/**
 * Credits in and out, and what an account can be shown about them: the ledger of top-ups and a
 * statement that reconciles to the credit with the period's tasks.
 */
import type { DayPeriod, Page, TopUp } from "../domain/admin-requests.ts";
import { AccountNotFoundError, InvalidRequestError } from "../domain/errors.ts";
import { generateLedgerEntryId } from "../domain/keys.ts";
import { statementOf, type Statement } from "../domain/usage.ts";
import { dayStart, utcDay } from "../domain/windows.ts";
import { accountPk, retentionDays } from "../store/items.ts";
import type { Paged } from "../store/pages.ts";
import { ledgerEntries, recordTopUp, type LedgerEntry } from "../store/top-ups.ts";
import { balanceAndDaysSince } from "../store/usage.ts";
import { accountById } from "./accounts.ts";
import { idempotencyFor } from "./idempotency.ts";

/**
 * Adds (or, negative, takes back) credits as one ledger entry. With an idempotency key, a replay of
 * the same request returns the same entry and changes nothing; the key on a different request is a 409.
 *
 * @example const { entry, replayed } = await topUp("acct_1", { amount: 5_000_000, note: "invoice 12" }, "stripe-evt-1");
 */
export async function topUp(accountId: string, request: TopUp, idempotencyKey?: string): Promise<{ entry: LedgerEntry; replayed: boolean }> {
  const entry: LedgerEntry = {
    entryId: generateLedgerEntryId(),
    accountId,
    kind: request.amount > 0 ? "top_up" : "take_back",
    at: Date.now(),
    amount: request.amount,
    ...(request.note !== undefined && { note: request.note }),
    ...(idempotencyKey !== undefined && { idempotencyKey }),
  };
  return recordTopUp(entry, idempotencyKey === undefined ? undefined : idempotencyFor(accountPk(accountId), idempotencyKey, request));
}

export interface Ledger {
  readonly period: DayPeriod;
  readonly statement: Statement;
  readonly entries: Paged<LedgerEntry>;
}

/**
 * An account's ledger entries for whole UTC days `[from, to)` and the statement of the period.
 *
 * @example const { statement, entries } = await ledgerFor("acct_1", { from: "2026-11-01", to: "2026-12-01" }, { limit: 50 });
 */
export async function ledgerFor(accountId: string, period: DayPeriod, page: Page, now = Date.now()): Promise<Ledger> {
  checkRetained(period.from, now);
  await accountById(accountId);
  const snapshot = await balanceAndDaysSince(accountId, period.from, now);
  if (snapshot === undefined) throw new AccountNotFoundError(accountId);
  const entries = await ledgerEntries(accountId, { fromMs: dayStart(period.from), toMs: dayStart(period.to), ...page });
  return { period, statement: statementOf(snapshot.balance, snapshot.days, period.from, period.to), entries };
}

/** The current month so far, and tomorrow as the exclusive end. */
export function currentMonth(now = Date.now()): DayPeriod {
  const today = utcDay(now);
  return { from: `${today.slice(0, 8)}01`, to: utcDay(now + 86_400_000) };
}

/** Statements and usage reach back as far as history is kept, no further. */
export function checkRetained(from: string, now = Date.now()): void {
  const oldest = utcDay(now - (retentionDays() - 1) * 86_400_000);
  if (from < oldest) throw new InvalidRequestError(`\`from\` is before ${oldest}: history is kept for ${retentionDays()} days.`);
}
