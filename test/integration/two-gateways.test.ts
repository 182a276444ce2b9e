import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBase62 } from "../../lambda/domain/ids.ts";
import { startFakeGemini, type FakeGemini } from "../fake-gemini/server.ts";
import { openAccount } from "../../lambda/operations/accounts.ts";
import { issueKey } from "../../lambda/operations/keys.ts";
import { documentClient } from "../../lambda/store/client.ts";
import { ensureTables, tableEnvironment } from "../../lambda/store/tables.ts";

const RUNNER = join(import.meta.dirname, "..", "..", "bin", "local.ts");
const prefix = `t${randomBase62(8)}`;
const children: ChildProcess[] = [];
let fake: FakeGemini;
let urls: string[];

/** `npm start` itself, as a separate process: its own Lambda-like memory, the shared DynamoDB. */
function startRunner(): Promise<string> {
  const child = spawn(process.execPath, [RUNNER], {
    env: {
      ...process.env,
      PORT: "0",
      GATEWAY_TABLE_PREFIX: prefix,
      GATEWAY_LOCAL_DIR: mkdtempSync(join(tmpdir(), "gw-runner-")),
      GEMINI_API_KEY: "fake-google-key",
      GEMINI_BASE_URL: fake.url,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const url = /gateway\s+(http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    });
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`runner exited with ${code}:\n${output}`)));
  });
}

beforeAll(async () => {
  fake = await startFakeGemini({ apiKeys: ["fake-google-key"] });
  Object.assign(process.env, tableEnvironment(prefix));
  await ensureTables(documentClient(process.env.DYNAMODB_ENDPOINT), prefix);
  urls = await Promise.all([startRunner(), startRunner()]);
}, 60_000);

afterAll(async () => {
  await Promise.all(children.map((child) => new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGTERM")))));
  await fake.close();
});

describe("two gateway processes sharing one DynamoDB", () => {
  test("enforce one key's requests per minute together, not each on its own", async () => {
    const account = (await openAccount({ name: "two-gateways", credits: 100_000_000 })).account;
    const { key } = await issueKey(account.accountId, { rpm: 30 });
    // A burst that straddled a minute boundary would meet two windows.
    while (Date.now() % 60_000 > 50_000) await new Promise((resolve) => setTimeout(resolve, 250));

    const send = (url: string) =>
      fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "gemini-3-flash", messages: [{ role: "user", content: "hi" }], max_tokens: 50 }),
      }).then((response) => response.status);
    const statuses = await Promise.all(Array.from({ length: 100 }, (_, i) => send(urls[i % 2] ?? "")));
    expect(statuses.filter((status) => status === 200)).toHaveLength(30);
    expect(statuses.filter((status) => status === 429)).toHaveLength(70);
  });
});
