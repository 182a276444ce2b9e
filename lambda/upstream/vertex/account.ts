/**
 * Vertex AI accounts, in two forms:
 * - a service account: `{"kind":"vertex","name","serviceAccount":{…the JSON key file Google issues…},
 *   "location"?,"project"?,"baseUrl"?}` — OAuth 2.0 access tokens from a signed JWT;
 * - express mode: `{"kind":"vertex","name","apiKey","baseUrl"?}` — a Vertex API key.
 */
import { AccountListError, checkBaseUrl, isRecord, optionalMatching, requiredString } from "../account-fields.ts";

/** Where Google's key files send the JWT, when a key file lacks `token_uri`. */
export const GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";
/** The host of Vertex's `global` location and of express mode. */
export const VERTEX_GLOBAL_HOST = "https://aiplatform.googleapis.com";
export const DEFAULT_VERTEX_LOCATION = "global";

/** The service-account key file as Google issues it; fields other than these are kept as given. */
export interface ServiceAccountKey {
  readonly type?: string;
  readonly project_id?: string;
  readonly private_key_id?: string;
  readonly private_key: string;
  readonly client_email: string;
  readonly token_uri: string;
  readonly [field: string]: unknown;
}

export interface VertexServiceAccount {
  readonly kind: "vertex";
  readonly name: string;
  readonly serviceAccount: ServiceAccountKey;
  /** Defaults to `global`. */
  readonly location?: string;
  /** Defaults to the key's `project_id`. */
  readonly project?: string;
  /** Replaces Vertex's host (tests, proxies); the path is built as for Google. */
  readonly baseUrl?: string;
}

export interface VertexExpressAccount {
  readonly kind: "vertex";
  readonly name: string;
  readonly apiKey: string;
  readonly baseUrl?: string;
}

export type VertexAccount = VertexServiceAccount | VertexExpressAccount;

const LOCATION = /^[a-z][a-z0-9-]*$/;
const PROJECT = /^[A-Za-z0-9][A-Za-z0-9.:-]*$/;
const PEM_PRIVATE_KEY = /-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+-----END (?:RSA )?PRIVATE KEY-----/;

/**
 * Checks one Vertex entry, whose name the caller has already checked.
 *
 * @example
 * validateVertexAccount({ kind: "vertex", name: "vx", apiKey: "AQ.Ab8..." }, "vx", 'upstream account #2 ("vx")');
 * // { kind: "vertex", name: "vx", apiKey: "AQ.Ab8..." }
 */
export function validateVertexAccount(entry: Readonly<Record<string, unknown>>, name: string, where: string): VertexAccount {
  const hasKey = entry.apiKey !== undefined;
  if (hasKey === (entry.serviceAccount !== undefined)) {
    throw new AccountListError(
      `${where} needs exactly one of "serviceAccount" (the service account's JSON key file) or "apiKey" (a Vertex express-mode key).`,
    );
  }
  const baseUrl = entry.baseUrl === undefined ? {} : { baseUrl: checkBaseUrl(entry.baseUrl, where, VERTEX_GLOBAL_HOST) };
  if (hasKey) {
    if (entry.location !== undefined || entry.project !== undefined) {
      throw new AccountListError(`${where}: "location" and "project" apply to service accounts only; an express-mode key has neither.`);
    }
    return { kind: "vertex", name, apiKey: requiredString(entry, "apiKey", where), ...baseUrl };
  }
  const serviceAccount = validateServiceAccountKey(entry.serviceAccount, `${where}: "serviceAccount"`);
  const location = optionalMatching(entry, "location", LOCATION, "a Vertex location such as global or us-central1", where);
  const project = optionalMatching(entry, "project", PROJECT, "a Google Cloud project id", where);
  if (project === undefined && serviceAccount.project_id === undefined) {
    throw new AccountListError(`${where} needs a "project": its key file has no "project_id".`);
  }
  return { kind: "vertex", name, serviceAccount, ...(location && { location }), ...(project && { project }), ...baseUrl };
}

/**
 * Checks a service account's JSON key file and returns it as given, `token_uri` filled in if absent.
 *
 * @example
 * validateServiceAccountKey(JSON.parse(readFileSync("key.json", "utf8")), "key.json");
 */
export function validateServiceAccountKey(value: unknown, where: string): ServiceAccountKey {
  if (!isRecord(value)) throw new AccountListError(`${where} must be the JSON key file Google issued for a service account (an object).`);
  if (value.type !== undefined && value.type !== "service_account") {
    throw new AccountListError(`${where} is a "${String(value.type).slice(0, 40)}" credential; the gateway needs a service account's key file (type "service_account").`);
  }
  const clientEmail = requiredString(value, "client_email", where);
  const privateKey = value.private_key;
  if (typeof privateKey !== "string" || !PEM_PRIVATE_KEY.test(privateKey)) {
    throw new AccountListError(`${where} needs "private_key" as Google issues it: a PEM block from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----.`);
  }
  // Kept exactly as given (not normalised): it is also the JWT's audience, which must match.
  const tokenUri = value.token_uri === undefined ? GOOGLE_TOKEN_URI : value.token_uri;
  checkBaseUrl(tokenUri, where, GOOGLE_TOKEN_URI, "token_uri");
  const projectId = optionalMatching(value, "project_id", PROJECT, "a Google Cloud project id", where);
  return { ...value, client_email: clientEmail, private_key: privateKey, token_uri: String(tokenUri), ...(projectId && { project_id: projectId }) };
}

/**
 * The location a Vertex account calls: its own, else `global` (express mode is always global).
 *
 * @example
 * vertexLocation({ kind: "vertex", name: "vx", apiKey: "k" }); // "global"
 */
export function vertexLocation(account: VertexAccount): string {
  return "serviceAccount" in account ? (account.location ?? DEFAULT_VERTEX_LOCATION) : DEFAULT_VERTEX_LOCATION;
}

/**
 * The project a service account calls: its own, else its key's `project_id`.
 *
 * @example
 * vertexProject({ kind: "vertex", name: "vx", serviceAccount: { ...key, project_id: "acme" } }); // "acme"
 */
export function vertexProject(account: VertexServiceAccount): string {
  return account.project ?? account.serviceAccount.project_id ?? "";
}
