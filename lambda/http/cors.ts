/**
 * Cross-origin access as a Lambda function URL grants it when the stack allows origins
 * (`-c corsAllowedOrigins=…`): the URL answers browsers' preflights itself and adds the CORS
 * headers to every answer, so the functions never see either. The local server does the same with
 * these helpers, so a browser app can be tried against `npm start`.
 */

/** Headers a browser's script may read from an answer: ours, beyond the CORS-safelisted ones. */
export const CORS_EXPOSED_HEADERS = ["x-request-id", "retry-after", "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests", "idempotent-replayed"] as const;

/** How long a browser may keep a preflight's answer, in seconds. */
export const CORS_MAX_AGE_SECONDS = 3_600;

export interface CorsSettings {
  /** Origins such as `https://app.example.com`, or `*` for any. */
  readonly allowedOrigins: readonly string[];
}

/** The origin to allow, as it goes in `Access-Control-Allow-Origin`, or undefined to allow none. */
export function allowedOrigin(settings: CorsSettings, origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  if (settings.allowedOrigins.includes("*")) return "*";
  return settings.allowedOrigins.includes(origin) ? origin : undefined;
}

/**
 * The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`): the request's method
 * and headers allowed, for an allowed origin; no CORS headers otherwise, which a browser reads as no.
 *
 * @example preflightHeaders({ allowedOrigins: ["*"] }, { origin: "https://a.example", "access-control-request-method": "POST" })
 */
export function preflightHeaders(settings: CorsSettings, headers: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const origin = allowedOrigin(settings, headers.origin);
  if (origin === undefined) return {};
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": headers["access-control-request-method"] ?? "*",
    "access-control-allow-headers": headers["access-control-request-headers"] ?? "*",
    "access-control-max-age": String(CORS_MAX_AGE_SECONDS),
    vary: "Origin",
  };
}

/** What an ordinary answer to an allowed origin carries. */
export function responseCorsHeaders(settings: CorsSettings, origin: string | undefined): Record<string, string> {
  const allowed = allowedOrigin(settings, origin);
  if (allowed === undefined) return {};
  return { "access-control-allow-origin": allowed, "access-control-expose-headers": CORS_EXPOSED_HEADERS.join(","), vary: "Origin" };
}

/** A preflight, not a request the function would serve. */
export function isPreflight(method: string, headers: Readonly<Record<string, string | undefined>>): boolean {
  return method === "OPTIONS" && headers["access-control-request-method"] !== undefined;
}
