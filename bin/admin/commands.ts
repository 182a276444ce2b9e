import { ACCOUNT_COMMANDS, ACCOUNT_USAGE } from "./account-commands.ts";
import { KEY_COMMANDS, KEY_USAGE } from "./key-commands.ts";
import type { Values } from "./flags.ts";
import type { CommandResult } from "./output.ts";
import { REPORT_COMMANDS, REPORT_USAGE } from "./report-commands.ts";
import type { UpstreamStore } from "./target.ts";
import { UPSTREAM_COMMANDS, UPSTREAM_USAGE } from "./upstream-commands.ts";

export interface CommandInput {
  values: Values;
  args: string[];
  upstream: UpstreamStore;
}
type Command = (input: CommandInput) => Promise<CommandResult>;

export const USAGE = `usage: npm run admin -- <command> [--json | --csv] [--stack NAME]

${ACCOUNT_USAGE}
${KEY_USAGE}
${REPORT_USAGE}
${UPSTREAM_USAGE}

Every command is an admin API operation; --json prints the API's JSON for it.
Credits are integers: 1 credit = US$0.000001 at Google's list price (1,000,000 credits = $1).
Without --stack the local gateway started by \`npm start\` is used (or DYNAMODB_ENDPOINT and GATEWAY_TABLE_PREFIX).`;

/** Commands by their words: `accounts create`, or a single word such as `ledger`. */
export const COMMANDS: Record<string, Command> = { ...ACCOUNT_COMMANDS, ...KEY_COMMANDS, ...REPORT_COMMANDS, ...UPSTREAM_COMMANDS };
