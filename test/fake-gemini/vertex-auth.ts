// Google's OAuth 2.0 token endpoint for service accounts (the JWT-bearer grant) and Vertex's check of
// the bearer tokens it issued. Assertions are verified for real: RS256 against the public key a
// test registered, audience, scope, issue and expiry times.
import { randomBytes, verify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { ServerResponse } from "node:http";
import { GoogleError } from "./google-errors.ts";
import { isRecord } from "./json.ts";

export const TOKEN_PATH = "/token";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";
const TYPE_PREFIX = "type.googleapis.com/google.rpc.";

export interface FakeServiceAccount {
  clientEmail: string;
  publicKey: KeyObject | string;
  projectId: string;
}

export interface TokenRequest {
  // Absent when the assertion could not be read far enough to name its issuer.
  clientEmail?: string;
  outcome: "issued" | "refused";
  // The OAuth error code when refused, e.g. "invalid_grant".
  error?: string;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

export interface Principal {
  clientEmail: string;
  projectId: string;
}

interface IssuedToken extends Principal {
  expiresAt: number;
}

class OAuthError extends Error {
  readonly status: number;
  readonly error: string;
  readonly description: string;

  constructor(status: number, error: string, description: string) {
    super(description);
    this.status = status;
    this.error = error;
    this.description = description;
  }
}

export class FakeVertexAuth {
  readonly tokenRequests: TokenRequest[] = [];
  readonly #accounts = new Map<string, FakeServiceAccount>();
  readonly #tokens = new Map<string, IssuedToken>();
  #lifetimeSeconds = 3600;
  #refusals: { status: number; remaining: number }[] = [];

  register(account: FakeServiceAccount): void {
    this.#accounts.set(account.clientEmail, account);
  }

  // Tokens issued from now on live this long (expires_in), until reset().
  issueTokensFor(seconds: number): void {
    this.#lifetimeSeconds = seconds;
  }

  // The next `times` token requests are refused with `status` (401: invalid_client), however good their assertion.
  refuseTokens(status = 401, times = 1): void {
    this.#refusals.push({ status, remaining: times });
  }

  // Every token issued so far, as Vertex would see it: for tests that look for leaks.
  issuedTokens(): string[] {
    return [...this.#tokens.keys()];
  }

  principalOf(token: string | undefined): Principal | undefined {
    return token === undefined ? undefined : this.#tokens.get(token);
  }

  // Issued tokens and registered accounts survive a reset, as they would at Google.
  reset(): void {
    this.tokenRequests.length = 0;
    this.#lifetimeSeconds = 3600;
    this.#refusals = [];
  }

  handleTokenRequest(res: ServerResponse, rawBody: string, audience: string): void {
    const record: TokenRequest = { outcome: "refused" };
    this.tokenRequests.push(record);
    try {
      const principal = this.#verify(new URLSearchParams(rawBody), audience, record);
      const refusal = this.#refusals.find((candidate) => candidate.remaining > 0);
      if (refusal !== undefined) {
        refusal.remaining -= 1;
        throw new OAuthError(refusal.status, "invalid_client", "The OAuth client was not found.");
      }
      const token = `ya29.fake-${randomBytes(24).toString("base64url")}`;
      this.#tokens.set(token, { ...principal, expiresAt: Date.now() + this.#lifetimeSeconds * 1000 });
      record.outcome = "issued";
      sendJson(res, 200, { access_token: token, expires_in: this.#lifetimeSeconds, token_type: "Bearer" });
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      record.error = error.error;
      sendJson(res, error.status, { error: error.error, error_description: error.description });
    }
  }

  // Vertex's check of `Authorization: Bearer …`, with the 401s it answers for a missing, unknown or expired token.
  authenticate(authorization: string | undefined): Principal {
    const token = /^Bearer (\S+)$/i.exec(authorization ?? "")?.[1];
    if (token === undefined) throw unauthenticated("CREDENTIALS_MISSING");
    const issued = this.#tokens.get(token);
    if (issued === undefined) throw unauthenticated("ACCESS_TOKEN_TYPE_UNSUPPORTED");
    if (Date.now() >= issued.expiresAt) throw unauthenticated("ACCESS_TOKEN_EXPIRED");
    return issued;
  }

  #verify(form: URLSearchParams, audience: string, record: TokenRequest): Principal {
    if (form.get("grant_type") !== JWT_BEARER) throw new OAuthError(400, "unsupported_grant_type", `Invalid grant_type: ${form.get("grant_type") ?? ""}`);
    const parts = (form.get("assertion") ?? "").split(".");
    const [header, claims] = parts.slice(0, 2).map(decodeSegment);
    if (parts.length !== 3 || header === undefined || claims === undefined) throw invalidGrant("Invalid JWT: the assertion is not a signed JWT.");
    record.header = header;
    record.claims = claims;
    const account = typeof claims.iss === "string" ? this.#accounts.get(claims.iss) : undefined;
    if (account === undefined) throw invalidGrant("Invalid grant: account not found");
    record.clientEmail = account.clientEmail;
    if (header.alg !== "RS256") throw invalidGrant("Invalid JWT: only RS256 is accepted.");
    const signed = verify("sha256", Buffer.from(`${parts[0]}.${parts[1]}`), account.publicKey, Buffer.from(parts[2] ?? "", "base64url"));
    if (!signed) throw invalidGrant("Invalid JWT Signature.");
    if (claims.aud !== audience) throw invalidGrant(`Invalid JWT: Failed audience check. The right audience is ${audience}`);
    const scopes = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
    if (!scopes.includes(CLOUD_PLATFORM)) throw new OAuthError(400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.");
    checkTimes(claims);
    return { clientEmail: account.clientEmail, projectId: account.projectId };
  }
}

function checkTimes(claims: Record<string, unknown>): void {
  const now = Math.floor(Date.now() / 1000);
  const { iat, exp } = claims;
  const reasonable = typeof iat === "number" && typeof exp === "number" && iat <= now + 60 && exp > now && exp - iat <= 3600;
  if (!reasonable) {
    throw invalidGrant("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.");
  }
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function invalidGrant(description: string): OAuthError {
  return new OAuthError(400, "invalid_grant", description);
}

function unauthenticated(reason: string): GoogleError {
  return new GoogleError(
    401,
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. " +
      "See https://developers.google.com/identity/sign-in/web/devconsole-project.",
    [{ "@type": `${TYPE_PREFIX}ErrorInfo`, reason, domain: "googleapis.com", metadata: { service: "aiplatform.googleapis.com" } }],
  );
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body, null, 2));
}
