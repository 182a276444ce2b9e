import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { getAccount } from "../../lambda/store/accounts.ts";
import { TABLES, tableNameOutput } from "../../lambda/store/schema.ts";
import { startFakeAws, type FakeAws } from "../support/fake-aws.ts";
import { useFreshTables } from "../support/tables.ts";

const ADMIN = join(import.meta.dirname, "..", "..", "bin", "admin.ts");
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111111111111:secret:upstream-AbCdEf";
let aws: FakeAws;

/** The CLI as an operator runs it against a deployed stack: AWS SDK clients, no local runner. */
function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_ENDPOINT_URL_CLOUDFORMATION: aws.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
    AWS_ENDPOINT_URL_DYNAMODB: process.env.DYNAMODB_ENDPOINT,
  };
  // The stack's outputs, not the environment, must tell the CLI where the tables are.
  delete env.DYNAMODB_ENDPOINT;
  for (const table of TABLES) delete env[table.envVar];
  return new Promise((resolve) => {
    execFile(process.execPath, [ADMIN, ...args, "--stack", "GeminiGateway"], { env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  await useFreshTables();
  const outputs: Record<string, string> = { UpstreamSecretArn: SECRET_ARN, ChatUrl: "https://chat.example", GeminiUrl: "https://gemini.example" };
  for (const table of TABLES) outputs[tableNameOutput(table)] = process.env[table.envVar] ?? "";
  aws = await startFakeAws({ GeminiGateway: outputs });
  aws.secrets.set(SECRET_ARN, JSON.stringify({ accounts: [] }));
});
afterAll(() => aws.close());

describe("the admin CLI with --stack", () => {
  test("finds the stack's tables from its outputs and manages accounts and keys there", async () => {
    const created = await admin("accounts", "create", "--name", "deployed", "--credits", "42", "--json");
    expect(created.code).toBe(0);
    const { id: accountId } = JSON.parse(created.stdout) as { id: string };
    expect(await getAccount(accountId)).toMatchObject({ name: "deployed", available: 42 });
    const key = await admin("keys", "create", "--account", accountId, "--json");
    expect(JSON.parse(key.stdout)).toMatchObject({ account_id: accountId, key: expect.stringMatching(/^sk-/) });
  });

  test("keeps upstream Google keys in the stack's secret and never prints them", async () => {
    expect((await admin("upstream", "add", "--google-key", "AIzaSyDEPLOYED0000000001", "--name", "primary")).code).toBe(0);
    expect(JSON.parse(aws.secrets.get(SECRET_ARN) ?? "")).toEqual({ accounts: [{ name: "primary", apiKey: "AIzaSyDEPLOYED0000000001" }] });
    const listed = await admin("upstream", "list");
    expect(listed.stdout).toContain("primary");
    expect(listed.stdout).not.toContain("AIzaSyDEPLOYED0000000001");
    await admin("upstream", "remove", "primary");
    expect(JSON.parse(aws.secrets.get(SECRET_ARN) ?? "")).toEqual({ accounts: [] });
  });

  test("says clearly when the stack does not exist", async () => {
    const result = await new Promise<{ stderr: string; code: number }>((resolve) => {
      execFile(process.execPath, [ADMIN, "upstream", "list", "--stack", "Nope"], {
        env: { ...process.env, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "t", AWS_SECRET_ACCESS_KEY: "t", AWS_ENDPOINT_URL_CLOUDFORMATION: aws.url },
      }, (error, _stdout, stderr) => resolve({ stderr, code: error ? Number(error.code ?? 1) : 0 }));
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Stack with id Nope does not exist");
  });
});
