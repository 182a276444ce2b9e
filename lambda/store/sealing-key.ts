/**
 * The key that seals thought signatures into `encrypted_content` (domain/openai-responses/encrypted-content.ts):
 * 32 random bytes, made by the first request that needs them and kept, without expiry, as a row of
 * the `responseItems` table, so every function instance — and `npm start` after a restart — seals
 * with the same key. Read once per instance. Only the gateway's functions (and the operator's AWS
 * account) can read it; all it protects is that a client cannot hand Google signatures we did not issue.
 */
import { randomBytes } from "node:crypto";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient } from "./client.ts";
import { tableNames } from "./tables.ts";

/** Cannot collide with a response id (`resp_…`). */
const KEY_ROW = "#sealing-key/v1";
const KEY_BYTES = 32;

const keys = new Map<string, Promise<Uint8Array>>();

/**
 * @example const key = await sealingKey(); sealTurn(turn, key)
 */
export function sealingKey(): Promise<Uint8Array> {
  const table = tableNames().responseItems;
  let key = keys.get(table);
  if (key === undefined) {
    key = readOrMake(table);
    keys.set(table, key);
    // A failed read is retried by the next request, not remembered.
    key.catch(() => keys.delete(table));
  }
  return key;
}

async function readOrMake(TableName: string): Promise<Uint8Array> {
  const existing = await read(TableName);
  if (existing !== undefined) return existing;
  const made = randomBytes(KEY_BYTES);
  try {
    await documentClient().send(new PutCommand({ TableName, Item: { responseId: KEY_ROW, key: made }, ConditionExpression: "attribute_not_exists(responseId)" }));
    return made;
  } catch (error) {
    // Another instance made it first: use theirs.
    if (!(error instanceof ConditionalCheckFailedException) && !(error instanceof Error && error.name === "ConditionalCheckFailedException")) throw error;
    const theirs = await read(TableName);
    if (theirs === undefined) throw error;
    return theirs;
  }
}

async function read(TableName: string): Promise<Uint8Array | undefined> {
  const { Item } = await documentClient().send(new GetCommand({ TableName, Key: { responseId: KEY_ROW }, ConsistentRead: true }));
  return Item?.key instanceof Uint8Array && Item.key.byteLength === KEY_BYTES ? Item.key : undefined;
}
