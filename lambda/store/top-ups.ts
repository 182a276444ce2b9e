/**
 * The credit ledger: every top-up (and take-back) is one transaction that writes the ledger entry,
 * moves the balance, adds to the day's money, and — with an `Idempotency-Key` — records the key, so
 * a retried payment webhook can never credit twice, however many replays race.
 *
 * The balance after an entry is exact: a transaction cannot read, so the same account update copies
 * the new balance into two attributes of the account item (DynamoDB evaluates them against the item
 * as the transaction finds it), and right after the commit they move onto the entry. Should the
 * process die in between, the next read of the entry finishes the move.
 */
import { GetCommand, QueryCommand, TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { AccountNotFoundError, IdempotencyConflictError, InvalidRequestError } from "../domain/errors.ts";
import { utcDay } from "../domain/windows.ts";
import { documentClient } from "./client.ts";
import { retryOnConflict } from "./conflicts.ts";
import { ACCOUNT_ENTITY, LEDGER_PREFIX, accountItem, accountPk, dayTotalItem, expiryOf, ledgerSk } from "./items.ts";
import { decodeCursor, encodeCursor, type Paged } from "./pages.ts";
import { tableNames } from "./tables.ts";

export type LedgerEntryKind = "opening" | "top_up" | "take_back";

export interface LedgerEntry {
  readonly entryId: string;
  readonly accountId: string;
  readonly kind: LedgerEntryKind;
  readonly at: number;
  readonly amount: number;
  readonly note?: string;
  /** available + held right after the entry; absent only for an instant after its commit. */
  readonly balanceAfter?: number;
  readonly idempotencyKey?: string;
}

/** The idempotency key as the request gave it, its SHA-256 for the record's key, and the request's own hash. */
export interface Idempotency {
  readonly key: string;
  readonly keyHash: string;
  readonly requestHash: string;
  /** The record's partition: the account for a top-up, `ACCOUNTS` for creating one. */
  readonly scope: string;
}

interface IdempotencyRecord {
  readonly requestHash: string;
  readonly entryId?: string;
  readonly entrySk?: string;
  readonly accountId?: string;
}

export const idempotencyKeyOf = (idempotency: Idempotency) => ({ pk: idempotency.scope, sk: `IDEMPOTENCY#${idempotency.keyHash}` });

/** The Put of an idempotency record, failing if the key was used before. */
export function idempotencyPut(idempotency: Idempotency, record: Omit<IdempotencyRecord, "requestHash">, atMs: number) {
  return {
    Put: {
      TableName: tableNames().credits,
      Item: { ...idempotencyKeyOf(idempotency), requestHash: idempotency.requestHash, idempotencyKey: idempotency.key, ...record, createdAt: atMs, expiresAt: expiryOf(atMs) },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
}

/** The Put of a ledger entry. */
export function ledgerEntryPut(entry: LedgerEntry) {
  return {
    Put: {
      TableName: tableNames().credits,
      Item: { pk: accountPk(entry.accountId), sk: ledgerSk(entry.at, entry.entryId), ...entry, expiresAt: expiryOf(entry.at) },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
}

/** The day's money: what top-ups added or took back (settlement adds what was charged). */
export function dayMoneyUpdate(accountId: string, atMs: number, amount: number) {
  const day = utcDay(atMs);
  return {
    Update: {
      TableName: tableNames().credits,
      Key: dayTotalItem(accountId, day),
      UpdateExpression: `ADD ${amount >= 0 ? "added" : "takenBack"} :amount SET #day = :day, expiresAt = :expiresAt`,
      ExpressionAttributeNames: { "#day": "day" },
      ExpressionAttributeValues: { ":amount": Math.abs(amount), ":day": day, ":expiresAt": expiryOf(atMs) },
    },
  };
}

/**
 * Applies a top-up (negative: a take-back, never below zero available) once.
 *
 * @example await recordTopUp({ entryId, accountId, kind: "top_up", at: Date.now(), amount: 5_000_000 }, idempotency)
 */
export async function recordTopUp(entry: LedgerEntry, idempotency?: Idempotency): Promise<{ entry: LedgerEntry; replayed: boolean }> {
  const snapshot = snapshotNames(entry.entryId);
  const items: NonNullable<TransactWriteCommandInput["TransactItems"]> = [
    ledgerEntryPut(entry),
    {
      Update: {
        TableName: tableNames().credits,
        Key: accountItem(entry.accountId),
        // `entity` lists an account opened before accounts were listed, from its first top-up on.
        UpdateExpression: "SET available = available + :amount, #snapshotAvailable = available + :amount, #snapshotHeld = held, entity = :entity",
        ConditionExpression: "attribute_exists(pk) AND available >= :floor",
        ExpressionAttributeNames: { "#snapshotAvailable": snapshot.available, "#snapshotHeld": snapshot.held },
        ExpressionAttributeValues: { ":amount": entry.amount, ":floor": Math.max(0, -entry.amount), ":entity": ACCOUNT_ENTITY },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      },
    },
    dayMoneyUpdate(entry.accountId, entry.at, entry.amount),
    ...(idempotency ? [idempotencyPut(idempotency, { entryId: entry.entryId, entrySk: ledgerSk(entry.at, entry.entryId), accountId: entry.accountId }, entry.at)] : []),
  ];
  try {
    await retryOnConflict(() => documentClient().send(new TransactWriteCommand({ TransactItems: items })));
  } catch (error) {
    const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : undefined;
    if (reasons === undefined) throw error;
    if (idempotency !== undefined && reasons[3]?.Code === "ConditionalCheckFailed") return { entry: await replay(idempotency), replayed: true };
    if (reasons[1]?.Code === "ConditionalCheckFailed") {
      const old = reasons[1].Item === undefined ? undefined : unmarshall(reasons[1].Item);
      if (old === undefined) throw new AccountNotFoundError(entry.accountId);
      throw new InvalidRequestError(`\`amount\` would take back ${-entry.amount} credits, but the account has only ${Number(old.available)} available (credits held by requests in flight cannot be taken).`);
    }
    throw error;
  }
  return { entry: await completeBalance(entry), replayed: false };
}

/**
 * The entry an idempotency key already produced, if the request is the same one.
 *
 * @example await replayed(idempotency) // the first top-up's entry, or IdempotencyConflictError
 */
export async function replayed(idempotency: Idempotency): Promise<IdempotencyRecord | undefined> {
  const { Item } = await documentClient().send(new GetCommand({ TableName: tableNames().credits, Key: idempotencyKeyOf(idempotency), ConsistentRead: true }));
  if (Item === undefined) return undefined;
  if (Item.requestHash !== idempotency.requestHash) {
    throw new IdempotencyConflictError(
      `The Idempotency-Key "${idempotency.key}" was already used for a different request; a replay must repeat the first request exactly. Use a new key for a new request.`,
    );
  }
  return Item as IdempotencyRecord;
}

async function replay(idempotency: Idempotency): Promise<LedgerEntry> {
  const record = await replayed(idempotency);
  if (record?.accountId === undefined || record.entrySk === undefined) throw new Error("idempotency record without its ledger entry");
  const { Item } = await documentClient().send(new GetCommand({ TableName: tableNames().credits, Key: { pk: accountPk(record.accountId), sk: record.entrySk }, ConsistentRead: true }));
  if (Item === undefined) throw new Error("idempotency record whose ledger entry is missing");
  return completeBalance(toEntry(Item));
}

/**
 * A page of an account's ledger entries, oldest first, within `[fromMs, toMs)`.
 *
 * @example await ledgerEntries("acct_1", { limit: 50 })
 */
export async function ledgerEntries(accountId: string, options: { fromMs?: number; toMs?: number; limit: number; cursor?: string }): Promise<Paged<LedgerEntry>> {
  const from = `${LEDGER_PREFIX}${new Date(options.fromMs ?? 0).toISOString()}`;
  const to = `${LEDGER_PREFIX}${options.toMs === undefined ? "9" : new Date(options.toMs).toISOString()}`;
  const page = await documentClient().send(
    new QueryCommand({
      TableName: tableNames().credits,
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
      ExpressionAttributeValues: { ":pk": accountPk(accountId), ":from": from, ":to": to },
      Limit: options.limit,
      ExclusiveStartKey: decodeCursor(options.cursor, ["pk", "sk"]),
    }),
  );
  const items = await Promise.all((page.Items ?? []).map((item) => completeBalance(toEntry(item))));
  return { items, nextCursor: encodeCursor(page.LastEvaluatedKey) };
}

/** Moves the balance the top-up's commit left on the account item onto its entry, once. */
async function completeBalance(entry: LedgerEntry): Promise<LedgerEntry> {
  if (entry.balanceAfter !== undefined) return entry;
  const snapshot = snapshotNames(entry.entryId);
  const { credits } = tableNames();
  const { Item } = await documentClient().send(
    new GetCommand({
      TableName: credits,
      Key: accountItem(entry.accountId),
      ProjectionExpression: "#a, #h",
      ExpressionAttributeNames: { "#a": snapshot.available, "#h": snapshot.held },
      ConsistentRead: true,
    }),
  );
  const available = Item?.[snapshot.available];
  const held = Item?.[snapshot.held];
  if (typeof available !== "number" || typeof held !== "number") {
    // Another reader moved it first: the entry has it now.
    const { Item: current } = await documentClient().send(new GetCommand({ TableName: credits, Key: { pk: accountPk(entry.accountId), sk: ledgerSk(entry.at, entry.entryId) }, ConsistentRead: true }));
    return current === undefined ? entry : toEntry(current);
  }
  const balanceAfter = available + held;
  try {
    await retryOnConflict(() =>
      documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: credits,
                Key: { pk: accountPk(entry.accountId), sk: ledgerSk(entry.at, entry.entryId) },
                UpdateExpression: "SET balanceAfter = :balance",
                ConditionExpression: "attribute_not_exists(balanceAfter)",
                ExpressionAttributeValues: { ":balance": balanceAfter },
              },
            },
            { Update: { TableName: credits, Key: accountItem(entry.accountId), UpdateExpression: "REMOVE #a, #h", ExpressionAttributeNames: { "#a": snapshot.available, "#h": snapshot.held } } },
          ],
        }),
      ),
    );
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
  }
  return { ...entry, balanceAfter };
}

function snapshotNames(entryId: string) {
  return { available: `topUp_${entryId}_available`, held: `topUp_${entryId}_held` };
}

function toEntry(item: Record<string, unknown>): LedgerEntry {
  return {
    entryId: String(item.entryId),
    accountId: String(item.accountId),
    kind: item.kind as LedgerEntryKind,
    at: Number(item.at),
    amount: Number(item.amount),
    ...(typeof item.note === "string" && { note: item.note }),
    ...(typeof item.balanceAfter === "number" && { balanceAfter: item.balanceAfter }),
    ...(typeof item.idempotencyKey === "string" && { idempotencyKey: item.idempotencyKey }),
  };
}
