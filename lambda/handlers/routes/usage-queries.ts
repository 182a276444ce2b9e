import { fail } from "../../domain/validate.ts";
import { utcDay } from "../../domain/windows.ts";
import type { DayPeriod } from "../../domain/admin-requests.ts";
import type { TaskStatus } from "../../store/tasks.ts";

const STATUSES: readonly TaskStatus[] = ["held", "settled", "refunded", "failed"];

/** The default usage period: the last 30 UTC days, today included. */
export function lastThirtyDays(now = Date.now()): DayPeriod {
  return { from: utcDay(now - 29 * 86_400_000), to: utcDay(now + 86_400_000) };
}

/** @example taskStatusOf("refunded") // "refunded" */
export function taskStatusOf(value: string | undefined): TaskStatus | undefined {
  if (value === undefined) return undefined;
  return STATUSES.find((status) => status === value) ?? fail("status", `must be one of ${STATUSES.join(", ")}; got "${value}"`);
}
