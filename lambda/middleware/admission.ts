import type { ModelSpec } from "../domain/catalog.ts";
import { findModel } from "../domain/catalog.ts";
import { InsufficientCreditsError, InvalidApiKeyError, ModelNotFoundError, RateLimitError, SpendLimitError, StorageUnavailableError } from "../domain/errors.ts";
import { MIN_AFFORDABLE_OUTPUT, affordableOutput, boundPromptTokens, holdFor, type Hold } from "../domain/holds.ts";
import { billableUsage, priceUsage, type UsageMetadataLike } from "../domain/money.ts";
import { secondsUntil, type SpendWindow } from "../domain/windows.ts";
import type { KeyRecord } from "../store/keys.ts";
import { admit, admitRate, requestsThisMinute, settle, type AdmissionOutcome } from "../store/ledger.ts";
import { getTask, type TaskRecord, type TaskStatus, type TaskUsage } from "../store/tasks.ts";
import type { RequestRecord } from "./request-record.ts";
import type { GatewayContext } from "./types.ts";

/**
 * Admission and settlement as both routes use them: resolve the model for this key, size the hold,
 * hold it (shrinking the output cap to what the balance affords when the client set none), and
 * later settle from Google's final usage.
 */

/** The model a key may use, or 404 — a model the key may not use looks the same as one that does not exist. */
export function resolveModel(key: KeyRecord, name: unknown, listPath: string): ModelSpec {
  const model = typeof name === "string" ? findModel(name) : undefined;
  if (!model || (key.models.length > 0 && !key.models.includes(model.id))) {
    throw new ModelNotFoundError(`Model ${String(name)} is not available to this key. GET ${listPath} lists the models.`);
  }
  return model;
}

export interface AdmissionInput {
  readonly context: GatewayContext;
  readonly key: KeyRecord;
  readonly model: ModelSpec;
  /** The Gemini request body, from which the prompt is bounded. */
  readonly geminiBody: unknown;
  /** The client's own output cap, already validated against the model's maximum. */
  readonly requestedOutput?: number;
  readonly route: TaskRecord["route"];
  readonly stream: boolean;
  /** The request field a client sets to cap output, named in messages. */
  readonly outputParam: string;
  readonly now?: number;
}

export interface Admitted {
  readonly task: Pick<TaskRecord, "taskId" | "accountId" | "keyId" | "model" | "hold" | "windows">;
  readonly hold: Hold;
  /** The `maxOutputTokens` Google must be given: the hold covers no more. */
  readonly outputCap: number;
  /** Read right after admission, awaited only when the response head is written. */
  readonly rateLimitHeaders: Promise<Record<string, string>>;
  /** The request's record, which settlement completes. */
  readonly record?: RequestRecord;
}

const SIZING_ATTEMPTS = 3;

export async function admitRequest(input: AdmissionInput): Promise<Admitted> {
  const { key, model } = input;
  const now = input.now ?? Date.now();
  const prompt = boundPromptTokens(input.geminiBody, model);
  let outputCap = input.requestedOutput ?? model.maxOutputTokens;
  for (let attempt = 1; ; attempt++) {
    const hold = holdFor(model, prompt, outputCap);
    rejectIfNeverFits(key, hold, input);
    const outcome = await admit({
      task: {
        taskId: input.context.requestId,
        accountId: key.accountId,
        keyId: key.keyId,
        model: model.id,
        upstreamModel: model.upstreamModel,
        route: input.route,
        stream: input.stream,
        promptBound: prompt.tokens,
        outputCap,
      },
      hold: hold.credits,
      rpm: key.rpm,
      spendLimits: key.limits,
      now,
    });
    if (outcome.admitted) {
      const record = input.context.record;
      if (record) {
        record.model = model.id;
        record.stream = input.stream;
        record.held = hold.credits;
      }
      return {
        record,
        task: { taskId: input.context.requestId, accountId: key.accountId, keyId: key.keyId, model: model.id, hold: hold.credits, windows: outcome.windows.map((w) => w.sk) },
        hold,
        outputCap,
        rateLimitHeaders: rateLimitHeaders(key, outcome.rateResetsAt, now),
      };
    }
    const budget = budgetLeft(outcome);
    const affordable = budget === undefined ? 0 : affordableOutput(model, prompt, budget);
    // A client that named its cap gets exactly that or nothing; otherwise shrink to what fits.
    if (input.requestedOutput === undefined && affordable >= MIN_AFFORDABLE_OUTPUT && affordable < outputCap && attempt < SIZING_ATTEMPTS) {
      outputCap = affordable;
      continue;
    }
    throw rejection(outcome, hold, affordable, input, now);
  }
}

function budgetLeft(outcome: Exclude<AdmissionOutcome, { admitted: true }>): number | undefined {
  if (outcome.reason === "credits") return outcome.available;
  if (outcome.reason === "spend") return Math.max(0, outcome.limit - outcome.spent);
  return undefined;
}

function rejectIfNeverFits(key: KeyRecord, hold: Hold, input: AdmissionInput): void {
  for (const kind of ["hourly", "daily", "total"] as const) {
    const limit = key.limits[kind];
    if (limit !== undefined && hold.credits > limit && input.requestedOutput !== undefined) {
      throw new SpendLimitError(
        `This request needs a hold of ${hold.credits} credits, more than the key's whole ${kind} limit of ${limit}; lower \`${input.outputParam}\`.`,
        kind === "total" ? 86_400 : 60,
      );
    }
  }
}

function rejection(outcome: Exclude<AdmissionOutcome, { admitted: true }>, hold: Hold, affordable: number, input: AdmissionInput, now: number) {
  const fits =
    affordable > 0 ? `Set \`${input.outputParam}\` to ${affordable} or less` : "Even the prompt alone does not fit; shorten it";
  switch (outcome.reason) {
    case "disabled":
      return new InvalidApiKeyError();
    case "rate":
      return rateLimited(input.key, outcome.resetsAt, now);
    case "spend": {
      const wait = outcome.window.resetsAt === undefined ? 86_400 : secondsUntil(outcome.window.resetsAt, now);
      return new SpendLimitError(
        `${windowName(outcome.window)} spend limit reached: ${outcome.spent} of ${outcome.limit} credits used or held, and this request needs ${hold.credits}. ` +
          (outcome.window.resetsAt === undefined
            ? `${fits}, or ask the operator to raise the limit.`
            : `It resets at ${new Date(outcome.window.resetsAt * 1000).toISOString()}. ${fits}, or retry then.`),
        wait,
      );
    }
    case "credits":
      return new InsufficientCreditsError(
        `Insufficient credits: the balance is ${outcome.available} credits and this request needs a hold of ${hold.credits} ` +
          `(${hold.promptTokens} prompt + ${hold.outputTokens} output tokens at ${input.model.id} prices). ${fits}, or top up.`,
      );
  }
}

function rateLimited(key: KeyRecord, resetsAt: number, now: number): RateLimitError {
  const wait = secondsUntil(resetsAt, now);
  return new RateLimitError(`Rate limit reached: this key allows ${key.rpm} requests per minute. Retry in ${wait} s.`, wait);
}

/**
 * Admission for a free request (`countTokens`): it counts against the key's requests per minute and
 * nothing else — no hold, no task. Returns the rate-limit headers for the answer.
 *
 * @example const headers = await admitRateOnly(key); // throws RateLimitError when the minute is used up
 */
export async function admitRateOnly(key: KeyRecord, now = Date.now()): Promise<Record<string, string>> {
  const outcome = await admitRate({ keyId: key.keyId, rpm: key.rpm, now });
  if (!outcome.admitted) throw rateLimited(key, outcome.resetsAt, now);
  return rateLimitHeaders(key, outcome.rateResetsAt, now);
}

function windowName(window: SpendWindow): string {
  return window.kind === "hourly" ? "Hourly" : window.kind === "daily" ? "Daily" : "Total";
}

/**
 * OpenAI's rate-limit headers. The count is read after admission rather than returned by it (a
 * transaction returns nothing), off the path to Google: `remaining` is as of that read.
 */
async function rateLimitHeaders(key: KeyRecord, resetsAt: number, now: number): Promise<Record<string, string>> {
  if (key.rpm === undefined) return {};
  const used = await requestsThisMinute(key.keyId, now).catch(() => undefined);
  return {
    "x-ratelimit-limit-requests": String(key.rpm),
    ...(used !== undefined && { "x-ratelimit-remaining-requests": String(Math.max(0, key.rpm - used)) }),
    "x-ratelimit-reset-requests": `${secondsUntil(resetsAt, now)}s`,
  };
}

export interface SettleInput {
  readonly admitted: Admitted;
  readonly model: ModelSpec;
  readonly usage: UsageMetadataLike | undefined;
  readonly searchQueries?: readonly string[];
  readonly status: Exclude<TaskStatus, "held">;
  readonly upstreamAccount?: string;
  readonly upstreamKind?: TaskRecord["upstreamKind"];
  readonly errorCode?: string;
}

/** Tries of one settlement, each a whole bounded storage call, with this backoff between them. */
export const SETTLE_ATTEMPTS = 3;
const SETTLE_BACKOFF_MS = 250;

/**
 * Settles from Google's last usage: no output and an error refunds everything (status `refunded`).
 * Retried with backoff, since by now Google has answered and the bill is all that is left; throws
 * `StorageUnavailableError` only once every attempt failed, leaving the task held for the sweeper.
 */
export async function settleRequest(input: SettleInput): Promise<{ charge: number; usage: TaskUsage }> {
  const billable = billableUsage(input.usage, input.searchQueries);
  const usage: TaskUsage = {
    input: billable.promptTokens,
    cachedInput: billable.cachedTokens,
    output: billable.outputTokens,
    reasoning: input.usage?.thoughtsTokenCount ?? 0,
    toolUsePrompt: billable.toolUsePromptTokens,
    searchQueries: billable.searchQueries,
  };
  const priced = input.status === "refunded" ? 0 : priceUsage(input.model, billable);
  const settlement = {
    task: input.admitted.task,
    status: input.status,
    priced,
    usage,
    upstreamAccount: input.upstreamAccount,
    upstreamKind: input.upstreamKind,
    errorCode: input.errorCode,
    now: Date.now(),
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await settle(settlement);
      // An earlier attempt that timed out may have been written after all: the task says what was charged.
      const charge = outcome.settled ? outcome.charge : ((await getTask(settlement.task.taskId))?.charge ?? 0);
      const record = input.admitted.record;
      if (record) record.settled = { status: input.status, charged: charge, refunded: input.admitted.task.hold - charge, tokens: usage };
      return { charge, usage };
    } catch (error) {
      if (!(error instanceof StorageUnavailableError) || attempt >= SETTLE_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_BACKOFF_MS * 2 ** (attempt - 1)));
    }
  }
}
