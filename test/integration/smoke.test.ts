import { afterAll, beforeAll, expect, jest, test } from "@jest/globals";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { accountsPage } from "../../lambda/operations/accounts.ts";
import { listManagementKeys } from "../../lambda/operations/management-keys.ts";
import { startGatewayWithFakeGoogle, type GatewayFixture } from "../support/gateway-fixture.ts";

const SMOKE = join(import.meta.dirname, "..", "..", "bin", "smoke.ts");

// The command starts afresh and waits for each bill to settle, as it does against a stack.
jest.setTimeout(60_000);

let fixture: GatewayFixture;
beforeAll(async () => {
  fixture = await startGatewayWithFakeGoogle();
});
afterAll(() => fixture.close());

/** `npm run smoke -- --url …` against this file's gateway; its tables reach it through the environment, as DYNAMODB_ENDPOINT would. */
function smoke(): Promise<{ code: number; lines: string[] }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SMOKE, "--url", fixture.gateway.url], { env: process.env }, (error, stdout) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, lines: stdout.split("\n").filter((line) => /^(PASS|FAIL|SKIP) /.test(line)) }),
    );
  });
}

const STEPS = [
  "create a temporary management key",
  "admin: open a temporary account",
  "admin: issue a key",
  "chat: list models",
  "chat: a completion",
  "chat: a streamed completion",
  "responses: a response",
  "gemini: generateContent",
  "chat: a task lookup",
  "the bill adds up",
  "admin: delete the key",
  "admin: disable and delete the account",
  "delete the temporary management key",
];

async function leftBehind() {
  return { accounts: (await accountsPage({ limit: 100 })).items, managementKeys: await listManagementKeys() };
}

test("passes every step on a healthy gateway, checks the bill, and leaves nothing behind", async () => {
  fixture.fake.reset();
  const { code, lines } = await smoke();

  expect(lines.map((line) => line.slice(0, 4))).toEqual(STEPS.map(() => "PASS"));
  expect(lines.map((line) => line.slice(6).split(/\s{2,}/)[0])).toEqual(STEPS);
  expect(lines.find((line) => line.includes("the bill adds up"))).toMatch(/4 requests charged (\d+) credits: 10000000 − \1 = \d+, and the statement agrees/);
  expect(code).toBe(0);
  expect(fixture.fake.requests.filter((request) => /generateContent/i.test(request.path))).toHaveLength(4);
  expect(await leftBehind()).toEqual({ accounts: [], managementKeys: [] });
});

test("says which step failed when Google does, skips what needs it, and still cleans up", async () => {
  fixture.fake.reset();
  fixture.fake.inject({ fault: { kind: "status", status: 500 }, times: Infinity });
  const { code, lines } = await smoke();

  expect(code).toBe(1);
  const outcome = (step: string) => lines.find((line) => line.includes(step))?.slice(0, 4);
  expect(outcome("chat: list models")).toBe("PASS");
  expect(lines.find((line) => line.includes("chat: a completion"))).toMatch(/^FAIL .*answered 503 upstream_error/);
  for (const step of ["chat: a streamed completion", "gemini: generateContent", "the bill adds up"]) expect(outcome(step)).toBe("SKIP");
  for (const step of STEPS.slice(-3)) expect(outcome(step)).toBe("PASS");
  expect(await leftBehind()).toEqual({ accounts: [], managementKeys: [] });
});
