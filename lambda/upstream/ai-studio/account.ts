/**
 * A Google AI Studio API key account: `{"name","apiKey","baseUrl"?}`, with `"kind":"ai-studio"`
 * optional because it was the only kind before Vertex came.
 */
import { checkBaseUrl, requiredString } from "../account-fields.ts";

/** Google's public Gemini API host, used when neither the account nor `GEMINI_BASE_URL` names one. */
export const GOOGLE_BASE_URL = "https://generativelanguage.googleapis.com";

/** One Google AI Studio API key the gateway may spend. `name` is the only part ever shown or stored. */
export interface AiStudioAccount {
  readonly kind?: "ai-studio";
  readonly name: string;
  readonly apiKey: string;
  /** Google's host or any server speaking its API; defaults to `GEMINI_BASE_URL`, then Google. */
  readonly baseUrl?: string;
}

/**
 * Checks one AI Studio entry, whose name the caller has already checked; `kind` is kept only
 * if the entry spelled it out, so a list round-trips unchanged.
 *
 * @example
 * validateAiStudioAccount({ name: "main", apiKey: "AIza..." }, "main", 'upstream account #1 ("main")');
 * // { name: "main", apiKey: "AIza..." }
 */
export function validateAiStudioAccount(entry: Readonly<Record<string, unknown>>, name: string, where: string): AiStudioAccount {
  const apiKey = requiredString(entry, "apiKey", where);
  const kind = entry.kind === "ai-studio" ? { kind: "ai-studio" as const } : {};
  if (entry.baseUrl === undefined) return { ...kind, name, apiKey };
  return { ...kind, name, apiKey, baseUrl: checkBaseUrl(entry.baseUrl, where, GOOGLE_BASE_URL) };
}
