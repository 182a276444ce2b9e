import { Buffer } from "node:buffer";
import { invalidArgument } from "./google-errors.ts";
import type { Content, Part } from "./request.ts";

// Google documents these literal strings as "no signature available" markers for history it did not produce.
const SENTINELS = new Set(["skip_thought_signature_validator", "context_engineering_is_the_way_to_go"]);
const PAYLOAD_PREFIX = "fake-sig:";

// Signatures are base64 of "fake-sig:<model>:<serial>", so any fake instance can verify them without state.
// Binding them to the model mirrors Google rejecting signatures replayed against a different model.
export function issueSignature(model: string, serial: number): string {
  return Buffer.from(`${PAYLOAD_PREFIX}${model}:${serial}`).toString("base64");
}

export function isIssuedSignature(signature: string, model: string): boolean {
  const decoded = decodeProtoBytes(signature);
  return decoded !== undefined && decoded.toString("utf8").startsWith(`${PAYLOAD_PREFIX}${model}:`);
}

// Proto JSON `bytes` accept the standard and URL-safe alphabets, with or without padding.
function decodeProtoBytes(value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(value) || value.replace(/=+$/, "").length % 4 === 1) return undefined;
  return Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

export function validateThoughtSignatures(contents: readonly Content[], model: string): void {
  contents.forEach((content, contentIndex) =>
    content.parts.forEach((part, partIndex) => validateSignatureValue(part, contentIndex, partIndex, model)),
  );
  requireSignaturesInCurrentTurn(contents);
}

function validateSignatureValue(part: Part, contentIndex: number, partIndex: number, model: string): void {
  const signature = part.thoughtSignature;
  if (signature === undefined || (typeof signature === "string" && SENTINELS.has(signature))) return;
  if (typeof signature !== "string" || decodeProtoBytes(signature) === undefined) {
    const shown = typeof signature === "string" ? `"${signature}"` : JSON.stringify(signature);
    throw invalidArgument(
      `Invalid value at 'contents[${contentIndex}].parts[${partIndex}].thought_signature' (TYPE_BYTES), ` +
        `Base64 decoding failed for ${shown}`,
    );
  }
  if (!isIssuedSignature(signature, model)) throw invalidArgument("Thought signature is not valid.");
}

// The current turn starts after the last user content carrying something other than function responses.
export function currentTurnStart(contents: readonly Content[]): number {
  for (let index = contents.length - 1; index >= 0; index--) {
    const content = contents[index];
    if (content.role === "user" && content.parts.some((part) => part.functionResponse === undefined)) return index + 1;
  }
  return 0;
}

function requireSignaturesInCurrentTurn(contents: readonly Content[]): void {
  for (let index = currentTurnStart(contents); index < contents.length; index++) {
    const content = contents[index];
    if (content.role !== "model") continue;
    const firstCall = content.parts.find((part) => part.functionCall !== undefined);
    if (firstCall?.functionCall === undefined || firstCall.thoughtSignature !== undefined) continue;
    throw invalidArgument(
      "Function call is missing a thought_signature in functionCall parts. This is required for tools to work " +
        "correctly, and missing thought_signature may lead to degraded model performance. Additional data, " +
        `function call \`default_api:${firstCall.functionCall.name}\` , position ${index + 1}. ` +
        "Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.",
    );
  }
}
