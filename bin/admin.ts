/**
 * `npm run admin -- <command>`: accounts, credits, keys and upstream Google accounts, on the local
 * gateway (default) or a deployed stack (`--stack NAME`). `--json` prints machine-readable output.
 */
import { parseArgs } from "node:util";
import { AdminError } from "./admin/operations.ts";
import { COMMANDS, USAGE } from "./admin/commands.ts";
import { useTarget } from "./admin/target.ts";
import { UPSTREAM_OPTIONS } from "./admin/upstream-commands.ts";

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      stack: { type: "string" },
      name: { type: "string" },
      credits: { type: "string" },
      account: { type: "string" },
      amount: { type: "string" },
      rpm: { type: "string" },
      hourly: { type: "string" },
      daily: { type: "string" },
      total: { type: "string" },
      ip: { type: "string", multiple: true },
      model: { type: "string", multiple: true },
      ...UPSTREAM_OPTIONS,
      help: { type: "boolean", short: "h" },
    },
  });
  const [group, action, ...rest] = positionals;
  const command = COMMANDS[`${group} ${action}`];
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const upstream = await useTarget(values.stack);
  const result = await command({ values, args: rest, upstream });
  console.log(values.json ? JSON.stringify(result.data, null, 2) : result.text);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof AdminError || (error instanceof Error && error.name === "AccountListError") || (error instanceof TypeError && "code" in error);
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    if (!known && error instanceof Error && process.env.DEBUG) console.error(error.stack);
    process.exit(1);
  },
);
