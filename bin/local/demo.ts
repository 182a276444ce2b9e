import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hashKey } from "../../lambda/domain/keys.ts";
import { getKeyByHash } from "../../lambda/store/keys.ts";
import { issueKey, openAccount } from "../admin/operations.ts";

export interface DemoAccount {
  accountId: string;
  keyId: string;
  key: string;
}

/** $10 at list price: enough to try every route many times. */
const DEMO_CREDITS = 10_000_000;

/**
 * The account and key `npm start` offers a newcomer. The key is kept in plaintext in `.local/`,
 * on the operator's own machine, so it can be printed at every start; the keys table holds only its
 * hash, as for every key.
 */
export async function ensureDemoAccount(file: string): Promise<{ demo: DemoAccount; created: boolean }> {
  if (existsSync(file)) {
    const demo = JSON.parse(readFileSync(file, "utf8")) as DemoAccount;
    if (await getKeyByHash(hashKey(demo.key))) return { demo, created: false };
  }
  const account = await openAccount("demo", DEMO_CREDITS);
  const { key, record } = await issueKey(account.accountId, { name: "demo", rpm: 120 });
  const demo = { accountId: account.accountId, keyId: record.keyId, key };
  writeFileSync(file, JSON.stringify(demo, null, 2), { mode: 0o600 });
  return { demo, created: true };
}
