import type { GenerateContentResponse } from "../../domain/gemini/types.ts";

/** The body with Google told to stop where the hold stops: thinking and answer together, in either spelling. */
export { withOutputCap } from "../../domain/gemini/output-cap.ts";

/** Web searches Google ran for this chunk (grounding metadata), to bill per query. */
export function searchQueriesOf(response: GenerateContentResponse): string[] {
  return (response.candidates ?? []).flatMap((candidate) => candidate.groundingMetadata?.webSearchQueries ?? []);
}
