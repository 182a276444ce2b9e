/**
 * Calls Google with failover across the operator's accounts (DESIGN.md §6). Accounts are tried in
 * health order; a failure before the first output byte (connect error, reset, timeout, 429, 5xx,
 * a rejected key) cools the account down and moves on. After the first stream chunk there is no
 * retry: `rest` throws and the caller reports the failure in-band.
 */
import { UpstreamError } from "../domain/errors.ts";
import type { GenerateContentResponse } from "../domain/gemini/types.ts";
import type { UpstreamKind } from "../domain/catalog.ts";
import { accountKind } from "./accounts.ts";
import type { AccountSource, UpstreamAccount } from "./accounts.ts";
import { logger } from "../telemetry/logger.ts";
import { countUpstreamCall, countUpstreamFailure } from "../telemetry/metrics.ts";
import { classify } from "./classify.ts";
import { UpstreamNetworkError, UpstreamStreamError } from "./errors.ts";
import * as client from "./gemini-client.ts";
import { defaultPool } from "./pool.ts";
import type { AccountPool } from "./pool.ts";
import { accountsServing } from "./serving.ts";
import { accountSourceFromEnv } from "./sources.ts";
import { timeoutsFromEnv } from "./timeouts.ts";
import type { UpstreamTimeouts } from "./timeouts.ts";

/** One streamed `GenerateContentResponse` as Google sent it (only that it is an object is checked). */
export type GenerateContentChunk = GenerateContentResponse;

export interface UpstreamCall {
  /** Google's model id, e.g. `gemini-3-flash-preview`. */
  readonly model: string;
  /** The native request body, sent as given. */
  readonly body: unknown;
  readonly signal?: AbortSignal;
}

export interface FailoverDeps {
  /** Defaults to `accountSourceFromEnv()`, created once per instance. */
  readonly source?: AccountSource;
  readonly now?: () => number;
  /** Defaults to `UPSTREAM_FIRST_BYTE_TIMEOUT_MS` / `UPSTREAM_IDLE_TIMEOUT_MS` or 300 s / 120 s. */
  readonly timeouts?: Partial<UpstreamTimeouts>;
  /** Defaults to this instance's shared health. */
  readonly pool?: AccountPool;
}

export interface OpenedStream {
  /** The account's name: safe to record in a task row. */
  readonly account: string;
  /** The account's kind, recorded beside its name. */
  readonly accountKind: UpstreamKind;
  readonly first: GenerateContentChunk;
  readonly rest: AsyncIterable<GenerateContentChunk>;
  readonly attempts: number;
}

let envSource: AccountSource | undefined;

/**
 * Opens a stream on the first account that delivers a first chunk. `rest` throws
 * `UpstreamNetworkError` (cut, idle timeout) or `UpstreamStreamError` (mid-stream error object).
 *
 * @example
 * const { first, rest, account } = await openStream({ model: "gemini-3-flash-preview", body, signal });
 * send(first);
 * for await (const chunk of rest) send(chunk);
 */
export async function openStream(call: UpstreamCall, deps: FailoverDeps = {}): Promise<OpenedStream> {
  const pool = deps.pool ?? defaultPool;
  const now = deps.now ?? Date.now;
  const { account, value, attempts } = await withFailover(call, deps, async (request) => {
    const chunks = await client.streamGenerateContent(request);
    const first = await chunks.next();
    if (first.done === true) throw new UpstreamStreamError("Google ended the stream before its first chunk.");
    try {
      return { first: asChunk(first.value), chunks };
    } catch (error) {
      await chunks.return();
      throw error;
    }
  });
  const opened = { account: account.name, accountKind: accountKind(account), first: value.first, attempts };
  return { ...opened, rest: rest(value.chunks, account, pool, now) };
}

/**
 * `generateContent` with failover; `response` is Google's answer as parsed JSON.
 *
 * @example
 * const { response, account } = await generate({ model: "gemini-3-flash-preview", body: { contents } });
 */
export async function generate(call: UpstreamCall, deps: FailoverDeps = {}): Promise<{ account: string; response: unknown; attempts: number }> {
  const { account, value, attempts } = await withFailover(call, deps, client.generateContent);
  return { account: account.name, response: value, attempts };
}

/**
 * `countTokens` with failover.
 *
 * @example
 * const { response } = await countTokens({ model: "gemini-3-flash-preview", body: { contents } });
 */
export async function countTokens(call: UpstreamCall, deps: FailoverDeps = {}): Promise<{ account: string; response: unknown }> {
  const { account, value } = await withFailover(call, deps, client.countTokens);
  return { account: account.name, response: value };
}

interface Attempted<T> {
  account: UpstreamAccount;
  value: T;
  attempts: number;
}

async function withFailover<T>(
  call: UpstreamCall,
  deps: FailoverDeps,
  attempt: (request: client.GeminiRequest) => Promise<T>,
): Promise<Attempted<T>> {
  const pool = deps.pool ?? defaultPool;
  const now = deps.now ?? Date.now;
  const timeouts = deps.timeouts ?? timeoutsFromEnv();
  const accounts = accountsServing(await loadAccounts(deps.source ?? (envSource ??= accountSourceFromEnv())), call.model);
  let attempts = 0;
  let lastFailure = "";
  for (const account of pool.order(accounts, now())) {
    call.signal?.throwIfAborted();
    attempts += 1;
    try {
      const value = await attempt({ account, model: call.model, body: call.body, signal: call.signal, timeouts });
      pool.recordSuccess(account);
      countUpstreamCall(account.name, attempts, false);
      return { account, value, attempts };
    } catch (error) {
      if (call.signal?.aborted === true) throw call.signal.reason;
      const verdict = classify(error);
      if (verdict.action === "rethrow") throw error;
      if (verdict.action === "reject") throw verdict.error;
      pool.recordFailure(account, verdict.failure, now());
      countUpstreamFailure(account.name);
      logger.warn("upstream attempt failed", { upstreamAccount: account.name, upstreamKind: accountKind(account), failure: verdict.label, attempt: attempts });
      lastFailure = verdict.label;
    }
  }
  countUpstreamCall(undefined, attempts, true);
  // How many accounts the operator has is theirs to know, not the customer's.
  const wait = retryHint(accounts, pool, now());
  throw new UpstreamError(`Google could not be reached through any upstream account (last failure: ${lastFailure}); nothing was charged. Retry in ${wait} s.`, wait, attempts);
}

async function loadAccounts(source: AccountSource): Promise<readonly UpstreamAccount[]> {
  let accounts: readonly UpstreamAccount[];
  try {
    accounts = await source.accounts();
  } catch (error) {
    const failure = new UpstreamError("The gateway could not load its upstream accounts; nothing was charged. Retry in 5 s, and tell the operator if it persists.", 5);
    throw Object.assign(failure, { cause: error });
  }
  if (accounts.length === 0) {
    throw new UpstreamError("The gateway has no upstream Google account to serve this request; nothing was charged. Tell its operator, and retry in 60 s.", 60);
  }
  return accounts;
}

// Seconds until the first account leaves its cool-down, kept between 1 and 60 so the hint stays useful.
function retryHint(accounts: readonly UpstreamAccount[], pool: AccountPool, now: number): number {
  const soonest = Math.min(...accounts.map((account) => pool.coolingUntil(account)));
  return Math.min(60, Math.max(1, Math.ceil((soonest - now) / 1000)));
}

async function* rest(
  chunks: AsyncGenerator<unknown, void, undefined>,
  account: UpstreamAccount,
  pool: AccountPool,
  now: () => number,
): AsyncGenerator<GenerateContentChunk, void, undefined> {
  try {
    for await (const chunk of chunks) yield asChunk(chunk);
  } catch (error) {
    // No retry once output flowed, but the next request should prefer another account.
    if (error instanceof UpstreamNetworkError || error instanceof UpstreamStreamError) {
      pool.recordFailure(account, { kind: "transient" }, now());
    }
    throw error;
  }
}

function asChunk(value: unknown): GenerateContentChunk {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UpstreamStreamError("Google sent a stream event that is not a JSON object.");
  }
  return value as GenerateContentChunk;
}
