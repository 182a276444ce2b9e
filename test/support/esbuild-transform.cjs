// Jest transformer: esbuild strips the types (it is already the bundler's dependency); type checking
// is `tsc --noEmit`'s job. Chosen over @swc/jest because npm ci cannot install swc's platform
// packages from every registry mirror.
const { createHash } = require("node:crypto");
const { readFileSync } = require("node:fs");
const { dirname } = require("node:path");
const { transformSync } = require("esbuild");

const SELF = readFileSync(__filename, "utf8");

module.exports = {
  // Jest caches transformed files; the key must change when this transformer does.
  getCacheKey(source, filename, options) {
    return createHash("sha256").update(SELF).update(String(options.supportsStaticESM)).update(filename).update(source).digest("hex");
  },
  process(source, filename, options) {
    const { code, map } = transformSync(source, {
      loader: filename.endsWith(".ts") ? "ts" : "js",
      format: options.supportsStaticESM ? "esm" : "cjs",
      target: "es2023",
      sourcemap: "external",
      sourcefile: filename,
      // Jest 29 runs ESM in vm modules whose import.meta has no `dirname`; Node 24 itself has it.
      define: { "import.meta.dirname": JSON.stringify(dirname(filename)) },
    });
    return { code, map };
  },
};
