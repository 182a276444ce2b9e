import type { Content, GenerateRequest, MediaRef, Part } from "./request.ts";

// Deterministic stand-in for Google's tokenizer:
// - text: ceil(characters / 4) per text part (system instruction included)
// - image/*, application/pdf and any other media part: 258 tokens
// - video/*: 263 tokens (Google's one-second video rate)
// - audio/*: 32 tokens per started 16,000 bytes of decoded inline data (fileData audio counts as 32)
// - functionCall / functionResponse: ceil(JSON length / 4)
// The prompt count is the sum over all contents and the system instruction.

export type Modality = "TEXT" | "IMAGE" | "AUDIO" | "VIDEO";

export interface ModalityCount {
  modality: Modality;
  tokenCount: number;
}

export const IMAGE_TOKENS = 258;
export const VIDEO_TOKENS = 263;
export const AUDIO_TOKENS_PER_SECOND = 32;
const AUDIO_BYTES_PER_SECOND = 16_000;

export function textTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function jsonTokens(value: unknown): number {
  return Math.ceil(JSON.stringify(value).length / 4);
}

export function partTokens(part: Part): ModalityCount {
  if (part.media !== undefined) return mediaTokens(part.media);
  if (part.functionCall !== undefined) return { modality: "TEXT", tokenCount: jsonTokens(part.functionCall) };
  if (part.functionResponse !== undefined) return { modality: "TEXT", tokenCount: jsonTokens(part.functionResponse) };
  return { modality: "TEXT", tokenCount: textTokens(part.text ?? "") };
}

function mediaTokens(media: MediaRef): ModalityCount {
  if (media.mimeType.startsWith("audio/")) {
    const bytes = media.data === undefined ? 0 : Math.floor((media.data.length * 3) / 4);
    const seconds = Math.max(1, Math.ceil(bytes / AUDIO_BYTES_PER_SECOND));
    return { modality: "AUDIO", tokenCount: seconds * AUDIO_TOKENS_PER_SECOND };
  }
  if (media.mimeType.startsWith("video/")) return { modality: "VIDEO", tokenCount: VIDEO_TOKENS };
  return { modality: "IMAGE", tokenCount: IMAGE_TOKENS };
}

export interface PromptCount {
  total: number;
  byModality: ModalityCount[];
}

export function countPromptTokens(contents: readonly Content[], systemInstruction?: Content): PromptCount {
  const parts = [...(systemInstruction?.parts ?? []), ...contents.flatMap((content) => content.parts)];
  const sums = new Map<Modality, number>([["TEXT", 0]]);
  for (const part of parts) {
    const { modality, tokenCount } = partTokens(part);
    sums.set(modality, (sums.get(modality) ?? 0) + tokenCount);
  }
  const byModality = [...sums].map(([modality, tokenCount]) => ({ modality, tokenCount }));
  return { total: byModality.reduce((sum, entry) => sum + entry.tokenCount, 0), byModality };
}

export function cachedTokens(request: Pick<GenerateRequest, "cachedContent">, promptTotal: number): number {
  return request.cachedContent === undefined ? 0 : Math.floor(promptTotal / 2);
}
