/**
 * Each function's deployable bundle, as `cdk deploy` uploads it (synthesized with bundling on), and
 * its module init time: how long a fresh Node 24 takes to import it, as a cold start does before the
 * first request, with the deployed function's environment (no `NODE_OPTIONS`). Beside it, what the
 * two choices we made save: the same bundle under `--enable-source-maps`, and the same entry built
 * with the AWS SDK left external (what the Node.js runtime would provide).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { synthBundles } from "../support/bundles.ts";
import { LAMBDA_ESBUILD } from "./lambda-build.ts";
import { percentile } from "./measure.ts";

const ROOT = join(import.meta.dirname, "..", "..");

export interface BundleFigures {
  readonly fn: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly mapBytes: number;
  readonly initP50: number;
  readonly initP90: number;
  readonly rssMb: number;
  /** The same bundle with Node mapping its stack traces from the map at load. */
  readonly withSourceMapsP50: number;
  /** The same entry with `@aws-sdk/*` external. */
  readonly external: { readonly bytes: number; readonly initP50: number; readonly rssMb: number };
}

/** @example for (const row of await measureBundles(15)) console.log(row.fn, row.initP50); */
export async function measureBundles(runs: number): Promise<BundleFigures[]> {
  const bundles = synthBundles();
  const externalDir = mkdtempSync(join(ROOT, "cdk.out.bench-"));
  try {
    const functions = [
      ["chat", bundles.stack.chatFunction, "lambda/handlers/chat.ts"],
      ["gemini", bundles.stack.geminiFunction, "lambda/handlers/gemini.ts"],
      ["admin", bundles.stack.adminFunction, "lambda/handlers/admin.ts"],
      ["sweeper", bundles.stack.sweeperFunction, "lambda/handlers/sweeper.ts"],
    ] as const;
    const figures: BundleFigures[] = [];
    for (const [fn, construct, entry] of functions) {
      const file = join(bundles.dirOf(construct), "index.mjs");
      const external = join(externalDir, fn, "index.mjs");
      await buildWithExternalSdk(join(ROOT, entry), external);
      const code = readFileSync(file);
      const inits = importRuns(file, runs);
      const mapped = importRuns(file, runs, "--enable-source-maps");
      const externalInits = importRuns(external, runs);
      figures.push({
        fn,
        bytes: code.length,
        gzipBytes: gzipSync(code).length,
        mapBytes: statSync(`${file}.map`).size,
        initP50: percentile(inits.map((run) => run.ms), 50),
        initP90: percentile(inits.map((run) => run.ms), 90),
        rssMb: percentile(inits.map((run) => run.rssMb), 50),
        withSourceMapsP50: percentile(mapped.map((run) => run.ms), 50),
        external: { bytes: statSync(external).size, initP50: percentile(externalInits.map((run) => run.ms), 50), rssMb: percentile(externalInits.map((run) => run.rssMb), 50) },
      });
    }
    return figures;
  } finally {
    bundles.remove();
    rmSync(externalDir, { recursive: true, force: true });
  }
}

/** NodejsFunction's settings with `bundleAwsSDK: false`: the SDK imported from the runtime's node_modules. */
async function buildWithExternalSdk(entry: string, outfile: string): Promise<void> {
  await build({ ...LAMBDA_ESBUILD, entryPoints: [entry], outfile, sourcemap: true, external: ["@aws-sdk/*"] });
}

/**
 * Fresh processes importing the bundle; the `awslambda` global the runtime installs is a stub, so
 * only the bundle's own module evaluation is timed.
 */
function importRuns(file: string, runs: number, nodeOptions = ""): Array<{ ms: number; rssMb: number }> {
  const script = `
    globalThis.awslambda = { streamifyResponse: (handler) => handler, HttpResponseStream: { from: (stream) => stream } };
    const start = performance.now();
    await import(${JSON.stringify(file)});
    const ms = performance.now() - start;
    process.stdout.write(JSON.stringify({ ms, rssMb: process.memoryUsage().rss / 1048576 }));`;
  const env = { PATH: process.env.PATH, NODE_OPTIONS: nodeOptions, AWS_REGION: "us-east-1", POWERTOOLS_LOG_LEVEL: "SILENT" };
  return Array.from({ length: runs }, () => {
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env, cwd: ROOT });
    if (run.status !== 0) throw new Error(run.stderr);
    return JSON.parse(run.stdout) as { ms: number; rssMb: number };
  });
}
