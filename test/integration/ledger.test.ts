import { afterEach, beforeAll, describe, expect, test } from "@jest/globals";
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { openAccount } from "../../lambda/operations/accounts.ts";
import { issueKey } from "../../lambda/operations/keys.ts";
import type { KeySettings } from "../../lambda/domain/admin-requests.ts";
import { newRequestId } from "../../lambda/domain/ids.ts";
import { sweepAbandonedHolds } from "../../lambda/middleware/sweep.ts";
import { readAccountAndCounters, getAccount } from "../../lambda/store/accounts.ts";
import { admit, ledgerIo, settle, type AdmissionRequest } from "../../lambda/store/ledger.ts";
import { getTask } from "../../lambda/store/tasks.ts";
import { spendWindows } from "../../lambda/domain/windows.ts";
import { useFreshTables } from "../support/tables.ts";

const NOW = Date.UTC(2026, 10, 21, 12, 30, 0);
const realTransact = ledgerIo.transact;

beforeAll(() => useFreshTables());
afterEach(() => {
  ledgerIo.transact = realTransact;
});

async function customer(credits: number, settings: KeySettings = {}) {
  const account = (await openAccount({ name: "ledger-test", credits: credits })).account;
  const { record } = await issueKey(account.accountId, settings);
  return { accountId: account.accountId, keyId: record.keyId, settings };
}

function admission(who: Awaited<ReturnType<typeof customer>>, hold: number, now = NOW): AdmissionRequest {
  return {
    task: { taskId: newRequestId(), accountId: who.accountId, keyId: who.keyId, model: "gemini-3-flash", upstreamModel: "gemini-3-flash-preview", route: "chat", stream: false },
    hold,
    rpm: who.settings.rpm ?? undefined,
    spendLimits: { hourly: who.settings.limits?.hourly ?? undefined, daily: who.settings.limits?.daily ?? undefined, total: who.settings.limits?.total ?? undefined },
    now,
  };
}

async function books(accountId: string) {
  const account = await getAccount(accountId);
  return { available: account?.available ?? NaN, held: account?.held ?? NaN, charged: account?.charged ?? NaN };
}

describe("admission under concurrency", () => {
  test("admits exactly as many of 200 simultaneous requests as the balance affords, and the books balance to the credit", async () => {
    const who = await customer(10_000);
    const requests = Array.from({ length: 200 }, () => admission(who, 300));
    const outcomes = await Promise.all(requests.map((request) => admit(request)));
    const admitted = requests.filter((_, i) => outcomes[i]?.admitted);
    expect(admitted).toHaveLength(Math.floor(10_000 / 300));
    expect(outcomes.filter((o) => !o.admitted).every((o) => !o.admitted && o.reason === "credits")).toBe(true);
    expect(await books(who.accountId)).toEqual({ available: 100, held: 9_900, charged: 0 });

    // Settle each admitted request at a different charge, all at once.
    const charges = admitted.map((_, i) => (i * 37) % 301);
    await Promise.all(
      admitted.map((request, i) =>
        settle({ task: { ...request.task, hold: 300, windows: spendWindows(NOW).map((w) => w.sk) }, status: "settled", priced: charges[i] ?? 0, now: NOW }),
      ),
    );
    const totalCharged = charges.reduce((sum, charge) => sum + charge, 0);
    const after = await books(who.accountId);
    expect(after).toEqual({ available: 10_000 - totalCharged, held: 0, charged: totalCharged });
    expect(after.available + after.held + after.charged).toBe(10_000);
  });

  test("keeps a spend window within its limit when 200 requests race for it", async () => {
    const who = await customer(100_000_000, { limits: { hourly: 5_000 } });
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => admit(admission(who, 300))));
    expect(outcomes.filter((o) => o.admitted)).toHaveLength(16);
    const rejected = outcomes.filter((o) => !o.admitted);
    expect(rejected.every((o) => !o.admitted && o.reason === "spend" && o.window.kind === "hourly" && o.limit === 5_000)).toBe(true);
    const hourly = spendWindows(NOW)[0]!;
    const { counters } = await readAccountAndCounters(who.accountId, who.keyId, [hourly.sk]);
    expect(Number(counters.get(hourly.sk)?.spent)).toBe(16 * 300);
    expect(await books(who.accountId)).toEqual({ available: 100_000_000 - 4_800, held: 4_800, charged: 0 });
  });

  test("lets exactly the rate limit's worth of 200 simultaneous requests through in one minute", async () => {
    const who = await customer(100_000_000, { rpm: 25 });
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => admit(admission(who, 10))));
    expect(outcomes.filter((o) => o.admitted)).toHaveLength(25);
    expect(outcomes.filter((o) => !o.admitted).every((o) => !o.admitted && o.reason === "rate")).toBe(true);
    // Rejected requests hold nothing.
    expect(await books(who.accountId)).toEqual({ available: 100_000_000 - 250, held: 250, charged: 0 });
  });

  test("retries injected transaction conflicts with jitter and still admits exactly what is affordable", async () => {
    const who = await customer(3_000);
    let injected = 0;
    // Half of the attempts conflict, but never more than four in a row for one transaction: with ten
    // attempts allowed, an unbounded coin flip would exhaust one of forty now and then.
    const conflictsOf = new Map<unknown, number>();
    ledgerIo.transact = async (input) => {
      const seen = conflictsOf.get(input.TransactItems) ?? 0;
      if (seen < 4 && Math.random() < 0.5) {
        conflictsOf.set(input.TransactItems, seen + 1);
        injected++;
        throw new TransactionCanceledException({
          message: "Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]",
          $metadata: {},
          CancellationReasons: (input.TransactItems ?? []).map((_, i) => ({ Code: i === 1 ? "TransactionConflict" : "None" })),
        });
      }
      return realTransact(input);
    };
    const outcomes = await Promise.all(Array.from({ length: 40 }, () => admit(admission(who, 100))));
    expect(injected).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.admitted)).toHaveLength(30);
    expect(await books(who.accountId)).toEqual({ available: 0, held: 3_000, charged: 0 });
  });
});

describe("settlement", () => {
  test("charges once even when called twice at the same time and again later", async () => {
    const who = await customer(1_000);
    const request = admission(who, 400);
    const outcome = await admit(request);
    if (!outcome.admitted) throw new Error("not admitted");
    const task = { ...request.task, hold: 400, windows: outcome.windows.map((w) => w.sk) };
    const results = await Promise.all([
      settle({ task, status: "settled", priced: 150, now: NOW }),
      settle({ task, status: "settled", priced: 150, now: NOW }),
    ]);
    expect(results.filter((r) => r.settled)).toHaveLength(1);
    expect((await settle({ task, status: "settled", priced: 150, now: NOW })).settled).toBe(false);
    expect(await books(who.accountId)).toEqual({ available: 850, held: 0, charged: 150 });
    expect(await getTask(task.taskId)).toMatchObject({ status: "settled", charge: 150, refund: 250 });
  });

  test("restores the balance and every spend window exactly when an upstream failure is refunded", async () => {
    const who = await customer(5_000, { limits: { hourly: 4_000, daily: 4_500, total: 4_900 } });
    const request = admission(who, 1_234);
    const outcome = await admit(request);
    if (!outcome.admitted) throw new Error("not admitted");
    await settle({ task: { ...request.task, hold: 1_234, windows: outcome.windows.map((w) => w.sk) }, status: "refunded", priced: 0, errorCode: "upstream_error", now: NOW });
    expect(await books(who.accountId)).toEqual({ available: 5_000, held: 0, charged: 0 });
    const { counters } = await readAccountAndCounters(who.accountId, who.keyId, outcome.windows.map((w) => w.sk));
    for (const window of outcome.windows) expect(Number(counters.get(window.sk)?.spent)).toBe(0);
    expect(await getTask(request.task.taskId)).toMatchObject({ status: "refunded", charge: 0, refund: 1_234, errorCode: "upstream_error" });
  });

  test("never charges more than was held, and records the excess for the operator", async () => {
    const who = await customer(1_000);
    const request = admission(who, 200);
    const outcome = await admit(request);
    if (!outcome.admitted) throw new Error("not admitted");
    await settle({ task: { ...request.task, hold: 200, windows: [] }, status: "settled", priced: 260, now: NOW });
    expect(await books(who.accountId)).toEqual({ available: 800, held: 0, charged: 200 });
    expect(await getTask(request.task.taskId)).toMatchObject({ charge: 200, overage: 60 });
  });
});

describe("the sweeper", () => {
  test("refunds a hold whose request died, once, and leaves live requests alone", async () => {
    const who = await customer(2_000);
    const dead = admission(who, 700, NOW - 60 * 60 * 1000);
    const live = admission(who, 300, NOW - 60 * 1000);
    expect((await admit(dead)).admitted).toBe(true);
    expect((await admit(live)).admitted).toBe(true);

    const first = await sweepAbandonedHolds({ now: NOW });
    expect(first.refunded).toBeGreaterThanOrEqual(1);
    expect(await getTask(dead.task.taskId)).toMatchObject({ status: "refunded", errorCode: "abandoned", refund: 700 });
    expect(await getTask(live.task.taskId)).toMatchObject({ status: "held" });
    expect(await books(who.accountId)).toEqual({ available: 1_700, held: 300, charged: 0 });

    await sweepAbandonedHolds({ now: NOW });
    expect(await books(who.accountId)).toEqual({ available: 1_700, held: 300, charged: 0 });
  });
});
