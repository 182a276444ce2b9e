import type { GenerateContentRequest, GenerateContentResponse } from "../../domain/gemini/types.ts";

/** The body with Google told to stop where the hold stops: thinking and answer together. */
export function withOutputCap<T extends GenerateContentRequest>(body: T, outputCap: number): T {
  return { ...body, generationConfig: { ...body.generationConfig, maxOutputTokens: outputCap } };
}

/** Web searches Google ran for this chunk (grounding metadata), to bill per query. */
export function searchQueriesOf(response: GenerateContentResponse): string[] {
  return (response.candidates ?? []).flatMap((candidate) => candidate.groundingMetadata?.webSearchQueries ?? []);
}
