/**
 * What the admin CLI (and `npm start`'s demo account) does to accounts and keys, against whichever
 * tables the environment names. Every rule a stored record must obey is checked here, before it is
 * written: the Lambda functions trust what they read.
 */
import { findModel, modelIds } from "../../lambda/domain/catalog.ts";
import { generateAccountId, generateApiKey, generateKeyId, hashKey, maskKey } from "../../lambda/domain/keys.ts";
import { parseCidr } from "../../lambda/domain/ip-allowlist.ts";
import { addCredits, createAccount, getAccount, type AccountRecord } from "../../lambda/store/accounts.ts";
import { findKeyById, listKeys, putKey, replaceKeyHash, setKeyStatus, type KeyRecord } from "../../lambda/store/keys.ts";

export class AdminError extends Error {}

export interface KeySettings {
  name?: string;
  rpm?: number;
  hourly?: number;
  daily?: number;
  total?: number;
  ips?: string[];
  models?: string[];
}

export async function openAccount(name: string, credits = 0): Promise<AccountRecord> {
  if (!name.trim()) throw new AdminError("--name must not be empty");
  return createAccount({ accountId: generateAccountId(), name: name.trim(), credits: wholeCredits(credits, "--credits") });
}

export async function showAccount(accountId: string): Promise<{ account: AccountRecord; keys: PublicKey[] }> {
  const account = await getAccount(accountId);
  if (!account) throw new AdminError(`no account ${accountId}`);
  return { account, keys: (await listKeys(accountId)).map(publicKey) };
}

export async function topUp(accountId: string, amount: number): Promise<AccountRecord> {
  const credits = Math.trunc(amount);
  if (!Number.isSafeInteger(credits) || credits !== amount || credits === 0) throw new AdminError("--amount must be a non-zero whole number of credits");
  if (!(await getAccount(accountId))) throw new AdminError(`no account ${accountId}`);
  try {
    return await addCredits(accountId, credits);
  } catch (error) {
    if (error instanceof Error && error.name === "ConditionalCheckFailedException") {
      throw new AdminError(`cannot take back ${-credits} credits: the account does not have that many available`);
    }
    throw error;
  }
}

/** Creates a key and returns it in plaintext: the only time it exists outside the caller's hands. */
export async function issueKey(accountId: string, settings: KeySettings): Promise<{ key: string; record: PublicKey }> {
  if (!(await getAccount(accountId))) throw new AdminError(`no account ${accountId}`);
  const key = generateApiKey();
  const record: KeyRecord = {
    keyHash: hashKey(key),
    keyId: generateKeyId(),
    accountId,
    name: settings.name?.trim() || "default",
    status: "active",
    createdAt: Date.now(),
    hint: maskKey(key),
    ipAllowlist: (settings.ips ?? []).map(validCidr),
    models: (settings.models ?? []).map(validModel),
    rpm: optionalPositive(settings.rpm, "--rpm"),
    limits: {
      hourly: optionalPositive(settings.hourly, "--hourly"),
      daily: optionalPositive(settings.daily, "--daily"),
      total: optionalPositive(settings.total, "--total"),
    },
  };
  await putKey(record);
  return { key, record: publicKey(record) };
}

export async function keysOf(accountId: string): Promise<PublicKey[]> {
  return (await listKeys(accountId)).map(publicKey);
}

export async function changeKeyStatus(keyId: string, status: KeyRecord["status"]): Promise<PublicKey> {
  const record = await existingKey(keyId);
  await setKeyStatus(record.keyHash, status);
  return publicKey({ ...record, status });
}

/** A new secret for the same key id: settings and spend carry over, the old secret stops at once. */
export async function rotateKey(keyId: string): Promise<{ key: string; record: PublicKey }> {
  const old = await existingKey(keyId);
  const key = generateApiKey();
  const next: KeyRecord = { ...old, keyHash: hashKey(key), hint: maskKey(key) };
  await replaceKeyHash(old, next);
  return { key, record: publicKey(next) };
}

/** A key as it may be shown: everything but the hash. */
export type PublicKey = Omit<KeyRecord, "keyHash">;

function publicKey(record: KeyRecord): PublicKey {
  const { keyHash: _hash, ...rest } = record;
  return rest;
}

async function existingKey(keyId: string): Promise<KeyRecord> {
  const record = await findKeyById(keyId);
  if (!record) throw new AdminError(`no key ${keyId}`);
  return record;
}

function validCidr(entry: string): string {
  try {
    const { address, prefix } = parseCidr(entry);
    return `${address}/${prefix}`;
  } catch (error) {
    throw new AdminError(`--ip ${(error as Error).message}`);
  }
}

function validModel(name: string): string {
  const model = findModel(name);
  if (!model) throw new AdminError(`--model ${name} is not in the catalog (${modelIds().join(", ")})`);
  return model.id;
}

function wholeCredits(value: number, flag: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new AdminError(`${flag} must be a whole number of credits, 0 or more`);
  return value;
}

function optionalPositive(value: number | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value <= 0) throw new AdminError(`${flag} must be a whole number above 0`);
  return value;
}
