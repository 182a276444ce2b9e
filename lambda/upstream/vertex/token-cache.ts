/**
 * Access tokens per service account, kept in this Lambda instance's memory until shortly before
 * they expire. Concurrent callers share one exchange. Entries are keyed by a digest of the key
 * file's identity, so the cache never holds a private key it did not get passed.
 */
import { createHash } from "node:crypto";
import type { ServiceAccountKey } from "./account.ts";
import { exchangeForAccessToken } from "./token-exchange.ts";
import type { AccessToken, ExchangeOptions } from "./token-exchange.ts";

/** Google's libraries refresh five minutes early; short-lived tokens at half their lifetime. */
export const MAX_REFRESH_MARGIN_MS = 300_000;

export type Exchange = (key: ServiceAccountKey, options: ExchangeOptions) => Promise<AccessToken>;

export interface TokenCacheOptions {
  readonly now?: () => number;
  /** Defaults to the real exchange at the key's `token_uri`. */
  readonly exchange?: Exchange;
}

interface Entry {
  token?: AccessToken;
  pending?: Promise<AccessToken>;
}

/**
 * When a token stops being used: five minutes before it expires, or halfway through its life if
 * that is shorter.
 *
 * @example
 * refreshAt({ token: "t", issuedAtMs: 0, expiresAtMs: 3_600_000 }); // 3_300_000
 */
export function refreshAt(token: AccessToken): number {
  const lifetime = token.expiresAtMs - token.issuedAtMs;
  return token.expiresAtMs - Math.min(MAX_REFRESH_MARGIN_MS, lifetime / 2);
}

/**
 * @example
 * const cache = new AccessTokenCache();
 * const bearer = await cache.tokenFor(serviceAccount, signal); // exchanged once, then reused
 */
export class AccessTokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #exchange: Exchange;

  constructor(options: TokenCacheOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#exchange = options.exchange ?? exchangeForAccessToken;
  }

  /** A usable token for `key`: the cached one, the exchange under way, or a new exchange. */
  async tokenFor(key: ServiceAccountKey, signal?: AbortSignal): Promise<string> {
    const id = identity(key);
    const entry = this.#entries.get(id) ?? {};
    this.#entries.set(id, entry);
    if (entry.token !== undefined && this.#now() < refreshAt(entry.token)) return entry.token.token;
    entry.pending ??= this.#start(key, entry);
    return (await abortable(entry.pending, signal)).token;
  }

  /** Drops `token` (Vertex refused it), unless a newer one has replaced it already. */
  forget(key: ServiceAccountKey, token: string): void {
    const entry = this.#entries.get(identity(key));
    if (entry?.token?.token === token) entry.token = undefined;
  }

  clear(): void {
    this.#entries.clear();
  }

  // Not tied to any caller's signal: a caller that gives up must not fail the others waiting.
  async #start(key: ServiceAccountKey, entry: Entry): Promise<AccessToken> {
    try {
      const token = await this.#exchange(key, { now: this.#now });
      entry.token = token;
      return token;
    } finally {
      entry.pending = undefined;
    }
  }
}

/** The tokens this Lambda instance shares across requests. */
export const defaultTokenCache = new AccessTokenCache();

function identity(key: ServiceAccountKey): string {
  return createHash("sha256").update(`${key.client_email}\u0000${key.token_uri}\u0000${key.private_key}`).digest("base64url");
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
