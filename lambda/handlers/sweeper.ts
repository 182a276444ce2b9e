import { sweepAbandonedHolds } from "../middleware/sweep.ts";

/**
 * Scheduled by EventBridge. A request whose Lambda died (timeout, crash, out of memory) leaves its
 * task `held`; once it is older than any function could still be running, its hold is refunded.
 */
export const handler = async (): Promise<{ refunded: number; alreadySettled: number }> => {
  const result = await sweepAbandonedHolds({ now: Date.now() });
  console.log(JSON.stringify({ level: "info", msg: "swept abandoned holds", ...result }));
  return result;
};
