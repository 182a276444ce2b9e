import { BatchGetCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient } from "./client.ts";
import { tableNames } from "./tables.ts";

/** An account's money, in credits: `available` can be held; `held` is in flight; `charged` is history. */
export interface AccountRecord {
  accountId: string;
  name: string;
  available: number;
  held: number;
  charged: number;
  createdAt: number;
}

export const ACCOUNT_SK = "ACCOUNT";
export const accountPk = (accountId: string) => `ACCOUNT#${accountId}`;
export const keyPk = (keyId: string) => `KEY#${keyId}`;

export async function createAccount(account: Pick<AccountRecord, "accountId" | "name"> & { credits: number }): Promise<AccountRecord> {
  const record: AccountRecord = {
    accountId: account.accountId,
    name: account.name,
    available: account.credits,
    held: 0,
    charged: 0,
    createdAt: Date.now(),
  };
  await documentClient().send(
    new PutCommand({
      TableName: tableNames().credits,
      Item: { pk: accountPk(record.accountId), sk: ACCOUNT_SK, ...record },
      ConditionExpression: "attribute_not_exists(pk)",
    }),
  );
  return record;
}

export async function getAccount(accountId: string): Promise<AccountRecord | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableNames().credits, Key: { pk: accountPk(accountId), sk: ACCOUNT_SK }, ConsistentRead: true }),
  );
  return Item ? toAccount(Item) : undefined;
}

/** Tops up (or, with a negative amount, takes back) credits; never below zero available. */
export async function addCredits(accountId: string, amount: number): Promise<AccountRecord> {
  const { Attributes } = await documentClient().send(
    new UpdateCommand({
      TableName: tableNames().credits,
      Key: { pk: accountPk(accountId), sk: ACCOUNT_SK },
      UpdateExpression: "ADD available :amount",
      ConditionExpression: "attribute_exists(pk) AND available >= :floor",
      ExpressionAttributeValues: { ":amount": amount, ":floor": Math.max(0, -amount) },
      ReturnValues: "ALL_NEW",
    }),
  );
  return toAccount(Attributes ?? {});
}

/** The account and a key's counters, in one consistent read round trip. */
export async function readAccountAndCounters(accountId: string, keyId: string, counterSks: readonly string[]) {
  const TableName = tableNames().credits;
  const keys = [{ pk: accountPk(accountId), sk: ACCOUNT_SK }, ...counterSks.map((sk) => ({ pk: keyPk(keyId), sk }))];
  const { Responses } = await documentClient().send(
    new BatchGetCommand({ RequestItems: { [TableName]: { Keys: keys, ConsistentRead: true } } }),
  );
  const items = Responses?.[TableName] ?? [];
  const account = items.find((item) => item.sk === ACCOUNT_SK);
  const counters = new Map<string, Record<string, unknown>>(items.filter((item) => item.sk !== ACCOUNT_SK).map((item) => [String(item.sk), item]));
  return { account: account ? toAccount(account) : undefined, counters };
}

function toAccount(item: Record<string, unknown>): AccountRecord {
  return {
    accountId: String(item.accountId),
    name: String(item.name ?? ""),
    available: Number(item.available ?? 0),
    held: Number(item.held ?? 0),
    charged: Number(item.charged ?? 0),
    createdAt: Number(item.createdAt ?? 0),
  };
}
