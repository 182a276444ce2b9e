import { randomInt } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Uniformly random base62 text from the CSPRNG (`randomInt` rejects bias internally). */
export function randomBase62(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += BASE62[randomInt(BASE62.length)];
  return out;
}

/** The id of one request: the `x-request-id` header and, once a task exists, the task's id. */
export function newRequestId(): string {
  return `req_${randomBase62(24)}`;
}

/**
 * The same id under another prefix, so a route's ids can look like its API's own (`resp_…`) while
 * keeping the random part the request was logged with.
 *
 * @example withIdPrefix("req_0a1B2c3D4e5F6g7H8i9J0k1L", "resp") // "resp_0a1B2c3D4e5F6g7H8i9J0k1L"
 */
export function withIdPrefix(id: string, prefix: string): string {
  return `${prefix}${id.slice(id.indexOf("_"))}`;
}

const TASK_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Whether text could be one of our task ids, so a lookup of anything else is a 404 without a read.
 *
 * @example isTaskIdShape("req_0a1B2c3D4e5F6g7H8i9J0k1L") // true
 */
export function isTaskIdShape(id: string): boolean {
  return TASK_ID.test(id);
}
