/**
 * A small stand-in for the Lambda service around AWS's own runtime interface client
 * (`aws-lambda-ric`): it serves the Runtime API the client polls (`/2018-06-01/runtime/…`) and, on
 * the same port, a function URL that turns each HTTP request into an invocation and streams the
 * function's response back as Lambda does: the prelude becomes the status and headers, the rest the
 * body, and an error reported in the stream's trailers cuts the body short.
 *
 * This runs the bundled function under the real runtime, so whatever the local shim hides (how the
 * runtime ends a stream, what an unhandled rejection does to the process) shows here.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { toFunctionUrlEvent } from "../../lambda/http/local-server.ts";

const RUNTIME = "/2018-06-01/runtime";
const PRELUDE_END = Buffer.alloc(8);
const RIC = join(import.meta.dirname, "..", "..", "node_modules", "aws-lambda-ric", "index.mjs");

export interface LambdaFunction {
  /** The function URL. */
  readonly url: string;
  /** Errors the runtime reported for invocations: in stream trailers, or posted to `/error`. */
  readonly invocationErrors: Array<{ requestId: string; errorType: string }>;
  /** Everything the function wrote to stdout and stderr. */
  readonly output: () => string;
  /** The runtime process; its `exitCode` stays null while it lives. */
  readonly process: ChildProcess;
  close(): Promise<void>;
}

interface Invocation {
  readonly id: string;
  readonly event: unknown;
  readonly client: ServerResponse;
}

/**
 * Starts the runtime client on a bundled handler (`dir/index.mjs`, export `handler`).
 *
 * @example const fn = await startLambdaFunction(bundleDir, { TABLE: "…" }); await fetch(`${fn.url}/v1/models`);
 */
export async function startLambdaFunction(dir: string, environment: Record<string, string>): Promise<LambdaFunction> {
  const pending: Invocation[] = [];
  const polls: ServerResponse[] = [];
  const running = new Map<string, Invocation>();
  const invocationErrors: LambdaFunction["invocationErrors"] = [];

  const dispatch = () => {
    while (pending.length > 0 && polls.length > 0) {
      const invocation = pending.shift() as Invocation;
      const poll = polls.shift() as ServerResponse;
      running.set(invocation.id, invocation);
      poll.writeHead(200, {
        "content-type": "application/json",
        "lambda-runtime-aws-request-id": invocation.id,
        "lambda-runtime-deadline-ms": String(Date.now() + 900_000),
        "lambda-runtime-invoked-function-arn": "arn:aws:lambda:us-east-1:111111111111:function:gateway",
        "lambda-runtime-trace-id": `Root=1-${randomUUID().slice(0, 8)}`,
      });
      poll.end(JSON.stringify(invocation.event));
    }
  };

  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    if (!path.startsWith(RUNTIME)) return void invoke(req, res);
    if (req.method === "GET" && path === `${RUNTIME}/invocation/next`) {
      polls.push(res);
      return dispatch();
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    const invocation = match === null ? undefined : running.get(decodeURIComponent(match[1] ?? ""));
    if (invocation === undefined) {
      // An init error, or a post for an invocation we do not know: acknowledge, nothing to deliver.
      req.resume();
      return void res.writeHead(202).end();
    }
    if (match?.[2] === "error") {
      invocationErrors.push({ requestId: invocation.id, errorType: String(req.headers["lambda-runtime-function-error-type"] ?? "") });
      req.resume();
      invocation.client.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ message: "Internal Server Error" }));
      return void res.writeHead(202).end();
    }
    streamResponse(req, res, invocation);
  });

  function invoke(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      pending.push({ id: randomUUID(), event: toFunctionUrlEvent(req, Buffer.concat(chunks)), client: res });
      dispatch();
    });
  }

  function streamResponse(req: IncomingMessage, res: ServerResponse, invocation: Invocation): void {
    let head = Buffer.alloc(0);
    let headed = false;
    req.on("data", (chunk: Buffer) => {
      if (headed) return void invocation.client.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf(PRELUDE_END);
      if (end === -1) return;
      const prelude = JSON.parse(head.subarray(0, end).toString("utf8")) as { statusCode?: number; headers?: Record<string, string> };
      invocation.client.writeHead(prelude.statusCode ?? 200, prelude.headers ?? {});
      headed = true;
      const rest = head.subarray(end + PRELUDE_END.length);
      if (rest.length > 0) invocation.client.write(rest);
    });
    req.on("end", () => {
      running.delete(invocation.id);
      const errorType = req.trailers["lambda-runtime-function-error-type"];
      if (errorType !== undefined) {
        invocationErrors.push({ requestId: invocation.id, errorType });
        // The function URL cannot change a status it has sent; the client sees the body cut short.
        invocation.client.destroy();
      } else if (!headed) {
        invocation.client.writeHead(200).end(head);
      } else {
        invocation.client.end();
      }
      res.writeHead(202).end();
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let output = "";
  const child = spawn(process.execPath, [RIC], {
    env: {
      PATH: process.env.PATH ?? "",
      AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`,
      _HANDLER: "index.handler",
      LAMBDA_TASK_ROOT: dir,
      AWS_LAMBDA_FUNCTION_NAME: "gateway",
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "1024",
      AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/gateway",
      AWS_LAMBDA_LOG_STREAM_NAME: "2026/12/01/[$LATEST]local",
      AWS_EXECUTION_ENV: "AWS_Lambda_nodejs24.x",
      AWS_REGION: "us-east-1",
      ...environment,
    },
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // A runtime that dies takes its invocations with it, as a crashed sandbox does: their clients see the connection drop.
  child.once("exit", () => {
    for (const invocation of [...pending, ...running.values()]) invocation.client.destroy();
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  // Wait for the runtime's first poll: it has loaded the handler and is ready.
  await new Promise<void>((resolve, reject) => {
    const ready = setInterval(() => {
      if (polls.length > 0) done(resolve);
      else if (child.exitCode !== null) done(() => reject(new Error(`the runtime exited (${child.exitCode}) before polling:\n${output}`)));
    }, 10);
    const done = (settle: () => void) => {
      clearInterval(ready);
      settle();
    };
  });

  return {
    url: `http://127.0.0.1:${port}`,
    invocationErrors,
    output: () => output,
    process: child,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
      }
      for (const poll of polls) poll.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
