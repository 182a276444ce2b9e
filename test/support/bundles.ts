import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { GatewayStack } from "../../lib/gateway-stack.ts";
import type { GatewayFunction } from "../../lib/gateway-function.ts";

const ROOT = join(import.meta.dirname, "..", "..");

export interface Bundles {
  readonly stack: GatewayStack;
  /** The folder esbuild wrote a function's `index.mjs` to, exactly as `cdk deploy` uploads it. */
  dirOf(fn: GatewayFunction): string;
  remove(): void;
}

/**
 * Synthesizes the stack with bundling on, into a folder inside the repository so the bundles find
 * node_modules the way Lambda's runtime provides what a bundle leaves external.
 *
 * @example const bundles = synthBundles(); const dir = bundles.dirOf(bundles.stack.chatFunction);
 */
export function synthBundles(): Bundles {
  const outdir = mkdtempSync(join(ROOT, "cdk.out.test-"));
  const app = new App({ outdir });
  const stack = new GatewayStack(app, "BundleCheck", { env: { account: "111111111111", region: "us-east-1" } });
  const template = Template.fromStack(stack);
  app.synth();
  return {
    stack,
    dirOf(fn) {
      const logicalId = stack.getLogicalId(fn.node.defaultChild as never);
      const code = template.toJSON().Resources[logicalId].Properties.Code as { S3Key: string };
      return join(outdir, `asset.${code.S3Key.replace(/\.zip$/, "")}`);
    },
    remove: () => rmSync(outdir, { recursive: true, force: true }),
  };
}
