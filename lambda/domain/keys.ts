import { createHash } from "node:crypto";
import { randomBase62 } from "./ids.ts";

/** `sk-` and at least 32 base62 characters; we issue 40 (≈238 bits). */
const KEY_PATTERN = /^sk-[0-9A-Za-z]{32,128}$/;
/** Management keys open only the admin API, and look nothing like a customer's. */
const MANAGEMENT_KEY_PATTERN = /^mk-[0-9A-Za-z]{40}$/;
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

/** A new management key for the admin API; shown once and stored only as its SHA-256, like every key. */
export function generateManagementKey(): string {
  return `mk-${randomBase62(KEY_RANDOM_LENGTH)}`;
}

/** Public id of a management key. */
export function generateManagementKeyId(): string {
  return `mkey_${randomBase62(16)}`;
}

export function isWellFormedManagementKey(key: string): boolean {
  return MANAGEMENT_KEY_PATTERN.test(key);
}

/** Public id of one entry of an account's credit ledger. */
export function generateLedgerEntryId(): string {
  return `le_${randomBase62(20)}`;
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
