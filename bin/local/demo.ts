import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hashKey } from "../../lambda/domain/keys.ts";
import { issueKey } from "../../lambda/operations/keys.ts";
import { openAccount } from "../../lambda/operations/accounts.ts";
import { createManagementKey } from "../../lambda/operations/management-keys.ts";
import { getKeyByHash } from "../../lambda/store/keys.ts";

export interface DemoAccount {
  accountId: string;
  keyId: string;
  key: string;
  /** A management key for the local admin API. */
  managementKey?: string;
}

/** $10 at list price: enough to try every route many times. */
const DEMO_CREDITS = 10_000_000;

/**
 * The account, key and management key `npm start` offers a newcomer. The keys are kept in plaintext
 * in `.local/`, on the operator's own machine, so they can be printed at every start; the keys table
 * holds only their hashes, as for every key.
 */
export async function ensureDemoAccount(file: string): Promise<{ demo: Required<DemoAccount>; created: boolean }> {
  let demo: DemoAccount | undefined = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as DemoAccount) : undefined;
  let created = false;
  if (demo === undefined || (await getKeyByHash(hashKey(demo.key))) === undefined) {
    const { account } = await openAccount({ name: "demo", credits: DEMO_CREDITS });
    const { key, record } = await issueKey(account.accountId, { name: "demo", rpm: 120 });
    demo = { accountId: account.accountId, keyId: record.keyId, key };
    created = true;
  }
  if (demo.managementKey === undefined || (await getKeyByHash(hashKey(demo.managementKey))) === undefined) {
    demo.managementKey = (await createManagementKey("local demo")).key;
  }
  writeFileSync(file, JSON.stringify(demo, null, 2), { mode: 0o600 });
  return { demo: demo as Required<DemoAccount>, created };
}
