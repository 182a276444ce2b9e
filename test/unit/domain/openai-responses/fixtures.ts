import { randomBytes } from "node:crypto";
import type { GenerateContentResponse, Part } from "../../../../lambda/domain/gemini/types.ts";
import { openTurn, sealTurn } from "../../../../lambda/domain/openai-responses/encrypted-content.ts";
import type { ItemSources } from "../../../../lambda/domain/openai-responses/input.ts";
import type { KeptLookup } from "../../../../lambda/domain/openai-responses/kept-items.ts";
import { planResponsesRequest } from "../../../../lambda/domain/openai-responses/request.ts";
import { responseShell } from "../../../../lambda/domain/openai-responses/response.ts";
import type { ResponsesStreamOptions } from "../../../../lambda/domain/openai-responses/stream.ts";

export const KEY = randomBytes(32);
export const SIG_CALL = "CiQBjz1rX2Fs";
export const SIG_TEXT = "CpoIAdHtim9X";
export const FLASH = "gemini-3-flash-preview";
export const RESPONSE_ID = "resp_abc123";

/** Item sources as the route builds them, with these kept items. */
export function sources(kept: Record<string, KeptLookup> = {}, keeping = true): ItemSources {
  return { kept: new Map(Object.entries(kept)), keeping, retentionSeconds: 3_600, open: (sealed, path) => openTurn(sealed, KEY, path) };
}

export function plan(body: Record<string, unknown>, from: ItemSources = sources()) {
  return planResponsesRequest({ model: "gemini-3-flash", ...body }, from);
}

/** Translator options for a request body, sealing with the test key when the plan says so. */
export function options(body: Record<string, unknown> = { input: "Hi" }): ResponsesStreamOptions {
  const planned = plan(body);
  return {
    response: responseShell({ id: RESPONSE_ID, createdAt: 1_767_225_600, model: "gemini-3-flash" }, planned.echo),
    reasoningVisible: planned.reasoningVisible,
    upstreamModel: FLASH,
    ...(planned.sealReasoning && { seal: (turn) => sealTurn(turn, KEY) }),
  };
}

export function upstream(parts: Part[], extra: Omit<GenerateContentResponse, "candidates"> & { finishReason?: string } = {}): GenerateContentResponse {
  const { finishReason, ...rest } = extra;
  return { candidates: [{ content: { role: "model", parts }, index: 0, ...(finishReason === undefined ? {} : { finishReason }) }], ...rest };
}

export const USAGE = { promptTokenCount: 20, candidatesTokenCount: 30, thoughtsTokenCount: 50, totalTokenCount: 100 };

/** A turn that thinks aloud, answers a little, then calls a function twice (only the first call signed). */
export const callTurn: GenerateContentResponse[] = [
  upstream([{ text: "**Planning**", thought: true }]),
  upstream([{ text: "Checking." }]),
  upstream(
    [
      { functionCall: { id: "fc_1", name: "get_weather", args: { city: "Paris" } }, thoughtSignature: SIG_CALL },
      { functionCall: { id: "fc_2", name: "get_weather", args: { city: "Rome" } } },
    ],
    { finishReason: "STOP", usageMetadata: USAGE },
  ),
];

/** A text answer whose signature arrives alone at the end, as Gemini streams it. */
export const textTurn: GenerateContentResponse[] = [
  upstream([{ text: "Hel" }]),
  upstream([{ text: "lo!" }]),
  upstream([{ text: "", thoughtSignature: SIG_TEXT }], { finishReason: "STOP", usageMetadata: USAGE }),
];

export const weatherTool = { type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } };
