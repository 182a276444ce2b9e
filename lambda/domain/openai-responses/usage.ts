/**
 * Gemini `usageMetadata` → Responses `usage`, counted exactly as the chat route counts (openai/usage.ts).
 *
 * | Responses                               | chat route's             | Gemini                                          |
 * |-----------------------------------------|--------------------------|-------------------------------------------------|
 * | `input_tokens`                          | `prompt_tokens`          | `promptTokenCount + toolUsePromptTokenCount`    |
 * | `input_tokens_details.cached_tokens`    | `cached_tokens`          | `cachedContentTokenCount`                       |
 * | `input_tokens_details.cache_write_tokens` | —                      | 0: Gemini's implicit caching charges no writes  |
 * | `output_tokens`                         | `completion_tokens`      | `candidatesTokenCount + thoughtsTokenCount`     |
 * | `output_tokens_details.reasoning_tokens`| `reasoning_tokens`       | `thoughtsTokenCount`                            |
 * | `total_tokens`                          | `total_tokens`           | their sum                                       |
 * | `credits` (our extension)               | `credits`                | whole credits charged, when known               |
 */
import type { UsageMetadata } from "../gemini/types.ts";
import { toChatUsage } from "../openai/usage.ts";
import type { ResponsesUsage } from "./types.ts";

/**
 * @example toResponsesUsage({ promptTokenCount: 8, candidatesTokenCount: 652, thoughtsTokenCount: 363, totalTokenCount: 1023 }, 2_000)
 * // { input_tokens: 8, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, output_tokens: 1015,
 * //   output_tokens_details: { reasoning_tokens: 363 }, total_tokens: 1023, credits: 2000 }
 */
export function toResponsesUsage(usage: UsageMetadata | undefined, credits?: number): ResponsesUsage {
  const chat = toChatUsage(usage, credits);
  const responses: ResponsesUsage = {
    input_tokens: chat.prompt_tokens,
    input_tokens_details: { cached_tokens: chat.prompt_tokens_details.cached_tokens, cache_write_tokens: 0 },
    output_tokens: chat.completion_tokens,
    output_tokens_details: { reasoning_tokens: chat.completion_tokens_details.reasoning_tokens },
    total_tokens: chat.total_tokens,
  };
  if (chat.credits !== undefined) responses.credits = chat.credits;
  return responses;
}
