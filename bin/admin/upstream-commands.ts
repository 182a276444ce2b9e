/**
 * `upstream add | list | remove`: the Google accounts the gateway spends — AI Studio keys, Vertex AI
 * service accounts and Vertex express-mode keys — in the local file or the stack's secret. Nothing
 * here ever prints a key, a private key or a token: `list` and `add` show names, kinds, projects,
 * locations, service-account emails and masked keys.
 */
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import type { UpstreamAccount } from "../../lambda/upstream/accounts.ts";
import { AccountListError, accountKind } from "../../lambda/upstream/accounts.ts";
import { validateServiceAccountKey, vertexLocation, vertexProject } from "../../lambda/upstream/vertex/account.ts";
import type { ServiceAccountKey } from "../../lambda/upstream/vertex/account.ts";
import { AdminError } from "./flags.ts";
import type { UpstreamStore } from "./target.ts";
import { maskUpstreamKey } from "./upstream-display.ts";

type Values = Readonly<Record<string, string | boolean | string[] | undefined>>;
type UpstreamCommand = (input: { values: Values; args: string[]; upstream: UpstreamStore }) => Promise<{ data: unknown; text: string }>;

/** The `parseArgs` options these commands read. */
export const UPSTREAM_OPTIONS = {
  "google-key": { type: "string" },
  "vertex-service-account": { type: "string" },
  "vertex-api-key": { type: "string" },
  location: { type: "string" },
  project: { type: "string" },
  "base-url": { type: "string" },
} as const;

export const UPSTREAM_USAGE = `  upstream add --google-key K [--name N] [--base-url URL]
  upstream add --vertex-service-account FILE [--location L] [--project P] [--name N] [--base-url URL]
  upstream add --vertex-api-key K [--name N] [--base-url URL]           (Vertex express mode)
  upstream list                                        (names, kinds, projects, locations; never keys)
  upstream remove NAME`;

/** What `upstream list` shows of one account. */
export interface UpstreamListing {
  readonly name: string;
  readonly kind: "ai-studio" | "vertex";
  readonly project?: string;
  readonly location?: string;
  readonly serviceAccount?: string;
  readonly key?: string;
  readonly baseUrl?: string;
}

/**
 * An account as the CLI shows it: never a key (only its masked hint), never a private key.
 *
 * @example
 * listing({ name: "main", apiKey: "AIzaSyTESTKEY0123456789abcdef" }); // { name: "main", kind: "ai-studio", key: "AIza…cdef" }
 */
export function listing(account: UpstreamAccount): UpstreamListing {
  const common = { name: account.name, kind: accountKind(account) };
  const baseUrl = account.baseUrl === undefined ? {} : { baseUrl: account.baseUrl };
  if (account.kind === "vertex" && "serviceAccount" in account) {
    return { ...common, project: vertexProject(account), location: vertexLocation(account), serviceAccount: account.serviceAccount.client_email, ...baseUrl };
  }
  const express = account.kind === "vertex" ? { location: vertexLocation(account) } : {};
  return { ...common, ...express, key: maskUpstreamKey(account.apiKey), ...baseUrl };
}

export const UPSTREAM_COMMANDS: Record<string, UpstreamCommand> = {
  "upstream add": async ({ values, upstream }) => {
    const accounts = await upstream.read();
    const account = newAccount(values, accounts);
    await upstream.write([...accounts, account]);
    const shown = listing(account);
    return { data: shown, text: `added upstream ${describe(shown)} to ${upstream.where}` };
  },
  "upstream list": async ({ upstream }) => {
    const accounts = (await upstream.read()).map(listing);
    const text = accounts.length === 0 ? `no upstream accounts in ${upstream.where}` : accounts.map(describe).join("\n");
    return { data: accounts, text };
  },
  "upstream remove": async ({ args, upstream }) => {
    const name = args[0];
    if (!name) throw new AdminError("missing NAME");
    const accounts = await upstream.read();
    if (!accounts.some((account) => account.name === name)) throw new AdminError(`no upstream account named ${name}`);
    await upstream.write(accounts.filter((account) => account.name !== name));
    return { data: { removed: name }, text: `removed upstream ${name}` };
  },
};

const CREDENTIAL_FLAGS = ["google-key", "vertex-service-account", "vertex-api-key"] as const;

function newAccount(values: Values, existing: readonly UpstreamAccount[]): UpstreamAccount {
  const given = CREDENTIAL_FLAGS.filter((flag) => values[flag] !== undefined);
  if (given.length !== 1) {
    throw new AdminError("upstream add needs exactly one of --google-key K, --vertex-service-account FILE or --vertex-api-key K");
  }
  const [flag] = given;
  const credential = text(values, flag) ?? "";
  if (credential.trim() === "") throw new AdminError(`--${flag} must not be empty`);
  if (flag !== "vertex-service-account" && (values.location !== undefined || values.project !== undefined)) {
    throw new AdminError("--location and --project apply to --vertex-service-account only");
  }
  const baseUrl = text(values, "base-url");
  const extra = baseUrl === undefined ? {} : { baseUrl };
  const name = text(values, "name") ?? freeName(flag === "google-key" ? "google" : "vertex", existing);
  if (existing.some((account) => account.name === name)) throw new AdminError(`an upstream account named ${name} already exists`);
  if (flag === "google-key") return { name, apiKey: credential.trim(), ...extra };
  if (flag === "vertex-api-key") return { kind: "vertex", name, apiKey: credential.trim(), ...extra };
  const serviceAccount = readServiceAccount(credential);
  const project = text(values, "project");
  const location = text(values, "location");
  if (project === undefined && serviceAccount.project_id === undefined) {
    throw new AdminError(`${credential} has no project_id; pass --project P`);
  }
  return { kind: "vertex", name, serviceAccount, ...(location !== undefined && { location }), ...(project !== undefined && { project }), ...extra };
}

// Checked here, not only when the gateway first signs with it: a broken key should fail the add.
function readServiceAccount(path: string): ServiceAccountKey {
  let content: string;
  try {
    content = readFileSync(path, "utf8");
  } catch {
    throw new AdminError(`cannot read ${path}; give the path of the service account's JSON key file`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    throw new AdminError(`${path} is not valid JSON; give the JSON key file Google issued for the service account`);
  }
  const key = validateServiceAccountKey(parsed, path);
  let type: string | undefined;
  try {
    type = createPrivateKey(key.private_key).asymmetricKeyType;
  } catch {
    throw new AccountListError(`${path}: "private_key" cannot be read as a private key; download a new key file`);
  }
  if (type !== "rsa") throw new AccountListError(`${path}: "private_key" is not an RSA key; Google issues RSA keys, download a new key file`);
  return key;
}

function freeName(prefix: string, existing: readonly UpstreamAccount[]): string {
  const taken = new Set(existing.map((account) => account.name));
  let number = existing.length + 1;
  while (taken.has(`${prefix}-${number}`)) number++;
  return `${prefix}-${number}`;
}

function describe(account: UpstreamListing): string {
  const parts = [
    account.name,
    account.kind,
    account.project && `project ${account.project}`,
    account.location && `location ${account.location}`,
    account.serviceAccount,
    account.key,
    account.baseUrl,
  ];
  return parts.filter(Boolean).join("  ");
}

function text(values: Values, flag: string): string | undefined {
  const value = values[flag];
  return typeof value === "string" ? value : undefined;
}
