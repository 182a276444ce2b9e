/**
 * What `npm run smoke` checks on a gateway: every function URL answers the way a client expects,
 * and the bill adds up to the credit. It opens a temporary account with its own key through the
 * admin API (with a temporary management key), and removes all three at the end.
 */
import { createManagementKey, deleteManagementKey } from "../../lambda/operations/management-keys.ts";
import type { Step } from "./steps-runner.ts";

/** Where each function answers; locally one URL serves all three. */
export interface SmokeUrls {
  readonly chat: string;
  readonly gemini: string;
  readonly admin: string;
}

export interface SmokeState {
  managementKey?: { key: string; id: string };
  accountId?: string;
  customerKey?: { key: string; id: string };
  /** The request ids of every billed call, to settle the bill. */
  taskIds: string[];
  opening?: number;
}

const OPENING_CREDITS = 10_000_000;

/** The steps, in order; the last three remove what the first three made. */
export function smokeSteps(urls: SmokeUrls, model: string): Array<Step<SmokeState>> {
  const adminCall = (state: SmokeState, method: string, path: string, body?: unknown) =>
    call(urls.admin, method, path, { authorization: `Bearer ${state.managementKey?.key}` }, body);
  const customer = (state: SmokeState) => ({ authorization: `Bearer ${state.customerKey?.key}` });
  const chatBody = { model, messages: [{ role: "user", content: "Reply with the single word: pong" }], max_completion_tokens: 512, reasoning_effort: "low" };

  return [
    {
      name: "create a temporary management key",
      run: async (state) => {
        const { key, record } = await createManagementKey(`smoke test ${new Date().toISOString()}`);
        state.managementKey = { key, id: record.keyId };
        return record.keyId;
      },
    },
    {
      name: "admin: open a temporary account",
      needs: ["managementKey"],
      run: async (state) => {
        const account = await adminCall(state, "POST", "/admin/v1/accounts", { name: `smoke test ${new Date().toISOString()}`, credits: OPENING_CREDITS });
        expectStatus(account, 201);
        state.accountId = String(account.json.id);
        state.opening = Number(account.json.balance);
        return `${state.accountId} with ${state.opening} credits`;
      },
    },
    {
      name: "admin: issue a key",
      needs: ["accountId"],
      run: async (state) => {
        const key = await adminCall(state, "POST", `/admin/v1/accounts/${state.accountId}/keys`, { name: "smoke test" });
        expectStatus(key, 201);
        state.customerKey = { key: String(key.json.key), id: String(key.json.id) };
        return `${state.customerKey.id} (${String(key.json.hint)})`;
      },
    },
    {
      name: "chat: list models",
      needs: ["customerKey"],
      run: async (state) => {
        const list = await call(urls.chat, "GET", "/v1/models", customer(state));
        expectStatus(list, 200);
        const ids = ((list.json.data ?? []) as Array<{ id: string }>).map((entry) => entry.id);
        if (!ids.includes(model)) throw new Error(`${model} is not in the catalog (${ids.join(", ")})`);
        return `${ids.length} models, ${model} among them`;
      },
    },
    {
      name: "chat: a completion",
      needs: ["customerKey"],
      run: async (state) => {
        const answer = await call(urls.chat, "POST", "/v1/chat/completions", customer(state), chatBody);
        expectStatus(answer, 200);
        state.taskIds.push(requestIdOf(answer));
        const usage = answer.json.usage as { total_tokens?: number; credits?: number } | undefined;
        if (answer.json.object !== "chat.completion" || usage?.credits === undefined) throw new Error(`not a chat.completion with usage.credits: ${answer.text.slice(0, 200)}`);
        return `${usage.total_tokens} tokens, ${usage.credits} credits`;
      },
    },
    {
      name: "chat: a streamed completion",
      needs: ["customerKey"],
      run: async (state) => {
        const answer = await call(urls.chat, "POST", "/v1/chat/completions", customer(state), { ...chatBody, stream: true, stream_options: { include_usage: true } });
        expectStatus(answer, 200);
        state.taskIds.push(requestIdOf(answer));
        const events = serverSentData(answer.text);
        if (events.at(-1) !== "[DONE]") throw new Error(`the stream did not end with [DONE] (last: ${events.at(-1)?.slice(0, 200)})`);
        const usage = events.slice(0, -1).map((data) => JSON.parse(data) as { usage?: { credits?: number } }).find((chunk) => chunk.usage?.credits !== undefined)?.usage;
        if (usage === undefined) throw new Error("no usage chunk with credits before [DONE]");
        return `${events.length} events, ${usage.credits} credits`;
      },
    },
    {
      name: "responses: a response",
      needs: ["customerKey"],
      run: async (state) => {
        const answer = await call(urls.chat, "POST", "/v1/responses", customer(state), { model, input: "Reply with the single word: pong", max_output_tokens: 512, reasoning: { effort: "low" }, store: false });
        expectStatus(answer, 200);
        state.taskIds.push(requestIdOf(answer));
        if (answer.json.object !== "response" || answer.json.status !== "completed") throw new Error(`not a completed response: ${answer.text.slice(0, 200)}`);
        return `${String(answer.json.id)}`;
      },
    },
    {
      name: "gemini: generateContent",
      needs: ["customerKey"],
      run: async (state) => {
        const answer = await call(urls.gemini, "POST", `/v1beta/models/${model}:generateContent`, { "x-goog-api-key": state.customerKey?.key ?? "" }, {
          contents: [{ role: "user", parts: [{ text: "Reply with the single word: pong" }] }],
          generationConfig: { maxOutputTokens: 512, thinkingConfig: { thinkingLevel: "low" } },
        });
        expectStatus(answer, 200);
        state.taskIds.push(requestIdOf(answer));
        const usage = answer.json.usageMetadata as { totalTokenCount?: number } | undefined;
        if (!Array.isArray(answer.json.candidates) || usage === undefined) throw new Error(`not a GenerateContentResponse: ${answer.text.slice(0, 200)}`);
        return `${usage.totalTokenCount} tokens`;
      },
    },
    {
      name: "chat: a task lookup",
      needs: ["customerKey"],
      run: async (state) => {
        const [first] = state.taskIds;
        if (first === undefined) throw new Error("no request was billed to look up");
        const task = await settled(urls.chat, first, customer(state));
        return `${first} ${String(task.status)}, charged ${String(task.charge)} of a ${String(task.hold)}-credit hold`;
      },
    },
    {
      name: "the bill adds up",
      needs: ["customerKey", "opening"],
      run: async (state) => {
        let charged = 0;
        for (const taskId of state.taskIds) charged += Number((await settled(urls.chat, taskId, customer(state))).charge ?? 0);
        const credits = await call(urls.chat, "GET", "/v1/credits", customer(state));
        expectStatus(credits, 200);
        const expected = (state.opening ?? 0) - charged;
        if (credits.json.balance !== expected || credits.json.held !== 0) {
          throw new Error(`balance ${String(credits.json.balance)} (held ${String(credits.json.held)}), but ${state.opening} − ${charged} charged = ${expected}`);
        }
        const ledger = await adminCall(state, "GET", `/admin/v1/accounts/${state.accountId}/ledger`);
        expectStatus(ledger, 200);
        const statement = ledger.json.statement as { charged?: number; closing_balance?: number };
        if (statement.charged !== charged || statement.closing_balance !== expected) {
          throw new Error(`the statement says charged ${statement.charged}, closing ${statement.closing_balance}; the tasks say ${charged}, ${expected}`);
        }
        return `${state.taskIds.length} requests charged ${charged} credits: ${state.opening} − ${charged} = ${expected}, and the statement agrees`;
      },
    },
    {
      name: "admin: delete the key",
      cleanup: true,
      needs: ["customerKey"],
      run: async (state) => {
        expectStatus(await adminCall(state, "DELETE", `/admin/v1/keys/${state.customerKey?.id}`), 200);
        return `${state.customerKey?.id} deleted`;
      },
    },
    {
      name: "admin: disable and delete the account",
      cleanup: true,
      needs: ["accountId"],
      run: async (state) => {
        expectStatus(await adminCall(state, "PATCH", `/admin/v1/accounts/${state.accountId}`, { status: "disabled" }), 200);
        // A request that failed mid-way may still be settling; its hold must be back first.
        for (let attempt = 0; ; attempt++) {
          const deleted = await adminCall(state, "DELETE", `/admin/v1/accounts/${state.accountId}`);
          if (deleted.status === 200) break;
          if (deleted.status !== 409 || attempt === 20) expectStatus(deleted, 200);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        return `${state.accountId} deleted, with its ledger and usage (its tasks expire with the retention period)`;
      },
    },
    {
      name: "delete the temporary management key",
      cleanup: true,
      needs: ["managementKey"],
      run: async (state) => {
        await deleteManagementKey(state.managementKey?.id ?? "");
        return `${state.managementKey?.id} deleted`;
      },
    },
  ];
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

async function call(base: string, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined && { "content-type": "application/json" }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // A stream, or not JSON: the step says what it expected.
  }
  return { status: response.status, headers: response.headers, text, json };
}

function expectStatus(answer: Answer, status: number): void {
  if (answer.status === status) return;
  const error = answer.json.error as { message?: string; code?: string } | undefined;
  throw new Error(`answered ${answer.status}${error ? ` ${error.code}: ${error.message}` : `: ${answer.text.slice(0, 200)}`}`);
}

function requestIdOf(answer: Answer): string {
  const id = answer.headers.get("x-request-id");
  if (id === null) throw new Error("no x-request-id header");
  return id;
}

/** The `data:` payloads of an SSE body. */
function serverSentData(body: string): string[] {
  return body
    .split(/\r?\n/)
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice("data:".length).trim());
}

/** A task once it has left `held` (settlement may end just after the last byte). */
async function settled(chatUrl: string, taskId: string, headers: Record<string, string>): Promise<Record<string, unknown>> {
  for (let attempt = 0; ; attempt++) {
    const task = await call(chatUrl, "GET", `/v1/tasks/${taskId}`, headers);
    expectStatus(task, 200);
    if (task.json.status !== "held") return task.json;
    if (attempt === 40) throw new Error(`${taskId} is still held after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
