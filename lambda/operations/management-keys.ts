/**
 * Management keys (`mk-…`): they open the admin API and nothing else, and a customer key opens
 * everything but it. Created, listed, disabled and deleted from the CLI, where the operator's AWS
 * credentials are the trust anchor; shown once, stored only as SHA-256.
 */
import { KeyNotFoundError } from "../domain/errors.ts";
import { generateManagementKey, generateManagementKeyId, hashKey, maskKey } from "../domain/keys.ts";
import { MANAGEMENT_SCOPE, deleteKey, findKeyById, listKeys, putKey, updateKey, type KeyRecord } from "../store/keys.ts";
import { publicKey, type PublicKey } from "./accounts.ts";

/** @example const { key } = await createManagementKey("billing backend"); */
export async function createManagementKey(name: string): Promise<{ key: string; record: PublicKey }> {
  const key = generateManagementKey();
  const record: KeyRecord = {
    keyHash: hashKey(key),
    keyId: generateManagementKeyId(),
    accountId: MANAGEMENT_SCOPE,
    kind: "management",
    name,
    status: "active",
    createdAt: Date.now(),
    hint: maskKey(key),
    ipAllowlist: [],
    models: [],
    limits: {},
  };
  await putKey(record);
  return { key, record: publicKey(record) };
}

export async function listManagementKeys(): Promise<PublicKey[]> {
  return (await listKeys(MANAGEMENT_SCOPE)).map(publicKey);
}

export async function setManagementKeyStatus(keyId: string, status: KeyRecord["status"]): Promise<PublicKey> {
  return publicKey(await updateKey((await managementKey(keyId)).keyHash, { status }));
}

/** Deletes a management key for good (a warm admin instance may accept it for its 5-second cache). */
export async function deleteManagementKey(keyId: string): Promise<PublicKey> {
  const record = await managementKey(keyId);
  await deleteKey(record.keyHash);
  return publicKey(record);
}

async function managementKey(keyId: string): Promise<KeyRecord> {
  const record = await findKeyById(keyId);
  if (record === undefined || record.kind !== "management") throw new KeyNotFoundError(keyId);
  return record;
}
