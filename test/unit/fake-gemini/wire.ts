import { expect } from "@jest/globals";
import type { FakeGemini } from "../../fake-gemini/server.ts";

// Minimal shapes of what the fake returns, so tests can read bodies without `any`.
export interface WirePart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  functionCall?: { id?: string; name: string; args: Record<string, unknown> };
  functionResponse?: { id?: string; name: string; response: unknown };
}
export interface WireContent {
  role?: string;
  parts: WirePart[];
}
export interface WireUsage {
  promptTokenCount: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount: number;
  promptTokensDetails: { modality: string; tokenCount: number }[];
}
export interface WireCandidate {
  content?: WireContent;
  finishReason?: string;
  index: number;
  safetyRatings?: unknown[];
  groundingMetadata?: {
    webSearchQueries: string[];
    groundingChunks: { web: { uri: string; title: string } }[];
    groundingSupports: unknown[];
    searchEntryPoint: { renderedContent: string };
  };
}
export interface WireResponse {
  candidates?: WireCandidate[];
  promptFeedback?: { blockReason: string; safetyRatings: unknown[] };
  usageMetadata: WireUsage;
  modelVersion: string;
  responseId: string;
}
export interface WireError {
  error: { code: number; message: string; status: string; details?: Record<string, unknown>[] };
}

export const FLASH = "gemini-3-flash-preview";
export const TEST_KEY = "test-key";

export function userText(text: string): WireContent {
  return { role: "user", parts: [{ text }] };
}

export interface PostOptions {
  apiKey?: string | null;
  query?: string;
  rawBody?: string;
}

export async function post(fake: FakeGemini, model: string, action: string, body: unknown, options: PostOptions = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const apiKey = options.apiKey === undefined ? TEST_KEY : options.apiKey;
  if (apiKey !== null) headers["x-goog-api-key"] = apiKey;
  const query = options.query === undefined ? "" : `?${options.query}`;
  return fetch(`${fake.url}/v1beta/models/${model}:${action}${query}`, {
    method: "POST",
    headers,
    body: options.rawBody ?? JSON.stringify(body),
  });
}

export async function generate(fake: FakeGemini, body: unknown, model = FLASH): Promise<WireResponse> {
  const response = await post(fake, model, "generateContent", body);
  expect200(response.status, await response.clone().text());
  return (await response.json()) as WireResponse;
}

export async function expectGoogleError(response: Response, code: number, status: string): Promise<WireError["error"]> {
  const body = (await response.json()) as WireError;
  expect(response.status).toBe(code);
  expect(response.headers.get("content-type")).toBe("application/json; charset=UTF-8");
  expect(body.error.code).toBe(code);
  expect(body.error.status).toBe(status);
  return body.error;
}

export function parseSseEvents(text: string): WireResponse[] {
  expect(text.endsWith("\r\n\r\n")).toBe(true);
  return text
    .split("\r\n\r\n")
    .filter((event) => event !== "")
    .map((event) => {
      expect(event.startsWith("data: ")).toBe(true);
      return JSON.parse(event.slice("data: ".length)) as WireResponse;
    });
}

export function textOf(responses: readonly WireResponse[]): string {
  return responses
    .flatMap((response) => response.candidates?.[0]?.content?.parts ?? [])
    .filter((part) => part.thought !== true)
    .map((part) => part.text ?? "")
    .join("");
}

function expect200(status: number, text: string): void {
  if (status !== 200) throw new Error(`expected 200, got ${status}: ${text}`);
}
