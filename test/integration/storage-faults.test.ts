import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from "@jest/globals";
import { ApiError, type GenerateContentResponse } from "@google/genai";
import { APIError } from "openai";
import { sweepAbandonedHolds } from "../../lambda/middleware/sweep.ts";
import { STREAM_MESSAGES } from "../../lambda/handlers/routes/metering.ts";
import { getTask } from "../../lambda/store/tasks.ts";
import { logger } from "../../lambda/telemetry/logger.ts";
import { balanceOf, newCustomer, startGatewayWithFakeGoogle, type Customer, type GatewayFixture } from "../support/gateway-fixture.ts";
import { apiFailure, genai } from "../support/gemini-sdk.ts";
import { isAdmission, isItemKeeping, isSettlement, startStorageProxy, type StorageFault, type StorageProxy } from "../support/storage-proxy.ts";

/** Production's per-call bound, and one attempt per call, so a frozen DynamoDB costs each test seconds, not minutes. */
const TIMEOUTS = { DYNAMODB_CONNECT_TIMEOUT_MS: "1000", DYNAMODB_REQUEST_TIMEOUT_MS: "1500", DYNAMODB_MAX_ATTEMPTS: "1" };
const CREDITS = 1_000_000;
const SWEEP_LATER = 17 * 60 * 1000;

// A frozen settlement is retried for a few seconds before the client is told.
jest.setTimeout(30_000);

let proxy: StorageProxy;
let fixture: GatewayFixture;
let customer: Customer;
let errorLog: jest.SpiedFunction<typeof logger.error>;

beforeAll(async () => {
  Object.assign(process.env, TIMEOUTS);
  proxy = await startStorageProxy(process.env.DYNAMODB_ENDPOINT ?? "");
  fixture = await startGatewayWithFakeGoogle({ dynamodbEndpoint: proxy.url });
});
afterAll(async () => {
  await fixture.close();
  await proxy.close();
});
beforeEach(async () => {
  errorLog = jest.spyOn(logger, "error").mockImplementation(() => undefined);
  proxy.heal();
  fixture.fake.reset();
  customer = await newCustomer(fixture.gateway, CREDITS);
});
afterEach(() => {
  errorLog.mockRestore();
  proxy.heal();
});

const question = { model: "gemini-3-flash", messages: [{ role: "user" as const, content: "Say hello" }] };
const nativeBody = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Say hello" }] }] });

/** After a fault, the books balance to the credit, and the sweeper refunds what was left held. */
async function expectBooksBalanceAfterSweep(taskId: string): Promise<void> {
  proxy.heal();
  const before = await balanceOf(customer.accountId);
  expect((before.available ?? 0) + (before.held ?? 0) + (before.charged ?? 0)).toBe(CREDITS);
  const task = await getTask(taskId);
  expect(task?.status).toBe("held");
  await sweepAbandonedHolds({ now: Date.now() + SWEEP_LATER });
  expect(await getTask(taskId)).toMatchObject({ status: "refunded", charge: 0, errorCode: "abandoned" });
  expect(await balanceOf(customer.accountId)).toEqual({ available: CREDITS, held: 0, charged: 0 });
}

function expectLoggedUnrecorded(taskId: string): void {
  expect(errorLog).toHaveBeenCalledWith(expect.stringContaining("stays held"), expect.objectContaining({ taskId }));
  expect(JSON.stringify(errorLog.mock.calls)).not.toContain("Say hello");
}

describe.each<StorageFault>(["freeze", "kill"])("when DynamoDB stops (%s) before the request is admitted", (fault) => {
  test.each([
    ["chat", async () => fetch(`${fixture.gateway.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${customer.key}` }, body: JSON.stringify(question) })],
    ["native", async () => fetch(`${fixture.gateway.url}/v1beta/models/gemini-3-flash:generateContent`, { method: "POST", headers: { "x-goog-api-key": customer.key }, body: nativeBody })],
  ])("the %s route answers a retryable 503 storage_unavailable, holds nothing and never calls Google", async (route, send) => {
    proxy.inject({ fault, operation: "TransactWriteItems", match: isAdmission });
    const response = await send();
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("2");
    const body = (await response.json()) as { error: Record<string, unknown> };
    if (route === "chat") expect(body.error).toMatchObject({ code: "storage_unavailable", type: "api_error", message: expect.stringContaining("Retry in 2 s") });
    else expect(body.error).toMatchObject({ code: 503, status: "UNAVAILABLE", details: [{ reason: "storage_unavailable" }] });
    expect(fixture.fake.requests).toHaveLength(0);
    proxy.heal();
    expect(await balanceOf(customer.accountId)).toEqual({ available: CREDITS, held: 0, charged: 0 });
  });

  test("a key cannot even be checked: 503, not a 500 or a hang", async () => {
    proxy.inject({ fault, operation: "GetItem" });
    const response = await fetch(`${fixture.gateway.url}/v1/credits`, { headers: { authorization: `Bearer ${customer.key}` } });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: "storage_unavailable" } });
  });
});

describe.each<StorageFault>(["freeze", "kill", "error"])("when DynamoDB stops (%s) as the answer is settled", (fault) => {
  beforeEach(() => proxy.inject({ fault, operation: "TransactWriteItems", match: isSettlement }));

  test("a whole chat completion is a 503 storage_unavailable that charges nothing", async () => {
    const error = await customer.openai.chat.completions.create(question).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ status: 503, code: "storage_unavailable", message: expect.stringContaining("nothing was charged") });
    const taskId = (error as APIError).headers?.get("x-request-id") ?? "";
    expectLoggedUnrecorded(taskId);
    await expectBooksBalanceAfterSweep(taskId);
  });

  test("a streamed chat completion arrives whole, then says its cost could not be recorded, and ends cleanly", async () => {
    const stream = await customer.openai.chat.completions.create({ ...question, stream: true, stream_options: { include_usage: true } });
    let text = "";
    let id = "";
    let finish: string | null | undefined;
    const error = await (async () => {
      for await (const chunk of stream) {
        id = chunk.id;
        text += chunk.choices[0]?.delta.content ?? "";
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
    })().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(text).toContain("Hello from");
    expect(finish).toBe("stop");
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ error: { code: "storage_unavailable", message: STREAM_MESSAGES.completeUnrecorded } });
    expectLoggedUnrecorded(id);
    await expectBooksBalanceAfterSweep(id);
  });

  test("a stream Google cuts mid-answer does not claim a charge it could not record", async () => {
    fixture.fake.inject({ fault: { kind: "cut", afterChunks: 3 }, action: "streamGenerateContent" });
    const raw = await fetch(`${fixture.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${customer.key}` },
      body: JSON.stringify({ ...question, messages: [{ role: "user", content: "Long [[long]]" }], stream: true }),
    });
    const body = await raw.text();
    expect(body).toContain(JSON.stringify(STREAM_MESSAGES.failedUnrecorded));
    expect(body).not.toContain("You were charged");
    expect(body.endsWith("data: [DONE]\n\n")).toBe(true);
    await expectBooksBalanceAfterSweep(raw.headers.get("x-request-id") ?? "");
  });

  test("a native generateContent is a 503 in Google's envelope that charges nothing", async () => {
    const { error, body } = await apiFailure(genai(fixture.gateway, customer.key).models.generateContent({ model: "gemini-3-flash", contents: "Say hello" }));
    expect(error.status).toBe(503);
    expect(body.error).toMatchObject({ code: 503, status: "UNAVAILABLE", details: [{ reason: "storage_unavailable" }] });
    const raw = await fetch(`${fixture.gateway.url}/v1beta/models/gemini-3-flash:generateContent`, { method: "POST", headers: { "x-goog-api-key": customer.key }, body: nativeBody });
    expect(raw.status).toBe(503);
    await expectBooksBalanceAfterSweep(raw.headers.get("x-request-id") ?? "");
  });

  test("a native SSE stream arrives whole, then @google/genai raises the truth as ApiError", async () => {
    const chunks: GenerateContentResponse[] = [];
    const { error } = await apiFailure(async () => {
      for await (const chunk of await genai(fixture.gateway, customer.key).models.generateContentStream({ model: "gemini-3-flash", contents: "Say hello" })) chunks.push(chunk);
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(503);
    expect(error.message).toContain("its cost could not be recorded");
    expect(chunks.map((chunk) => chunk.text ?? "").join("")).toContain("Hello from");
    await expectBooksBalanceAfterSweep(chunks[0]?.responseId ?? "");
  });

  test("a native JSON-array stream is still one closed array, ending with the error", async () => {
    const raw = await fetch(`${fixture.gateway.url}/v1beta/models/gemini-3-flash:streamGenerateContent`, { method: "POST", headers: { "x-goog-api-key": customer.key }, body: nativeBody });
    const elements = (await raw.json()) as Array<{ error?: { details: Array<{ reason: string }>; message: string } }>;
    expect(elements.length).toBeGreaterThan(1);
    expect(elements.at(-1)?.error).toMatchObject({ message: STREAM_MESSAGES.completeUnrecorded, details: [{ reason: "storage_unavailable" }] });
    await expectBooksBalanceAfterSweep(raw.headers.get("x-request-id") ?? "");
  });
});

describe("the Responses route when DynamoDB fails (error) at the end", () => {
  test("a stream whose bill cannot be recorded arrives whole, then error, then response.completed: the SDK raises the truth", async () => {
    proxy.inject({ fault: "error", operation: "TransactWriteItems", match: isSettlement });
    const raw = await fetch(`${fixture.gateway.url}/v1/responses`, { method: "POST", headers: { authorization: `Bearer ${customer.key}` }, body: JSON.stringify({ model: "gemini-3-flash", input: "Say hello", stream: true }) });
    const names = [...(await raw.text()).matchAll(/^event: (\S+)$/gm)].map((match) => match[1]);
    expect(names.slice(-3)).toEqual(["response.output_item.done", "error", "response.completed"]);
    await expectBooksBalanceAfterSweep(raw.headers.get("x-request-id") ?? "");

    proxy.inject({ fault: "error", operation: "TransactWriteItems", match: isSettlement });
    let text = "";
    const error = await (async () => {
      for await (const event of await customer.openai.responses.create({ model: "gemini-3-flash", input: "Say hello", stream: true })) if (event.type === "response.output_text.delta") text += event.delta;
    })().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(text).toContain("Hello from");
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ code: "storage_unavailable", message: STREAM_MESSAGES.completeUnrecorded });
  });

  test("a whole response whose bill cannot be recorded is a 503 that charges nothing", async () => {
    proxy.inject({ fault: "error", operation: "TransactWriteItems", match: isSettlement });
    const error = await customer.openai.responses.create({ model: "gemini-3-flash", input: "Say hello" }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toMatchObject({ status: 503, code: "storage_unavailable" });
    await expectBooksBalanceAfterSweep((error as APIError).headers?.get("x-request-id") ?? "");
  });

  test.each([false, true])("items that cannot be kept leave the answer whole and billed, and it says store: false (streamed: %s)", async (stream) => {
    proxy.inject({ fault: "error", operation: "PutItem", match: isItemKeeping });
    const response = stream
      ? await customer.openai.responses.stream({ model: "gemini-3-flash", input: "Say hello" }).finalResponse()
      : await customer.openai.responses.create({ model: "gemini-3-flash", input: "Say hello" });
    expect(response.output_text).toContain("Hello from");
    expect((response as { store?: boolean }).store).toBe(false);
    expect(errorLog).toHaveBeenCalledWith(expect.stringContaining("could not be kept"), expect.objectContaining({ taskId: response.id }));
    proxy.heal();
    expect(await getTask(response.id)).toMatchObject({ status: "settled", charge: (response.usage as unknown as { credits: number }).credits });
  });
});
