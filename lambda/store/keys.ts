import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient } from "./client.ts";
import { tableNames } from "./tables.ts";

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

export async function listKeys(accountId: string): Promise<KeyRecord[]> {
  const { Items = [] } = await documentClient().send(
    new QueryCommand({
      TableName: tableNames().keys,
      IndexName: "byAccount",
      KeyConditionExpression: "accountId = :accountId",
      ExpressionAttributeValues: { ":accountId": accountId },
    }),
  );
  return Items as KeyRecord[];
}

export async function setKeyStatus(keyHash: string, status: KeyRecord["status"]): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: tableNames().keys,
      Key: { keyHash },
      UpdateExpression: "SET #status = :status",
      ConditionExpression: "attribute_exists(keyHash)",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":status": status },
    }),
  );
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
