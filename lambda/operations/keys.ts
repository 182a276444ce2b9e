/**
 * Customer keys, as the admin API and the CLI manage them. A key is shown once, when it is created
 * or rotated; only its SHA-256 is stored. A change reaches every warm instance within the auth
 * cache time (5 s).
 */
import type { KeySettings } from "../domain/admin-requests.ts";
import { KeyNotFoundError } from "../domain/errors.ts";
import { generateApiKey, generateKeyId, hashKey, maskKey } from "../domain/keys.ts";
import { deleteKey, findKeyById, listKeys, putKey, replaceKeyHash, updateKey, type KeyRecord } from "../store/keys.ts";
import { accountById, publicKey, type PublicKey } from "./accounts.ts";

/**
 * Creates a key and returns it in plaintext: the only time it exists outside the caller's hands.
 *
 * @example const { key, record } = await issueKey("acct_1", { rpm: 60, limits: { daily: 5_000_000 } });
 */
export async function issueKey(accountId: string, settings: KeySettings = {}): Promise<{ key: string; record: PublicKey }> {
  await accountById(accountId);
  const key = generateApiKey();
  const record: KeyRecord = {
    keyHash: hashKey(key),
    keyId: generateKeyId(),
    accountId,
    name: settings.name ?? "default",
    status: "active",
    createdAt: Date.now(),
    hint: maskKey(key),
    ipAllowlist: [...(settings.ipAllowlist ?? [])],
    models: [...(settings.models ?? [])],
    ...(settings.rpm !== undefined && settings.rpm !== null && { rpm: settings.rpm }),
    limits: Object.fromEntries(Object.entries(settings.limits ?? {}).filter(([, value]) => value !== null && value !== undefined)),
  };
  await putKey(record);
  return { key, record: publicKey(record) };
}

export async function keysOf(accountId: string): Promise<PublicKey[]> {
  await accountById(accountId);
  return (await listKeys(accountId)).map(publicKey);
}

/** @example await changeKey("key_1", { rpm: null, status: "disabled" }) */
export async function changeKey(keyId: string, change: KeySettings): Promise<PublicKey> {
  const record = await customerKey(keyId);
  return publicKey(await updateKey(record.keyHash, change));
}

export function changeKeyStatus(keyId: string, status: KeyRecord["status"]): Promise<PublicKey> {
  return changeKey(keyId, { status });
}

/** A new secret for the same key id: settings and spend carry over, the old secret stops at once. */
export async function rotateKey(keyId: string): Promise<{ key: string; record: PublicKey }> {
  const old = await customerKey(keyId);
  const key = generateApiKey();
  const next: KeyRecord = { ...old, keyHash: hashKey(key), hint: maskKey(key) };
  await replaceKeyHash(old, next);
  return { key, record: publicKey(next) };
}

/** Deletes a key for good; its tasks and usage stay. */
export async function removeKey(keyId: string): Promise<PublicKey> {
  const record = await customerKey(keyId);
  await deleteKey(record.keyHash);
  return publicKey(record);
}

/** A customer key by its public id, or the 404 (management keys are not customer keys). */
export async function customerKey(keyId: string): Promise<KeyRecord> {
  const record = await findKeyById(keyId);
  if (record === undefined || record.kind === "management") throw new KeyNotFoundError(keyId);
  return record;
}
