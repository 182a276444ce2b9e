/**
 * `npm start` prints the same log lines the functions write in AWS, one line each and readable:
 * Powertools' development mode writes through the global console, and the console here turns each
 * JSON line into `time LEVEL message key=value …`. Metrics are CloudWatch's business, so off here.
 * Import this first: the logger reads these settings when it loads.
 */
process.env.POWERTOOLS_DEV ??= "true";
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";

type Method = "log" | "info" | "warn" | "error" | "debug";

for (const method of ["log", "info", "warn", "error", "debug"] as const satisfies readonly Method[]) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => original(...(args.length === 1 && typeof args[0] === "string" ? [readable(args[0])] : args));
}

/**
 * @example readable('{"level":"INFO","message":"request","timestamp":"2026-12-01T10:00:00.000Z","status":200}')
 * // "10:00:00.000 INFO  request status=200"
 */
export function readable(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof entry.level !== "string" || typeof entry.message !== "string") return line;
  const { level, message, timestamp, service: _service, sampling_rate: _sampling, ...fields } = entry;
  const time = typeof timestamp === "string" ? timestamp.slice(11, 23) : "";
  const pairs = Object.entries(fields)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([name, value]) => `${name}=${typeof value === "object" ? JSON.stringify(value) : String(value)}`);
  return [time, level.padEnd(5), message, ...pairs].join(" ");
}
