import { UPSTREAM_COMMANDS, UPSTREAM_USAGE } from "./upstream-commands.ts";
import { AdminError, changeKeyStatus, issueKey, keysOf, openAccount, rotateKey, showAccount, topUp, type PublicKey } from "./operations.ts";
import type { UpstreamStore } from "./target.ts";

export interface CommandInput {
  values: Record<string, string | boolean | string[] | undefined>;
  args: string[];
  upstream: UpstreamStore;
}
export interface CommandResult {
  data: unknown;
  text: string;
}
type Command = (input: CommandInput) => Promise<CommandResult>;

export const USAGE = `usage: npm run admin -- <command> [--json] [--stack NAME]

  accounts create --name N [--credits C]
  accounts show ACCOUNT_ID
  credits add --account ACCOUNT_ID --amount C        (--amount=-C takes credits back)
  keys create --account ACCOUNT_ID [--name N] [--rpm N] [--hourly C] [--daily C] [--total C]
              [--ip CIDR]... [--model ID]...           (prints the key once)
  keys list --account ACCOUNT_ID
  keys disable KEY_ID | keys enable KEY_ID
  keys rotate KEY_ID                                   (new secret, same id, limits and spend)
${UPSTREAM_USAGE}

Credits are integers: 1 credit = US$0.000001 at Google's list price (1,000,000 credits = $1).
Without --stack the local gateway started by \`npm start\` is used (or DYNAMODB_ENDPOINT).`;

export const COMMANDS: Record<string, Command> = {
  "accounts create": async ({ values }) => {
    const account = await openAccount(required(values, "name"), optionalInt(values, "credits") ?? 0);
    return { data: account, text: `created account ${account.accountId} (${account.name}) with ${account.available} credits` };
  },
  "accounts show": async ({ args }) => {
    const { account, keys } = await showAccount(arg(args, "ACCOUNT_ID"));
    const text = [
      `${account.accountId} (${account.name})`,
      `  available ${account.available}  held ${account.held}  charged ${account.charged}`,
      ...keys.map(describeKey),
    ].join("\n");
    return { data: { ...account, keys }, text };
  },
  "credits add": async ({ values }) => {
    const account = await topUp(required(values, "account"), requiredInt(values, "amount"));
    return { data: account, text: `${account.accountId}: available ${account.available} credits` };
  },
  "keys create": async ({ values }) => {
    const { key, record } = await issueKey(required(values, "account"), {
      name: optionalString(values, "name"),
      rpm: optionalInt(values, "rpm"),
      hourly: optionalInt(values, "hourly"),
      daily: optionalInt(values, "daily"),
      total: optionalInt(values, "total"),
      ips: list(values, "ip"),
      models: list(values, "model"),
    });
    return { data: { key, ...record }, text: `${describeKey(record)}\n\n  ${key}\n\nThis key is shown once; only its hash is stored.` };
  },
  "keys list": async ({ values }) => {
    const keys = await keysOf(required(values, "account"));
    return { data: keys, text: keys.length === 0 ? "no keys" : keys.map(describeKey).join("\n") };
  },
  "keys disable": async ({ args }) => {
    const record = await changeKeyStatus(arg(args, "KEY_ID"), "disabled");
    return { data: record, text: `disabled ${record.keyId}` };
  },
  "keys enable": async ({ args }) => {
    const record = await changeKeyStatus(arg(args, "KEY_ID"), "active");
    return { data: record, text: `enabled ${record.keyId}` };
  },
  "keys rotate": async ({ args }) => {
    const { key, record } = await rotateKey(arg(args, "KEY_ID"));
    return { data: { key, ...record }, text: `${describeKey(record)}\n\n  ${key}\n\nThe old secret no longer works. This key is shown once.` };
  },
  ...UPSTREAM_COMMANDS,
};

function describeKey(key: PublicKey): string {
  const limits = [
    key.rpm && `rpm ${key.rpm}`,
    key.limits.hourly && `hourly ${key.limits.hourly}`,
    key.limits.daily && `daily ${key.limits.daily}`,
    key.limits.total && `total ${key.limits.total}`,
    key.ipAllowlist.length > 0 && `ip ${key.ipAllowlist.join(",")}`,
    key.models.length > 0 && `models ${key.models.join(",")}`,
  ].filter(Boolean);
  return `  ${key.keyId}  ${key.hint}  ${key.status}  ${key.name}${limits.length > 0 ? `  (${limits.join("; ")})` : ""}`;
}

function arg(args: string[], name: string): string {
  const value = args[0];
  if (!value) throw new AdminError(`missing ${name}`);
  return value;
}

function optionalString(values: CommandInput["values"], flag: string): string | undefined {
  const value = values[flag];
  return typeof value === "string" ? value : undefined;
}

function required(values: CommandInput["values"], flag: string): string {
  const value = optionalString(values, flag);
  if (value === undefined || value === "") throw new AdminError(`--${flag} is required`);
  return value;
}

function optionalInt(values: CommandInput["values"], flag: string): number | undefined {
  const value = optionalString(values, flag);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.replaceAll("_", ""))) throw new AdminError(`--${flag} must be a whole number, got ${value}`);
  return Number(value.replaceAll("_", ""));
}

function requiredInt(values: CommandInput["values"], flag: string): number {
  const value = optionalInt(values, flag);
  if (value === undefined) throw new AdminError(`--${flag} is required`);
  return value;
}

function list(values: CommandInput["values"], flag: string): string[] {
  const value = values[flag];
  return Array.isArray(value) ? value : [];
}
