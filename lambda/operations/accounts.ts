/**
 * Accounts, as the admin API and the CLI manage them: one module both call, so a rule holds the same
 * whichever way the operator works.
 */
import type { AccountChange, NewAccount, Page } from "../domain/admin-requests.ts";
import { AccountNotFoundError } from "../domain/errors.ts";
import { generateAccountId, generateLedgerEntryId } from "../domain/keys.ts";
import { createAccount, deleteAccountItems, getAccount, listAccounts as listAccountItems, refuseDeletion, updateAccount, type AccountRecord } from "../store/accounts.ts";
import { deleteKey, listKeys, type KeyRecord } from "../store/keys.ts";
import type { Paged } from "../store/pages.ts";
import { idempotencyFor } from "./idempotency.ts";

/**
 * Opens an account with its opening credits. An idempotency key makes a retried sign-up open it once.
 *
 * @example const { account } = await openAccount({ name: "acme", credits: 5_000_000 });
 */
export async function openAccount(request: NewAccount, idempotencyKey?: string): Promise<{ account: AccountRecord; replayed: boolean }> {
  return createAccount(
    { accountId: generateAccountId(), name: request.name, credits: request.credits },
    { entryId: generateLedgerEntryId(), idempotency: idempotencyKey === undefined ? undefined : idempotencyFor("ACCOUNTS", idempotencyKey, request) },
  );
}

/** @example const { items, nextCursor } = await accountsPage({ limit: 20 }); */
export function accountsPage(page: Page): Promise<Paged<AccountRecord>> {
  return listAccountItems(page);
}

/** An account that must exist. */
export async function accountById(accountId: string): Promise<AccountRecord> {
  const account = await getAccount(accountId);
  if (account === undefined) throw new AccountNotFoundError(accountId);
  return account;
}

/** An account and its keys. */
export async function showAccount(accountId: string): Promise<{ account: AccountRecord; keys: PublicKey[] }> {
  const account = await accountById(accountId);
  return { account, keys: (await listKeys(accountId)).map(publicKey) };
}

/**
 * Renames, disables or enables an account. A disabled account's keys are refused (401) within the
 * auth cache time, and it can hold nothing more; its balance, keys and history stay as they are.
 */
export function changeAccount(accountId: string, change: AccountChange): Promise<AccountRecord> {
  return updateAccount(accountId, change);
}

/**
 * Deletes a disabled account that holds nothing: its keys, its ledger, idempotency records and usage,
 * then the account. Its tasks (ids and counts, no text) are left to expire with the retention period. For an
 * account the operator is done with — a test, a mistake; a customer who leaves is disabled instead,
 * so their statements stay. Run again after an interruption, it finishes the job.
 *
 * @example await deleteAccount("acct_…") // after changeAccount("acct_…", { status: "disabled" })
 */
export async function deleteAccount(accountId: string): Promise<AccountRecord> {
  const account = await accountById(accountId);
  refuseDeletion(account);
  for (const key of await listKeys(accountId)) await deleteKey(key.keyHash);
  await deleteAccountItems(accountId);
  return account;
}

/** A key as it may be shown: everything but the hash. */
export type PublicKey = Omit<KeyRecord, "keyHash">;

export function publicKey(record: KeyRecord): PublicKey {
  const { keyHash: _hash, ...rest } = record;
  return rest;
}
