import { inspect } from "node:util";

export interface CapturedOutput {
  /** Everything written since capture began: console calls and raw writes to stdout and stderr. */
  text(): string;
  restore(): void;
}

const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;

/**
 * Records every console call and every write to process.stdout/stderr made in this process (the
 * in-process gateway's log lines among them), passing them through. It proves itself first: a
 * probe through each channel must be recorded, or it throws, so a leak check on its text cannot
 * pass because nothing was captured.
 *
 * @example const output = captureOutput(); … expect(output.text()).not.toContain(secret); output.restore();
 */
export function captureOutput(): CapturedOutput {
  const chunks: string[] = [];
  const restores: Array<() => void> = [];
  // The probes are recorded but not passed on, so they do not clutter the test output.
  let probing = true;
  for (const method of CONSOLE_METHODS) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      chunks.push(args.map((arg) => (typeof arg === "string" ? arg : inspect(arg, { depth: 8 }))).join(" "));
      if (!probing) original.apply(console, args);
    };
    restores.push(() => (console[method] = original));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      return probing || (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof stream.write;
    restores.push(() => (stream.write = original));
  }
  const probes = CONSOLE_METHODS.filter((method) => method !== "trace").map((method) => `capture-probe-${method}`);
  for (const [index, method] of (["log", "info", "warn", "error", "debug"] as const).entries()) console[method](probes[index]);
  process.stdout.write("capture-probe-stdout\n");
  process.stderr.write("capture-probe-stderr\n");
  probing = false;
  const seen = chunks.join("\n");
  for (const probe of [...probes, "capture-probe-stdout", "capture-probe-stderr"]) {
    if (!seen.includes(probe)) throw new Error(`output capture missed ${probe}`);
  }
  return { text: () => chunks.join("\n"), restore: () => restores.forEach((restore) => restore()) };
}
