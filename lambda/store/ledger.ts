/**
 * The money writes. Admission is one transaction — task row, credit hold, request counter, spend
 * windows — so however many requests race, none can spend what another has held (DESIGN.md §5).
 * Settlement is one transaction conditional on the task still being held, so it happens once.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput, type UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { countersOf } from "../domain/usage.ts";
import { counterExpiry, rateWindow, spendWindows, type SpendWindow, type SpendWindowKind, type Window } from "../domain/windows.ts";
import { documentClient } from "./client.ts";
import { retryOnConflict } from "./conflicts.ts";
import { ACCOUNT_SK, accountPk, expiryOf, keyPk } from "./items.ts";
import { tableNames } from "./tables.ts";
import { usageUpdates } from "./usage.ts";
import { HELD_SHARDS, type TaskRecord, type TaskStatus, type TaskUsage } from "./tasks.ts";

/** Indirection so tests can inject `TransactionConflict`s into the real write path. */
export const ledgerIo = {
  transact: (input: TransactWriteCommandInput): Promise<unknown> => documentClient().send(new TransactWriteCommand(input)),
  update: (input: UpdateCommandInput): Promise<unknown> => documentClient().send(new UpdateCommand(input)),
};

export interface AdmissionRequest {
  readonly task: Pick<TaskRecord, "taskId" | "accountId" | "keyId" | "model" | "upstreamModel" | "route" | "stream"> &
    Partial<Pick<TaskRecord, "promptBound" | "outputCap">>;
  readonly hold: number;
  readonly rpm?: number;
  readonly spendLimits: Partial<Record<SpendWindowKind, number>>;
  readonly now: number;
}

export type AdmissionOutcome =
  | { readonly admitted: true; readonly windows: SpendWindow[]; readonly rateResetsAt: number }
  | { readonly admitted: false; readonly reason: "rate"; readonly resetsAt: number }
  | { readonly admitted: false; readonly reason: "spend"; readonly window: SpendWindow; readonly spent: number; readonly limit: number }
  | { readonly admitted: false; readonly reason: "credits"; readonly available: number }
  | { readonly admitted: false; readonly reason: "disabled" };

/** Holds credits and counts the request against every limit, or says which limit stopped it. */
export async function admit(request: AdmissionRequest): Promise<AdmissionOutcome> {
  const { credits, tasks } = tableNames();
  const rate = rateWindow(request.now);
  const windows = spendWindows(request.now);
  const task: TaskRecord = {
    ...request.task,
    status: "held",
    hold: request.hold,
    windows: windows.map((window) => window.sk),
    createdAt: request.now,
    heldShard: `held#${Math.floor(Math.random() * HELD_SHARDS)}`,
    expiresAt: expiryOf(request.now),
  };
  const items: NonNullable<TransactWriteCommandInput["TransactItems"]> = [
    { Put: { TableName: tasks, Item: task, ConditionExpression: "attribute_not_exists(taskId)" } },
    {
      Update: {
        TableName: credits,
        Key: { pk: accountPk(request.task.accountId), sk: ACCOUNT_SK },
        UpdateExpression: "SET available = available - :hold, held = held + :hold",
        // A disabled account spends nothing, even through a key record an instance still has cached.
        ConditionExpression: "available >= :hold AND (attribute_not_exists(#status) OR #status <> :disabled)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":hold": request.hold, ":disabled": "disabled" },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      },
    },
    { Update: rateCounterUpdate(request.task.keyId, request.rpm, rate) },
    ...windows.map((window) => {
      const limit = request.spendLimits[window.kind];
      const expiresAt = counterExpiry(window);
      return {
        Update: {
          TableName: credits,
          Key: { pk: keyPk(request.task.keyId), sk: window.sk },
          UpdateExpression: `ADD spent :hold${expiresAt === undefined ? "" : " SET expiresAt = :expiresAt"}`,
          ...(limit !== undefined && { ConditionExpression: "attribute_not_exists(spent) OR spent <= :room" }),
          ExpressionAttributeValues: {
            ":hold": request.hold,
            ...(expiresAt !== undefined && { ":expiresAt": expiresAt }),
            ...(limit !== undefined && { ":room": limit - request.hold }),
          },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const,
        },
      };
    }),
  ];

  try {
    await retryOnConflict(() => ledgerIo.transact({ TransactItems: items }));
    return { admitted: true, windows, rateResetsAt: rate.resetsAt ?? 0 };
  } catch (error) {
    const failed = failedConditions(error);
    if (!failed) throw error;
    // Report what a client can do least about first: a disabled account, the rate, spend windows, credits.
    if (failed.get(1)?.status === "disabled") return { admitted: false, reason: "disabled" };
    if (failed.has(2)) return { admitted: false, reason: "rate", resetsAt: rate.resetsAt ?? 0 };
    for (const [index, window] of windows.entries()) {
      const old = failed.get(3 + index);
      if (old === undefined) continue;
      return { admitted: false, reason: "spend", window, spent: Number(old.spent ?? 0), limit: request.spendLimits[window.kind] ?? 0 };
    }
    if (failed.has(1)) return { admitted: false, reason: "credits", available: Number(failed.get(1)?.available ?? 0) };
    throw error;
  }
}

export type RateOutcome = { readonly admitted: true; readonly rateResetsAt: number } | { readonly admitted: false; readonly reason: "rate"; readonly resetsAt: number };

/**
 * Counts a free request (no hold, no task) against the key's requests per minute: one conditional
 * update of the same counter item, under the same condition, as `admit`.
 *
 * @example
 * const outcome = await admitRate({ keyId: key.keyId, rpm: key.rpm, now: Date.now() });
 * if (!outcome.admitted) throw new RateLimitError(…, secondsUntil(outcome.resetsAt, now));
 */
export async function admitRate(request: { readonly keyId: string; readonly rpm?: number; readonly now: number }): Promise<RateOutcome> {
  const rate = rateWindow(request.now);
  const resetsAt = rate.resetsAt ?? 0;
  try {
    await retryOnConflict(() =>
      ledgerIo.update(rateCounterUpdate(request.keyId, request.rpm, rate)),
    );
    return { admitted: true, rateResetsAt: resetsAt };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || (error instanceof Error && error.name === "ConditionalCheckFailedException")) {
      return { admitted: false, reason: "rate", resetsAt };
    }
    throw error;
  }
}

/** Counts one request in the key's current minute, refused once the minute holds `rpm`. */
function rateCounterUpdate(keyId: string, rpm: number | undefined, rate: Window) {
  return {
    TableName: tableNames().credits,
    Key: { pk: keyPk(keyId), sk: rate.sk },
    UpdateExpression: "ADD requests :one SET expiresAt = :expiresAt",
    ...(rpm !== undefined && { ConditionExpression: "attribute_not_exists(requests) OR requests < :rpm" }),
    ExpressionAttributeValues: { ":one": 1, ":expiresAt": counterExpiry(rate), ...(rpm !== undefined && { ":rpm": rpm }) },
  };
}

/** How many requests the key has made in the minute containing `now`. */
export async function requestsThisMinute(keyId: string, now: number): Promise<number> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableNames().credits, Key: { pk: keyPk(keyId), sk: rateWindow(now).sk }, ConsistentRead: true }),
  );
  return Number(Item?.requests ?? 0);
}

/** Condition failures by item index, with the item's values when DynamoDB returned them. */
function failedConditions(error: unknown): Map<number, Record<string, unknown>> | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const failed = new Map<number, Record<string, unknown>>();
  for (const [index, reason] of (error.CancellationReasons ?? []).entries()) {
    if (reason.Code !== "ConditionalCheckFailed") continue;
    const item = reason.Item as Record<string, AttributeValue> | undefined;
    failed.set(index, item ? unmarshall(item) : {});
  }
  return failed.size > 0 ? failed : undefined;
}

export interface Settlement {
  readonly task: Pick<TaskRecord, "taskId" | "accountId" | "keyId" | "model" | "hold" | "windows">;
  readonly status: Exclude<TaskStatus, "held">;
  /** What the usage priced at; the charge never exceeds the hold, the excess is recorded. */
  readonly priced: number;
  readonly usage?: TaskUsage;
  readonly upstreamAccount?: string;
  readonly upstreamKind?: TaskRecord["upstreamKind"];
  readonly errorCode?: string;
  readonly now: number;
}

/** Charges what was used and releases the rest of the hold, once, counting it in the usage aggregates. */
export async function settle(settlement: Settlement): Promise<{ settled: boolean; charge: number }> {
  const { credits, tasks } = tableNames();
  const { task } = settlement;
  const charge = Math.min(Math.max(0, settlement.priced), task.hold);
  const release = task.hold - charge;
  const items: NonNullable<TransactWriteCommandInput["TransactItems"]> = [
    {
      Update: {
        TableName: tasks,
        Key: { taskId: task.taskId },
        UpdateExpression:
          "SET #status = :status, charge = :charge, refund = :release, settledAt = :now" +
          (settlement.usage ? ", #usage = :usage" : "") +
          (settlement.upstreamAccount ? ", upstreamAccount = :upstream" : "") +
          (settlement.upstreamKind ? ", upstreamKind = :upstreamKind" : "") +
          (settlement.errorCode ? ", errorCode = :errorCode" : "") +
          (settlement.priced > task.hold ? ", overage = :overage" : "") +
          " REMOVE heldShard",
        ConditionExpression: "#status = :held",
        // USAGE is one of DynamoDB's reserved words.
        ExpressionAttributeNames: { "#status": "status", ...(settlement.usage && { "#usage": "usage" }) },
        ExpressionAttributeValues: {
          ":status": settlement.status,
          ":held": "held",
          ":charge": charge,
          ":release": release,
          ":now": settlement.now,
          ...(settlement.usage && { ":usage": settlement.usage }),
          ...(settlement.upstreamAccount && { ":upstream": settlement.upstreamAccount }),
          ...(settlement.upstreamKind && { ":upstreamKind": settlement.upstreamKind }),
          ...(settlement.errorCode && { ":errorCode": settlement.errorCode }),
          ...(settlement.priced > task.hold && { ":overage": settlement.priced - task.hold }),
        },
      },
    },
    {
      Update: {
        TableName: credits,
        Key: { pk: accountPk(task.accountId), sk: ACCOUNT_SK },
        UpdateExpression: "ADD available :release, held :negativeHold, charged :charge",
        ExpressionAttributeValues: { ":release": release, ":negativeHold": -task.hold, ":charge": charge },
      },
    },
    ...(release === 0
      ? []
      : task.windows.map((sk) => ({
          Update: {
            TableName: credits,
            Key: { pk: keyPk(task.keyId), sk },
            UpdateExpression: "ADD spent :negativeRelease",
            ExpressionAttributeValues: { ":negativeRelease": -release },
          },
        }))),
    ...usageUpdates(task, countersOf({ status: settlement.status, hold: task.hold, charge, usage: settlement.usage }), settlement.now),
  ];
  try {
    await retryOnConflict(() => ledgerIo.transact({ TransactItems: items }));
    return { settled: true, charge };
  } catch (error) {
    if (failedConditions(error)?.has(0)) return { settled: false, charge: 0 };
    throw error;
  }
}
