/**
 * `npm start`: the whole gateway on this machine.
 *
 *   PORT               where to listen (default 8787)
 *   DYNAMODB_ENDPOINT  use this DynamoDB instead of starting DynamoDB Local (data kept in .local/)
 *   GEMINI_API_KEY     one Google key or a comma-separated list; without it a fake Gemini answers
 *   GEMINI_BASE_URL    Google's host, or any server speaking its API
 *   GOOGLE_APPLICATION_CREDENTIALS  a service account's JSON key file: adds Vertex AI account env-vertex
 *   VERTEX_LOCATION    its Vertex location (default global)
 *   GATEWAY_TABLE_PREFIX  table names' prefix (default gemini-gateway), to run several gateways on one DynamoDB
 *   GATEWAY_LOCAL_DIR  where local state lives (default .local/)
 *   CORS_ALLOWED_ORIGINS  comma-separated browser origins (or *) to answer as the stack's corsAllowedOrigins does
 */
import "./local/readable-logs.ts";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GOOGLE_BASE_URL } from "../lambda/upstream/accounts.ts";
import { credentialsAccount, readAccountsFile } from "../lambda/upstream/sources.ts";
import { LOCAL_DIR, LOCAL_RUNTIME_FILE, LOCAL_UPSTREAM_FILE } from "./admin/target.ts";
import { ensureDemoAccount } from "./local/demo.ts";
import { startDynamoDbLocal, type DynamoDbLocal } from "./local/dynamodb-local.ts";
import { startLocalGateway } from "./local/gateway.ts";

const stops: Array<() => Promise<void>> = [];

async function main(): Promise<void> {
  mkdirSync(LOCAL_DIR, { recursive: true });
  const port = Number(process.env.PORT ?? 8787);
  const dynamodbEndpoint = process.env.DYNAMODB_ENDPOINT || (await startEmbeddedDynamoDb()).endpoint;
  const tablePrefix = process.env.GATEWAY_TABLE_PREFIX;
  process.env.GATEWAY_UPSTREAM_FILE ??= LOCAL_UPSTREAM_FILE;

  let geminiBaseUrl = process.env.GEMINI_BASE_URL ?? GOOGLE_BASE_URL;
  let geminiApiKeys = (process.env.GEMINI_API_KEY ?? "").split(",").map((key) => key.trim()).filter(Boolean);
  const fileAccounts = await readAccountsFile(process.env.GATEWAY_UPSTREAM_FILE);
  const vertexAccounts = await credentialsAccount(process.env.GOOGLE_APPLICATION_CREDENTIALS, process.env.VERTEX_LOCATION);
  if (geminiApiKeys.length === 0 && fileAccounts.length === 0 && vertexAccounts.length === 0) {
    const { startFakeGemini } = await import("../test/fake-gemini/server.ts");
    const fake = await startFakeGemini();
    stops.push(() => fake.close());
    geminiBaseUrl = fake.url;
    geminiApiKeys = ["fake-google-key"];
    console.log(`upstream   FAKE Gemini at ${fake.url} (no GEMINI_API_KEY set; replies are simulated, nothing reaches Google)`);
  } else {
    const count = geminiApiKeys.length + fileAccounts.length + vertexAccounts.length;
    console.log(`upstream   ${count} Google account(s): GEMINI_API_KEY, GOOGLE_APPLICATION_CREDENTIALS and ${process.env.GATEWAY_UPSTREAM_FILE}`);
  }

  const corsAllowedOrigins = (process.env.CORS_ALLOWED_ORIGINS ?? "").split(",").map((origin) => origin.trim()).filter(Boolean);
  const gateway = await startLocalGateway({ port, dynamodbEndpoint, geminiBaseUrl, geminiApiKeys, tablePrefix, corsAllowedOrigins });
  stops.push(() => gateway.close());
  // The admin CLI and `npm run smoke` find this gateway, its DynamoDB and upstream list through these.
  writeFileSync(LOCAL_RUNTIME_FILE, JSON.stringify({ dynamodbEndpoint, url: gateway.url, tablePrefix }));
  stops.push(async () => rmSync(LOCAL_RUNTIME_FILE, { force: true }));
  // In AWS an EventBridge schedule runs the sweeper; here a timer does.
  const { sweepAbandonedHolds } = await import("../lambda/middleware/sweep.ts");
  const sweeper = setInterval(() => void sweepAbandonedHolds({ now: Date.now() }).catch(() => undefined), 60_000);
  stops.push(async () => clearInterval(sweeper));
  const { demo, created } = await ensureDemoAccount(join(LOCAL_DIR, "demo.json"));
  console.log(`gateway    ${gateway.url}  (OpenAI: /v1/...; native Gemini: /v1beta/..., /v1/gemini/...; admin: /admin/v1/...)`);
  console.log(`demo key   ${demo.key}  (account ${demo.accountId}${created ? ", just created with 10,000,000 credits" : ""}; kept in .local/demo.json)`);
  console.log(`admin key  ${demo.managementKey}  (a management key for ${gateway.url}/admin/v1/…)`);
  console.log(`try        curl ${gateway.url}/v1/chat/completions -H "Authorization: Bearer ${demo.key}" \\`);
  console.log(`             -H "content-type: application/json" -d '{"model":"gemini-3-flash","messages":[{"role":"user","content":"Hello"}]}'`);
  console.log(`           curl ${gateway.url}/v1/credits -H "Authorization: Bearer ${demo.key}"`);
  console.log(`           curl ${gateway.url}/admin/v1/accounts -H "Authorization: Bearer ${demo.managementKey}"`);
  console.log("Ctrl-C stops everything started here.");
}

async function startEmbeddedDynamoDb(): Promise<DynamoDbLocal> {
  const dbPath = join(LOCAL_DIR, "dynamodb");
  mkdirSync(dbPath, { recursive: true });
  const db = await startDynamoDbLocal({ dbPath });
  stops.push(() => db.stop());
  console.log(`dynamodb   DynamoDB Local at ${db.endpoint} (data in ${dbPath})`);
  return db;
}

async function shutdown(code: number): Promise<never> {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  process.exit(code);
}

process.once("SIGINT", () => void shutdown(0));
process.once("SIGTERM", () => void shutdown(0));
main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  await shutdown(1);
});
