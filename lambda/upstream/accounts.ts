/**
 * The upstream account list: the JSON kept in the Secrets Manager secret and in the local file the
 * admin CLI writes, `{"accounts":[…]}`, mixing Google AI Studio keys (`ai-studio/account.ts`) and
 * Vertex AI accounts (`vertex/account.ts`).
 *
 * Errors here name the account (by position and name) but never quote a key or the raw JSON,
 * because V8's JSON errors echo the input and the input holds the keys.
 */
import type { UpstreamKind, UpstreamPlacement } from "../domain/catalog.ts";
import { AccountListError, checkBaseUrl, isRecord } from "./account-fields.ts";
import { GOOGLE_BASE_URL, validateAiStudioAccount } from "./ai-studio/account.ts";
import type { AiStudioAccount } from "./ai-studio/account.ts";
import { validateVertexAccount, vertexLocation } from "./vertex/account.ts";
import type { VertexAccount } from "./vertex/account.ts";

export { AccountListError } from "./account-fields.ts";
export { GOOGLE_BASE_URL } from "./ai-studio/account.ts";
export type { AiStudioAccount } from "./ai-studio/account.ts";
export type { ServiceAccountKey, VertexAccount, VertexExpressAccount, VertexServiceAccount } from "./vertex/account.ts";

/** One account the gateway may spend. `name` (and `kind`) are the only parts ever shown or stored. */
export type UpstreamAccount = AiStudioAccount | VertexAccount;

/** Where the pool gets its accounts from; implementations cache as they see fit. */
export interface AccountSource {
  accounts(): Promise<readonly UpstreamAccount[]>;
}

/**
 * Parses and validates an account list.
 *
 * @example
 * parseAccountList('{"accounts":[{"name":"main","apiKey":"AIza..."}]}'); // [{ name: "main", apiKey: "AIza..." }]
 */
export function parseAccountList(json: string): UpstreamAccount[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new AccountListError('The upstream account list is not valid JSON; expected {"accounts":[{"name":…,"apiKey":…}]}.');
  }
  if (!isRecord(value) || !Array.isArray(value.accounts)) {
    throw new AccountListError('The upstream account list must be an object with an "accounts" array.');
  }
  return validateAccounts(value.accounts);
}

/**
 * Checks a list of accounts (names unique and non-empty, each kind's own fields) and returns clean
 * copies with surrounding whitespace and base URLs' trailing slashes removed.
 *
 * @example
 * validateAccounts([{ name: "a", apiKey: "k1" }, { kind: "vertex", name: "b", apiKey: "k2" }]);
 */
export function validateAccounts(entries: readonly unknown[]): UpstreamAccount[] {
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const position = `upstream account #${index + 1}`;
    if (!isRecord(entry)) throw new AccountListError(`${position} must be an object with "name" and "apiKey".`);
    const name = typeof entry.name === "string" ? entry.name.trim() : "";
    if (name === "") throw new AccountListError(`${position} needs a non-empty "name".`);
    if (seen.has(name)) throw new AccountListError(`${position}: the name "${name}" is used twice; names must be unique.`);
    seen.add(name);
    const where = `${position} ("${name}")`;
    if (entry.kind === undefined || entry.kind === "ai-studio") return validateAiStudioAccount(entry, name, where);
    if (entry.kind === "vertex") return validateVertexAccount(entry, name, where);
    throw new AccountListError(`${where}: "kind" must be "ai-studio" or "vertex".`);
  });
}

/**
 * The JSON stored in the secret or file: pretty-printed, each account as validated.
 *
 * @example
 * serializeAccountList([{ name: "main", apiKey: "AIza..." }]); // '{\n  "accounts": [ … ]\n}\n'
 */
export function serializeAccountList(accounts: readonly UpstreamAccount[]): string {
  const clean = validateAccounts(accounts);
  return `${JSON.stringify({ accounts: clean }, null, 2)}\n`;
}

/**
 * Fills in the base URL of AI Studio accounts that do not name one (`GEMINI_BASE_URL` is Google AI
 * Studio's host, so Vertex accounts keep theirs or Vertex's).
 *
 * @example
 * withDefaultBaseUrl([{ name: "a", apiKey: "k" }], "http://127.0.0.1:8080")[0].baseUrl; // "http://127.0.0.1:8080"
 */
export function withDefaultBaseUrl(accounts: readonly UpstreamAccount[], baseUrl = GOOGLE_BASE_URL): UpstreamAccount[] {
  const fallback = checkBaseUrl(baseUrl, "GEMINI_BASE_URL", GOOGLE_BASE_URL);
  return accounts.map((account) => (account.kind === "vertex" ? account : { ...account, baseUrl: account.baseUrl ?? fallback }));
}

/**
 * The account's kind; an entry without `kind` is an AI Studio key.
 *
 * @example
 * accountKind({ name: "main", apiKey: "AIza..." }); // "ai-studio"
 */
export function accountKind(account: UpstreamAccount): UpstreamKind {
  return account.kind ?? "ai-studio";
}

/**
 * What the catalog needs to decide whether the account serves a model.
 *
 * @example
 * accountPlacement({ kind: "vertex", name: "vx", serviceAccount: key, location: "us-central1" }); // { kind: "vertex", location: "us-central1" }
 */
export function accountPlacement(account: UpstreamAccount): UpstreamPlacement {
  return account.kind === "vertex" ? { kind: "vertex", location: vertexLocation(account) } : { kind: "ai-studio" };
}

/**
 * The secret that makes the account what it is, for deriving an identity from (never to show):
 * a replaced key or key file then counts as a new account.
 *
 * @example
 * credentialOf({ name: "main", apiKey: "AIza..." }); // "AIza..."
 */
export function credentialOf(account: UpstreamAccount): string {
  if ("serviceAccount" in account) return `${account.serviceAccount.client_email}\u0000${account.serviceAccount.private_key}`;
  return account.apiKey;
}
