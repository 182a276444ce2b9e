/**
 * `npm run admin -- <command>`: every admin API operation, plus upstream Google accounts, on the local
 * gateway (default) or a deployed stack (`--stack NAME`). `--json` prints the admin API's JSON,
 * `--csv` the rows of a list.
 */
import { parseArgs } from "node:util";
import { GatewayError } from "../lambda/domain/errors.ts";
import { COMMANDS, USAGE } from "./admin/commands.ts";
import { AdminError } from "./admin/flags.ts";
import { toCsv } from "./admin/output.ts";
import { useTarget } from "./admin/target.ts";
import { UPSTREAM_OPTIONS } from "./admin/upstream-commands.ts";

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      csv: { type: "boolean" },
      stack: { type: "string" },
      name: { type: "string" },
      credits: { type: "string" },
      account: { type: "string" },
      key: { type: "string" },
      amount: { type: "string" },
      note: { type: "string" },
      "idempotency-key": { type: "string" },
      rpm: { type: "string" },
      hourly: { type: "string" },
      daily: { type: "string" },
      total: { type: "string" },
      ip: { type: "string", multiple: true },
      model: { type: "string", multiple: true },
      from: { type: "string" },
      to: { type: "string" },
      "group-by": { type: "string" },
      status: { type: "string" },
      limit: { type: "string" },
      cursor: { type: "string" },
      ...UPSTREAM_OPTIONS,
      help: { type: "boolean", short: "h" },
    },
  });
  const [group, action, ...rest] = positionals;
  const commands: Partial<typeof COMMANDS> = COMMANDS;
  const twoWords = commands[`${group} ${action}`];
  const command = twoWords ?? commands[group ?? ""];
  const args = twoWords ? rest : [action, ...rest].filter((value): value is string => value !== undefined);
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const upstream = await useTarget(values.stack);
  const result = await command({ values, args, upstream });
  if (values.csv) {
    if (result.rows === undefined) throw new AdminError("--csv is for commands that list things (accounts list, keys list, ledger, usage, tasks, management-keys list)");
    process.stdout.write(toCsv(result.rows));
  } else console.log(values.json ? JSON.stringify(result.data, null, 2) : result.text);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof AdminError || error instanceof GatewayError || (error instanceof Error && error.name === "AccountListError") || (error instanceof TypeError && "code" in error);
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    if (!known && error instanceof Error && process.env.DEBUG) console.error(error.stack);
    process.exit(1);
  },
);
