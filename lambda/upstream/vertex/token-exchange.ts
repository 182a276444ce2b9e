/**
 * Trades a service account's signed assertion for an access token at the key's `token_uri`
 * (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`). Neither the assertion, the private
 * key nor the token ever reaches an error message.
 */
import { UpstreamAuthError, redact } from "../errors.ts";
import type { ServiceAccountKey } from "./account.ts";
import { signAssertion } from "./jwt.ts";

export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** Google's token endpoint answers in well under a second; this only bounds a hung connection. */
export const TOKEN_EXCHANGE_TIMEOUT_MS = 30_000;

export interface AccessToken {
  readonly token: string;
  /** When it was requested, in epoch ms: the lifetime counts from there, to be safe. */
  readonly issuedAtMs: number;
  readonly expiresAtMs: number;
}

export interface ExchangeOptions {
  readonly now?: () => number;
  readonly timeoutMs?: number;
}

/**
 * Signs an assertion for `key` and exchanges it. Throws `UpstreamAuthError`: `refused` when Google
 * answers 4xx (a revoked key, a disabled account, a bad signature) or the key cannot sign;
 * `unavailable` when the endpoint cannot be reached, times out, fails, or answers nonsense.
 *
 * @example
 * const { token, expiresAtMs } = await exchangeForAccessToken(serviceAccount);
 */
export async function exchangeForAccessToken(key: ServiceAccountKey, options: ExchangeOptions = {}): Promise<AccessToken> {
  const now = options.now ?? Date.now;
  const issuedAtMs = now();
  const assertion = signAssertion(key, issuedAtMs);
  const secrets = [assertion, key.private_key];
  const who = `service account ${key.client_email}`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(key.token_uri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString(),
      signal: AbortSignal.timeout(options.timeoutMs ?? TOKEN_EXCHANGE_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    const code = errorCode(error);
    throw new UpstreamAuthError("unavailable", `The token endpoint of ${who} could not be reached${code === undefined ? "" : ` (${code})`}; it is retried after a short cool-down.`);
  }
  const body = parseJson(text);
  if (!response.ok) {
    const failure = response.status >= 400 && response.status < 500 ? "refused" : "unavailable";
    const fix =
      failure === "refused"
        ? "check that the service account, its key and the Vertex AI API are still enabled, or add a new key file"
        : "the token endpoint failed; it is retried after a short cool-down";
    throw new UpstreamAuthError(failure, `Google refused a token for ${who}: ${response.status} ${oauthReason(body, secrets)}; ${fix}.`);
  }
  const token = typeof body?.access_token === "string" ? body.access_token : "";
  const expiresIn = typeof body?.expires_in === "number" && body.expires_in > 0 ? body.expires_in : undefined;
  if (token === "" || expiresIn === undefined) {
    throw new UpstreamAuthError("unavailable", `The token endpoint of ${who} answered without an access_token and expires_in; check the key file's token_uri.`);
  }
  return { token, issuedAtMs, expiresAtMs: issuedAtMs + expiresIn * 1000 };
}

// OAuth's `{error, error_description}`, e.g. "invalid_grant (Invalid JWT Signature.)". Redacted
// before it is shortened, so no part of a secret survives the cut.
function oauthReason(body: Record<string, unknown> | undefined, secrets: readonly string[]): string {
  const error = typeof body?.error === "string" ? redact(body.error, secrets).slice(0, 60) : "unknown_error";
  const description = typeof body?.error_description === "string" ? ` (${redact(body.error_description, secrets).slice(0, 300)})` : "";
  return `${error}${description}`;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const { code, name, cause } = current as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof code === "string") return code;
    if (name === "TimeoutError") return "timeout";
    current = cause;
  }
  return undefined;
}
