/**
 * Accounts for local runs: keys from `GEMINI_API_KEY`, a service account from
 * `GOOGLE_APPLICATION_CREDENTIALS` (as Google's own tools read it), plus a JSON file in the secret's
 * format that the admin CLI maintains (`GATEWAY_UPSTREAM_FILE`), re-read whenever the file changes.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { AccountListError, GOOGLE_BASE_URL, parseAccountList, serializeAccountList, validateAccounts, withDefaultBaseUrl } from "./accounts.ts";
import type { AccountSource, UpstreamAccount } from "./accounts.ts";
import { validateServiceAccountKey } from "./vertex/account.ts";

/** Environment variable naming the local account file. */
export const UPSTREAM_FILE_ENV = "GATEWAY_UPSTREAM_FILE";

export interface LocalSourceOptions {
  /** Keys, as a list or comma-separated; named `env-1`, `env-2`, … in order. */
  apiKeys?: string | readonly string[];
  /** Base URL for accounts that name none. */
  baseUrl?: string;
  /** Account file path; a missing file means no accounts from it. */
  file?: string;
  /** A service account's JSON key file (`GOOGLE_APPLICATION_CREDENTIALS`), added as account `env-vertex`. */
  serviceAccountFile?: string;
  /** Its Vertex location (`VERTEX_LOCATION`); default `global`. */
  vertexLocation?: string;
}

/** The name of the account `GOOGLE_APPLICATION_CREDENTIALS` adds. */
export const ENV_VERTEX_ACCOUNT = "env-vertex";

/**
 * Env keys first, then the file's accounts. The file is stat'ed on every call and parsed again
 * only when it changed, so `upstream add` works without restarting the local gateway.
 *
 * @example
 * const source = localSource({ apiKeys: "AIza1,AIza2", file: ".local/upstream.json" });
 * (await source.accounts()).map((account) => account.name); // ["env-1", "env-2", …the file's names]
 */
export function localSource(options: LocalSourceOptions = {}): AccountSource {
  const keys = typeof options.apiKeys === "string" ? options.apiKeys.split(",") : (options.apiKeys ?? []);
  const envAccounts = keys
    .map((key) => key.trim())
    .filter((key) => key !== "")
    .map((apiKey, index) => ({ name: `env-${index + 1}`, apiKey }));
  const baseUrl = options.baseUrl || GOOGLE_BASE_URL;
  const file = options.file;
  let seen: { version: string; accounts: readonly UpstreamAccount[] } | undefined;
  let fromCredentials: Promise<UpstreamAccount[]> | undefined;

  return {
    async accounts() {
      fromCredentials ??= credentialsAccount(options.serviceAccountFile, options.vertexLocation);
      const fixed = [...envAccounts, ...(await fromCredentials)];
      if (file === undefined || file === "") return withDefaultBaseUrl(validateAccounts(fixed), baseUrl);
      const version = await fileVersion(file);
      if (seen?.version !== version) {
        const fromFile = version === "missing" ? [] : await readAccountsFile(file);
        seen = { version, accounts: withDefaultBaseUrl(validateAccounts([...fixed, ...fromFile]), baseUrl) };
      }
      return seen.accounts;
    },
  };
}

/**
 * The Vertex account a `GOOGLE_APPLICATION_CREDENTIALS` key file makes, or none when unset. The
 * file is read once per process; errors name the variable and the path, never the file's content.
 *
 * @example
 * await credentialsAccount("/secrets/sa.json", "us-central1");
 * // [{ kind: "vertex", name: "env-vertex", serviceAccount: {…}, location: "us-central1" }]
 */
export async function credentialsAccount(path: string | undefined, location: string | undefined): Promise<UpstreamAccount[]> {
  if (path === undefined || path.trim() === "") return [];
  const where = `GOOGLE_APPLICATION_CREDENTIALS (${path})`;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = isMissing(error) ? "does not exist" : "cannot be read";
    throw new AccountListError(`${where} ${reason}; point it at a service account's JSON key file, or unset it.`);
  }
  let key: unknown;
  try {
    key = JSON.parse(text);
  } catch {
    throw new AccountListError(`${where} is not valid JSON; it must be the JSON key file Google issued for a service account.`);
  }
  const serviceAccount = validateServiceAccountKey(key, where);
  const place = location === undefined || location.trim() === "" ? {} : { location: location.trim() };
  return [{ kind: "vertex", name: ENV_VERTEX_ACCOUNT, serviceAccount, ...place }];
}

/**
 * Reads an account file; a missing file is an empty list.
 *
 * @example
 * const accounts = await readAccountsFile(".local/upstream.json");
 */
export async function readAccountsFile(path: string): Promise<UpstreamAccount[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
  try {
    return parseAccountList(text);
  } catch (error) {
    if (error instanceof AccountListError) throw new AccountListError(`${path}: ${error.message}`);
    throw error;
  }
}

/**
 * Writes an account file readable only by its owner (0600), atomically: readers see the old or the
 * new list, never half of one.
 *
 * @example
 * await writeAccountsFile(".local/upstream.json", [{ name: "main", apiKey }]);
 */
export async function writeAccountsFile(path: string, accounts: readonly UpstreamAccount[]): Promise<void> {
  const text = serializeAccountList(accounts);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, text, { mode: 0o600, flag: "wx" });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

// Nanosecond times plus inode and size: a rewrite within the same millisecond still counts as a change.
async function fileVersion(path: string): Promise<string> {
  try {
    const info = await stat(path, { bigint: true });
    return `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
  } catch (error) {
    if (isMissing(error)) return "missing";
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  // Structural: fs errors may come from another realm (jest's sandbox).
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "ENOENT";
}
