import { createHash } from "node:crypto";
import { randomBase62 } from "./ids.ts";

/** `sk-` and at least 32 base62 characters; we issue 40 (≈238 bits). */
const KEY_PATTERN = /^sk-[0-9A-Za-z]{32,128}$/;
const KEY_RANDOM_LENGTH = 40;

/** A new secret key. It is shown once and stored only as {@link hashKey}'s digest. */
export function generateApiKey(): string {
  return `sk-${randomBase62(KEY_RANDOM_LENGTH)}`;
}

/** Public id of a key, safe to show, log and store beside its spend. */
export function generateKeyId(): string {
  return `key_${randomBase62(16)}`;
}

export function generateAccountId(): string {
  return `acct_${randomBase62(16)}`;
}

export function isWellFormedKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/**
 * The keys table's partition key. A plain SHA-256 is enough: keys carry ~238 random bits, so there
 * is nothing to brute-force, and lookups must be one exact-match read.
 *
 * @example hashKey("sk-abc…") // "9f86d08…" (64 hex characters)
 */
export function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** What lists show instead of the key: its start and end. */
export function maskKey(key: string): string {
  return `${key.slice(0, 7)}…${key.slice(-4)}`;
}
