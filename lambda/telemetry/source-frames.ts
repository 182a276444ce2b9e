/**
 * Stack frames that point into the source, not into the minified bundle. Node's
 * `--enable-source-maps` would do this by parsing every bundle's map as it loads — about 25 ms of
 * each cold start (README "Bundles and cold start") — so instead a bundle's map is read the first
 * time one of its frames is logged, and only then.
 */
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

const maps = new Map<string, SourceMap | undefined>();
const LOCATION = /(file:\/\/\/[^\s()]+?\.m?js|\/[^\s()]+?\.m?js):(\d+):(\d+)/g;

/**
 * One stack frame with each bundle location replaced by the source file, line and column its map
 * gives; frames of files without a map stay as they are.
 *
 * @example sourceFrame("at settle (file:///var/task/index.mjs:1:23456)") // "at settle (lambda/store/ledger.ts:212:11)"
 */
export function sourceFrame(frame: string): string {
  return frame.replace(LOCATION, (location, file: string, line: string, column: string) => {
    const entry = mapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1);
    if (entry === undefined || !("originalSource" in entry)) return location;
    return `${readable(entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

function mapOf(file: string): SourceMap | undefined {
  const path = file.startsWith("file://") ? fileURLToPath(file) : file;
  if (!maps.has(path)) {
    let map: SourceMap | undefined;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, "utf8")));
    } catch {
      // No map beside it (a source file, a dependency): its frames are already readable.
    }
    maps.set(path, map);
  }
  return maps.get(path);
}

/** esbuild names sources relative to the bundle's folder: `../../lambda/x.ts` reads better as `lambda/x.ts`. */
function readable(source: string): string {
  return source.replace(/^file:\/\//, "").replace(/^(\.\.\/)+/, "");
}
