import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { UpstreamKind } from "../domain/catalog.ts";
import { documentClient } from "./client.ts";
import { tableNames } from "./tables.ts";

export type TaskStatus = "held" | "settled" | "refunded" | "failed";

export interface TaskUsage {
  input: number;
  cachedInput: number;
  output: number;
  reasoning: number;
  toolUsePrompt: number;
  searchQueries: number;
}

/** One request's record. Never holds prompt or completion text, nor an upstream secret. */
export interface TaskRecord {
  taskId: string;
  accountId: string;
  keyId: string;
  model: string;
  upstreamModel: string;
  route: "chat" | "gemini" | "responses";
  stream: boolean;
  status: TaskStatus;
  hold: number;
  /** Bounds the hold was sized from. */
  promptBound?: number;
  outputCap?: number;
  charge?: number;
  refund?: number;
  overage?: number;
  usage?: TaskUsage;
  upstreamAccount?: string;
  /** `ai-studio` or `vertex`, beside the account's name. */
  upstreamKind?: UpstreamKind;
  errorCode?: string;
  /** Spend-window counters the hold was added to; settlement gives back what was not charged. */
  windows: string[];
  createdAt: number;
  settledAt?: number;
  /** Present only while held: the sparse index the sweeper reads. */
  heldShard?: string;
  expiresAt: number;
}

/** Held tasks spread over this many index partitions, so a busy gateway has no single hot one. */
export const HELD_SHARDS = 8;

export async function getTask(taskId: string): Promise<TaskRecord | undefined> {
  const { Item } = await documentClient().send(new GetCommand({ TableName: tableNames().tasks, Key: { taskId }, ConsistentRead: true }));
  return Item as TaskRecord | undefined;
}

/** Tasks still held that were created before `createdBefore` (epoch ms). */
export async function findHeldTasks(createdBefore: number): Promise<TaskRecord[]> {
  const found: TaskRecord[] = [];
  for (let shard = 0; shard < HELD_SHARDS; shard++) {
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new QueryCommand({
          TableName: tableNames().tasks,
          IndexName: "byHeld",
          KeyConditionExpression: "heldShard = :shard AND createdAt < :before",
          ExpressionAttributeValues: { ":shard": `held#${shard}`, ":before": createdBefore },
          ExclusiveStartKey: cursor,
        }),
      );
      found.push(...((page.Items ?? []) as TaskRecord[]));
      cursor = page.LastEvaluatedKey;
    } while (cursor);
  }
  return found;
}
