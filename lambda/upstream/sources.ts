/**
 * Picks where the accounts come from: the deployed secret when `UPSTREAM_SECRET_ARN` is set,
 * otherwise `GEMINI_API_KEY`, `GOOGLE_APPLICATION_CREDENTIALS` and the local account file.
 */
import { UPSTREAM_SECRET_ENV } from "../store/schema.ts";
import { GOOGLE_BASE_URL } from "./accounts.ts";
import type { AccountSource } from "./accounts.ts";
import { UPSTREAM_FILE_ENV, localSource } from "./local-source.ts";
import { secretsManagerSource } from "./secret-source.ts";
import type { SecretReader } from "./secret-source.ts";

export { ENV_VERTEX_ACCOUNT, credentialsAccount, localSource, readAccountsFile, writeAccountsFile, UPSTREAM_FILE_ENV } from "./local-source.ts";
export { readSecretAccounts, secretsManagerSource, writeSecretAccounts } from "./secret-source.ts";
export type { SecretReader, SecretWriter } from "./secret-source.ts";

export interface EnvSourceOptions {
  /** Client for the secret (tests pass a stub); defaults to a shared `SecretsManagerClient`. */
  secretsClient?: SecretReader;
}

/**
 * The account source this environment configures. Accounts without a `baseUrl` use
 * `GEMINI_BASE_URL`, else Google's host.
 *
 * @example
 * accountSourceFromEnv({ GEMINI_API_KEY: "AIza1,AIza2" }); // local: accounts env-1 and env-2
 * accountSourceFromEnv({ GOOGLE_APPLICATION_CREDENTIALS: "sa.json", VERTEX_LOCATION: "global" }); // local: env-vertex
 * accountSourceFromEnv({ UPSTREAM_SECRET_ARN: "arn:aws:secretsmanager:…" }); // the deployed secret
 */
export function accountSourceFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: EnvSourceOptions = {},
): AccountSource {
  const baseUrl = env.GEMINI_BASE_URL?.trim() || GOOGLE_BASE_URL;
  const arn = env[UPSTREAM_SECRET_ENV]?.trim();
  if (arn !== undefined && arn !== "") return secretsManagerSource(arn, { defaultBaseUrl: baseUrl, client: options.secretsClient });
  return localSource({
    apiKeys: env.GEMINI_API_KEY ?? "",
    baseUrl,
    file: env[UPSTREAM_FILE_ENV],
    serviceAccountFile: env.GOOGLE_APPLICATION_CREDENTIALS,
    vertexLocation: env.VERTEX_LOCATION,
  });
}
