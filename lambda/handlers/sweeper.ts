import { sweepAbandonedHolds } from "../middleware/sweep.ts";
import { logger } from "../telemetry/logger.ts";
import { countHoldsSwept } from "../telemetry/metrics.ts";

/**
 * Scheduled by EventBridge. A request whose Lambda died (timeout, crash, out of memory) leaves its
 * task `held`; once it is older than any function could still be running, its hold is refunded.
 * Every hold swept is a request the operator paid Google for and the customer did not: it alarms.
 */
export const handler = async (): Promise<{ refunded: number; alreadySettled: number }> => {
  const result = await sweepAbandonedHolds({ now: Date.now() });
  countHoldsSwept(result.refunded);
  if (result.refunded > 0) logger.warn("swept abandoned holds", result);
  else logger.info("swept abandoned holds", result);
  return result;
};
