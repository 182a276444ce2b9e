/**
 * The one logger every function writes through: Powertools for AWS Lambda, one JSON object per line,
 * which CloudWatch Logs Insights queries by field. Nothing a customer sent or Google answered is ever
 * a field: lines carry ids, counts, error classes and stack frames.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { sourceFrame } from "./source-frames.ts";

export const logger = new Logger({ serviceName: "gemini-gateway" });

/**
 * What may be logged about an error: its class and stack frames, and its message only when it comes
 * from the AWS SDK, whose messages describe the call. Any other message could quote a prompt.
 *
 * @example logger.error("settlement failed", { taskId, ...errorFacts(error) })
 */
export function errorFacts(error: unknown): { error: string; message?: string; frames: string[] } {
  const name = error instanceof Error ? error.name : typeof error;
  const frames = error instanceof Error ? (error.stack ?? "").split("\n").slice(1).map((line) => sourceFrame(line.trim())) : [];
  const cause = error instanceof Error && error.cause instanceof Error && "$metadata" in error.cause ? error.cause : undefined;
  const sdkError = error instanceof Error && "$metadata" in error ? error : cause;
  return sdkError === undefined ? { error: name, frames } : { error: name, message: `${sdkError.name}: ${sdkError.message}`, frames };
}
