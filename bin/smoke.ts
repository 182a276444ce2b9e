/**
 * `npm run smoke -- --stack NAME`: checks a deployed gateway end to end — models, a unary and a
 * streamed chat completion, a response, a native call, a task lookup, the credits and the bill — with
 * a temporary account and key it removes again, printing one PASS/FAIL line per step. Without
 * `--stack` it checks the gateway `npm start` runs (or `--url`). It calls Google for real through
 * the stack's upstream accounts: four short requests to `--model` (default gemini-3-flash).
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { LOCAL_RUNTIME_FILE, stackOutputs, useTarget } from "./admin/target.ts";
import { runSteps } from "./smoke/steps-runner.ts";
import { smokeSteps, type SmokeState, type SmokeUrls } from "./smoke/steps.ts";

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { stack: { type: "string" }, url: { type: "string" }, model: { type: "string" } } });
  const urls = values.stack !== undefined ? await stackUrls(values.stack) : localUrls(values.url);
  // The temporary management key is written to the target's tables, as `npm run admin` would.
  await useTarget(values.stack);
  const where = values.stack !== undefined ? `stack ${values.stack}` : urls.chat;
  console.log(`smoke test of ${where}\n`);
  const state: SmokeState = { taskIds: [] };
  const results = await runSteps(smokeSteps(urls, values.model ?? "gemini-3-flash"), state, (line) => console.log(line));
  const failed = results.filter((result) => result.outcome === "FAIL").length;
  console.log(failed === 0 ? `\nall ${results.length} steps passed` : `\n${failed} of ${results.length} steps failed`);
  return failed === 0 ? 0 : 1;
}

async function stackUrls(stackName: string): Promise<SmokeUrls> {
  const outputs = await stackOutputs(stackName);
  const url = (key: string) => {
    const value = outputs.get(key);
    if (value === undefined) throw new Error(`stack ${stackName} has no ${key} output; is it a gemini-gateway stack, deployed with this version?`);
    return value.replace(/\/$/, "");
  };
  return { chat: url("ChatUrl"), gemini: url("GeminiUrl"), admin: url("AdminUrl") };
}

function localUrls(url: string | undefined): SmokeUrls {
  let base = url;
  if (base === undefined) {
    if (!existsSync(LOCAL_RUNTIME_FILE)) throw new Error("no local gateway found: start it with `npm start`, pass --url, or --stack NAME for a deployed one");
    base = (JSON.parse(readFileSync(LOCAL_RUNTIME_FILE, "utf8")) as { url?: string }).url;
    if (base === undefined) throw new Error(`${LOCAL_RUNTIME_FILE} names no gateway URL: restart npm start`);
  }
  const trimmed = base.replace(/\/$/, "");
  return { chat: trimmed, gemini: trimmed, admin: trimmed };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  },
);
