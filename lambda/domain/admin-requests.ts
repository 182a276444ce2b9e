/**
 * The operator's requests, read from untrusted JSON and query strings into typed commands: the admin
 * API parses its bodies here, and the CLI builds the same commands from its flags. Every problem is
 * a 400 naming the field in the API's spelling, before anything is written.
 *
 * | field                                   | rule                                                    |
 * |-----------------------------------------|---------------------------------------------------------|
 * | `name`                                  | 1–200 characters                                        |
 * | `credits`                               | a whole number ≥ 0 (a new account's opening balance)    |
 * | `amount`                                | a whole number ≠ 0 (negative takes credits back)        |
 * | `note`                                  | at most 500 characters                                  |
 * | `status`                                | `active` or `disabled`                                  |
 * | `rpm`, `spend_limits.{hourly,daily,total}` | a whole number ≥ 1; `null` removes it (PATCH)        |
 * | `ip_allowlist`                          | IPv4/IPv6 addresses or CIDRs, stored as CIDRs           |
 * | `models`                                | catalog ids or aliases, stored as ids; empty allows all |
 * | `Idempotency-Key`                       | 1–255 visible ASCII characters                          |
 * | `limit`, `cursor`                       | 1–100 (default 20); the `next_cursor` of the page before |
 * | `from`, `to`                            | `YYYY-MM-DD` or an ISO 8601 time; `to` is exclusive     |
 */
import { findModel, modelIds } from "./catalog.ts";
import { parseCidr } from "./ip-allowlist.ts";
import { USAGE_DIMENSIONS, type UsageDimension } from "./usage.ts";
import { expectArray, expectString, fail, isObject, optionalNumber, optionalString, type JsonObject } from "./validate.ts";
import { dayStart, utcDay } from "./windows.ts";

export type ActiveStatus = "active" | "disabled";

export interface NewAccount {
  readonly name: string;
  readonly credits: number;
}

export interface AccountChange {
  readonly name?: string;
  readonly status?: ActiveStatus;
}

export interface TopUp {
  readonly amount: number;
  readonly note?: string;
}

/** `null` removes a limit; absent leaves it as it is. */
export interface KeySettings {
  readonly name?: string;
  readonly rpm?: number | null;
  readonly limits?: { readonly hourly?: number | null; readonly daily?: number | null; readonly total?: number | null };
  readonly ipAllowlist?: readonly string[];
  readonly models?: readonly string[];
  readonly status?: ActiveStatus;
}

export interface Page {
  readonly limit: number;
  readonly cursor?: string;
}

/** Whole UTC days, `to` exclusive. */
export interface DayPeriod {
  readonly from: string;
  readonly to: string;
}

/** Epoch milliseconds, `toMs` exclusive. */
export interface TimeRange {
  readonly fromMs?: number;
  readonly toMs?: number;
}

export type Query = Readonly<Record<string, string | undefined>>;

const MAX_CREDITS = Number.MAX_SAFE_INTEGER;
const WHOLE_POSITIVE = { min: 1, max: MAX_CREDITS, integer: true };

/** @example parseNewAccount({ name: "acme", credits: 5_000_000 }) // { name: "acme", credits: 5000000 } */
export function parseNewAccount(body: unknown): NewAccount {
  const input = object(body);
  return { name: name(input.name, "name"), credits: optionalNumber(input.credits, "credits", { min: 0, max: MAX_CREDITS, integer: true }) ?? 0 };
}

/** @example parseAccountChange({ status: "disabled" }) // { status: "disabled" } */
export function parseAccountChange(body: unknown): AccountChange {
  const input = object(body);
  const change = {
    ...(input.name !== undefined && { name: name(input.name, "name") }),
    ...(input.status !== undefined && { status: status(input.status, "status") }),
  };
  if (Object.keys(change).length === 0) fail("name", "or `status` is required: send what to change");
  return change;
}

/** @example parseTopUp({ amount: -500, note: "refund of order 17" }) // { amount: -500, note: "refund of order 17" } */
export function parseTopUp(body: unknown): TopUp {
  const input = object(body);
  const amount = optionalNumber(input.amount, "amount", { min: -MAX_CREDITS, max: MAX_CREDITS, integer: true });
  if (amount === undefined || amount === 0) fail("amount", "is required: a whole number of credits, negative to take credits back, never 0");
  const note = optionalString(input.note, "note");
  if (note !== undefined && note.length > 500) fail("note", "may hold at most 500 characters");
  return { amount, ...(note !== undefined && { note }) };
}

/**
 * A key's settings; `partial` (PATCH) allows `null` to remove a limit and `status`.
 *
 * @example parseKeySettings({ rpm: 60, spend_limits: { daily: 5_000_000 }, ip_allowlist: ["203.0.113.9"] }, false)
 * // { rpm: 60, limits: { daily: 5000000 }, ipAllowlist: ["203.0.113.9/32"] }
 */
export function parseKeySettings(body: unknown, partial: boolean): KeySettings {
  const input = object(body);
  const limitsInput = input.spend_limits === undefined || input.spend_limits === null ? undefined : object(input.spend_limits, "spend_limits");
  const limits = limitsInput && {
    ...limit(limitsInput, "hourly", partial),
    ...limit(limitsInput, "daily", partial),
    ...limit(limitsInput, "total", partial),
  };
  const settings: KeySettings = {
    ...(input.name !== undefined && { name: name(input.name, "name") }),
    ...(input.rpm !== undefined && { rpm: positiveOrNull(input.rpm, "rpm", partial) }),
    ...(limits !== undefined && { limits }),
    ...(input.ip_allowlist !== undefined && { ipAllowlist: expectArray(input.ip_allowlist, "ip_allowlist").map((entry, index) => cidr(entry, `ip_allowlist[${index}]`)) }),
    ...(input.models !== undefined && { models: expectArray(input.models, "models").map((entry, index) => modelId(entry, `models[${index}]`)) }),
  };
  if (input.status !== undefined) {
    if (!partial) fail("status", "is set with PATCH /admin/v1/keys/{key_id}; a new key is always active");
    return { ...settings, status: status(input.status, "status") };
  }
  if (partial && Object.keys(settings).length === 0) fail("name", "or another setting is required: send what to change (`rpm`, `spend_limits`, `ip_allowlist`, `models`, `status`)");
  return settings;
}

/** @example parseIdempotencyKey("stripe-evt-1") // "stripe-evt-1" */
export function parseIdempotencyKey(value: string | undefined, required: boolean): string | undefined {
  if (value === undefined || value === "") {
    if (required) fail("Idempotency-Key", "header is required: send a unique value per top-up (e.g. your payment's id), so a retry cannot credit twice");
    return undefined;
  }
  if (!/^[\x21-\x7e]{1,255}$/.test(value)) fail("Idempotency-Key", "must be 1 to 255 visible ASCII characters");
  return value;
}

/** @example parsePage({ limit: "50" }) // { limit: 50 } */
export function parsePage(query: Query): Page {
  const limit = query.limit === undefined ? 20 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) fail("limit", "must be a whole number from 1 to 100");
  const cursor = query.cursor;
  if (cursor !== undefined && (cursor === "" || cursor.length > 2048)) fail("cursor", "must be the `next_cursor` of the page before");
  return { limit, ...(cursor !== undefined && { cursor }) };
}

/**
 * Whole UTC days: `from` and `to` as dates or midnight times, `to` exclusive; either may be left out.
 *
 * @example parseDayPeriod({ from: "2026-11-01", to: "2026-12-01" }, defaults) // { from: "2026-11-01", to: "2026-12-01" }
 */
export function parseDayPeriod(query: Query, defaults: DayPeriod): DayPeriod {
  const from = query.from === undefined ? defaults.from : day(query.from, "from");
  const to = query.to === undefined ? defaults.to : day(query.to, "to");
  if (to <= from) fail("to", `must be after \`from\` (${from}); it is exclusive`);
  return { from, to };
}

/** @example parseTimeRange({ from: "2026-12-01T10:00:00Z" }) // { fromMs: 1764583200000 } */
export function parseTimeRange(query: Query): TimeRange {
  const fromMs = query.from === undefined ? undefined : time(query.from, "from");
  const toMs = query.to === undefined ? undefined : time(query.to, "to");
  if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) fail("to", "must be after `from`; it is exclusive");
  return { ...(fromMs !== undefined && { fromMs }), ...(toMs !== undefined && { toMs }) };
}

/** @example parseGroupBy("day,model") // ["day", "model"] */
export function parseGroupBy(value: string | undefined): UsageDimension[] {
  if (value === undefined || value === "") return [];
  const names = value.split(",").map((entry) => entry.trim());
  for (const entry of names) {
    if (!(USAGE_DIMENSIONS as readonly string[]).includes(entry)) fail("group_by", `takes ${USAGE_DIMENSIONS.join(", ")} or a comma-separated combination; got "${entry}"`);
  }
  return [...new Set(names)] as UsageDimension[];
}

function object(value: unknown, path?: string): JsonObject {
  if (isObject(value)) return value;
  if (path === undefined) return fail("body", "must be a JSON object");
  return fail(path, "must be an object");
}

function name(value: unknown, path: string): string {
  const text = expectString(value, path).trim();
  if (text === "" || text.length > 200) fail(path, "must be 1 to 200 characters");
  return text;
}

function status(value: unknown, path: string): ActiveStatus {
  if (value === "active" || value === "disabled") return value;
  return fail(path, 'must be "active" or "disabled"');
}

function positiveOrNull(value: unknown, path: string, partial: boolean): number | null {
  if (value === null && partial) return null;
  const number = optionalNumber(value, path, WHOLE_POSITIVE);
  return number ?? fail(path, partial ? "must be a whole number of at least 1, or null to remove it" : "must be a whole number of at least 1");
}

function limit(input: JsonObject, window: "hourly" | "daily" | "total", partial: boolean): KeySettings["limits"] {
  if (input[window] === undefined) return {};
  return { [window]: positiveOrNull(input[window], `spend_limits.${window}`, partial) };
}

function cidr(value: unknown, path: string): string {
  const text = expectString(value, path);
  try {
    const { address, prefix } = parseCidr(text);
    return `${address}/${prefix}`;
  } catch (error) {
    return fail(path, (error as Error).message);
  }
}

function modelId(value: unknown, path: string): string {
  const text = expectString(value, path);
  return findModel(text)?.id ?? fail(path, `("${text}") is not in the catalog; use one of ${modelIds().join(", ")}`);
}

function day(value: string, path: string): string {
  const ms = time(value, path);
  if (ms % 86_400_000 !== 0) fail(path, "must be a whole UTC day (YYYY-MM-DD): usage and statements are kept per day");
  return utcDay(ms);
}

function time(value: string, path: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? dayStart(value) : /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) fail(path, `must be a date (2026-11-01) or an ISO 8601 time (2026-11-01T12:00:00Z); got "${value}"`);
  return ms;
}
