import { settle } from "../store/ledger.ts";
import { findHeldTasks } from "../store/tasks.ts";

/** Longer than the API functions' 15-minute timeout, so no live request is ever swept. */
export const ABANDONED_AFTER_MS = 16 * 60 * 1000;

/**
 * Refunds every hold older than `abandonedAfterMs`. We cannot know what Google produced for a
 * request whose function died, so the customer is not charged for it; settlement's condition on
 * `held` makes a race with a late normal settlement harmless.
 */
export async function sweepAbandonedHolds(options: { now: number; abandonedAfterMs?: number }) {
  const stale = await findHeldTasks(options.now - (options.abandonedAfterMs ?? ABANDONED_AFTER_MS));
  let refunded = 0;
  let alreadySettled = 0;
  for (const task of stale) {
    const { settled } = await settle({ task, status: "refunded", priced: 0, errorCode: "abandoned", now: options.now });
    if (settled) refunded++;
    else alreadySettled++;
  }
  return { refunded, alreadySettled };
}
