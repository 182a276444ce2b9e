/**
 * Where the admin CLI writes: the local runner's DynamoDB and upstream file by default, or a
 * deployed stack's tables and secret, found from its CloudFormation outputs.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { TABLES, UPSTREAM_SECRET_ENV, tableNameOutput } from "../../lambda/store/schema.ts";
import { tableEnvironment } from "../../lambda/store/tables.ts";
import { DYNAMODB_ENDPOINT_ENV } from "../../lambda/store/client.ts";
import { readAccountsFile, readSecretAccounts, writeAccountsFile, writeSecretAccounts } from "../../lambda/upstream/sources.ts";
import type { UpstreamAccount } from "../../lambda/upstream/accounts.ts";
import { AdminError } from "./flags.ts";

/** `GATEWAY_LOCAL_DIR` moves it, so tests and several local gateways can keep their state apart. */
export const LOCAL_DIR = process.env.GATEWAY_LOCAL_DIR ?? join(import.meta.dirname, "..", "..", ".local");
/** Written by `npm start`, so the CLI finds the DynamoDB Local it started. */
export const LOCAL_RUNTIME_FILE = join(LOCAL_DIR, "runtime.json");
export const LOCAL_UPSTREAM_FILE = join(LOCAL_DIR, "upstream.json");

export interface UpstreamStore {
  readonly where: string;
  read(): Promise<UpstreamAccount[]>;
  write(accounts: readonly UpstreamAccount[]): Promise<void>;
}

/**
 * Points the store modules at the target's tables and returns its upstream account store. Locally
 * the tables are the ones `npm start` uses: `GATEWAY_TABLE_PREFIX`, else the prefix it recorded.
 */
export async function useTarget(stackName: string | undefined): Promise<UpstreamStore> {
  if (stackName) return useStack(stackName);
  let prefix = process.env.GATEWAY_TABLE_PREFIX;
  if (!process.env[DYNAMODB_ENDPOINT_ENV]) {
    if (!existsSync(LOCAL_RUNTIME_FILE)) {
      throw new AdminError("no local gateway found: start it with `npm start`, set DYNAMODB_ENDPOINT, or pass --stack NAME");
    }
    const runtime = JSON.parse(readFileSync(LOCAL_RUNTIME_FILE, "utf8")) as { dynamodbEndpoint: string; tablePrefix?: string };
    process.env[DYNAMODB_ENDPOINT_ENV] = runtime.dynamodbEndpoint;
    prefix ??= runtime.tablePrefix;
  }
  // Table names set outright (as the tests do) win over any prefix.
  if (prefix !== undefined) for (const [name, value] of Object.entries(tableEnvironment(prefix))) process.env[name] ??= value;
  const file = process.env.GATEWAY_UPSTREAM_FILE ?? LOCAL_UPSTREAM_FILE;
  return { where: file, read: () => readAccountsFile(file), write: (accounts) => writeAccountsFile(file, accounts) };
}

/** A deployed stack's outputs by key (`ChatUrl`, `KeysTableName`, …), read with the operator's AWS credentials. */
export async function stackOutputs(stackName: string): Promise<Map<string, string>> {
  const { Stacks } = await new CloudFormationClient({}).send(new DescribeStacksCommand({ StackName: stackName }));
  return new Map((Stacks?.[0]?.Outputs ?? []).flatMap((output) => (output.OutputKey && output.OutputValue ? [[output.OutputKey, output.OutputValue] as const] : [])));
}

async function useStack(stackName: string): Promise<UpstreamStore> {
  const outputs = await stackOutputs(stackName);
  for (const table of TABLES) {
    const name = outputs.get(tableNameOutput(table));
    if (!name) throw new AdminError(`stack ${stackName} has no output for the ${table.id} table; is it a gemini-gateway stack?`);
    process.env[table.envVar] = name;
  }
  const arn = outputs.get("UpstreamSecretArn");
  if (!arn) throw new AdminError(`stack ${stackName} has no UpstreamSecretArn output`);
  process.env[UPSTREAM_SECRET_ENV] = arn;
  delete process.env[DYNAMODB_ENDPOINT_ENV];
  return { where: `secret ${arn}`, read: () => readSecretAccounts(arn), write: (accounts) => writeSecretAccounts(arn, accounts) };
}
