import { BatchGetCommand, BatchWriteCommand, DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { AccountNotDeletableError, AccountNotFoundError, IdempotencyConflictError, StorageUnavailableError } from "../domain/errors.ts";
import { documentClient } from "./client.ts";
import { ACCOUNT_ENTITY, ACCOUNT_SK, accountItem, accountPk, keyPk, usagePk } from "./items.ts";
import { decodeCursor, encodeCursor, type Paged } from "./pages.ts";
import { tableNames } from "./tables.ts";
import { dayMoneyUpdate, idempotencyPut, ledgerEntryPut, replayed, type Idempotency, type LedgerEntry } from "./top-ups.ts";

export { ACCOUNT_SK, accountPk, keyPk } from "./items.ts";

export type AccountStatus = "active" | "disabled";

/** An account's money, in credits: `available` can be held; `held` is in flight; `charged` is history. */
export interface AccountRecord {
  accountId: string;
  name: string;
  status: AccountStatus;
  available: number;
  held: number;
  charged: number;
  createdAt: number;
}

/**
 * Opens an account; its opening credits, if any, are its first ledger entry, in the same transaction.
 * With an idempotency key, a replay returns the account the first request opened.
 *
 * @example await createAccount({ accountId: "acct_1", name: "acme", credits: 5_000_000 }, { entryId: "le_1" })
 */
export async function createAccount(
  account: Pick<AccountRecord, "accountId" | "name"> & { credits: number },
  options: { entryId: string; idempotency?: Idempotency; now?: number },
): Promise<{ account: AccountRecord; replayed: boolean }> {
  const now = options.now ?? Date.now();
  const record: AccountRecord = { accountId: account.accountId, name: account.name, status: "active", available: account.credits, held: 0, charged: 0, createdAt: now };
  const opening: LedgerEntry = { entryId: options.entryId, accountId: record.accountId, kind: "opening", at: now, amount: account.credits, note: "opening balance", balanceAfter: account.credits };
  const TableName = tableNames().credits;
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName, Item: { ...accountItem(record.accountId), ...record, entity: ACCOUNT_ENTITY }, ConditionExpression: "attribute_not_exists(pk)" } },
          ...(account.credits > 0 ? [ledgerEntryPut(opening), dayMoneyUpdate(record.accountId, now, account.credits)] : []),
          ...(options.idempotency ? [idempotencyPut(options.idempotency, { accountId: record.accountId }, now)] : []),
        ],
      }),
    );
  } catch (error) {
    const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
    if (options.idempotency === undefined || reasons.at(-1)?.Code !== "ConditionalCheckFailed") throw error;
    const first = await replayed(options.idempotency);
    if (first?.accountId === undefined) throw error;
    const existing = await getAccount(first.accountId);
    if (existing === undefined) {
      throw new IdempotencyConflictError(`The Idempotency-Key "${options.idempotency.key}" opened account ${first.accountId}, which has since been deleted; use a new key to open another.`);
    }
    return { account: existing, replayed: true };
  }
  return { account: record, replayed: false };
}

export async function getAccount(accountId: string): Promise<AccountRecord | undefined> {
  const { Item } = await documentClient().send(new GetCommand({ TableName: tableNames().credits, Key: accountItem(accountId), ConsistentRead: true }));
  return Item ? toAccount(Item) : undefined;
}

/** Whether the account may spend, from a cheap eventually consistent read (the auth cache's). */
export async function accountIsActive(accountId: string): Promise<boolean> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableNames().credits, Key: accountItem(accountId), ProjectionExpression: "#status", ExpressionAttributeNames: { "#status": "status" } }),
  );
  return Item !== undefined && Item.status !== "disabled";
}

/**
 * Accounts newest first, a page at a time.
 *
 * @example const { items, nextCursor } = await listAccounts({ limit: 20 });
 */
export async function listAccounts(options: { limit: number; cursor?: string }): Promise<Paged<AccountRecord>> {
  const TableName = tableNames().credits;
  const page = await documentClient().send(
    new QueryCommand({
      TableName,
      IndexName: "byEntity",
      KeyConditionExpression: "entity = :entity",
      ExpressionAttributeValues: { ":entity": ACCOUNT_ENTITY },
      ScanIndexForward: false,
      Limit: options.limit,
      ExclusiveStartKey: decodeCursor(options.cursor, ["pk", "sk", "entity", "createdAt"]),
    }),
  );
  const keys = (page.Items ?? []).map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
  const found = keys.length === 0 ? [] : ((await documentClient().send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: keys } } }))).Responses?.[TableName] ?? []);
  const byPk = new Map(found.map((item) => [String(item.pk), toAccount(item)]));
  const items = keys.flatMap(({ pk }) => byPk.get(pk) ?? []);
  return { items, nextCursor: encodeCursor(page.LastEvaluatedKey) };
}

/** Renames or disables (enables) an account; nothing it holds changes. */
export async function updateAccount(accountId: string, change: { name?: string; status?: AccountStatus }): Promise<AccountRecord> {
  const sets = [...(change.name !== undefined ? ["#name = :name"] : []), ...(change.status !== undefined ? ["#status = :status"] : [])];
  try {
    const { Attributes } = await documentClient().send(
      new UpdateCommand({
        TableName: tableNames().credits,
        Key: accountItem(accountId),
        UpdateExpression: `SET ${sets.join(", ")}, entity = :entity`,
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { ...(change.name !== undefined && { "#name": "name" }), ...(change.status !== undefined && { "#status": "status" }) },
        ExpressionAttributeValues: { ":entity": ACCOUNT_ENTITY, ...(change.name !== undefined && { ":name": change.name }), ...(change.status !== undefined && { ":status": change.status }) },
        ReturnValues: "ALL_NEW",
      }),
    );
    return toAccount(Attributes ?? {});
  } catch (error) {
    if ((error as { name?: unknown }).name === "ConditionalCheckFailedException") throw new AccountNotFoundError(accountId);
    throw error;
  }
}

/** The account and a key's counters, in one consistent read round trip. */
export async function readAccountAndCounters(accountId: string, keyId: string, counterSks: readonly string[]) {
  const TableName = tableNames().credits;
  const keys = [accountItem(accountId), ...counterSks.map((sk) => ({ pk: keyPk(keyId), sk }))];
  const { Responses } = await documentClient().send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: keys, ConsistentRead: true } } }));
  const items = Responses?.[TableName] ?? [];
  const account = items.find((item) => item.sk === ACCOUNT_SK && item.pk === accountPk(accountId));
  const counters = new Map<string, Record<string, unknown>>(items.filter((item) => item.sk !== ACCOUNT_SK).map((item) => [String(item.sk), item]));
  return { account: account ? toAccount(account) : undefined, counters };
}

export function toAccount(item: Record<string, unknown>): AccountRecord {
  return {
    accountId: String(item.accountId),
    name: String(item.name ?? ""),
    status: item.status === "disabled" ? "disabled" : "active",
    available: Number(item.available ?? 0),
    held: Number(item.held ?? 0),
    charged: Number(item.charged ?? 0),
    createdAt: Number(item.createdAt ?? 0),
  };
}

/**
 * Deletes a disabled account that holds nothing, and what lives in its partitions: its ledger,
 * idempotency records and usage aggregates (its keys are the caller's to delete first; its tasks
 * expire with the retention period). The account item goes last, under the same conditions, so an
 * interrupted deletion can simply be run again.
 */
export async function deleteAccountItems(accountId: string): Promise<void> {
  const account = await getAccount(accountId);
  if (account === undefined) throw new AccountNotFoundError(accountId);
  refuseDeletion(account);
  const TableName = tableNames().credits;
  for (const pk of [usagePk(accountId), accountPk(accountId)]) {
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new QueryCommand({ TableName, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": pk }, ProjectionExpression: "pk, sk", ExclusiveStartKey: cursor }),
      );
      const keys = (page.Items ?? []).filter((item) => item.sk !== ACCOUNT_SK);
      for (let start = 0; start < keys.length; start += 25) await deleteAll(TableName, keys.slice(start, start + 25));
      cursor = page.LastEvaluatedKey;
    } while (cursor !== undefined);
  }
  try {
    await documentClient().send(
      new DeleteCommand({
        TableName,
        Key: accountItem(accountId),
        ConditionExpression: "#status = :disabled AND held = :zero",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":disabled": "disabled", ":zero": 0 },
      }),
    );
  } catch (error) {
    if ((error as { name?: unknown }).name !== "ConditionalCheckFailedException") throw error;
    const now = await getAccount(accountId);
    if (now !== undefined) refuseDeletion(now);
  }
}

/** Throws the 409 that says why an account cannot be deleted yet, if it cannot. */
export function refuseDeletion(account: AccountRecord): void {
  if (account.status !== "disabled") throw new AccountNotDeletableError(account.accountId, "it is active: disable it first, so no key can start a request while it goes");
  if (account.held > 0) throw new AccountNotDeletableError(account.accountId, `requests in flight hold ${account.held} credits: try again when they have settled`);
}

/** One BatchWriteItem of up to 25 deletes; what DynamoDB leaves unprocessed is sent again, a few times. */
async function deleteAll(TableName: string, keys: Array<Record<string, unknown>>): Promise<void> {
  let pending = keys.map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } }));
  for (let round = 0; pending.length > 0; round++) {
    if (round === 5) throw new StorageUnavailableError();
    if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
    const { UnprocessedItems } = await documentClient().send(new BatchWriteCommand({ RequestItems: { [TableName]: pending } }));
    pending = (UnprocessedItems?.[TableName] ?? []) as typeof pending;
  }
}
