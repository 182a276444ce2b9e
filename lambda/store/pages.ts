import { InvalidRequestError } from "../domain/errors.ts";

/** One page of a list, and the cursor for the next one (null on the last page). */
export interface Paged<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

type Key = Record<string, string | number>;

/**
 * DynamoDB's `LastEvaluatedKey` as an opaque cursor for the client.
 *
 * @example encodeCursor({ pk: "ACCOUNT#a", sk: "ACCOUNT" }) // "eyJwayI6…"
 */
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key === undefined ? null : Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

/**
 * A cursor back into the key it came from; anything else (edited, from another list) is a 400.
 *
 * @example decodeCursor(encodeCursor({ pk: "x" }) ?? undefined, ["pk"]) // { pk: "x" }
 */
export function decodeCursor(cursor: string | undefined, attributes: readonly string[]): Key | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    key = undefined;
  }
  const valid =
    typeof key === "object" &&
    key !== null &&
    Object.keys(key).every((name) => attributes.includes(name)) &&
    Object.values(key).every((value) => typeof value === "string" || typeof value === "number");
  if (!valid) throw new InvalidRequestError("`cursor` is not one this list gave out; send the `next_cursor` of the page before, unchanged.");
  return key as Key;
}
