/**
 * Per-account health, kept in this Lambda instance's memory: a failing account cools down and is
 * tried after the healthy ones until it recovers; a success clears it.
 *
 * Cool-down rules:
 * - 429 → Google's `RetryInfo` delay, else 30 s;
 * - 401/403, a rejected key (400 `API_KEY_*`), 400 `FAILED_PRECONDITION` (billing/region), 402, a
 *   service account whose token exchange Google refused → 5 min;
 * - 5xx, 408, network errors, timeouts, broken streams → 5 s doubling per consecutive failure, up to 5 min.
 */
import { createHash } from "node:crypto";
import { credentialOf } from "./accounts.ts";
import type { UpstreamAccount } from "./accounts.ts";

export type FailureClass =
  | { readonly kind: "rate-limited"; readonly retryAfterMs?: number }
  | { readonly kind: "rejected-key" }
  | { readonly kind: "transient" };

export const RATE_LIMIT_COOLDOWN_MS = 30_000;
export const REJECTED_KEY_COOLDOWN_MS = 300_000;
export const TRANSIENT_BASE_COOLDOWN_MS = 5_000;
export const MAX_COOLDOWN_MS = 300_000;

interface Health {
  failures: number;
  coolUntil: number;
}

/**
 * Health of every account seen by this instance, plus the round-robin cursor.
 *
 * @example
 * const pool = new AccountPool();
 * pool.recordFailure(account, { kind: "transient" }, Date.now());
 * pool.order(accounts, Date.now()); // `account` now comes last
 */
export class AccountPool {
  readonly #health = new Map<string, Health>();
  #turn = 0;

  /**
   * Healthy accounts first, in configured order but starting one further along on every call so
   * load spreads; then cooling accounts, soonest recovery first (still tried rather than failing).
   */
  order(accounts: readonly UpstreamAccount[], now: number): UpstreamAccount[] {
    const healthy: UpstreamAccount[] = [];
    const cooling: { account: UpstreamAccount; until: number }[] = [];
    for (const account of accounts) {
      const until = this.#health.get(identity(account))?.coolUntil ?? 0;
      if (until <= now) healthy.push(account);
      else cooling.push({ account, until });
    }
    const start = healthy.length === 0 ? 0 : this.#turn % healthy.length;
    this.#turn = (this.#turn + 1) % Number.MAX_SAFE_INTEGER;
    cooling.sort((a, b) => a.until - b.until);
    return [...healthy.slice(start), ...healthy.slice(0, start), ...cooling.map(({ account }) => account)];
  }

  /** Starts or extends the account's cool-down; returns how long it lasts. */
  recordFailure(account: UpstreamAccount, failure: FailureClass, now: number): number {
    const key = identity(account);
    const failures = (this.#health.get(key)?.failures ?? 0) + 1;
    const cooldownMs = cooldownFor(failure, failures);
    this.#health.set(key, { failures, coolUntil: now + cooldownMs });
    return cooldownMs;
  }

  recordSuccess(account: UpstreamAccount): void {
    this.#health.delete(identity(account));
  }

  /** When the account may be used again at full priority; 0 when it is healthy. */
  coolingUntil(account: UpstreamAccount): number {
    return this.#health.get(identity(account))?.coolUntil ?? 0;
  }

  /** Forgets all health and restarts the rotation (tests, or after the account list changed). */
  reset(): void {
    this.#health.clear();
    this.#turn = 0;
  }
}

/**
 * How long an account rests after its `failures`-th consecutive failure.
 *
 * @example
 * cooldownFor({ kind: "transient" }, 3); // 20_000
 */
export function cooldownFor(failure: FailureClass, failures: number): number {
  if (failure.kind === "rate-limited") return Math.min(failure.retryAfterMs ?? RATE_LIMIT_COOLDOWN_MS, MAX_COOLDOWN_MS);
  if (failure.kind === "rejected-key") return REJECTED_KEY_COOLDOWN_MS;
  return Math.min(TRANSIENT_BASE_COOLDOWN_MS * 2 ** Math.min(failures - 1, 30), MAX_COOLDOWN_MS);
}

/** The pool this Lambda instance shares across requests. */
export const defaultPool = new AccountPool();

/**
 * `defaultPool.order`: the order in which to try the accounts now.
 *
 * @example
 * for (const account of orderAccounts(await source.accounts(), Date.now())) { … }
 */
export function orderAccounts(accounts: readonly UpstreamAccount[], now: number): UpstreamAccount[] {
  return defaultPool.order(accounts, now);
}

// Health follows the credential, not just the name, so a replaced key or key file starts out
// healthy. Only a short digest is kept, never the secret.
function identity(account: UpstreamAccount): string {
  const digest = createHash("sha256").update(credentialOf(account)).digest("base64url").slice(0, 16);
  return `${account.name}\u0000${digest}`;
}
