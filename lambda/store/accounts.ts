import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { AccountNotFoundError } from "../domain/errors.ts";
import { documentClient } from "./client.ts";
import { ACCOUNT_ENTITY, ACCOUNT_SK, accountItem, accountPk, keyPk } from "./items.ts";
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
    const existing = first?.accountId === undefined ? undefined : await getAccount(first.accountId);
    if (existing === undefined) throw error;
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
