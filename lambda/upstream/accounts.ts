/**
 * The upstream account list: the JSON kept in the Secrets Manager secret and in the local file the
 * admin CLI writes, `{"accounts":[{"name":"main","apiKey":"AIza…","baseUrl":"https://…"}]}`.
 *
 * Errors here name the account (by position and name) but never quote a key or the raw JSON,
 * because V8's JSON errors echo the input and the input holds the keys.
 */

/** Google's public Gemini API host, used when neither the account nor `GEMINI_BASE_URL` names one. */
export const GOOGLE_BASE_URL = "https://generativelanguage.googleapis.com";

/** One Google AI Studio API key the gateway may spend. `name` is the only part ever shown or stored. */
export interface UpstreamAccount {
  readonly name: string;
  readonly apiKey: string;
  /** Google's host or any server speaking its API; defaults to `GEMINI_BASE_URL`, then Google. */
  readonly baseUrl?: string;
}

/** Where the pool gets its accounts from; implementations cache as they see fit. */
export interface AccountSource {
  accounts(): Promise<readonly UpstreamAccount[]>;
}

/** The account list is malformed; the message says where, and never includes a key. */
export class AccountListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AccountListError";
  }
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
 * Checks a list of accounts (names unique and non-empty, keys non-empty, base URLs http(s)) and
 * returns clean copies with surrounding whitespace and trailing slashes removed.
 *
 * @example
 * validateAccounts([{ name: "a", apiKey: "k1" }, { name: "b", apiKey: "k2", baseUrl: "http://127.0.0.1:9/" }]);
 */
export function validateAccounts(entries: readonly unknown[]): UpstreamAccount[] {
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const where = `upstream account #${index + 1}`;
    if (!isRecord(entry)) throw new AccountListError(`${where} must be an object with "name" and "apiKey".`);
    const name = typeof entry.name === "string" ? entry.name.trim() : "";
    if (name === "") throw new AccountListError(`${where} needs a non-empty "name".`);
    if (seen.has(name)) throw new AccountListError(`${where}: the name "${name}" is used twice; names must be unique.`);
    seen.add(name);
    const apiKey = typeof entry.apiKey === "string" ? entry.apiKey.trim() : "";
    if (apiKey === "") throw new AccountListError(`${where} ("${name}") needs a non-empty "apiKey".`);
    if (entry.baseUrl === undefined) return { name, apiKey };
    return { name, apiKey, baseUrl: checkBaseUrl(entry.baseUrl, `${where} ("${name}")`) };
  });
}

/**
 * The JSON stored in the secret or file: pretty-printed, keys only under `apiKey`.
 *
 * @example
 * serializeAccountList([{ name: "main", apiKey: "AIza..." }]); // '{\n  "accounts": [ … ]\n}\n'
 */
export function serializeAccountList(accounts: readonly UpstreamAccount[]): string {
  const clean = validateAccounts(accounts);
  return `${JSON.stringify({ accounts: clean }, null, 2)}\n`;
}

/**
 * Fills in the base URL of accounts that do not name one.
 *
 * @example
 * withDefaultBaseUrl([{ name: "a", apiKey: "k" }], "http://127.0.0.1:8080")[0].baseUrl; // "http://127.0.0.1:8080"
 */
export function withDefaultBaseUrl(accounts: readonly UpstreamAccount[], baseUrl = GOOGLE_BASE_URL): UpstreamAccount[] {
  const fallback = checkBaseUrl(baseUrl, "GEMINI_BASE_URL");
  return accounts.map((account) => ({ ...account, baseUrl: account.baseUrl ?? fallback }));
}

function checkBaseUrl(value: unknown, where: string): string {
  const text = typeof value === "string" ? value.trim() : "";
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new AccountListError(`${where}: "baseUrl" must be an http(s) URL such as ${GOOGLE_BASE_URL}.`);
  }
  if (url.search !== "" || url.username !== "" || url.password !== "") {
    throw new AccountListError(`${where}: "baseUrl" must not carry a query string or credentials; put the key in "apiKey".`);
  }
  return text.replace(/\/+$/, "");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
