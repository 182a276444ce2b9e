import { InvalidApiKeyError } from "../domain/errors.ts";
import { hashKey, isWellFormedKey } from "../domain/keys.ts";
import { header } from "../http/function-url.ts";
import { getKeyByHash, type KeyRecord } from "../store/keys.ts";
import type { GatewayMiddleware } from "./types.ts";

/**
 * How long a Lambda instance trusts a key record it has read. A disabled key can keep working on a
 * warm instance for at most this long; money decisions never use this cache.
 */
export const KEY_CACHE_TTL_MS = 5_000;
const MAX_CACHED_KEYS = 1_000;
const cache = new Map<string, { record: KeyRecord | undefined; expires: number }>();

export interface AuthOptions {
  /** Google's SDKs send `x-goog-api-key` or `?key=`; the native route accepts them as well. */
  readonly googleStyle: boolean;
}

/** Authenticates the `sk-` key, the same answer for every way a key can be wrong. */
export function auth(options: AuthOptions): GatewayMiddleware {
  return {
    name: "auth",
    before: async (request) => {
      if (request.context.route?.public) return;
      const key = presentedKey(request.event, options);
      if (!key || !isWellFormedKey(key)) throw new InvalidApiKeyError();
      const record = await lookup(hashKey(key));
      if (!record || record.status !== "active") throw new InvalidApiKeyError();
      request.context.key = record;
    },
  };
}

function presentedKey(event: Parameters<typeof header>[0], options: AuthOptions): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header(event, "authorization") ?? "")?.[1];
  if (bearer || !options.googleStyle) return bearer;
  return header(event, "x-goog-api-key")?.trim() || event.queryStringParameters?.key;
}

async function lookup(keyHash: string): Promise<KeyRecord | undefined> {
  const now = Date.now();
  const cached = cache.get(keyHash);
  if (cached && cached.expires > now) return cached.record;
  const record = await getKeyByHash(keyHash);
  if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value ?? "");
  cache.set(keyHash, { record, expires: now + KEY_CACHE_TTL_MS });
  return record;
}

/** Forgets cached key records; the admin CLI's changes are then seen at once (tests, local runs). */
export function clearKeyCache(): void {
  cache.clear();
}
