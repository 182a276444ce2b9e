/**
 * The signed assertion of OAuth 2.0's JWT-bearer grant (RFC 7523) that a service account trades
 * for an access token: RS256 over `{iss, scope, aud, iat, exp}`, signed with `node:crypto`. The
 * README's "Vertex AI accounts" section has the measurements that chose this over
 * google-auth-library.
 */
import { createPrivateKey, sign } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { UpstreamAuthError } from "../errors.ts";
import type { ServiceAccountKey } from "./account.ts";

/** The one scope Vertex AI needs. */
export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
/** Google refuses assertions that live longer than an hour. */
export const ASSERTION_LIFETIME_SECONDS = 3600;

export interface AssertionClaims {
  readonly iss: string;
  readonly scope: string;
  readonly aud: string;
  readonly iat: number;
  readonly exp: number;
}

/**
 * The claims for `key` at `nowMs`: issued now, expiring in an hour, addressed to the key's
 * `token_uri` as given.
 *
 * @example
 * assertionClaims(key, Date.parse("2026-01-01T00:00:00Z"));
 * // { iss: key.client_email, scope: CLOUD_PLATFORM_SCOPE, aud: key.token_uri, iat: 1767225600, exp: 1767229200 }
 */
export function assertionClaims(key: ServiceAccountKey, nowMs: number): AssertionClaims {
  const iat = Math.floor(nowMs / 1000);
  return { iss: key.client_email, scope: CLOUD_PLATFORM_SCOPE, aud: key.token_uri, iat, exp: iat + ASSERTION_LIFETIME_SECONDS };
}

/**
 * The compact JWS `header.claims.signature`. Throws `UpstreamAuthError` ("refused") when the key
 * cannot sign, with a message that never quotes the key.
 *
 * @example
 * const assertion = signAssertion(key, Date.now()); // "eyJhbGciOiJSUzI1NiIs…"
 */
export function signAssertion(key: ServiceAccountKey, nowMs: number): string {
  const header = { alg: "RS256", typ: "JWT", ...(typeof key.private_key_id === "string" && { kid: key.private_key_id }) };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(assertionClaims(key, nowMs)))}`;
  const signature = sign("sha256", Buffer.from(signingInput), rsaKey(key));
  return `${signingInput}.${signature.toString("base64url")}`;
}

function rsaKey(key: ServiceAccountKey): KeyObject {
  let parsed: KeyObject;
  try {
    parsed = createPrivateKey(key.private_key);
  } catch {
    // Node's parse errors say nothing of the key, but its text is not worth the risk.
    throw new UpstreamAuthError("refused", `The private key of service account ${key.client_email} cannot be read; replace the key file.`);
  }
  if (parsed.asymmetricKeyType !== "rsa") {
    throw new UpstreamAuthError("refused", `The private key of service account ${key.client_email} is not an RSA key; Google issues RSA keys, replace the key file.`);
  }
  return parsed;
}

function base64url(text: string): string {
  return Buffer.from(text).toString("base64url");
}
