/** `/admin/v1/…/keys`: issue, list, change, rotate and delete an account's `sk-` keys. */
import { parseKeySettings } from "../../../domain/admin-requests.ts";
import { json } from "../../../http/function-url.ts";
import type { GatewayRoute } from "../../../middleware/types.ts";
import { changeKey, issueKey, keysOf, removeKey, rotateKey } from "../../../operations/keys.ts";
import { keyView } from "../views.ts";

export const KEY_ROUTES: GatewayRoute[] = [
  {
    method: "POST",
    path: "/admin/v1/accounts/{account_id}/keys",
    doc: { tag: "keys", summary: "Issue a key; the sk- key is in this answer only", body: "KeySettings", ok: { status: 201, schema: "NewKey", description: "The key, with `key` shown this once" }, errors: [400, 404] },
    handle: async ({ params, body }) => {
      const { key, record } = await issueKey(params.account_id ?? "", parseKeySettings(body ?? {}, false));
      return json(201, { ...keyView(record), key });
    },
  },
  {
    method: "GET",
    path: "/admin/v1/accounts/{account_id}/keys",
    doc: { tag: "keys", summary: "An account's keys (never the keys themselves)", ok: { status: 200, schema: "KeyList", description: "Every key of the account" }, errors: [404] },
    handle: async ({ params }) => json(200, { object: "list", data: (await keysOf(params.account_id ?? "")).map(keyView), next_cursor: null }),
  },
  {
    method: "PATCH",
    path: "/admin/v1/keys/{key_id}",
    doc: {
      tag: "keys",
      summary: "Change a key's name, limits, allowlists or status",
      description: "Every warm instance sees the change within 5 s. `null` removes a limit.",
      body: "KeyChange",
      ok: { status: 200, schema: "Key", description: "The key as it is now" },
      errors: [400, 404],
    },
    handle: async ({ params, body }) => json(200, keyView(await changeKey(params.key_id ?? "", parseKeySettings(body, true)))),
  },
  {
    method: "POST",
    path: "/admin/v1/keys/{key_id}/rotate",
    doc: { tag: "keys", summary: "A new secret for the same key: settings and spend carry over, the old secret stops", ok: { status: 200, schema: "NewKey", description: "The key, with the new `key` shown this once" }, errors: [404] },
    handle: async ({ params }) => {
      const { key, record } = await rotateKey(params.key_id ?? "");
      return json(200, { ...keyView(record), key });
    },
  },
  {
    method: "DELETE",
    path: "/admin/v1/keys/{key_id}",
    doc: { tag: "keys", summary: "Delete a key for good; its tasks and usage stay", ok: { status: 200, schema: "Key", description: "The key that was deleted" }, errors: [404] },
    handle: async ({ params }) => json(200, { ...keyView(await removeKey(params.key_id ?? "")), deleted: true }),
  },
];
