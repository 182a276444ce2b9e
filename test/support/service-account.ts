import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { ServiceAccountKey } from "../../lambda/upstream/vertex/account.ts";
import type { FakeGemini } from "../fake-gemini/server.ts";

export interface TestServiceAccount {
  /** The JSON key file, as Google would issue it, with `token_uri` at the fake. */
  readonly key: ServiceAccountKey;
  readonly publicKey: KeyObject;
}

/**
 * A fresh RSA key pair and a service-account key file for it, registered with the fake's token
 * endpoint, so the gateway's signed assertions verify there exactly as at Google.
 *
 * @example const sa = newServiceAccount(fake, { projectId: "acme" }); // then { kind: "vertex", name, serviceAccount: sa.key }
 */
export function newServiceAccount(fake: FakeGemini, options: { projectId?: string; email?: string } = {}): TestServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const projectId = options.projectId ?? "gateway-test";
  const id = randomBytes(4).toString("hex");
  const key: ServiceAccountKey = {
    type: "service_account",
    project_id: projectId,
    private_key_id: randomBytes(20).toString("hex"),
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: options.email ?? `gateway-${id}@${projectId}.iam.gserviceaccount.com`,
    client_id: String(100_000_000_000 + Math.floor(Math.random() * 1e9)),
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: `${fake.url}/token`,
  };
  fake.vertex.register({ clientEmail: key.client_email, publicKey, projectId });
  return { key, publicKey };
}

/** The same service account with a private key Google never saw: its signatures do not verify. */
export function withForeignKey(account: TestServiceAccount): ServiceAccountKey {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...account.key, private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}

/** Every string a leak check must not find for a service account: its private key and each line of it. */
export function privateKeyFragments(key: ServiceAccountKey): string[] {
  return [key.private_key, ...key.private_key.split("\n").filter((line) => line.length >= 16 && !line.startsWith("-----"))];
}
