/**
 * Usage aggregates, written inside the settlement transaction so they always equal the sum of the
 * tasks: one counter row per UTC day, key and model, and one money total per account and day (what
 * the statement reads). Reads never touch the tasks.
 */
import { QueryCommand, TransactGetCommand } from "@aws-sdk/lib-dynamodb";
import { COUNTER_NAMES, type DayMoney, type UsageCounters, type UsageRow } from "../domain/usage.ts";
import { utcDay } from "../domain/windows.ts";
import { documentClient } from "./client.ts";
import { ROW_PREFIX, TOTAL_PREFIX, accountItem, dayTotalItem, expiryOf, usagePk, usageRowItem } from "./items.ts";
import { tableNames } from "./tables.ts";

/**
 * The two updates a settlement adds to its transaction: the day-key-model counters and the day's money.
 *
 * @example TransactItems: [...settlementItems, ...usageUpdates({ accountId, keyId, model }, counters, Date.now())]
 */
export function usageUpdates(task: { accountId: string; keyId: string; model: string }, counters: UsageCounters, atMs: number) {
  const TableName = tableNames().credits;
  const day = utcDay(atMs);
  const expiresAt = expiryOf(atMs);
  return [
    {
      Update: {
        TableName,
        Key: usageRowItem(task.accountId, day, task.keyId, task.model),
        UpdateExpression: `ADD ${COUNTER_NAMES.map((name) => `${name} :${name}`).join(", ")} SET #day = :day, keyId = :keyId, model = :model, expiresAt = :expiresAt`,
        ExpressionAttributeNames: { "#day": "day" },
        ExpressionAttributeValues: {
          ...Object.fromEntries(COUNTER_NAMES.map((name) => [`:${name}`, counters[name]])),
          ":day": day,
          ":keyId": task.keyId,
          ":model": task.model,
          ":expiresAt": expiresAt,
        },
      },
    },
    {
      Update: {
        TableName,
        Key: dayTotalItem(task.accountId, day),
        UpdateExpression: "ADD charged :charged, refunded :refunded SET #day = :day, expiresAt = :expiresAt",
        ExpressionAttributeNames: { "#day": "day" },
        ExpressionAttributeValues: { ":charged": counters.creditsCharged, ":refunded": counters.creditsRefunded, ":day": day, ":expiresAt": expiresAt },
      },
    },
  ];
}

/**
 * An account's usage rows for the days `[from, to)`.
 *
 * @example await usageRows("acct_1", "2026-11-01", "2026-12-01")
 */
export async function usageRows(accountId: string, from: string, to: string): Promise<UsageRow[]> {
  const items = await queryAll(usagePk(accountId), `${ROW_PREFIX}${from}`, `${ROW_PREFIX}${to}`);
  return items.map((item) => ({
    day: String(item.day),
    keyId: String(item.keyId),
    model: String(item.model),
    ...(Object.fromEntries(COUNTER_NAMES.map((name) => [name, Number(item[name] ?? 0)])) as unknown as UsageCounters),
  }));
}

/**
 * The balance (available + held) and every day's money from `from` on, as of one instant: today's
 * and yesterday's totals are read in the same transaction as the balance, because a settlement may
 * still be adding to them; older days no longer change.
 */
export async function balanceAndDaysSince(accountId: string, from: string, now = Date.now()): Promise<{ balance: number; days: DayMoney[] } | undefined> {
  const TableName = tableNames().credits;
  const today = utcDay(now);
  const yesterday = utcDay(now - 86_400_000);
  const older = from < yesterday ? await queryAll(usagePk(accountId), `${TOTAL_PREFIX}${from}`, `${TOTAL_PREFIX}${yesterday}`) : [];
  const { Responses = [] } = await documentClient().send(
    new TransactGetCommand({
      TransactItems: [accountItem(accountId), dayTotalItem(accountId, today), dayTotalItem(accountId, yesterday)].map((Key) => ({ Get: { TableName, Key } })),
    }),
  );
  const [account, ...current] = Responses.map((response) => response.Item);
  if (account === undefined) return undefined;
  const recent = current.filter((item): item is Record<string, unknown> => item !== undefined && String(item.day) >= from);
  const days = [...older.filter((item) => String(item.day) < yesterday), ...recent].map(toDayMoney);
  return { balance: Number(account.available ?? 0) + Number(account.held ?? 0), days };
}

async function queryAll(pk: string, fromSk: string, toSk: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: tableNames().credits,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: { ":pk": pk, ":from": fromSk, ":to": toSk },
        ExclusiveStartKey: cursor,
      }),
    );
    items.push(...(page.Items ?? []));
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return items;
}

function toDayMoney(item: Record<string, unknown>): DayMoney {
  return {
    day: String(item.day),
    added: Number(item.added ?? 0),
    takenBack: Number(item.takenBack ?? 0),
    charged: Number(item.charged ?? 0),
    refunded: Number(item.refunded ?? 0),
  };
}
