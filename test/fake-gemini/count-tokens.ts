import type { ServerResponse } from "node:http";
import { sendJson } from "./http-io.ts";
import { isRecord, recordOrEmpty } from "./json.ts";
import { normaliseFieldNames } from "./normalise.ts";
import { parseGenerateRequest } from "./request.ts";
import { cachedTokens, countPromptTokens } from "./tokens.ts";

// Body is {contents} or {generateContentRequest}; when both are present `contents` is ignored, as Google does.
export function handleCountTokens(res: ServerResponse, body: unknown): void {
  const countRequest = recordOrEmpty(normaliseFieldNames(body));
  const inner = countRequest.generateContentRequest;
  const request = isRecord(inner)
    ? parseGenerateRequest(inner, "CountTokensRequest.generate_content_request")
    : parseGenerateRequest({ contents: countRequest.contents }, "CountTokensRequest");
  const prompt = countPromptTokens(request.contents, request.systemInstruction);
  const cached = cachedTokens(request, prompt.total);
  sendJson(res, 200, {
    totalTokens: prompt.total,
    ...(cached > 0 ? { cachedContentTokenCount: cached } : {}),
    promptTokensDetails: prompt.byModality,
  });
}
