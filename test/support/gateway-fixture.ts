import { afterAll, beforeAll, beforeEach } from "@jest/globals";
import OpenAI, { APIError } from "openai";
import { openAccount } from "../../lambda/operations/accounts.ts";
import { issueKey } from "../../lambda/operations/keys.ts";
import type { KeySettings } from "../../lambda/domain/admin-requests.ts";
import type { LocalGateway } from "../../bin/local/gateway.ts";
import { getAccount } from "../../lambda/store/accounts.ts";
import { getTask, type TaskRecord } from "../../lambda/store/tasks.ts";
import { startFakeGemini, type FakeGemini } from "../fake-gemini/server.ts";
import { startTestGateway } from "./local-gateway.ts";

export const UPSTREAM_KEYS = ["fake-google-key-a", "fake-google-key-b"] as const;

export interface GatewayFixture {
  gateway: LocalGateway;
  fake: FakeGemini;
  close(): Promise<void>;
}

/** The gateway on DynamoDB Local (or any endpoint given), with a fake Google that knows two upstream accounts. */
export async function startGatewayWithFakeGoogle(options: { dynamodbEndpoint?: string } = {}): Promise<GatewayFixture> {
  const fake = await startFakeGemini({ apiKeys: UPSTREAM_KEYS });
  const gateway = await startTestGateway({ geminiBaseUrl: fake.url, geminiApiKeys: UPSTREAM_KEYS, ...options });
  return {
    gateway,
    fake,
    close: async () => {
      await gateway.close();
      await fake.close();
    },
  };
}

export interface Customer {
  key: string;
  keyId: string;
  accountId: string;
  openai: OpenAI;
  /** The task as the customer sees it at `GET /v1/tasks/{id}`, once it has left `held`. */
  bill(taskId: string): Promise<Bill>;
}

export interface Bill {
  id: string;
  status: string;
  hold: number;
  charge: number | null;
  refund: number | null;
  error_code: string | null;
  usage: { input_tokens: number; cached_input_tokens: number; output_tokens: number; reasoning_tokens: number; search_queries: number } | null;
}

export async function newCustomer(gateway: LocalGateway, credits: number, settings: KeySettings = {}): Promise<Customer> {
  const account = (await openAccount({ name: "fixture", credits: credits })).account;
  const { key, record } = await issueKey(account.accountId, settings);
  return {
    key,
    keyId: record.keyId,
    accountId: account.accountId,
    openai: new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 }),
    bill: async (taskId) => {
      await settledTask(taskId);
      const response = await fetch(`${gateway.url}/v1/tasks/${taskId}`, { headers: { authorization: `Bearer ${key}` } });
      if (response.status !== 200) throw new Error(`GET /v1/tasks/${taskId} answered ${response.status}`);
      return (await response.json()) as Bill;
    },
  };
}

export async function balanceOf(accountId: string) {
  const account = await getAccount(accountId);
  return { available: account?.available, held: account?.held, charged: account?.charged };
}

/** A task once it has left `held` (settlement may finish just after the response). */
export async function settledTask(taskId: string, timeoutMs = 5_000): Promise<TaskRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await getTask(taskId);
    if (task && task.status !== "held") return task;
    if (Date.now() > deadline) throw new Error(`task ${taskId} is still ${task?.status ?? "missing"}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Registers a test file's hooks: one gateway with a fake Google for the file, its fake reset before
 * each test, and, when `customerCredits` is given, a fresh customer per test.
 *
 * @example const env = useGateway({ customerCredits: 10_000_000 }); // then env.fixture, env.customer
 */
export function useGateway(options: { customerCredits?: number } = {}): { fixture: GatewayFixture; customer: Customer } {
  const env = {} as { fixture: GatewayFixture; customer: Customer };
  beforeAll(async () => {
    env.fixture = await startGatewayWithFakeGoogle();
  });
  afterAll(() => env.fixture.close());
  beforeEach(async () => {
    env.fixture.fake.reset();
    if (options.customerCredits !== undefined) env.customer = await newCustomer(env.fixture.gateway, options.customerCredits);
  });
  return env;
}

/** The APIError an openai SDK call rejects with (it must reject with one). */
export async function failure(promise: Promise<unknown>): Promise<APIError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (outcome instanceof APIError) return outcome;
  throw new Error(`expected an APIError, got ${String(outcome)}`);
}

/** The request Google received, `index` counting from the end by default. */
export function upstreamRequest(fake: FakeGemini, index = -1) {
  const request = fake.requests.at(index);
  if (!request) throw new Error("Google was not called");
  return { ...request, body: request.body as Record<string, unknown> };
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Fires `count` requests at once while Google answers nobody, so every admission is decided before
 * any settlement; opens the gate once each request has reached Google or been refused.
 */
export async function burstBehindGate<T>(fake: FakeGemini, count: number, send: () => Promise<T>): Promise<Outcome<T>[]> {
  let open = () => undefined as void;
  fake.inject({ fault: { kind: "gate", open: new Promise<void>((resolve) => (open = resolve)) }, times: Infinity });
  let refused = 0;
  const outcomes = Array.from({ length: count }, () =>
    send().then(
      (value): Outcome<T> => ({ ok: true, value }),
      (error: unknown): Outcome<T> => {
        refused++;
        return { ok: false, error };
      },
    ),
  );
  while (fake.requests.length + refused < count) await new Promise((resolve) => setTimeout(resolve, 5));
  open();
  return Promise.all(outcomes);
}
