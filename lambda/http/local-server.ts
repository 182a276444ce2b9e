/**
 * Serves streaming Lambda handlers over `node:http` the way a function URL does: the request becomes a
 * payload-2.0 event, the handler writes to a response stream, and every chunk it writes is sent to
 * the client as it is written. Used by `npm start`, the integration tests and the benchmark.
 * Import `awslambda-shim.ts` before importing the handlers this serves.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Context } from "aws-lambda";
import { LocalResponseStream, type Prelude } from "./awslambda-shim.ts";
import type { FunctionUrlEvent } from "./function-url.ts";

export type StreamingHandler = (event: FunctionUrlEvent, stream: LocalResponseStream, context: Context) => Promise<unknown>;

export interface LocalServerOptions {
  /** Picks the function that owns a request, as two function URLs split the API between them. */
  readonly pick: (event: FunctionUrlEvent) => StreamingHandler;
  readonly port?: number;
  readonly host?: string;
  /** The function timeout the handlers see through `getRemainingTimeInMillis`. */
  readonly timeoutMs?: number;
}

export interface LocalServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** A function URL refuses request payloads above this size before the function runs. */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript)|[^;]*\+json)/i;

/**
 * @example
 * const local = await startLocalServer({ port: 8787, pick: (event) => (event.rawPath.startsWith("/v1beta/") ? gemini : chat) });
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const server = createServer((req, res) => void serve(req, res, options));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, options: LocalServerOptions): Promise<void> {
  const body = await readBody(req);
  if (body === "too-large") return refuseTooLarge(res);
  const event = toFunctionUrlEvent(req, body);
  let clientGone = false;
  res.on("close", () => {
    clientGone = !res.writableFinished;
  });
  // Like Lambda, a handler keeps running after its client leaves; what it writes then goes nowhere.
  const stream = new LocalResponseStream({
    onPrelude: (prelude) => writeHead(res, prelude),
    onChunk: (chunk) => {
      if (!clientGone) res.write(chunk);
    },
    onEnd: () => res.end(),
  });
  const deadline = Date.now() + (options.timeoutMs ?? 900_000);
  try {
    await options.pick(event)(event, stream, localContext(event, deadline));
  } catch {
    // The platform answers 502 when a function fails before its first byte, and cuts the body after.
    if (!res.headersSent) {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "Internal Server Error" }));
    } else {
      res.destroy();
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        req.removeAllListeners("data");
        req.resume();
        resolve("too-large");
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function refuseTooLarge(res: ServerResponse): void {
  const message = `Request body is larger than ${MAX_REQUEST_BYTES} bytes, the function URL limit. Send a smaller body.`;
  res.writeHead(413, { "content-type": "application/json", connection: "close" });
  res.end(JSON.stringify({ error: { code: "request_too_large", message, type: "invalid_request_error" } }));
}

function writeHead(res: ServerResponse, prelude: Prelude): void {
  const headers: Record<string, string | string[]> = { ...(prelude.headers ?? {}) };
  if (prelude.cookies?.length) headers["set-cookie"] = prelude.cookies;
  res.writeHead(prelude.statusCode ?? 200, headers);
  // Send status and headers now: a stream that starts slowly must still show the client its status.
  res.flushHeaders();
}

/** Builds the event a function URL would deliver for this request. */
export function toFunctionUrlEvent(req: IncomingMessage, body: Buffer): FunctionUrlEvent {
  const url = new URL(req.url ?? "/", "http://local");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === "cookie" || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  const isText = body.length === 0 || TEXT_TYPES.test(headers["content-type"] ?? "application/json");
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: req.headers.cookie?.split(/;\s*/),
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    requestContext: {
      accountId: "anonymous",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: (headers.host ?? "localhost").split(".")[0] ?? "localhost",
      http: {
        method: req.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: peerAddress(req),
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body: body.length === 0 ? undefined : body.toString(isText ? "utf8" : "base64"),
    isBase64Encoded: !isText,
  };
}

/** The TCP peer, as a function URL reports it: never a header the client could forge. */
function peerAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? "127.0.0.1";
  return address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
}

function localContext(event: FunctionUrlEvent, deadline: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "local",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:local:000000000000:function:local",
    memoryLimitInMB: "1024",
    awsRequestId: event.requestContext.requestId,
    logGroupName: "local",
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
