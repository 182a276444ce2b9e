/**
 * What the gateway keeps of a response so a later request can name its output items by
 * `item_reference` (README "Responses API decisions"): the output items — never the input — each
 * with the thought signatures that go back with it.
 *
 * | output item      | kept with                                   |
 * |------------------|---------------------------------------------|
 * | `reasoning`      | the whole turn's signatures (what its `encrypted_content` seals) |
 * | `message`        | the turn's text signature                   |
 * | `function_call`  | its own call's signature                    |
 *
 * Item ids carry their response's id (`rs_<id>_0`, `msg_<id>_1`, `fc_<id>_2` for `resp_<id>`), so
 * the items a request names are found with one read per response they came from.
 */
import { fail, isObject } from "../validate.ts";
import type { TurnSignatures } from "./encrypted-content.ts";
import type { OutputItem } from "./types.ts";

export type ItemKind = "rs" | "msg" | "fc";

/** One output item as kept, and the signatures that go back to Gemini with it. */
export interface KeptItem {
  readonly item: OutputItem;
  readonly signatures?: TurnSignatures;
}

/** What a lookup of one item id found: the item, or the note that it was too large to keep. */
export type KeptLookup = KeptItem | { readonly omitted: "too_large" };

/** More than this many earlier responses named in one request is a 400, not that many reads. */
export const MAX_REFERENCED_RESPONSES = 100;

const RESPONSE_PREFIX = "resp_";
const ITEM_ID = /^(?:rs|msg|fc)_([A-Za-z0-9]{1,64})_\d{1,4}$/;
const KEPT_BY_ID = new Set(["reasoning", "message", "function_call"]);

/** @example outputItemId("msg", "resp_abc", 1) // "msg_abc_1" */
export function outputItemId(kind: ItemKind, responseId: string, index: number): string {
  return `${kind}_${responseId.slice(RESPONSE_PREFIX.length)}_${index}`;
}

/** The response an item id of ours came from. @example responseIdOfItem("fc_abc_2") // "resp_abc" */
export function responseIdOfItem(itemId: string): string | undefined {
  const match = ITEM_ID.exec(itemId);
  return match === null ? undefined : `${RESPONSE_PREFIX}${match[1]}`;
}

/**
 * The items to keep of a finished response.
 *
 * @example keptItemsOf([{ type: "function_call", id: "fc_abc_1", call_id: "c1", name: "f", arguments: "{}", status: "completed" }],
 *   { model: "m", calls: [{ call_id: "c1", signature: "CiQB" }] })
 * // [{ item: <the call>, signatures: { model: "m", calls: [{ call_id: "c1", signature: "CiQB" }] } }]
 */
export function keptItemsOf(output: readonly OutputItem[], turn: TurnSignatures): KeptItem[] {
  return output.map((item): KeptItem => {
    switch (item.type) {
      case "reasoning": {
        const { encrypted_content: _sealed, ...kept } = item;
        return { item: kept, signatures: turn };
      }
      case "message":
        return turn.text === undefined ? { item } : { item, signatures: { model: turn.model, calls: [], text: turn.text } };
      case "function_call": {
        const own = turn.calls.filter((call) => call.call_id === item.call_id);
        return own.length === 0 ? { item } : { item, signatures: { model: turn.model, calls: own } };
      }
    }
  });
}

/**
 * What an `input` needs from storage, read before the request is validated: the ids of kept items —
 * every `item_reference`, and full reasoning, message and call items of ours without
 * `encrypted_content` (their signatures may be kept) — and whether it holds an `encrypted_content`
 * to open. Tolerant of any shape; validation comes later.
 *
 * @example scanInput({ input: [{ type: "item_reference", id: "rs_abc_0" }] }) // { itemIds: ["rs_abc_0"], opensSealed: false }
 */
export function scanInput(body: unknown): { itemIds: string[]; opensSealed: boolean } {
  const input = isObject(body) && Array.isArray(body.input) ? body.input : [];
  const itemIds = new Set<string>();
  let opensSealed = false;
  for (const item of input) {
    if (!isObject(item)) continue;
    const sealed = item.type === "reasoning" && typeof item.encrypted_content === "string" && item.encrypted_content !== "";
    opensSealed ||= sealed;
    if (typeof item.id !== "string") continue;
    const reference = item.type === "item_reference" || (item.type === undefined && item.role === undefined);
    const ownKept = !sealed && KEPT_BY_ID.has(String(item.type ?? "message")) && responseIdOfItem(item.id) !== undefined;
    if (reference || ownKept) itemIds.add(item.id);
  }
  const responses = new Set([...itemIds].flatMap((id) => responseIdOfItem(id) ?? []));
  if (responses.size > MAX_REFERENCED_RESPONSES) {
    fail("input", `refers to items of ${responses.size} earlier responses; at most ${MAX_REFERENCED_RESPONSES} are looked up per request. Send the older items themselves instead of references.`);
  }
  return { itemIds: [...itemIds], opensSealed };
}
