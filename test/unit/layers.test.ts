import { describe, expect, test } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** DESIGN.md §3: each layer of lambda/ imports only the layers below it. */
const LAYERS = ["http", "domain", "telemetry", "store", "upstream", "operations", "middleware", "handlers"] as const;
const LAMBDA = join(import.meta.dirname, "..", "..", "lambda");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

function importedLayers(file: string): string[] {
  const source = readFileSync(file, "utf8");
  const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((match) => match[1] ?? "");
  return specifiers
    .map((specifier) => relative(LAMBDA, join(file, "..", specifier)).split("/")[0] ?? "")
    .filter((layer) => (LAYERS as readonly string[]).includes(layer));
}

describe("the lambda layers", () => {
  test.each(LAYERS.map((layer, rank) => [layer, rank] as const))("%s imports only itself and the layers below it", (layer, rank) => {
    const allowed = LAYERS.slice(0, rank + 1) as readonly string[];
    const violations = sourceFiles(join(LAMBDA, layer)).flatMap((file) =>
      importedLayers(file)
        .filter((imported) => !allowed.includes(imported))
        .map((imported) => `${relative(LAMBDA, file)} imports ${imported}`),
    );
    expect(violations).toEqual([]);
  });

  test("pure domain code touches no AWS SDK, network, file system or process", () => {
    // node:net is allowed for its BlockList and isIP, which do no I/O.
    const io = /(?:from|import)\s*\(?\s*"(@aws-sdk\/|node:(http|https|http2|dgram|dns|fs|fs\/promises|child_process)")/;
    const offenders = sourceFiles(join(LAMBDA, "domain")).filter((file) => io.test(readFileSync(file, "utf8")));
    expect(offenders.map((file) => relative(LAMBDA, file))).toEqual([]);
  });
});
