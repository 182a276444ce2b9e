import { beforeEach, describe, expect, test } from "@jest/globals";
import type { UpstreamAccount } from "../../../lambda/upstream/accounts.ts";
import { AccountPool, cooldownFor } from "../../../lambda/upstream/pool.ts";
import { KEY_A, KEY_B, KEY_C } from "./fixtures.ts";

const A: UpstreamAccount = { name: "a", apiKey: KEY_A };
const B: UpstreamAccount = { name: "b", apiKey: KEY_B };
const C: UpstreamAccount = { name: "c", apiKey: KEY_C };
const T0 = 1_000_000;

function names(accounts: readonly UpstreamAccount[]): string[] {
  return accounts.map((account) => account.name);
}

describe("account health", () => {
  let pool: AccountPool;

  beforeEach(() => {
    pool = new AccountPool();
  });

  test("healthy accounts keep their configured order but the starting account rotates per call", () => {
    const orders = [0, 1, 2, 3].map(() => names(pool.order([A, B, C], T0)));

    expect(orders).toEqual([
      ["a", "b", "c"],
      ["b", "c", "a"],
      ["c", "a", "b"],
      ["a", "b", "c"],
    ]);
  });

  test("a failed account goes last until its cool-down ends, then rejoins the healthy accounts", () => {
    pool.recordFailure(A, { kind: "transient" }, T0);

    expect(names(pool.order([A, B, C], T0 + 4_999))).toEqual(["b", "c", "a"]);
    pool.reset();
    pool.recordFailure(A, { kind: "transient" }, T0);
    expect(names(pool.order([A, B, C], T0 + 5_000))).toEqual(["a", "b", "c"]);
  });

  test("cooling accounts are tried after healthy ones, soonest recovery first", () => {
    pool.recordFailure(A, { kind: "rejected-key" }, T0);
    pool.recordFailure(B, { kind: "rate-limited", retryAfterMs: 2_000 }, T0);

    expect(names(pool.order([A, B, C], T0))).toEqual(["c", "b", "a"]);
    expect(names(pool.order([A, B], T0))).toEqual(["b", "a"]);
  });

  test("a success clears the cool-down and the failure count", () => {
    pool.recordFailure(A, { kind: "transient" }, T0);
    pool.recordFailure(A, { kind: "transient" }, T0);
    pool.recordSuccess(A);

    expect(pool.coolingUntil(A)).toBe(0);
    expect(pool.recordFailure(A, { kind: "transient" }, T0)).toBe(5_000);
  });

  test("repeated transient failures double the cool-down from 5 s up to 5 min", () => {
    const cooldowns = Array.from({ length: 9 }, () => pool.recordFailure(A, { kind: "transient" }, T0));

    expect(cooldowns).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
    expect(pool.coolingUntil(A)).toBe(T0 + 300_000);
  });

  test("a replaced key for the same account name starts out healthy", () => {
    pool.recordFailure(A, { kind: "rejected-key" }, T0);

    expect(pool.coolingUntil({ name: "a", apiKey: KEY_C })).toBe(0);
  });
});

describe("cool-down lengths", () => {
  test("a 429 rests for Google's retry delay, or 30 s without one, never beyond 5 min", () => {
    expect(cooldownFor({ kind: "rate-limited", retryAfterMs: 26_000 }, 1)).toBe(26_000);
    expect(cooldownFor({ kind: "rate-limited" }, 1)).toBe(30_000);
    expect(cooldownFor({ kind: "rate-limited", retryAfterMs: 86_400_000 }, 1)).toBe(300_000);
  });

  test("a rejected or revoked key rests for 5 min", () => {
    expect(cooldownFor({ kind: "rejected-key" }, 1)).toBe(300_000);
  });
});
