/**
 * Thought signatures in a reasoning item's `encrypted_content`, so a client that keeps nothing on our
 * side (`store: false`) can still continue a Gemini 3 tool loop (gemini-wire §2).
 *
 * What is sealed is exactly what Gemini needs back from one model turn, and where each piece goes:
 *
 * | field        | goes back on                                                            |
 * |--------------|-------------------------------------------------------------------------|
 * | `calls[]`    | the `functionCall` part whose id is `call_id` (the first call of a step) |
 * | `text`       | the turn's last text part, or its first unsigned call when it has none (as on the chat route) |
 * | `model`      | nothing: signatures from another model are dropped, since Google rejects them; the documented sentinel takes their place |
 *
 * Sealing is AES-256-GCM under a key only this gateway holds (store/sealing-key.ts): `gw1.` and the
 * base64url of IV, ciphertext and tag. The tag makes a forged or corrupted value our 400, never
 * Google's; encryption keeps the signatures and call ids opaque, as OpenAI's own value is.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { SIGNATURE_SENTINEL } from "../openai/signatures.ts";
import { fail, isObject } from "../validate.ts";

/** What Gemini needs back from one model turn: which thought signature goes on which part. */
export interface TurnSignatures {
  /** The upstream model that issued them. */
  readonly model: string;
  /** The signature of each signed `functionCall`, by call id. */
  readonly calls: readonly { readonly call_id: string; readonly signature: string }[];
  /** The signature of anything else in the turn: its text, a thought, or an empty signature-only part. */
  readonly text?: string;
}

const PREFIX = "gw1.";
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Binds the ciphertext to its purpose, so no other value sealed with the same key opens as one.
const PURPOSE = Buffer.from("gemini-gateway reasoning signatures v1");
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * @example sealTurn({ model: "gemini-3-flash-preview", calls: [{ call_id: "fc_1", signature: "CiQB" }] }, key) // "gw1.…"
 */
export function sealTurn(turn: TurnSignatures, key: Uint8Array): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(PURPOSE);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(turn), "utf8"), cipher.final()]);
  return PREFIX + Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString("base64url");
}

/**
 * Opens an `encrypted_content` this gateway issued; anything else is a 400 naming `path`.
 *
 * @example openTurn(sealTurn(turn, key), key, "input[1].encrypted_content") // turn
 */
export function openTurn(value: string, key: Uint8Array, path: string): TurnSignatures {
  const refuse = (): never =>
    fail(path, "is not an `encrypted_content` this gateway issued, or it was changed: send back exactly the value you received, or leave the reasoning item out");
  if (!value.startsWith(PREFIX)) return refuse();
  const bytes = Buffer.from(value.slice(PREFIX.length), "base64url");
  if (bytes.length <= IV_BYTES + TAG_BYTES) return refuse();
  let opened: unknown;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(PURPOSE);
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    opened = JSON.parse(Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString("utf8"));
  } catch {
    return refuse();
  }
  return readTurn(opened) ?? refuse();
}

/**
 * A turn's signatures read back from JSON we wrote (sealed, or kept in DynamoDB), or undefined when
 * the JSON is not one.
 *
 * @example readTurn({ model: "m", calls: [] }) // { model: "m", calls: [] }
 */
export function readTurn(value: unknown): TurnSignatures | undefined {
  if (!isObject(value) || typeof value.model !== "string" || !Array.isArray(value.calls)) return undefined;
  const calls = value.calls.map((call: unknown) =>
    isObject(call) && typeof call.call_id === "string" && isSignature(call.signature) ? { call_id: call.call_id, signature: call.signature } : undefined,
  );
  if (calls.some((call) => call === undefined)) return undefined;
  if (value.text !== undefined && !isSignature(value.text)) return undefined;
  const turn = { model: value.model, calls: calls.filter((call) => call !== undefined) };
  return typeof value.text === "string" ? { ...turn, text: value.text } : turn;
}

/** Whether a turn carries any signature at all. @example hasSignatures({ model: "m", calls: [] }) // false */
export function hasSignatures(turn: TurnSignatures): boolean {
  return turn.calls.length > 0 || turn.text !== undefined;
}

function isSignature(value: unknown): value is string {
  return typeof value === "string" && (value === SIGNATURE_SENTINEL || BASE64.test(value));
}
