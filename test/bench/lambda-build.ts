/**
 * esbuild's options for a bundle built the way `GatewayFunction` builds the functions (ESM for
 * Node 24, minified, `module` before `main`, a `require` for the built-ins), so what the benchmarks
 * time is what `cdk deploy` uploads.
 */
import type { BuildOptions } from "esbuild";
import { REQUIRE_SHIM } from "../../lib/gateway-function.ts";

export const LAMBDA_ESBUILD = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node24",
  minify: true,
  mainFields: ["module", "main"],
  banner: { js: REQUIRE_SHIM },
  logLevel: "error",
} as const satisfies BuildOptions;
