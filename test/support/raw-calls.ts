import type { LocalGateway } from "../../bin/local/gateway.ts";
import type { UsageMetadataLike } from "../../lambda/domain/money.ts";
import { expectedCharge } from "./gemini-sdk.ts";
import { chatHold, nativeHold } from "./vertex-gateway.ts";

export const MODEL = "gemini-3-flash";
export const MAX_TOKENS = 1_000;
export const ROUTES = ["chat", "chat-stream", "native", "native-stream"] as const;
export type Route = (typeof ROUTES)[number];

const PROMPT = "Say hello";

export interface Answer {
  readonly status: number;
  /** The whole body as received, and the headers: for leak checks. */
  readonly raw: string;
  readonly headers: string;
  readonly taskId: string;
  /** The model's text, joined across chunks. */
  readonly output: string;
  /** What the gateway must charge for the usage Google reported, from the same pricing code. */
  readonly expectedCharge: number;
  /** What the gateway must have held for this request. */
  readonly expectedHold: number;
  /** An error arrived in-band, after the first byte. */
  readonly inBandError: boolean;
}

interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
}
interface ChatPayload {
  choices?: { message?: { content?: string }; delta?: { content?: string } }[];
  usage?: ChatUsage | null;
  error?: unknown;
}
interface NativePayload {
  candidates?: { content?: { parts?: { text?: string }[] } }[];
  usageMetadata?: UsageMetadataLike;
  error?: unknown;
}

/**
 * One request over raw HTTP, as a customer's code would send it, on one of the four ways in:
 * chat or native, streamed or not.
 *
 * @example const answer = await ask(gateway, customer.key, "native-stream");
 */
export async function ask(gateway: LocalGateway, key: string, route: Route): Promise<Answer> {
  const stream = route.endsWith("-stream");
  const chat = route.startsWith("chat");
  const chatBody = { model: MODEL, messages: [{ role: "user", content: PROMPT }], max_tokens: MAX_TOKENS, ...(stream && { stream: true, stream_options: { include_usage: true } }) };
  const nativeBody = { contents: [{ role: "user", parts: [{ text: PROMPT }] }], generationConfig: { maxOutputTokens: MAX_TOKENS } };
  const path = chat ? "/v1/chat/completions" : `/v1beta/models/${MODEL}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`;
  const response = await fetch(`${gateway.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(chat ? chatBody : nativeBody),
  });
  const raw = await response.text();
  const base = {
    status: response.status,
    raw,
    headers: JSON.stringify([...response.headers]),
    taskId: response.headers.get("x-request-id") ?? "",
    expectedHold: chat ? chatHold(chatBody, MAX_TOKENS) : nativeHold(MODEL, nativeBody, MAX_TOKENS),
  };
  if (response.status !== 200) return { ...base, output: "", expectedCharge: 0, inBandError: false };
  const payloads = stream ? sseData(raw) : [JSON.parse(raw) as unknown];
  if (chat) {
    const chunks = payloads as ChatPayload[];
    const usage = chunks.map((chunk) => chunk.usage).findLast((found) => found !== undefined && found !== null);
    const output = chunks.map((chunk) => chunk.choices?.[0]?.message?.content ?? chunk.choices?.[0]?.delta?.content ?? "").join("");
    return { ...base, output, expectedCharge: chatCharge(usage ?? undefined), inBandError: chunks.some((chunk) => chunk.error !== undefined) };
  }
  const chunks = payloads as NativePayload[];
  const usage = chunks.map((chunk) => chunk.usageMetadata).findLast((found) => found !== undefined);
  const output = chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []).map((part) => part.text ?? "").join("");
  return { ...base, output, expectedCharge: expectedCharge(MODEL, usage), inBandError: chunks.some((chunk) => chunk.error !== undefined) };
}

// Thinking and answer tokens cost the same, so chat's completion_tokens prices exactly as Google's split would.
function chatCharge(usage: ChatUsage | undefined): number {
  if (usage === undefined) return 0;
  return expectedCharge(MODEL, {
    promptTokenCount: usage.prompt_tokens,
    candidatesTokenCount: usage.completion_tokens,
    cachedContentTokenCount: usage.prompt_tokens_details?.cached_tokens ?? 0,
  });
}

function sseData(raw: string): unknown[] {
  return raw
    .split(/\r?\n/)
    .filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
    .map((line) => JSON.parse(line.slice("data: ".length)) as unknown);
}
