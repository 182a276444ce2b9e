import { createHash } from "node:crypto";
import type { Idempotency } from "../store/top-ups.ts";

/**
 * An idempotency key within its scope, with the hash of the request it stands for: a replay must be
 * the same request (same fields, whatever their order), or it is a conflict.
 *
 * @example idempotencyFor("ACCOUNT#acct_1", "stripe-evt-1", { amount: 500 })
 */
export function idempotencyFor(scope: string, key: string, request: object): Idempotency {
  const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
  return { scope, key, keyHash: sha256(key), requestHash: sha256(canonical(request)) };
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.entries(value)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, entry]) => `${JSON.stringify(name)}:${canonical(entry)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}
