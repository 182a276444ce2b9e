import { beforeAll, describe, expect, test } from "@jest/globals";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { openAccount } from "../../lambda/operations/accounts.ts";
import { ledgerFor, topUp } from "../../lambda/operations/credits.ts";
import { issueKey } from "../../lambda/operations/keys.ts";
import { getAccount } from "../../lambda/store/accounts.ts";
import { documentClient } from "../../lambda/store/client.ts";
import { accountItem, accountPk, ledgerSk } from "../../lambda/store/items.ts";
import { admit, settle } from "../../lambda/store/ledger.ts";
import { tableNames } from "../../lambda/store/tables.ts";
import { ledgerEntries } from "../../lambda/store/top-ups.ts";
import { newRequestId } from "../../lambda/domain/ids.ts";
import { utcDay } from "../../lambda/domain/windows.ts";
import { useFreshTables } from "../support/tables.ts";

beforeAll(() => useFreshTables());

const today = () => utcDay(Date.now());
const tomorrow = () => utcDay(Date.now() + 86_400_000);

describe("top-ups", () => {
  test("racing top-ups each record the exact balance after them, in one serial order", async () => {
    const { account } = await openAccount({ name: "race", credits: 1_000 });
    const amounts = Array.from({ length: 12 }, (_, index) => 100 * 2 ** index);
    const entries = await Promise.all(amounts.map((amount, index) => topUp(account.accountId, { amount }, `race-${index}`)));
    const ordered = entries.map(({ entry }) => entry).sort((a, b) => (a.balanceAfter ?? 0) - (b.balanceAfter ?? 0));
    let balance = 1_000;
    for (const entry of ordered) {
      balance += entry.amount;
      expect(entry.balanceAfter).toBe(balance);
    }
    expect((await getAccount(account.accountId))?.available).toBe(balance);
  });

  test("record the balance with holds in flight, and a statement that still reconciles when requests settle around them", async () => {
    const { account } = await openAccount({ name: "busy", credits: 100_000 });
    const { record } = await issueKey(account.accountId, {});
    const now = Date.now();
    const requests = Array.from({ length: 30 }, () => ({ taskId: newRequestId(), accountId: account.accountId, keyId: record.keyId, model: "gemini-3-flash", upstreamModel: "gemini-3-flash-preview", route: "chat" as const, stream: false }));
    await Promise.all(requests.map((task) => admit({ task, hold: 1_000, spendLimits: {}, now })));
    // Settlements and top-ups interleave; every settlement charges 37 of its 1,000.
    const [settled, toppedUp] = await Promise.all([
      Promise.all(requests.map((task) => settle({ task: { ...task, hold: 1_000, windows: [] }, status: "settled", priced: 37, now: Date.now() }))),
      Promise.all(Array.from({ length: 5 }, (_, index) => topUp(account.accountId, { amount: 10_000, note: `batch ${index}` }, `busy-${index}`))),
    ]);
    expect(settled.every((outcome) => outcome.settled)).toBe(true);
    const after = await getAccount(account.accountId);
    expect(after).toMatchObject({ available: 100_000 + 50_000 - 30 * 37, held: 0, charged: 30 * 37 });
    // Each balance after is a real moment: the start, plus the first k top-ups, less m whole charges —
    // and the five entries are the 1st to 5th top-up in some order.
    const positions = toppedUp.map(({ entry }) => {
      const balance = entry.balanceAfter ?? NaN;
      return [1, 2, 3, 4, 5].find((k) => {
        const charged = 100_000 + 10_000 * k - balance;
        return charged >= 0 && charged % 37 === 0 && charged / 37 <= 30;
      });
    });
    expect(positions.sort()).toEqual([1, 2, 3, 4, 5]);

    const { statement, entries } = await ledgerFor(account.accountId, { from: today(), to: tomorrow() }, { limit: 100 });
    expect(statement).toEqual({ openingBalance: 0, added: 150_000, takenBack: 0, charged: 30 * 37, refunded: 30 * (1_000 - 37), closingBalance: (after?.available ?? 0) + (after?.held ?? 0) });
    expect(entries.items).toHaveLength(6);
  });

  test("a top-up whose process died before its balance was copied over is completed when the ledger is read", async () => {
    const { account } = await openAccount({ name: "crash", credits: 500 });
    const { credits } = tableNames();
    const at = Date.now();
    // What the commit leaves behind: the entry without its balance, and the snapshot on the account item.
    await documentClient().send(new PutCommand({ TableName: credits, Item: { pk: accountPk(account.accountId), sk: ledgerSk(at, "le_crashed"), entryId: "le_crashed", accountId: account.accountId, kind: "top_up", at, amount: 250 } }));
    await documentClient().send(
      new UpdateCommand({
        TableName: credits,
        Key: accountItem(account.accountId),
        UpdateExpression: "SET available = available + :amount, #a = :available, #h = :held",
        ExpressionAttributeNames: { "#a": "topUp_le_crashed_available", "#h": "topUp_le_crashed_held" },
        ExpressionAttributeValues: { ":amount": 250, ":available": 750, ":held": 0 },
      }),
    );
    const { items } = await ledgerEntries(account.accountId, { limit: 10 });
    expect(items.find((entry) => entry.entryId === "le_crashed")?.balanceAfter).toBe(750);
    const { Item } = await documentClient().send(new GetCommand({ TableName: credits, Key: accountItem(account.accountId), ConsistentRead: true }));
    expect(Object.keys(Item ?? {}).filter((name) => name.startsWith("topUp_"))).toEqual([]);
  });
});
