import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient } from "./client.ts";
import { tableNames } from "./tables.ts";

/** The `accountId` management keys are filed under: no account's id can look like it. */
export const MANAGEMENT_SCOPE = "#management";

/** A key as stored: never the key itself, only its SHA-256. */
export interface KeyRecord {
  keyHash: string;
  keyId: string;
  accountId: string;
  name: string;
  status: "active" | "disabled";
  createdAt: number;
  /** Start and end of the key, for lists. */
  hint: string;
  ipAllowlist: string[];
  /** Model ids this key may use; empty allows all. */
  models: string[];
  rpm?: number;
  limits: { hourly?: number; daily?: number; total?: number };
  /** Present on management keys, which open only the admin API. */
  kind?: "management";
}

/** What may change about a key; `null` removes a limit. */
export interface KeyChange {
  name?: string;
  status?: KeyRecord["status"];
  rpm?: number | null;
  limits?: { hourly?: number | null; daily?: number | null; total?: number | null };
  ipAllowlist?: readonly string[];
  models?: readonly string[];
}

export async function getKeyByHash(keyHash: string): Promise<KeyRecord | undefined> {
  const { Item } = await documentClient().send(new GetCommand({ TableName: tableNames().keys, Key: { keyHash } }));
  return Item as KeyRecord | undefined;
}

export async function putKey(record: KeyRecord): Promise<void> {
  await documentClient().send(
    new PutCommand({ TableName: tableNames().keys, Item: record, ConditionExpression: "attribute_not_exists(keyHash)" }),
  );
}

export async function findKeyById(keyId: string): Promise<KeyRecord | undefined> {
  const { Items = [] } = await documentClient().send(
    new QueryCommand({
      TableName: tableNames().keys,
      IndexName: "byKeyId",
      KeyConditionExpression: "keyId = :keyId",
      ExpressionAttributeValues: { ":keyId": keyId },
    }),
  );
  return Items[0] as KeyRecord | undefined;
}

/** Every key of an account (or, with `MANAGEMENT_SCOPE`, every management key), oldest first. */
export async function listKeys(accountId: string): Promise<KeyRecord[]> {
  const keys: KeyRecord[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: tableNames().keys,
        IndexName: "byAccount",
        KeyConditionExpression: "accountId = :accountId",
        ExpressionAttributeValues: { ":accountId": accountId },
        ExclusiveStartKey: cursor,
      }),
    );
    keys.push(...((page.Items ?? []) as KeyRecord[]));
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return keys;
}

export async function setKeyStatus(keyHash: string, status: KeyRecord["status"]): Promise<void> {
  await updateKey(keyHash, { status });
}

/**
 * Applies a change to a key in one update and returns the key as stored now.
 *
 * @example await updateKey(record.keyHash, { rpm: 120, limits: { daily: null } })
 */
export async function updateKey(keyHash: string, change: KeyChange): Promise<KeyRecord> {
  const sets: string[] = [];
  const removes: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const assign = (path: string[], value: unknown) => {
    const expression = path.map((part) => `#${part}`).join(".");
    for (const part of path) names[`#${part}`] = part;
    if (value === null) removes.push(expression);
    else {
      values[`:${path.join("_")}`] = value;
      sets.push(`${expression} = :${path.join("_")}`);
    }
  };
  if (change.name !== undefined) assign(["name"], change.name);
  if (change.status !== undefined) assign(["status"], change.status);
  if (change.rpm !== undefined) assign(["rpm"], change.rpm);
  if (change.ipAllowlist !== undefined) assign(["ipAllowlist"], [...change.ipAllowlist]);
  if (change.models !== undefined) assign(["models"], [...change.models]);
  for (const window of ["hourly", "daily", "total"] as const) if (change.limits?.[window] !== undefined) assign(["limits", window], change.limits[window]);
  const { Attributes } = await documentClient().send(
    new UpdateCommand({
      TableName: tableNames().keys,
      Key: { keyHash },
      UpdateExpression: [sets.length > 0 ? `SET ${sets.join(", ")}` : "", removes.length > 0 ? `REMOVE ${removes.join(", ")}` : ""].join(" ").trim(),
      ConditionExpression: "attribute_exists(keyHash)",
      ExpressionAttributeNames: names,
      ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
      ReturnValues: "ALL_NEW",
    }),
  );
  return Attributes as KeyRecord;
}

/** Replaces a key's secret in one transaction: same id, settings and spend; the old secret stops working. */
export async function replaceKeyHash(old: KeyRecord, next: KeyRecord): Promise<void> {
  const TableName = tableNames().keys;
  await documentClient().send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName, Item: next, ConditionExpression: "attribute_not_exists(keyHash)" } },
        { Delete: { TableName, Key: { keyHash: old.keyHash }, ConditionExpression: "attribute_exists(keyHash)" } },
      ],
    }),
  );
}

export async function deleteKey(keyHash: string): Promise<void> {
  await documentClient().send(new DeleteCommand({ TableName: tableNames().keys, Key: { keyHash } }));
}
