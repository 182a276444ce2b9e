import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { sendJson, sendTruncatedJson } from "./http-io.ts";
import type { ModelRules } from "./models.ts";
import { planReply } from "./reply.ts";
import { parseGenerateRequest } from "./request.ts";
import { buildResponse, buildStreamChunks } from "./response.ts";
import type { ReplyContext } from "./response.ts";
import { issueSignature } from "./signatures.ts";
import { writeStream } from "./stream.ts";
import type { StreamFraming } from "./stream.ts";
import { cachedTokens, countPromptTokens } from "./tokens.ts";
import { resolveThoughtTokens, validateGenerateRequest } from "./validate.ts";

export interface GenerateCall {
  model: ModelRules;
  body: unknown;
  // Absent for generateContent.
  framing?: StreamFraming;
  cutAfterChunks?: number;
  chunkDelayMs: number;
  nextSerial: () => number;
  sleep: (ms: number) => Promise<void>;
}

export async function handleGenerate(res: ServerResponse, call: GenerateCall): Promise<void> {
  const request = parseGenerateRequest(call.body);
  validateGenerateRequest(request, call.model);
  const prompt = countPromptTokens(request.contents, request.systemInstruction);
  const context: ReplyContext = {
    model: call.model.id,
    responseId: randomBytes(16).toString("base64url"),
    prompt,
    cachedTokens: cachedTokens(request, prompt.total),
    thoughtTokens: resolveThoughtTokens(request, call.model),
    issueSignature: () => issueSignature(call.model.id, call.nextSerial()),
  };
  const plan = planReply(request, call.model.id, call.nextSerial);
  if (call.framing !== undefined) {
    await writeStream(res, buildStreamChunks(plan, context), {
      framing: call.framing,
      chunkDelayMs: call.chunkDelayMs,
      cutAfterChunks: call.cutAfterChunks,
      sleep: call.sleep,
    });
  } else if (call.cutAfterChunks !== undefined) {
    sendTruncatedJson(res, buildResponse(plan, context));
  } else {
    sendJson(res, 200, buildResponse(plan, context));
  }
}
