import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { synthBundles, type Bundles } from "../support/bundles.ts";

const ROOT = join(import.meta.dirname, "..", "..");
let bundles: Bundles;

beforeAll(() => {
  bundles = synthBundles();
}, 60_000);
afterAll(() => bundles.remove());

/** Loads a bundle in a fresh Node 24, as Lambda would, and sends it one function URL event. */
function invokeBundle(dir: string, path: string): Promise<{ prelude: { statusCode: number }; body: string }> {
  const script = `
    await import(${JSON.stringify(join(ROOT, "lambda/http/awslambda-shim.ts"))});
    const { LocalResponseStream } = await import(${JSON.stringify(join(ROOT, "lambda/http/awslambda-shim.ts"))});
    const { handler } = await import(${JSON.stringify(join(dir, "index.mjs"))});
    const stream = new LocalResponseStream();
    const event = { version: "2.0", rawPath: ${JSON.stringify(path)}, rawQueryString: "", headers: {}, isBase64Encoded: false,
      requestContext: { http: { method: "GET", path: ${JSON.stringify(path)}, sourceIp: "203.0.113.1" }, requestId: "r" } };
    await handler(event, stream, { getRemainingTimeInMillis: () => 60000 });
    process.stdout.write("\\n@@result@@" + JSON.stringify({ prelude: stream.prelude, body: stream.body }));`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT }, (error, stdout, stderr) =>
      // The function's own log lines come first; the result is what follows the marker.
      error ? reject(new Error(stderr)) : resolve(JSON.parse(stdout.slice(stdout.lastIndexOf("@@result@@") + "@@result@@".length)) as { prelude: { statusCode: number }; body: string }),
    );
  });
}

describe("the deployable bundles", () => {
  test("the chat function's bundle loads under Node 24 and serves the catalog", async () => {
    const { prelude, body } = await invokeBundle(bundles.dirOf(bundles.stack.chatFunction), "/v1/models");
    expect(prelude.statusCode).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ object: "list" });
  });

  test("the gemini function's bundle loads under Node 24 and serves Google's model list", async () => {
    const { prelude, body } = await invokeBundle(bundles.dirOf(bundles.stack.geminiFunction), "/v1beta/models");
    expect(prelude.statusCode).toBe(200);
    expect(JSON.parse(body)).toHaveProperty("models");
  });

  test("ship their source maps, which Node is not told to load at every cold start", () => {
    for (const fn of [bundles.stack.chatFunction, bundles.stack.geminiFunction, bundles.stack.adminFunction, bundles.stack.sweeperFunction]) {
      expect(existsSync(join(bundles.dirOf(fn), "index.mjs.map"))).toBe(true);
      const variables = (bundles.stack.resolve((fn.node.defaultChild as CfnFunction).environment) as { variables?: Record<string, unknown> } | undefined)?.variables ?? {};
      expect(variables).not.toHaveProperty("NODE_OPTIONS");
    }
  });

  test("answers an unknown path from the bundle with our envelope, not a crash", async () => {
    const { prelude, body } = await invokeBundle(bundles.dirOf(bundles.stack.chatFunction), "/nope");
    expect(prelude.statusCode).toBe(404);
    expect(JSON.parse(body)).toMatchObject({ error: { code: "not_found" } });
  });
});
