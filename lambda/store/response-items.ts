/**
 * The output items of Responses requests that did not set `store: false`, so a later request can
 * name them by `item_reference` — the one exception to the gateway's zero data retention (README
 * "Responses API decisions"). One row per response in the `responseItems` table: the caller's
 * account, the upstream model, and the kept items gzipped, with `expiresAt` for DynamoDB's TTL.
 *
 * - TTL deletion is lazy (it can lag by days), so a read checks `expiresAt` itself; a row of another
 *   account reads as absent.
 * - A row must fit one DynamoDB item (400 KB). Gzip usually makes even a long answer fit; when it does
 *   not, the messages' text is dropped and only the reasoning and call items (and every signature)
 *   are kept; failing that, nothing but the note. A reference to a dropped item is a 400 saying to
 *   send the item itself.
 * - `RESPONSES_KEEP_ITEMS=false` keeps nothing; `RESPONSES_ITEM_TTL_SECONDS` sets the retention.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { BatchGetCommand, PutCommand, type BatchGetCommandOutput } from "@aws-sdk/lib-dynamodb";
import { readTurn } from "../domain/openai-responses/encrypted-content.ts";
import { responseIdOfItem } from "../domain/openai-responses/kept-items.ts";
import type { KeptItem, KeptLookup } from "../domain/openai-responses/kept-items.ts";
import type { OutputItem } from "../domain/openai-responses/types.ts";
import { isObject } from "../domain/validate.ts";
import { documentClient } from "./client.ts";
import { RESPONSES_ITEM_TTL_ENV, RESPONSES_KEEP_ITEMS_ENV } from "./schema.ts";
import { tableNames } from "./tables.ts";

export interface ItemKeeping {
  readonly keeping: boolean;
  readonly ttlSeconds: number;
}

export const DEFAULT_ITEM_TTL_SECONDS = 3_600;
/** Room under DynamoDB's 400 KB item limit for the row's other attributes. */
export const MAX_KEPT_BYTES = 380_000;
/** BatchGetItem's own limit per call. */
const BATCH_KEYS = 100;

/**
 * @example itemKeepingFromEnv({ RESPONSES_ITEM_TTL_SECONDS: "600" }) // { keeping: true, ttlSeconds: 600 }
 */
export function itemKeepingFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): ItemKeeping {
  const ttl = Number(env[RESPONSES_ITEM_TTL_ENV]);
  return {
    keeping: env[RESPONSES_KEEP_ITEMS_ENV]?.trim().toLowerCase() !== "false",
    ttlSeconds: Number.isInteger(ttl) && ttl > 0 ? ttl : DEFAULT_ITEM_TTL_SECONDS,
  };
}

export interface KeptResponse {
  readonly responseId: string;
  readonly accountId: string;
  readonly upstreamModel: string;
  readonly items: readonly KeptItem[];
}

type KeptEntry = KeptItem | { readonly id: string; readonly omitted: "too_large" };

/**
 * Writes one response's items; its size decides how much of them is kept (see above).
 *
 * @example await keepResponseItems({ responseId, accountId, upstreamModel, items }, { ttlSeconds: 3600, now: Date.now() })
 */
export async function keepResponseItems(response: KeptResponse, options: { ttlSeconds: number; now: number }): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: tableNames().responseItems,
      Item: {
        responseId: response.responseId,
        accountId: response.accountId,
        upstreamModel: response.upstreamModel,
        items: fitted(response.items),
        createdAt: options.now,
        expiresAt: Math.floor(options.now / 1000) + options.ttlSeconds,
      },
    }),
  );
}

/**
 * The kept items among `itemIds` that belong to `accountId` and have not expired, by item id.
 *
 * @example (await findKeptItems(["rs_abc_0"], "acct_1", Date.now())).get("rs_abc_0") // { item, signatures } or undefined
 */
export async function findKeptItems(itemIds: readonly string[], accountId: string, now: number): Promise<Map<string, KeptLookup>> {
  const wanted = new Set(itemIds);
  const responseIds = [...new Set(itemIds.flatMap((id) => responseIdOfItem(id) ?? []))];
  const found = new Map<string, KeptLookup>();
  for (const row of await readRows(responseIds)) {
    if (row.accountId !== accountId || !(Number(row.expiresAt) > now / 1000) || !(row.items instanceof Uint8Array)) continue;
    for (const entry of decoded(row.items)) {
      const id = "omitted" in entry ? entry.id : entry.item.id;
      if (wanted.has(id)) found.set(id, "omitted" in entry ? { omitted: "too_large" } : entry);
    }
  }
  return found;
}

async function readRows(responseIds: readonly string[]): Promise<Record<string, unknown>[]> {
  const TableName = tableNames().responseItems;
  const rows: Record<string, unknown>[] = [];
  for (let start = 0; start < responseIds.length; start += BATCH_KEYS) {
    let keys: Record<string, unknown>[] | undefined = responseIds.slice(start, start + BATCH_KEYS).map((responseId) => ({ responseId }));
    // Throttled keys come back unprocessed; the SDK's own retries already ran, so a few more rounds do.
    for (let round = 0; keys !== undefined && keys.length > 0 && round < 5; round++) {
      const page: BatchGetCommandOutput = await documentClient().send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: keys, ConsistentRead: true } } }));
      rows.push(...(page.Responses?.[TableName] ?? []));
      keys = page.UnprocessedKeys?.[TableName]?.Keys;
    }
  }
  return rows;
}

function fitted(items: readonly KeptItem[]): Uint8Array {
  const all = encoded(items);
  if (all.byteLength <= MAX_KEPT_BYTES) return all;
  const withoutText = encoded(items.map((kept) => (kept.item.type === "message" ? omitted(kept) : kept)));
  return withoutText.byteLength <= MAX_KEPT_BYTES ? withoutText : encoded(items.map(omitted));
}

function omitted(kept: KeptItem): KeptEntry {
  return { id: kept.item.id, omitted: "too_large" };
}

function encoded(entries: readonly KeptEntry[]): Uint8Array {
  return gzipSync(JSON.stringify(entries));
}

// Rows are ours, but a row that does not read back is treated as absent rather than trusted.
function decoded(bytes: Uint8Array): KeptEntry[] {
  let entries: unknown;
  try {
    entries = JSON.parse(gunzipSync(bytes).toString("utf8"));
  } catch {
    return [];
  }
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry: unknown): KeptEntry[] => {
    if (!isObject(entry)) return [];
    if (entry.omitted === "too_large" && typeof entry.id === "string") return [{ id: entry.id, omitted: "too_large" }];
    if (!isObject(entry.item) || typeof entry.item.id !== "string" || typeof entry.item.type !== "string") return [];
    const signatures = entry.signatures === undefined ? undefined : readTurn(entry.signatures);
    const item = entry.item as unknown as OutputItem;
    return [signatures === undefined ? { item } : { item, signatures }];
  });
}
