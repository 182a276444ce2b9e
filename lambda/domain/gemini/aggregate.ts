/**
 * Stream chunks → the one answer `generateContent` would have given. The gateway streams from Google
 * even for clients that did not ask to stream: a long answer (Pro, high thinking, 64k output) can
 * take longer than any unary call may wait for its first byte, and a unary call that times out
 * cannot be told apart from a dead account — failing it over would pay Google twice.
 *
 * - Text parts arriving one after another are joined, thought text with thought text, answer text
 *   with answer text, never across a part that already carries a thought signature; a final
 *   signature-only part (`{text: "", thoughtSignature}`) lands on the text before it, where a unary
 *   answer carries it. Every other part (function calls, media) is kept as sent.
 * - Candidate fields (`finishReason`, safety, grounding) and top-level fields take their last value:
 *   `usageMetadata` is cumulative. `promptFeedback` keeps its first, which is where Google sends it.
 */
import type { Candidate, Content, GenerateContentResponse, Part } from "./types.ts";

/**
 * @example
 * aggregateChunks([{ candidates: [{ content: { role: "model", parts: [{ text: "Hel" }] } }] },
 *                  { candidates: [{ content: { role: "model", parts: [{ text: "lo", thoughtSignature: "s" }] }, finishReason: "STOP" }] }])
 * // { candidates: [{ index: 0, content: { role: "model", parts: [{ text: "Hello", thoughtSignature: "s" }] }, finishReason: "STOP" }] }
 */
export function aggregateChunks(chunks: readonly GenerateContentResponse[]): GenerateContentResponse {
  const answer: GenerateContentResponse = {};
  const candidates = new Map<number, Candidate & { content: Content }>();
  for (const chunk of chunks) {
    const { candidates: chunkCandidates, promptFeedback, ...rest } = chunk;
    Object.assign(answer, withoutUndefined(rest));
    if (promptFeedback !== undefined) answer.promptFeedback ??= promptFeedback;
    for (const candidate of chunkCandidates ?? []) {
      const index = candidate.index ?? 0;
      const merged: Candidate & { content: Content } = candidates.get(index) ?? { index, content: { role: "model", parts: [] } };
      const { content, ...fields } = candidate;
      Object.assign(merged, withoutUndefined(fields), { index });
      if (content?.role) merged.content.role = content.role;
      for (const part of content?.parts ?? []) appendPart(merged.content.parts, part);
      candidates.set(index, merged);
    }
  }
  if (candidates.size > 0) answer.candidates = [...candidates.values()].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  return answer;
}

function appendPart(parts: Part[], part: Part): void {
  const last = parts.at(-1);
  if (last && isText(last) && isText(part) && last.thoughtSignature === undefined) {
    const signatureOnly = part.text === "" && part.thoughtSignature !== undefined && part.thought === undefined;
    if (signatureOnly || Boolean(last.thought) === Boolean(part.thought)) {
      parts[parts.length - 1] = { ...last, text: `${last.text ?? ""}${part.text ?? ""}`, ...(part.thoughtSignature !== undefined && { thoughtSignature: part.thoughtSignature }) };
      return;
    }
  }
  parts.push(part);
}

/** A part that is only text, perhaps a thought, perhaps signed. */
function isText(part: Part): boolean {
  return typeof part.text === "string" && Object.keys(part).every((key) => key === "text" || key === "thought" || key === "thoughtSignature");
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
