import { afterAll, beforeAll, describe, expect, jest, test } from "@jest/globals";
import { ApiError, GoogleGenAI } from "@google/genai";
import OpenAI, { APIError } from "openai";
import { openAccount } from "../../lambda/operations/accounts.ts";
import { issueKey } from "../../lambda/operations/keys.ts";
import { STREAM_MESSAGES } from "../../lambda/handlers/routes/metering.ts";
import { getAccount } from "../../lambda/store/accounts.ts";
import { tableEnvironment } from "../../lambda/store/tables.ts";
import { getTask } from "../../lambda/store/tasks.ts";
import { startFakeGemini, type FakeGemini } from "../fake-gemini/server.ts";
import { settledTask } from "../support/gateway-fixture.ts";
import { synthBundles, type Bundles } from "../support/bundles.ts";
import { startLambdaFunction, type LambdaFunction } from "../support/lambda-service.ts";
import { isSettlement, startStorageProxy, type StorageProxy } from "../support/storage-proxy.ts";
import { useFreshTables } from "../support/tables.ts";

// Synthesizing the bundles and starting two runtimes takes a few seconds on two cores.
jest.setTimeout(60_000);

let bundles: Bundles;
let fake: FakeGemini;
let proxy: StorageProxy;
let chat: LambdaFunction;
let gemini: LambdaFunction;
let key: string;
let accountId: string;

beforeAll(async () => {
  const prefix = await useFreshTables();
  bundles = synthBundles();
  fake = await startFakeGemini({ apiKeys: ["fake-google-key"] });
  proxy = await startStorageProxy(process.env.DYNAMODB_ENDPOINT ?? "");
  // What the stack gives the function, pointed at this machine; short storage bounds keep a refused settlement quick.
  const environment = {
    ...tableEnvironment(prefix),
    DYNAMODB_ENDPOINT: proxy.url,
    DYNAMODB_REQUEST_TIMEOUT_MS: "1500",
    DYNAMODB_MAX_ATTEMPTS: "1",
    GEMINI_BASE_URL: fake.url,
    GEMINI_API_KEY: "fake-google-key",
  };
  chat = await startLambdaFunction(bundles.dirOf(bundles.stack.chatFunction), environment);
  gemini = await startLambdaFunction(bundles.dirOf(bundles.stack.geminiFunction), environment);
  const account = (await openAccount({ name: "runtime", credits: 10_000_000 })).account;
  accountId = account.accountId;
  key = (await issueKey(accountId, {})).key;
});
afterAll(async () => {
  await chat?.close();
  await gemini?.close();
  await proxy?.close();
  await fake?.close();
  bundles?.remove();
});

const question = { model: "gemini-3-flash", messages: [{ role: "user" as const, content: "Say hello" }] };

async function readChatStream(fn: LambdaFunction): Promise<{ text: string; id: string; error: unknown }> {
  const openai = new OpenAI({ apiKey: key, baseURL: `${fn.url}/v1`, maxRetries: 0 });
  const stream = await openai.chat.completions.create({ ...question, stream: true });
  let text = "";
  let id = "";
  const error = await (async () => {
    for await (const chunk of stream) {
      id = chunk.id;
      text += chunk.choices[0]?.delta.content ?? "";
    }
  })().then(
    () => undefined,
    (failure: unknown) => failure,
  );
  return { text, id, error };
}

describe("the bundled functions under AWS's runtime interface client", () => {
  test("stream a chat completion and bill it", async () => {
    const { text, id, error } = await readChatStream(chat);
    expect(error).toBeUndefined();
    expect(text).toContain("Hello from");
    expect(await settledTask(id)).toMatchObject({ status: "settled", route: "chat" });
  });

  test("end a stream cleanly and stay alive when DynamoDB refuses its settlement", async () => {
    proxy.inject({ fault: "kill", operation: "TransactWriteItems", match: isSettlement });
    try {
      const { text, id, error } = await readChatStream(chat);
      expect(text).toContain("Hello from");
      expect(error).toBeInstanceOf(APIError);
      expect(error).toMatchObject({ error: { code: "storage_unavailable", message: STREAM_MESSAGES.completeUnrecorded } });
      // The runtime reported no failure: the stream ended as a normal response, not through error trailers.
      expect(chat.invocationErrors).toEqual([]);
      expect(chat.process.exitCode).toBeNull();
      expect(chat.output()).toContain(id);
      expect(chat.output()).toMatch(/settlement failed; the task stays held/);
      expect(chat.output()).not.toContain("Say hello");
      expect(await getTask(id)).toMatchObject({ status: "held" });
    } finally {
      proxy.heal();
    }
    // The same process answers the next request.
    const next = await readChatStream(chat);
    expect(next.error).toBeUndefined();
    expect(chat.process.exitCode).toBeNull();
  });

  test("the native function ends an SSE stream with Google's error object and stays alive, too", async () => {
    proxy.inject({ fault: "kill", operation: "TransactWriteItems", match: isSettlement });
    const ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: gemini.url } });
    let text = "";
    let failure: unknown;
    try {
      for await (const chunk of await ai.models.generateContentStream({ model: "gemini-3-flash", contents: "Say hello" })) text += chunk.text ?? "";
    } catch (error) {
      failure = error;
    } finally {
      proxy.heal();
    }
    expect(text).toContain("Hello from");
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).message).toContain("its cost could not be recorded");
    expect(gemini.invocationErrors).toEqual([]);
    expect(gemini.process.exitCode).toBeNull();
    const balance = await getAccount(accountId);
    expect((balance?.available ?? 0) + (balance?.held ?? 0) + (balance?.charged ?? 0)).toBe(10_000_000);
  });
});
