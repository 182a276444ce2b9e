/**
 * The deployed account list: a Secrets Manager secret holding `{"accounts":[…]}`, read through a
 * short in-memory cache so `upstream add` takes effect within a minute, and written by the admin CLI.
 */
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { GetSecretValueCommandOutput, PutSecretValueCommandOutput } from "@aws-sdk/client-secrets-manager";
import { AccountListError, GOOGLE_BASE_URL, parseAccountList, serializeAccountList, withDefaultBaseUrl } from "./accounts.ts";
import type { AccountSource, UpstreamAccount } from "./accounts.ts";

/** The part of `SecretsManagerClient` the reader needs; tests pass a stub. */
export interface SecretReader {
  send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput>;
}

/** The part of `SecretsManagerClient` the admin writer needs. */
export interface SecretWriter {
  send(command: PutSecretValueCommand): Promise<PutSecretValueCommandOutput>;
}

export interface SecretSourceOptions {
  client?: SecretReader;
  /** How long a loaded list is used before it is read again. */
  ttlMs?: number;
  /** Base URL for accounts that name none (`GEMINI_BASE_URL`). */
  defaultBaseUrl?: string;
  now?: () => number;
}

// After a failed refresh the last good list is kept, and the secret retried no sooner than this.
const STALE_RETRY_MS = 5_000;

let sharedClient: SecretsManagerClient | undefined;

/**
 * Accounts from the secret, cached for `ttlMs`. Concurrent callers share one read; if a refresh
 * fails, the last good list stays in use rather than failing requests.
 *
 * @example
 * const source = secretsManagerSource(process.env.UPSTREAM_SECRET_ARN!);
 * const accounts = await source.accounts();
 */
export function secretsManagerSource(arn: string, options: SecretSourceOptions = {}): AccountSource {
  const { ttlMs = 60_000, now = Date.now, defaultBaseUrl = GOOGLE_BASE_URL } = options;
  let cached: { accounts: readonly UpstreamAccount[]; expiresAt: number } | undefined;
  let loading: Promise<readonly UpstreamAccount[]> | undefined;

  const refresh = async (): Promise<readonly UpstreamAccount[]> => {
    try {
      const accounts = withDefaultBaseUrl(await readSecretAccounts(arn, options.client), defaultBaseUrl);
      cached = { accounts, expiresAt: now() + ttlMs };
      return accounts;
    } catch (error) {
      if (cached === undefined) throw error;
      cached = { accounts: cached.accounts, expiresAt: now() + Math.min(ttlMs, STALE_RETRY_MS) };
      return cached.accounts;
    } finally {
      loading = undefined;
    }
  };

  return {
    accounts() {
      if (cached !== undefined && now() < cached.expiresAt) return Promise.resolve(cached.accounts);
      loading ??= refresh();
      return loading;
    },
  };
}

/**
 * Reads and validates the secret's account list (admin CLI and `secretsManagerSource`).
 *
 * @example
 * const accounts = await readSecretAccounts(arn);
 */
export async function readSecretAccounts(arn: string, client: SecretReader = defaultClient()): Promise<UpstreamAccount[]> {
  const output = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (output.SecretString === undefined) {
    throw new AccountListError('The upstream secret has no string value; expected {"accounts":[…]}.');
  }
  return parseAccountList(output.SecretString);
}

/**
 * Replaces the secret's account list with `accounts` (validated first) as a new secret version.
 *
 * @example
 * await writeSecretAccounts(arn, [...(await readSecretAccounts(arn)), { name: "backup", apiKey }]);
 */
export async function writeSecretAccounts(
  arn: string,
  accounts: readonly UpstreamAccount[],
  client: SecretWriter = defaultClient(),
): Promise<void> {
  await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: serializeAccountList(accounts) }));
}

function defaultClient(): SecretsManagerClient {
  sharedClient ??= new SecretsManagerClient({});
  return sharedClient;
}
