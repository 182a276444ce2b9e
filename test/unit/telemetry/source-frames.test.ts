import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { errorFacts } from "../../../lambda/telemetry/logger.ts";
import { sourceFrame } from "../../../lambda/telemetry/source-frames.ts";

let dir: string;
let bundle: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gw-frames-"));
  writeFileSync(join(dir, "settle.ts"), ["export function settle(): never {", "  const reason: string = 'the hold is gone';", "  throw new RangeError(reason);", "}", ""].join("\n"));
  bundle = join(dir, "out", "index.mjs");
  await build({ entryPoints: [join(dir, "settle.ts")], outfile: bundle, bundle: true, format: "esm", platform: "node", minify: true, sourcemap: true, logLevel: "error" });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The frame V8 gives for the bundle's `throw` when no source maps are enabled (jest's own process
 * maps stacks itself, so the frame is built from where the statement sits in the minified file).
 */
function bundleFrame(): string {
  const code = readFileSync(bundle, "utf8");
  const column = code.split("\n")[0]!.indexOf("throw new RangeError") + 1;
  return `at settle (${pathToFileURL(bundle).href}:1:${column})`;
}

describe("stack frames from a minified bundle", () => {
  test("point at the source file, line and column through the bundle's map", () => {
    expect(sourceFrame(bundleFrame())).toMatch(/^at settle \(.*settle\.ts:3:3\)$/);
  });

  test("are what the logger logs", () => {
    const error = Object.assign(new RangeError("the hold is gone"), { stack: `RangeError: the hold is gone\n    ${bundleFrame()}` });
    expect(errorFacts(error).frames).toEqual([expect.stringMatching(/settle\.ts:3:3\)$/)]);
  });

  test("stay as they are where there is no map, or no file at all", () => {
    expect(sourceFrame("at run (/no/such/file.js:10:5)")).toBe("at run (/no/such/file.js:10:5)");
    expect(sourceFrame("at process.processTicksAndRejections (node:internal/process/task_queues:105:5)")).toBe("at process.processTicksAndRejections (node:internal/process/task_queues:105:5)");
  });
});
