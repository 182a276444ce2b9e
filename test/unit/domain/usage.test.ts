import { describe, expect, test } from "@jest/globals";
import { countersOf, groupUsage, NO_COUNTERS, statementOf, type UsageRow } from "../../../lambda/domain/usage.ts";

const row = (day: string, keyId: string, model: string, requests: number, charged: number): UsageRow => ({
  ...NO_COUNTERS,
  day,
  keyId,
  model,
  requests,
  settled: requests,
  creditsCharged: charged,
  creditsHeld: charged * 2,
  creditsRefunded: charged,
});

const rows = [row("2026-11-30", "key_a", "flash", 2, 10), row("2026-11-30", "key_b", "pro", 1, 100), row("2026-12-01", "key_a", "flash", 3, 30), row("2026-12-01", "key_a", "pro", 1, 50)];

describe("countersOf", () => {
  test("counts a settled request's tokens and money, its hold split into charge and refund", () => {
    const counters = countersOf({ status: "settled", hold: 900, charge: 300, usage: { input: 10, cachedInput: 4, output: 20, reasoning: 7, searchQueries: 1 } });
    expect(counters).toEqual({ ...NO_COUNTERS, requests: 1, settled: 1, inputTokens: 10, cachedInputTokens: 4, outputTokens: 20, reasoningTokens: 7, searchQueries: 1, creditsHeld: 900, creditsCharged: 300, creditsRefunded: 600 });
  });

  test("counts a refunded request by its status, with its whole hold refunded", () => {
    expect(countersOf({ status: "refunded", hold: 900, charge: 0, usage: undefined })).toMatchObject({ requests: 1, refunded: 1, settled: 0, creditsRefunded: 900, creditsCharged: 0 });
  });
});

describe("groupUsage", () => {
  test("sums everything into one bucket without dimensions", () => {
    expect(groupUsage(rows, [])).toEqual([{ ...NO_COUNTERS, requests: 7, settled: 7, creditsCharged: 190, creditsHeld: 380, creditsRefunded: 190 }]);
  });

  test("groups by day, by model, or by both, in order", () => {
    expect(groupUsage(rows, ["day"]).map((bucket) => [bucket.day, bucket.requests])).toEqual([
      ["2026-11-30", 3],
      ["2026-12-01", 4],
    ]);
    expect(groupUsage(rows, ["model"]).map((bucket) => [bucket.model, bucket.creditsCharged])).toEqual([
      ["flash", 40],
      ["pro", 150],
    ]);
    expect(groupUsage(rows, ["day", "model", "key"])).toHaveLength(4);
    expect(groupUsage(rows, ["key"]).map((bucket) => bucket.keyId)).toEqual(["key_a", "key_b"]);
  });

  test("gives no bucket for no rows", () => {
    expect(groupUsage([], ["day"])).toEqual([]);
  });
});

describe("statementOf", () => {
  const days = [
    { day: "2026-11-29", added: 1_000, takenBack: 0, charged: 100, refunded: 5 },
    { day: "2026-11-30", added: 0, takenBack: 50, charged: 200, refunded: 7 },
    { day: "2026-12-01", added: 500, takenBack: 0, charged: 300, refunded: 9 },
  ];
  // The balance now is what all of it leaves: 1,000 − 100 − 50 − 200 + 500 − 300.
  const balanceNow = 850;

  test("works the opening balance back from the balance now, and the closing forward", () => {
    expect(statementOf(balanceNow, days, "2026-11-30", "2026-12-01")).toEqual({ openingBalance: 900, added: 0, takenBack: 50, charged: 200, refunded: 7, closingBalance: 650 });
  });

  test("a period to now closes at the balance now", () => {
    expect(statementOf(balanceNow, days, "2026-11-29", "2026-12-02").closingBalance).toBe(balanceNow);
    expect(statementOf(balanceNow, days, "2026-11-29", "2026-12-02").openingBalance).toBe(0);
  });

  test("consecutive periods chain: one closes where the next opens", () => {
    const first = statementOf(balanceNow, days, "2026-11-29", "2026-11-30");
    const second = statementOf(balanceNow, days, "2026-11-30", "2026-12-02");
    expect(first.closingBalance).toBe(second.openingBalance);
  });
});
