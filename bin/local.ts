/**
 * `npm start`: the whole gateway on this machine.
 *
 *   PORT               where to listen (default 8787)
 *   DYNAMODB_ENDPOINT  use this DynamoDB instead of starting DynamoDB Local (data kept in .local/)
 *   GEMINI_API_KEY     one Google key or a comma-separated list; without it a fake Gemini answers
 *   GEMINI_BASE_URL    Google's host, or any server speaking its API
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDynamoDbLocal, type DynamoDbLocal } from "./local/dynamodb-local.ts";
import { startLocalGateway } from "./local/gateway.ts";

const GOOGLE_BASE_URL = "https://generativelanguage.googleapis.com";
const stops: Array<() => Promise<void>> = [];

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8787);
  const dynamodbEndpoint = process.env.DYNAMODB_ENDPOINT ?? (await startEmbeddedDynamoDb()).endpoint;

  let geminiBaseUrl = process.env.GEMINI_BASE_URL ?? GOOGLE_BASE_URL;
  let geminiApiKeys = (process.env.GEMINI_API_KEY ?? "").split(",").map((key) => key.trim()).filter(Boolean);
  if (geminiApiKeys.length === 0) {
    const { startFakeGemini } = await import("../test/fake-gemini/server.ts");
    const fake = await startFakeGemini();
    stops.push(() => fake.close());
    geminiBaseUrl = fake.url;
    geminiApiKeys = ["fake-google-key"];
    console.log(`upstream   FAKE Gemini at ${fake.url} (no GEMINI_API_KEY set; replies are simulated, nothing reaches Google)`);
  } else {
    console.log(`upstream   ${geminiBaseUrl} with ${geminiApiKeys.length} API key(s)`);
  }

  const gateway = await startLocalGateway({ port, dynamodbEndpoint, geminiBaseUrl, geminiApiKeys });
  stops.push(() => gateway.close());
  console.log(`gateway    ${gateway.url}  (chat: /v1/..., native Gemini: /v1beta/... and /v1/gemini/v1beta/...)`);
  console.log(`try        curl ${gateway.url}/v1/models`);
  console.log("Ctrl-C stops everything started here.");
}

async function startEmbeddedDynamoDb(): Promise<DynamoDbLocal> {
  const dbPath = join(import.meta.dirname, "..", ".local", "dynamodb");
  mkdirSync(dbPath, { recursive: true });
  const db = await startDynamoDbLocal({ dbPath });
  stops.push(() => db.stop());
  console.log(`dynamodb   DynamoDB Local at ${db.endpoint} (data in .local/dynamodb)`);
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
