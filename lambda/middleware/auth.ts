import { InvalidApiKeyError } from "../domain/errors.ts";
import { hashKey, isWellFormedKey, isWellFormedManagementKey } from "../domain/keys.ts";
import { header } from "../http/function-url.ts";
import { accountIsActive } from "../store/accounts.ts";
import { getKeyByHash, type KeyRecord } from "../store/keys.ts";
import type { GatewayMiddleware } from "./types.ts";

/**
 * How long a Lambda instance trusts a key record (and its account's status) it has read. A disabled
 * key or account can keep working on a warm instance for at most this long; money decisions never
 * use this cache, and admission refuses a disabled account on its own.
 */
export const KEY_CACHE_TTL_MS = 5_000;
const MAX_CACHED_KEYS = 1_000;
const cache = new Map<string, { record: KeyRecord | undefined; accountActive: boolean; expires: number }>();

export interface AuthOptions {
  /** Google's SDKs send `x-goog-api-key` or `?key=`; the native route accepts them as well. */
  readonly googleStyle: boolean;
}

/** Authenticates a customer's `sk-` key, the same answer for every way a key can be wrong. */
export function auth(options: AuthOptions): GatewayMiddleware {
  return {
    name: "auth",
    before: async (request) => {
      if (request.context.route?.public) return;
      const key = presentedKey(request.event, options.googleStyle);
      if (!key || !isWellFormedKey(key)) throw new InvalidApiKeyError();
      const { record, accountActive } = await lookup(hashKey(key), true);
      if (!record || record.status !== "active" || record.kind === "management" || !accountActive) throw new InvalidApiKeyError();
      request.context.key = record;
      if (request.context.record) {
        request.context.record.keyId = record.keyId;
        request.context.record.accountId = record.accountId;
      }
    },
  };
}

/** Authenticates an `mk-` management key, for the admin API only. */
export function managementAuth(): GatewayMiddleware {
  return {
    name: "managementAuth",
    before: async (request) => {
      if (request.context.route?.public) return;
      const key = presentedKey(request.event, false);
      if (!key || !isWellFormedManagementKey(key)) {
        throw new InvalidApiKeyError("Missing or invalid management key. Send `Authorization: Bearer mk-…` with an active management key.");
      }
      const { record } = await lookup(hashKey(key), false);
      if (!record || record.status !== "active" || record.kind !== "management") {
        throw new InvalidApiKeyError("Missing or invalid management key. Send `Authorization: Bearer mk-…` with an active management key.");
      }
      request.context.managementKey = record;
      if (request.context.record) request.context.record.keyId = record.keyId;
    },
  };
}

function presentedKey(event: Parameters<typeof header>[0], googleStyle: boolean): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header(event, "authorization") ?? "")?.[1];
  if (bearer || !googleStyle) return bearer;
  return header(event, "x-goog-api-key")?.trim() || event.queryStringParameters?.key;
}

async function lookup(keyHash: string, withAccount: boolean): Promise<{ record: KeyRecord | undefined; accountActive: boolean }> {
  const now = Date.now();
  const cached = cache.get(keyHash);
  if (cached && cached.expires > now) return cached;
  const record = await getKeyByHash(keyHash);
  const accountActive = withAccount && record !== undefined && record.kind !== "management" ? await accountIsActive(record.accountId) : true;
  if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value ?? "");
  const entry = { record, accountActive, expires: now + KEY_CACHE_TTL_MS };
  cache.set(keyHash, entry);
  return entry;
}

/** Forgets cached key records; the admin CLI's changes are then seen at once (tests, local runs). */
export function clearKeyCache(): void {
  cache.clear();
}
