/**
 * `npm run bench:vertex-auth`: what signing Vertex AI's service-account tokens costs a Lambda bundle
 * with `node:crypto` (the gateway's `lambda/upstream/vertex/`) against google-auth-library's `JWT`
 * client, which does the same exchange. Both entries are bundled with the Lambda functions' esbuild
 * settings (ESM, node24, minified) and then imported by fresh Node processes, as a cold start would.
 * google-auth-library is installed into a temporary folder for the measurement only
 * (`GAL_VERSION`, default 11.3.4; `GAL_DIR` to reuse an install). Prints a Markdown table.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { LAMBDA_ESBUILD } from "./lambda-build.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const RUNS = Number(process.env.AUTH_BENCH_RUNS ?? 25);
const VERSION = process.env.GAL_VERSION ?? "11.3.4";
const work = mkdtempSync(join(tmpdir(), "gw-auth-bench-"));
const galDir = process.env.GAL_DIR ?? join(work, "gal");

if (!existsSync(join(galDir, "node_modules", "google-auth-library"))) {
  execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", galDir, `google-auth-library@${VERSION}`], { stdio: "inherit" });
}
const galVersion = (JSON.parse(readFileSync(join(galDir, "node_modules", "google-auth-library", "package.json"), "utf8")) as { version: string }).version;

// Each entry exposes what the gateway needs: a token for a service account's key file.
const entries = {
  "baseline: an empty module": "export {};",
  "node:crypto (lambda/upstream/vertex)": `import { defaultTokenCache } from ${JSON.stringify(join(ROOT, "lambda/upstream/vertex/token-cache.ts"))};
export const tokenFor = (key) => defaultTokenCache.tokenFor(key);`,
  [`google-auth-library ${galVersion} (JWT)`]: `import { JWT } from "google-auth-library";
export const tokenFor = async (key) => (await new JWT({ email: key.client_email, key: key.private_key, scopes: ["https://www.googleapis.com/auth/cloud-platform"] }).getAccessToken()).token;`,
};

interface Measured {
  name: string;
  bytes: number;
  gzipBytes: number;
  importMs: number[];
}

const results: Measured[] = [];
for (const [index, [name, source]] of Object.entries(entries).entries()) {
  const entry = join(galDir, `entry-${index}.mjs`);
  const outfile = join(work, `bundle-${index}.mjs`);
  writeFileSync(entry, source);
  await build({ ...LAMBDA_ESBUILD, entryPoints: [entry], outfile });
  const code = readFileSync(outfile);
  results.push({ name, bytes: code.length, gzipBytes: gzipSync(code).length, importMs: importTimes(outfile) });
}

function importTimes(file: string): number[] {
  const script = `const start = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - start));`;
  return Array.from({ length: RUNS }, () => {
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(run.stderr);
    return Number(run.stdout);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

// For scale: the gemini function's whole bundle as it is, AWS SDK left to the runtime as in Lambda.
const handler = await build({
  entryPoints: [join(ROOT, "lambda/handlers/gemini.ts")],
  bundle: true,
  write: false,
  platform: "node",
  format: "esm",
  target: "node24",
  minify: true,
  mainFields: ["module", "main"],
  external: ["@aws-sdk/*"],
  logLevel: "error",
});
const handlerBytes = handler.outputFiles[0]?.contents.length ?? 0;

console.log(`\nVertex AI token signing in a Lambda bundle (Node ${process.version}, ${RUNS} cold imports each)\n`);
console.log("| implementation | bundle (minified) | gzipped | import p50 ms | import p90 ms |");
console.log("|---|---|---|---|---|");
for (const result of results) {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(`| ${result.name} | ${kb(result.bytes)} | ${kb(result.gzipBytes)} | ${percentile(result.importMs, 50).toFixed(1)} | ${percentile(result.importMs, 90).toFixed(1)} |`);
}
console.log(`\nFor scale: the whole gemini function bundle (node:crypto signing included) is ${(handlerBytes / 1024).toFixed(1)} KB minified.`);
rmSync(work, { recursive: true, force: true });
