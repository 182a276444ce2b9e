/**
 * The windows limits are counted in: fixed calendar windows in UTC (as OpenRouter's), so a limit
 * resets at a time a customer can read off a clock. Each window is one counter item per key.
 */

export type SpendWindowKind = "hourly" | "daily" | "total";

export interface Window {
  /** Sort key of the counter item under the key's partition. */
  readonly sk: string;
  /** When the counter stops applying, epoch seconds; undefined for the total. */
  readonly resetsAt: number | undefined;
}

export interface SpendWindow extends Window {
  readonly kind: SpendWindowKind;
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

export function rateWindow(nowMs: number): Window {
  const start = Math.floor(nowMs / 1000 / MINUTE) * MINUTE;
  return { sk: `RPM#${start}`, resetsAt: start + MINUTE };
}

export function spendWindows(nowMs: number): SpendWindow[] {
  const seconds = Math.floor(nowMs / 1000);
  const hour = Math.floor(seconds / HOUR) * HOUR;
  const day = Math.floor(seconds / DAY) * DAY;
  return [
    { kind: "hourly", sk: `SPEND#H#${hour}`, resetsAt: hour + HOUR },
    { kind: "daily", sk: `SPEND#D#${day}`, resetsAt: day + DAY },
    { kind: "total", sk: "SPEND#TOTAL", resetsAt: undefined },
  ];
}

/** Counters outlive their window a little so `/v1/credits` and support can still read them; then TTL removes them. */
export function counterExpiry(window: Window): number | undefined {
  return window.resetsAt === undefined ? undefined : window.resetsAt + 2 * DAY;
}

/** Seconds until the window resets, at least 1, for `Retry-After`. */
export function secondsUntil(resetsAt: number, nowMs: number): number {
  return Math.max(1, Math.ceil(resetsAt - nowMs / 1000));
}

/**
 * The UTC calendar day containing `ms`, as `YYYY-MM-DD`: the bucket usage and statements are kept in.
 *
 * @example utcDay(Date.UTC(2026, 11, 1, 23, 59)) // "2026-12-01"
 */
export function utcDay(ms: number): string {
  return new Date(Math.floor(ms / 1000 / DAY) * DAY * 1000).toISOString().slice(0, 10);
}

/** Midnight UTC of a `YYYY-MM-DD` day, epoch ms. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** The day after a `YYYY-MM-DD` day. */
export function nextDay(day: string): string {
  return utcDay(dayStart(day) + DAY * 1000);
}
