import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TABLES, tableNameOutput } from "../../lambda/store/schema.ts";
import { startFakeAws, type FakeAws } from "../support/fake-aws.ts";
import { privateKeyFragments } from "../support/service-account.ts";
import { useFreshTables } from "../support/tables.ts";
import type { ServiceAccountKey } from "../../lambda/upstream/vertex/account.ts";

const ADMIN = join(import.meta.dirname, "..", "..", "bin", "admin.ts");
const dir = mkdtempSync(join(tmpdir(), "gw-admin-vertex-"));
const EXPRESS_KEY = "AQ.Ab8RN6-express-mode-key-0123456789abcdef";

const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111111111111:secret:upstream-VxVxVx";
let aws: FakeAws;

/** Runs the CLI as an operator would, on an upstream file of its own, or on a stack (fake AWS) with `--stack`. */
function admin(file: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stack: NodeJS.ProcessEnv = args.includes("--stack")
    ? {
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_ENDPOINT_URL_CLOUDFORMATION: aws.url,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
      }
    : {};
  return new Promise((resolve) => {
    execFile(process.execPath, [ADMIN, ...args], { env: { ...process.env, GATEWAY_UPSTREAM_FILE: file, ...stack } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  await useFreshTables();
  const outputs: Record<string, string> = { UpstreamSecretArn: SECRET_ARN };
  for (const table of TABLES) outputs[tableNameOutput(table)] = process.env[table.envVar] ?? "";
  aws = await startFakeAws({ GeminiGateway: outputs });
  aws.secrets.set(SECRET_ARN, JSON.stringify({ accounts: [] }));
});
afterAll(() => aws.close());

function keyFile(name: string, overrides: Partial<ServiceAccountKey> = {}): { path: string; key: ServiceAccountKey } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const key: ServiceAccountKey = {
    type: "service_account",
    project_id: "acme-prod",
    private_key_id: "0123456789abcdef0123456789abcdef01234567",
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: `${name}@acme-prod.iam.gserviceaccount.com`,
    token_uri: "https://oauth2.googleapis.com/token",
    ...overrides,
  };
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(key, null, 2));
  return { path, key };
}

describe("the admin CLI's Vertex AI accounts", () => {
  let sa: { path: string; key: ServiceAccountKey };
  let secrets: string[];

  beforeAll(() => {
    sa = keyFile("gateway");
    secrets = [...privateKeyFragments(sa.key), EXPRESS_KEY];
  });

  const expectNoSecrets = (...outputs: string[]) => {
    for (const output of outputs) for (const secret of secrets) expect(output).not.toContain(secret);
  };

  test("adds a service account and an express key to the private file, and lists name, kind, project and location only", async () => {
    const file = join(dir, "upstream-add.json");

    const added = await admin(file, "upstream", "add", "--vertex-service-account", sa.path);
    const regional = await admin(file, "upstream", "add", "--vertex-service-account", sa.path, "--name", "batch", "--location", "us-central1", "--project", "acme-batch", "--base-url", "http://127.0.0.1:9/");
    const express = await admin(file, "upstream", "add", "--vertex-api-key", EXPRESS_KEY, "--name", "express");
    const studio = await admin(file, "upstream", "add", "--google-key", "AIzaSyTESTKEY0123456789abcdef");
    const listed = await admin(file, "upstream", "list");
    const json = await admin(file, "upstream", "list", "--json");

    expect([added.code, regional.code, express.code, studio.code]).toEqual([0, 0, 0, 0]);
    expect(added.stdout).toContain("added upstream vertex-1  vertex  project acme-prod  location global  gateway@acme-prod.iam.gserviceaccount.com");
    expect(listed.stdout.trim().split("\n")).toEqual([
      "vertex-1  vertex  project acme-prod  location global  gateway@acme-prod.iam.gserviceaccount.com",
      "batch  vertex  project acme-batch  location us-central1  gateway@acme-prod.iam.gserviceaccount.com  http://127.0.0.1:9",
      "express  vertex  location global  AQ.A…cdef",
      "google-4  ai-studio  AIza…cdef",
    ]);
    expect(JSON.parse(json.stdout)).toEqual([
      { name: "vertex-1", kind: "vertex", project: "acme-prod", location: "global", serviceAccount: sa.key.client_email },
      { name: "batch", kind: "vertex", project: "acme-batch", location: "us-central1", serviceAccount: sa.key.client_email, baseUrl: "http://127.0.0.1:9" },
      { name: "express", kind: "vertex", location: "global", key: "AQ.A…cdef" },
      { name: "google-4", kind: "ai-studio", key: "AIza…cdef" },
    ]);
    expectNoSecrets(added.stdout, added.stderr, regional.stdout, express.stdout, listed.stdout, json.stdout);
    expect(listed.stdout).not.toContain("AIzaSyTESTKEY0123456789abcdef");
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
      accounts: [
        { kind: "vertex", name: "vertex-1", serviceAccount: sa.key },
        { kind: "vertex", name: "batch", serviceAccount: sa.key, location: "us-central1", project: "acme-batch", baseUrl: "http://127.0.0.1:9" },
        { kind: "vertex", name: "express", apiKey: EXPRESS_KEY },
        { name: "google-4", apiKey: "AIzaSyTESTKEY0123456789abcdef" },
      ],
    });
  });

  test.each([
    [["--google-key", "AIzaSyX0000000000", "--vertex-api-key", EXPRESS_KEY], "exactly one of --google-key K, --vertex-service-account FILE or --vertex-api-key K"],
    [[], "exactly one of"],
    [["--vertex-api-key", EXPRESS_KEY, "--location", "us-central1"], "--location and --project apply to --vertex-service-account only"],
    [["--vertex-service-account", join(dir, "missing.json")], "cannot read"],
    [["--vertex-service-account", "__broken__"], "is not valid JSON"],
    [["--vertex-service-account", "__unsigned__"], "cannot be read as a private key"],
    [["--vertex-service-account", "__no_project__"], "has no project_id; pass --project P"],
    [["--vertex-service-account", "__user__"], 'is a "authorized_user" credential'],
    [["--vertex-service-account", "__fine__", "--location", "us central"], '"location" must be a Vertex location'],
  ])("refuses upstream add %p with a clear message that quotes no key", async (flags, message) => {
    const file = join(dir, "upstream-refused.json");
    const broken = join(dir, "broken.json");
    writeFileSync(broken, JSON.stringify(sa.key).slice(0, -30));
    const unsigned = keyFile("unsigned", { private_key: sa.key.private_key.replace(/[A-Za-z0-9+/]{12}\n/, "############\n") });
    secrets.push(...privateKeyFragments(unsigned.key));
    const paths: Record<string, string> = {
      __broken__: broken,
      __unsigned__: unsigned.path,
      __no_project__: keyFile("no-project", { project_id: undefined }).path,
      __user__: keyFile("user", { type: "authorized_user" }).path,
      __fine__: sa.path,
    };

    const result = await admin(file, "upstream", "add", ...flags.map((flag) => paths[flag] ?? flag));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expectNoSecrets(result.stdout, result.stderr);
    expect(() => statSync(file)).toThrow();
  });

  test("on a deployed stack, a service account goes into the stack's secret as its key file, and list shows no private key", async () => {
    const added = await admin("unused", "upstream", "add", "--vertex-service-account", sa.path, "--name", "deployed", "--stack", "GeminiGateway");
    const listed = await admin("unused", "upstream", "list", "--json", "--stack", "GeminiGateway");

    expect(added.code).toBe(0);
    expect(JSON.parse(aws.secrets.get(SECRET_ARN) ?? "")).toEqual({ accounts: [{ kind: "vertex", name: "deployed", serviceAccount: sa.key }] });
    expect(JSON.parse(listed.stdout)).toEqual([{ name: "deployed", kind: "vertex", project: "acme-prod", location: "global", serviceAccount: sa.key.client_email }]);
    expectNoSecrets(added.stdout, added.stderr, listed.stdout, listed.stderr);
  });
});
