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
