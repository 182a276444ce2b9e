import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { StorageUnavailableError } from "../domain/errors.ts";

/**
 * DynamoDB fails a transaction fast with `TransactionConflict` when another one holds an item it
 * touches, instead of queueing it (DynamoDB Local rarely shows this). Retrying with full jitter
 * spreads the retries of a burst apart. Contention that outlasts every attempt is a retryable
 * {@link StorageUnavailableError}, never a bug.
 */
export async function retryOnConflict<T>(
  attempt: () => Promise<T>,
  options: { attempts?: number; baseMs?: number; maxMs?: number } = {},
): Promise<T> {
  const attempts = options.attempts ?? 10;
  const baseMs = options.baseMs ?? 10;
  const maxMs = options.maxMs ?? 400;
  for (let tryNumber = 1; ; tryNumber++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isConflict(error)) throw error;
      if (tryNumber >= attempts) throw new StorageUnavailableError(undefined, { cause: error });
      const ceiling = Math.min(maxMs, baseMs * 2 ** tryNumber);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}

export function isConflict(error: unknown): boolean {
  if (error instanceof Error && (error.name === "TransactionConflictException" || error.name === "TransactionInProgressException")) return true;
  return cancellationCodes(error).includes("TransactionConflict");
}

export function cancellationCodes(error: unknown): string[] {
  if (!(error instanceof TransactionCanceledException) && !(error instanceof Error && error.name === "TransactionCanceledException")) return [];
  const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? "None");
}
