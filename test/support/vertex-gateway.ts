import { afterAll, afterEach, beforeAll, beforeEach, expect } from "@jest/globals";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { LocalGateway } from "../../bin/local/gateway.ts";
import { findModel, type ModelSpec } from "../../lambda/domain/catalog.ts";
import { planGenerateContent } from "../../lambda/domain/gemini/native-request.ts";
import { boundPromptTokens, holdFor } from "../../lambda/domain/holds.ts";
import { planChatRequest } from "../../lambda/domain/openai/request.ts";
import { documentClient } from "../../lambda/store/client.ts";
import { tableNames } from "../../lambda/store/tables.ts";
import type { UpstreamAccount, VertexServiceAccount } from "../../lambda/upstream/accounts.ts";
import { defaultPool } from "../../lambda/upstream/pool.ts";
import { writeAccountsFile } from "../../lambda/upstream/sources.ts";
import { startFakeGemini, type FakeGemini } from "../fake-gemini/server.ts";
import { captureOutput, type CapturedOutput } from "./capture-output.ts";
import type { Answer } from "./raw-calls.ts";
import { startTestGateway } from "./local-gateway.ts";
import { newServiceAccount, privateKeyFragments, type TestServiceAccount } from "./service-account.ts";

// Shaped like real keys, so a leak would be obvious in any output.
export const STUDIO_KEY = "AIzaSyVertexSuite-studio-key-0000000000";
export const EXPRESS_KEY = "AQ.Ab8RN6-vertex-suite-express-key-000000";

export interface VertexGateway {
  gateway: LocalGateway;
  fake: FakeGemini;
  output: CapturedOutput;
  /** The AI Studio key account, at the fake. */
  studio: UpstreamAccount;
  /** A Vertex express-mode account, at the fake. */
  express: UpstreamAccount;
  /** A fresh service account registered with the fake, as a Vertex account named `name` at the fake. */
  serviceAccount(name?: string, extra?: Partial<VertexServiceAccount>): { account: VertexServiceAccount; sa: TestServiceAccount };
  /** Replaces the gateway's upstream accounts (the local file it re-reads) and forgets their health. */
  useAccounts(...accounts: UpstreamAccount[]): Promise<void>;
  /** Every upstream secret used so far: keys, private keys (and their lines), issued access tokens. */
  secrets(): string[];
  /** Answers the test got, for the leak check after it. */
  remember(...answers: Answer[]): void;
}

/**
 * One gateway per test file whose upstream accounts come from a local account file, beside a fake
 * Google serving both AI Studio and Vertex AI. After every test, nothing the process printed, no
 * answer it remembered (body or headers) and no task row may hold an upstream secret.
 *
 * @example const env = useVertexGateway(); … await env.useAccounts(env.serviceAccount().account, env.studio);
 */
export function useVertexGateway(): VertexGateway {
  const env = {} as VertexGateway;
  const privateKeys: string[] = [];
  const answers: Answer[] = [];
  let dir = "";
  let file = "";
  let closeGateway = async () => undefined as void;
  beforeAll(async () => {
    env.output = captureOutput();
    env.fake = await startFakeGemini({ apiKeys: [STUDIO_KEY], vertexApiKeys: [EXPRESS_KEY] });
    dir = await mkdtemp(join(tmpdir(), "gw-vertex-"));
    file = join(dir, "upstream.json");
    await writeAccountsFile(file, []);
    env.gateway = await startTestGateway({ geminiBaseUrl: env.fake.url, geminiApiKeys: [], upstreamFile: file });
    closeGateway = () => env.gateway.close();
    env.studio = { name: "studio", apiKey: STUDIO_KEY };
    env.express = { kind: "vertex", name: "express", apiKey: EXPRESS_KEY, baseUrl: env.fake.url };
    env.serviceAccount = (name = "vertex-sa", extra = {}) => {
      const sa = newServiceAccount(env.fake);
      privateKeys.push(...privateKeyFragments(sa.key));
      return { sa, account: { kind: "vertex", name, serviceAccount: sa.key, baseUrl: env.fake.url, ...extra } };
    };
    env.useAccounts = async (...accounts) => {
      await writeAccountsFile(file, accounts);
      defaultPool.reset();
    };
    env.secrets = () => [STUDIO_KEY, EXPRESS_KEY, ...privateKeys, ...env.fake.vertex.issuedTokens()];
    env.remember = (...some) => void answers.push(...some);
  });
  beforeEach(() => {
    env.fake.reset();
    defaultPool.reset();
  });
  afterEach(async () => {
    const expectNoSecret = (text: string) => {
      for (const secret of env.secrets()) expect(text).not.toContain(secret);
    };
    expectNoSecret(env.output.text());
    for (const answer of answers.splice(0)) {
      expectNoSecret(answer.raw);
      expectNoSecret(answer.headers);
    }
    expectNoSecret(await allTaskRows());
  });
  afterAll(async () => {
    env.output.restore();
    await closeGateway();
    await env.fake.close();
    await rm(dir, { recursive: true, force: true });
  });
  return env;
}

/** Every task row of this gateway's table, as stored. */
export async function allTaskRows(): Promise<string> {
  const { Items = [] } = await documentClient().send(new ScanCommand({ TableName: tableNames().tasks }));
  return JSON.stringify(Items);
}

/** The hold the gateway computes for a chat request with `max_tokens`, from the same domain code. */
export function chatHold(request: object, maxTokens: number): number {
  const plan = planChatRequest(request);
  return holdFor(findModel(plan.model.id) as ModelSpec, boundPromptTokens(plan.body, plan.model), maxTokens).credits;
}

/** The hold for a native request with `generationConfig.maxOutputTokens`. */
export function nativeHold(modelId: string, request: object, maxOutputTokens: number): number {
  const model = findModel(modelId) as ModelSpec;
  return holdFor(model, boundPromptTokens(planGenerateContent(request, model).body, model), maxOutputTokens).credits;
}
