/** `keys …` and `management-keys …`: issue, change, rotate and delete keys, from the shell. */
import { parseKeySettings } from "../../lambda/domain/admin-requests.ts";
import { keyView, managementKeyView } from "../../lambda/handlers/routes/views.ts";
import { changeKey, changeKeyStatus, issueKey, keysOf, removeKey, rotateKey } from "../../lambda/operations/keys.ts";
import { createManagementKey, deleteManagementKey, listManagementKeys, setManagementKeyStatus } from "../../lambda/operations/management-keys.ts";
import { arg, list, optionalInt, optionalString, required, type Values } from "./flags.ts";
import { table, type CommandResult } from "./output.ts";

type Command = (input: { values: Values; args: string[] }) => Promise<CommandResult>;

export const KEY_USAGE = `  keys create --account ACCOUNT_ID [--name N] [--rpm N] [--hourly C] [--daily C] [--total C]
              [--ip CIDR]... [--model ID]...             (prints the key once)
  keys list --account ACCOUNT_ID                          [--csv]
  keys update KEY_ID [--name N] [--rpm N|none] [--hourly C|none] [--daily C|none] [--total C|none]
              [--ip CIDR]... [--model ID]...             (--ip none / --model none clears the list)
  keys disable KEY_ID | keys enable KEY_ID
  keys rotate KEY_ID                                      (new secret, same id, limits and spend)
  keys delete KEY_ID
  management-keys create --name N                         (an mk- key for the admin API; printed once)
  management-keys list                                    [--csv]
  management-keys disable ID | management-keys enable ID | management-keys delete ID`;

const KEY_COLUMNS = ["id", "hint", "status", "name", "rpm", "spend_limits", "ip_allowlist", "models"];

/** The flags of `keys create` and `keys update` as the API's JSON body, so one parser checks both. */
function settingsBody(values: Values, partial: boolean) {
  const limits = Object.fromEntries(
    (["hourly", "daily", "total"] as const).flatMap((window) => {
      const value = optionalInt(values, window, partial);
      return value === undefined ? [] : [[window, value]];
    }),
  );
  return parseKeySettings(
    {
      name: optionalString(values, "name"),
      rpm: optionalInt(values, "rpm", partial),
      ...(Object.keys(limits).length > 0 && { spend_limits: limits }),
      ip_allowlist: list(values, "ip"),
      models: list(values, "model"),
    },
    partial,
  );
}

function describe(view: ReturnType<typeof keyView>): string {
  return table([{ ...view, spend_limits: JSON.stringify(view.spend_limits) }], KEY_COLUMNS);
}

export const KEY_COMMANDS: Record<string, Command> = {
  "keys create": async ({ values }) => {
    const { key, record } = await issueKey(required(values, "account"), settingsBody(values, false));
    const view = { ...keyView(record), key };
    return { data: view, text: `${describe(view)}\n\n  ${key}\n\nThis key is shown once; only its hash is stored.` };
  },
  "keys list": async ({ values }) => {
    const views = (await keysOf(required(values, "account"))).map(keyView);
    return { data: { object: "list", data: views, next_cursor: null }, rows: views, text: table(views.map((view) => ({ ...view, spend_limits: JSON.stringify(view.spend_limits) })), KEY_COLUMNS) };
  },
  "keys update": async ({ values, args }) => {
    const view = keyView(await changeKey(arg(args, "KEY_ID"), settingsBody(values, true)));
    return { data: view, text: `updated ${view.id}; every instance sees it within 5 s\n${describe(view)}` };
  },
  "keys disable": async ({ args }) => {
    const view = keyView(await changeKeyStatus(arg(args, "KEY_ID"), "disabled"));
    return { data: view, text: `disabled ${view.id}` };
  },
  "keys enable": async ({ args }) => {
    const view = keyView(await changeKeyStatus(arg(args, "KEY_ID"), "active"));
    return { data: view, text: `enabled ${view.id}` };
  },
  "keys rotate": async ({ args }) => {
    const { key, record } = await rotateKey(arg(args, "KEY_ID"));
    const view = { ...keyView(record), key };
    return { data: view, text: `${describe(view)}\n\n  ${key}\n\nThe old secret no longer works. This key is shown once.` };
  },
  "keys delete": async ({ args }) => {
    const view = keyView(await removeKey(arg(args, "KEY_ID")));
    return { data: { ...view, deleted: true }, text: `deleted ${view.id}; its tasks and usage are kept` };
  },
  "management-keys create": async ({ values }) => {
    const { key, record } = await createManagementKey(required(values, "name"));
    const view = { ...managementKeyView(record), key };
    return { data: view, text: `${view.id}  ${view.name}\n\n  ${key}\n\nThis management key opens the admin API. It is shown once; only its hash is stored.` };
  },
  "management-keys list": async () => {
    const views = (await listManagementKeys()).map(managementKeyView);
    return { data: { object: "list", data: views, next_cursor: null }, rows: views, text: table(views, ["id", "hint", "status", "name", "created_at"]) };
  },
  "management-keys disable": async ({ args }) => {
    const view = managementKeyView(await setManagementKeyStatus(arg(args, "ID"), "disabled"));
    return { data: view, text: `disabled ${view.id}` };
  },
  "management-keys enable": async ({ args }) => {
    const view = managementKeyView(await setManagementKeyStatus(arg(args, "ID"), "active"));
    return { data: view, text: `enabled ${view.id}` };
  },
  "management-keys delete": async ({ args }) => {
    const view = managementKeyView(await deleteManagementKey(arg(args, "ID")));
    return { data: { ...view, deleted: true }, text: `deleted ${view.id}` };
  },
};
