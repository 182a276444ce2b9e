/**
 * The response object: as created (`responseShell`), and whole for a request that did not stream
 * (`toResponse`), which runs Google's joined answer through the stream translator so that both ways
 * give the same output items.
 */
import type { GenerateContentResponse } from "../gemini/types.ts";
import type { TurnSignatures } from "./encrypted-content.ts";
import { ResponsesStreamTranslator } from "./stream.ts";
import type { ResponsesStreamOptions } from "./stream.ts";
import type { RequestEcho, ResponseObject } from "./types.ts";

/**
 * @example responseShell({ id: "resp_1", createdAt: 1767225600, model: "gemini-3-flash" }, plan.echo)
 * // { id: "resp_1", object: "response", created_at: 1767225600, status: "in_progress", output: [], … }
 */
export function responseShell(ctx: { id: string; createdAt: number; model: string }, echo: RequestEcho): ResponseObject {
  return {
    id: ctx.id,
    object: "response",
    created_at: ctx.createdAt,
    status: "in_progress",
    error: null,
    incomplete_details: null,
    model: ctx.model,
    output: [],
    previous_response_id: null,
    background: false,
    truncation: "disabled",
    access_programs: null,
    ...echo,
  };
}

/**
 * The whole response for a finished answer and what it was charged, with the turn's signatures.
 *
 * @example toResponse(aggregateChunks(chunks), { response: responseShell(…), reasoningVisible: false, upstreamModel }, 42).response.status // "completed"
 */
export function toResponse(answer: GenerateContentResponse, options: ResponsesStreamOptions, credits: number): { response: ResponseObject; signatures: TurnSignatures } {
  const translator = new ResponsesStreamTranslator(options);
  translator.push(answer);
  translator.finish(credits);
  return { response: translator.response, signatures: translator.signatures };
}
