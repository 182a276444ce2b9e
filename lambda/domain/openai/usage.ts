/**
 * Gemini `usageMetadata` → OpenAI `usage`, shared by whole responses and streams.
 *
 * | OpenAI                                      | Gemini                                                |
 * |---------------------------------------------|-------------------------------------------------------|
 * | `prompt_tokens`                             | `promptTokenCount + toolUsePromptTokenCount` (search results fed back are input too) |
 * | `completion_tokens`                         | `candidatesTokenCount + thoughtsTokenCount` (OpenAI counts reasoning as completion) |
 * | `total_tokens`                              | `prompt_tokens + completion_tokens` (equals `totalTokenCount`) |
 * | `prompt_tokens_details.cached_tokens`       | `cachedContentTokenCount` (a subset of the prompt)     |
 * | `completion_tokens_details.reasoning_tokens`| `thoughtsTokenCount`                                   |
 * | `credits` (our extension)                   | whole credits charged, when the caller knows them      |
 *
 * Missing counts are 0, so an absent `usageMetadata` gives all zeros.
 */
import type { UsageMetadata } from "../gemini/types.ts";
import type { ChatCompletionUsage } from "./types.ts";

/**
 * @example toChatUsage({ promptTokenCount: 8, candidatesTokenCount: 652, thoughtsTokenCount: 363, totalTokenCount: 1023 }, 2_000)
 * // { prompt_tokens: 8, completion_tokens: 1015, total_tokens: 1023, prompt_tokens_details: { cached_tokens: 0 },
 * //   completion_tokens_details: { reasoning_tokens: 363 }, credits: 2000 }
 */
export function toChatUsage(usage: UsageMetadata | undefined, credits?: number): ChatCompletionUsage {
  const prompt = (usage?.promptTokenCount ?? 0) + (usage?.toolUsePromptTokenCount ?? 0);
  const thoughts = usage?.thoughtsTokenCount ?? 0;
  const completion = (usage?.candidatesTokenCount ?? 0) + thoughts;
  const chat: ChatCompletionUsage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: usage?.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
  if (credits !== undefined) chat.credits = credits;
  return chat;
}
