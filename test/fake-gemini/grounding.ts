import { Buffer } from "node:buffer";

export const SEARCH_TOOL_USE_TOKENS = 64;

const REDIRECT_BASE = "https://vertexaisearch.cloud.google.com/grounding-api-redirect/fake-";

// A fixed Google Search grounding result; the support points at the reply's first sentence.
// Segment indices are byte offsets into the part; like Google (proto3 JSON) a zero startIndex is omitted.
export function groundingMetadata(replyText: string): Record<string, unknown> {
  const firstSentence = replyText.split(/(?<=\.)\s/)[0] ?? replyText;
  return {
    searchEntryPoint: {
      renderedContent: '<div class="fake-search-entry-point"><a href="https://www.google.com/search?q=fake">fake search</a></div>',
    },
    groundingChunks: [
      { web: { uri: `${REDIRECT_BASE}1`, title: "example.com" } },
      { web: { uri: `${REDIRECT_BASE}2`, title: "example.org" } },
    ],
    groundingSupports: [
      {
        segment: { endIndex: Buffer.byteLength(firstSentence), text: firstSentence },
        groundingChunkIndices: [0, 1],
      },
    ],
    webSearchQueries: ["fake search query one", "fake search query two"],
  };
}
