/**
 * Serves streaming Lambda handlers over `node:http` the way a function URL does: the request becomes a
 * payload-2.0 event, the handler writes to a response stream, and every chunk it writes is sent to
 * the client as it is written. Used by `npm start`, the integration tests and the benchmark.
 * Import `awslambda-shim.ts` before importing the handlers this serves.
 *
 * No request can stop the process: a target that is no URL, an upload cut short, broken chunking and
 * a client that leaves all end in an answer or a closed socket, never in an error nobody handles.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Context } from "aws-lambda";
import { LocalResponseStream, type Prelude } from "./awslambda-shim.ts";
import { isPreflight, preflightHeaders, responseCorsHeaders, type CorsSettings } from "./cors.ts";
import type { FunctionUrlEvent } from "./function-url.ts";

export type StreamingHandler = (event: FunctionUrlEvent, stream: LocalResponseStream, context: Context) => Promise<unknown>;

export interface LocalServerOptions {
  /** Picks the function that owns a request, as two function URLs split the API between them. */
  readonly pick: (event: FunctionUrlEvent) => StreamingHandler;
  readonly port?: number;
  readonly host?: string;
  /** The function timeout the handlers see through `getRemainingTimeInMillis`. */
  readonly timeoutMs?: number;
  /** Answer browsers as a function URL with these CORS settings does; none: no CORS, as by default. */
  readonly cors?: CorsSettings;
}

export interface LocalServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * A function URL refuses request payloads above this size before the function runs. Here the
 * handler is given one byte more than the limit, and its payload-limit middleware answers 413 in its
 * own dialect, with a request id.
 */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript)|[^;]*\+json)/i;

/**
 * @example
 * const local = await startLocalServer({ port: 8787, pick: (event) => (event.rawPath.startsWith("/v1beta/") ? gemini : chat) });
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const server = createServer((req, res) => {
    // A response whose socket broke reports it here; there is nobody left to tell.
    res.on("error", () => undefined);
    serve(req, res, options).catch(() => answerBroken(res));
  });
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
  const target = parseTarget(req.url ?? "/");
  if (target === undefined) return answerPlain(res, 400, "The request target is not a path or an http(s) URL.");
  const body = await readBody(req);
  if (body === undefined) return void res.destroy();
  const event = toFunctionUrlEvent(req, body, target);
  const cors = options.cors;
  if (cors !== undefined && isPreflight(event.requestContext.http.method, event.headers)) {
    res.writeHead(200, preflightHeaders(cors, event.headers));
    return void res.end();
  }
  let clientGone = false;
  res.on("close", () => {
    clientGone = !res.writableFinished;
  });
  // Like Lambda, a handler keeps running after its client leaves; what it writes then goes nowhere.
  const stream = new LocalResponseStream({
    onPrelude: (prelude) => writeHead(res, prelude, cors === undefined ? {} : responseCorsHeaders(cors, event.headers.origin)),
    onChunk: (chunk) => {
      if (!clientGone) res.write(chunk);
    },
    onEnd: () => res.end(),
  });
  const deadline = Date.now() + (options.timeoutMs ?? 900_000);
  try {
    await options.pick(event)(event, stream, localContext(event, deadline));
  } catch {
    answerBroken(res);
  }
}

/** The platform answers 502 when a function fails before its first byte, and cuts the body after. */
function answerBroken(res: ServerResponse): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(502, { "content-type": "application/json", connection: "close" });
  res.end(JSON.stringify({ message: "Internal Server Error" }));
}

function answerPlain(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", connection: "close" });
  res.end(`${message}\n`);
}

interface RequestTarget {
  readonly path: string;
  /** Without the `?`. */
  readonly query: string;
}

/**
 * The path and query of an origin-form target (`/v1/models?x=1`) taken as sent, as a function URL's
 * `rawPath` is; an absolute-form target (`http://host/v1/models`) is read as a URL. Anything else is
 * no target.
 *
 * @example parseTarget("//x?y=1") // { path: "//x", query: "y=1" }
 */
export function parseTarget(raw: string): RequestTarget | undefined {
  let target = raw;
  if (!raw.startsWith("/")) {
    const url = URL.parse(raw);
    if (url === null || (url.protocol !== "http:" && url.protocol !== "https:")) return undefined;
    target = `${url.pathname}${url.search}`;
  }
  const mark = target.indexOf("?");
  return mark === -1 ? { path: target, query: "" } : { path: target.slice(0, mark), query: target.slice(mark + 1) };
}

/** The body, at most one byte over the limit (the rest is drained unread); undefined if the upload broke off. */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      if (size > MAX_REQUEST_BYTES) return;
      const room = MAX_REQUEST_BYTES + 1 - size;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", () => resolve(undefined));
    req.on("close", () => {
      if (!req.complete) resolve(undefined);
    });
  });
}

function writeHead(res: ServerResponse, prelude: Prelude, extra: Record<string, string>): void {
  const headers: Record<string, string | string[]> = { ...(prelude.headers ?? {}), ...extra };
  if (prelude.cookies?.length) headers["set-cookie"] = prelude.cookies;
  res.writeHead(prelude.statusCode ?? 200, headers);
  // Send status and headers now: a stream that starts slowly must still show the client its status.
  res.flushHeaders();
}

/** Builds the event a function URL would deliver for this request. */
export function toFunctionUrlEvent(req: IncomingMessage, body: Buffer, target: RequestTarget = parseTarget(req.url ?? "/") ?? { path: "/", query: "" }): FunctionUrlEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === "cookie" || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(target.query)) query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  const isText = body.length === 0 || TEXT_TYPES.test(headers["content-type"] ?? "application/json");
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: target.path,
    rawQueryString: target.query,
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
        path: target.path,
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
