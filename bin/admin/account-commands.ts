/** `accounts …`, `credits add` and `ledger`: the admin API's account operations, from the shell. */
import { parseAccountChange, parseDayPeriod, parseIdempotencyKey, parseNewAccount, parsePage, parseTopUp } from "../../lambda/domain/admin-requests.ts";
import { accountView, keyView, ledgerEntryView, listView, statementView } from "../../lambda/handlers/routes/views.ts";
import { accountsPage, changeAccount, deleteAccount, openAccount, showAccount } from "../../lambda/operations/accounts.ts";
import { currentMonth, ledgerFor, topUp } from "../../lambda/operations/credits.ts";
import { arg, optionalInt, optionalString, query, required, requiredInt, type Values } from "./flags.ts";
import { table, type CommandResult } from "./output.ts";

type Command = (input: { values: Values; args: string[] }) => Promise<CommandResult>;

export const ACCOUNT_USAGE = `  accounts create --name N [--credits C] [--idempotency-key K]
  accounts list [--limit N] [--cursor C]                  [--csv]
  accounts show ACCOUNT_ID
  accounts rename ACCOUNT_ID --name N
  accounts disable ACCOUNT_ID | accounts enable ACCOUNT_ID  (a disabled account's keys get 401; nothing it holds is lost)
  accounts delete ACCOUNT_ID   (a disabled account holding nothing: its keys, ledger and usage go too)
  credits add --account ACCOUNT_ID --amount C [--note T] [--idempotency-key K]   (--amount=-C takes credits back)
  ledger --account ACCOUNT_ID [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--limit N] [--cursor C]   [--csv]`;

const ACCOUNT_COLUMNS = ["id", "name", "status", "balance", "held", "charged", "created_at"];

export const ACCOUNT_COMMANDS: Record<string, Command> = {
  "accounts create": async ({ values }) => {
    const request = parseNewAccount({ name: required(values, "name"), credits: optionalInt(values, "credits") ?? 0 });
    const { account, replayed } = await openAccount(request, parseIdempotencyKey(optionalString(values, "idempotency-key"), false));
    const view = accountView(account);
    return { data: view, text: `${replayed ? "already created" : "created"} account ${view.id} (${view.name}) with ${view.balance} credits` };
  },
  "accounts list": async ({ values }) => {
    const page = listView(await accountsPage(parsePage(query(values, { limit: "limit", cursor: "cursor" }))), accountView);
    const more = page.next_cursor === null ? "" : `\n\nmore: --cursor ${page.next_cursor}`;
    return { data: page, rows: page.data, text: `${table(page.data, ACCOUNT_COLUMNS)}${more}` };
  },
  "accounts show": async ({ args }) => {
    const { account, keys } = await showAccount(arg(args, "ACCOUNT_ID"));
    const view = { ...accountView(account), keys: keys.map(keyView) };
    const text = [
      `${view.id} (${view.name}) ${view.status}`,
      `  balance ${view.balance}  held ${view.held}  charged ${view.charged}`,
      "",
      table(view.keys, ["id", "hint", "status", "name", "rpm"]),
    ].join("\n");
    return { data: view, text };
  },
  "accounts rename": async ({ values, args }) => {
    const view = accountView(await changeAccount(arg(args, "ACCOUNT_ID"), parseAccountChange({ name: required(values, "name") })));
    return { data: view, text: `renamed ${view.id} to ${view.name}` };
  },
  "accounts disable": async ({ args }) => {
    const view = accountView(await changeAccount(arg(args, "ACCOUNT_ID"), { status: "disabled" }));
    return { data: view, text: `disabled ${view.id}: its keys are refused within 5 s; its balance and history are kept` };
  },
  "accounts enable": async ({ args }) => {
    const view = accountView(await changeAccount(arg(args, "ACCOUNT_ID"), { status: "active" }));
    return { data: view, text: `enabled ${view.id}` };
  },
  "accounts delete": async ({ args }) => {
    const view = { ...accountView(await deleteAccount(arg(args, "ACCOUNT_ID"))), deleted: true };
    return { data: view, text: `deleted ${view.id} (${view.name}), its keys, ledger and usage; its tasks expire with the retention period` };
  },
  "credits add": async ({ values }) => {
    const request = parseTopUp({ amount: requiredInt(values, "amount"), note: optionalString(values, "note") });
    const { entry, replayed } = await topUp(required(values, "account"), request, parseIdempotencyKey(optionalString(values, "idempotency-key"), false));
    const view = ledgerEntryView(entry);
    return { data: view, text: `${replayed ? "already applied" : "applied"} ${view.amount} credits to ${view.account_id}: balance ${view.balance_after} (entry ${view.id})` };
  },
  ledger: async ({ values }) => {
    const accountId = required(values, "account");
    const params = query(values, { from: "from", to: "to", limit: "limit", cursor: "cursor" });
    const period = parseDayPeriod(params, currentMonth());
    const { statement, entries } = await ledgerFor(accountId, period, parsePage(params));
    const view = { object: "ledger", statement: statementView(accountId, period, statement), data: entries.items.map(ledgerEntryView), next_cursor: entries.nextCursor };
    const s = view.statement;
    const text = [
      `${accountId} ${s.from} .. ${s.to} (exclusive)`,
      `  opening ${s.opening_balance}  + added ${s.credits_added}  - taken back ${s.credits_taken_back}  - charged ${s.charged}  = closing ${s.closing_balance}   (refunded holds ${s.refunded})`,
      "",
      table(view.data, ["at", "kind", "amount", "balance_after", "note", "id"]),
    ].join("\n");
    return { data: view, rows: view.data, text };
  },
};
