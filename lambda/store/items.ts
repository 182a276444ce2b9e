/**
 * Where each kind of item lives in the credits table. The account's balance item is written by
 * every request; what only the operator writes (ledger entries, idempotency records) sits beside it
 * in the same partition, and the usage aggregates every settlement writes live in a partition of
 * their own, so they never compete with the balance for one partition's throughput.
 *
 * | item                         | pk                 | sk                                   |
 * |------------------------------|--------------------|--------------------------------------|
 * | balance and profile          | `ACCOUNT#<id>`     | `ACCOUNT`                            |
 * | ledger entry                 | `ACCOUNT#<id>`     | `LEDGER#<ISO time>#<entry id>`       |
 * | idempotency record           | `ACCOUNT#<id>`     | `IDEMPOTENCY#<sha256 of the key>`    |
 * | a key's rate and spend windows | `KEY#<key id>`   | `RPM#…`, `SPEND#…` (windows.ts)      |
 * | usage of a day, key and model | `USAGE#<id>`      | `ROW#<day>#<key id>#<model>`         |
 * | money of a day               | `USAGE#<id>`       | `TOTAL#<day>`                        |
 */

export const ACCOUNT_SK = "ACCOUNT";
export const accountPk = (accountId: string) => `ACCOUNT#${accountId}`;
export const keyPk = (keyId: string) => `KEY#${keyId}`;

/** @example accountItem("acct_1") // { pk: "ACCOUNT#acct_1", sk: "ACCOUNT" } */
export const accountItem = (accountId: string) => ({ pk: accountPk(accountId), sk: ACCOUNT_SK });

export const LEDGER_PREFIX = "LEDGER#";
export const ledgerSk = (atMs: number, entryId: string) => `${LEDGER_PREFIX}${new Date(atMs).toISOString()}#${entryId}`;

export const idempotencyItem = (accountId: string, keyHash: string) => ({ pk: accountPk(accountId), sk: `IDEMPOTENCY#${keyHash}` });

export const usagePk = (accountId: string) => `USAGE#${accountId}`;
export const ROW_PREFIX = "ROW#";
export const TOTAL_PREFIX = "TOTAL#";
export const usageRowItem = (accountId: string, day: string, keyId: string, model: string) => ({ pk: usagePk(accountId), sk: `${ROW_PREFIX}${day}#${keyId}#${model}` });
export const dayTotalItem = (accountId: string, day: string) => ({ pk: usagePk(accountId), sk: `${TOTAL_PREFIX}${day}` });

/** The sparse index value account items carry, so accounts can be listed. */
export const ACCOUNT_ENTITY = "account";

/** How long history is kept: tasks, ledger entries, idempotency records and usage (`RETENTION_DAYS`). */
export const DEFAULT_RETENTION_DAYS = 400;

/** @example retentionDays({ RETENTION_DAYS: "30" }) // 30 */
export function retentionDays(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const days = Number(env.RETENTION_DAYS);
  return Number.isInteger(days) && days > 0 ? days : DEFAULT_RETENTION_DAYS;
}

/** When an item written at `atMs` expires, epoch seconds, as DynamoDB's TTL reads it. */
export function expiryOf(atMs: number, days = retentionDays()): number {
  return Math.floor(atMs / 1000) + days * 86_400;
}
