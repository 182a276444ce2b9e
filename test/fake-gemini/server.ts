import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { handleCountTokens } from "./count-tokens.ts";
import { FaultRules } from "./faults.ts";
import type { Fault, FaultRule } from "./faults.ts";
import { handleGenerate } from "./generate.ts";
import { GoogleError, apiKeyInvalid, apiKeyMissing, invalidJson, methodNotFound, modelNotFound } from "./google-errors.ts";
import { readBody, sendGoogleError, sendUnexpectedError } from "./http-io.ts";
import { isRecord } from "./json.ts";
import { findModel } from "./models.ts";
import { parseRoute } from "./routes.ts";
import { FakeVertexAuth, TOKEN_PATH } from "./vertex-auth.ts";
import { checkVertexCountTokens, checkVertexResource, sendVertexError } from "./vertex-errors.ts";
import { parseVertexRoute } from "./vertex-routes.ts";

export type { Fault, FaultAction, FaultRule } from "./faults.ts";
export type { FakeServiceAccount, FakeVertexAuth, TokenRequest } from "./vertex-auth.ts";

export interface FakeGeminiOptions {
  port?: number;
  host?: string;
  // Accepted keys; when omitted any non-empty key is accepted.
  apiKeys?: readonly string[];
  // Accepted Vertex express-mode keys; when omitted any non-empty key is accepted.
  vertexApiKeys?: readonly string[];
  chunkDelayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  model: string;
  action: string;
  apiKey: string | undefined;
  // Vertex AI requests: the bearer token, whose service account it was issued to, and the path's project and location.
  platform: "ai-studio" | "vertex";
  bearer?: string;
  serviceAccount?: string;
  project?: string;
  location?: string;
  query: Record<string, string>;
  // Parsed JSON, or the raw text when the body is not JSON.
  body: unknown;
}

export interface FakeGemini {
  readonly url: string;
  readonly requests: RecordedRequest[];
  // Vertex AI's side: the token endpoint at `${url}/token`, service accounts, issued tokens.
  readonly vertex: FakeVertexAuth;
  inject(rule: FaultRule): void;
  reset(): void;
  close(): Promise<void>;
}

interface ServerState {
  options: FakeGeminiOptions;
  requests: RecordedRequest[];
  faults: FaultRules;
  vertex: FakeVertexAuth;
  nextSerial: () => number;
  sleep: (ms: number) => Promise<void>;
}

export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const closing = new AbortController();
  let serial = 0;
  const state: ServerState = {
    options,
    requests: [],
    faults: new FaultRules(),
    vertex: new FakeVertexAuth(),
    nextSerial: () => ++serial,
    // Pending delays end early on close so no timer outlives the server.
    sleep: (ms) => delay(ms, undefined, { signal: closing.signal }).catch(() => undefined),
  };
  const server = createServer((req, res) => {
    handleRequest(req, res, state).catch((error: unknown) => sendUnexpectedError(res, error));
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    requests: state.requests,
    vertex: state.vertex,
    inject: (rule) => state.faults.add(rule),
    reset: () => {
      state.faults.clear();
      state.requests.length = 0;
      state.vertex.reset();
    },
    close: () => {
      closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, state: ServerState): Promise<void> {
  const url = new URL(req.url ?? "/", "http://fake-gemini");
  const query = Object.fromEntries(url.searchParams);
  const rawBody = await readBody(req);
  if (req.method === "POST" && url.pathname === TOKEN_PATH) return state.vertex.handleTokenRequest(res, rawBody, `http://${req.headers.host}${TOKEN_PATH}`);
  const body = parseJson(rawBody);
  const vertex = parseVertexRoute(req.method, url.pathname);
  const route = vertex ?? parseRoute(req.method, url.pathname);
  const apiKey = headerValue(req.headers["x-goog-api-key"]) ?? query.key;
  const bearer = /^Bearer (\S+)$/i.exec(headerValue(req.headers.authorization) ?? "")?.[1];
  const serviceAccount = state.vertex.principalOf(bearer)?.clientEmail;
  const platform = vertex === undefined ? "ai-studio" : "vertex";
  state.requests.push({
    method: req.method ?? "",
    path: url.pathname,
    model: route?.model ?? "",
    action: route?.action ?? "",
    apiKey,
    platform,
    ...(vertex !== undefined && { bearer, serviceAccount, project: vertex.project, location: vertex.location }),
    query,
    body: body.ok ? body.value : rawBody,
  });
  try {
    if (route === undefined) throw methodNotFound();
    const fault = state.faults.take({ apiKey, model: route.model, action: route.action, platform, serviceAccount });
    // A status fault's message may quote the credential, as a careless upstream might: tests check it is redacted.
    if (fault?.kind === "status") throw new GoogleError(fault.status, fault.message?.replaceAll("{credential}", apiKey ?? bearer ?? ""));
    if (fault?.kind === "delay") await state.sleep(fault.ms);
    if (fault?.kind === "gate") await fault.open;
    if (fault?.kind === "reset") {
      req.socket.resetAndDestroy();
      return;
    }
    if (cutsBeforeAnyByte(fault, route.action)) {
      req.socket.destroy();
      return;
    }
    if (vertex?.project !== undefined) checkVertexResource(vertex, state.vertex.authenticate(headerValue(req.headers.authorization)));
    else checkApiKey(apiKey, vertex === undefined ? state.options.apiKeys : state.options.vertexApiKeys);
    const model = findModel(route.model);
    if (model === undefined) throw modelNotFound(route.model, route.apiVersion);
    if (!body.ok) throw invalidJson(body.reason);
    if (vertex !== undefined && route.action === "countTokens") checkVertexCountTokens(body.value);
    if (route.action === "countTokens") return handleCountTokens(res, body.value);
    await handleGenerate(res, {
      model,
      body: body.value,
      framing: streamFraming(route.action, query.alt),
      cutAfterChunks: cutAfter(fault),
      chunkDelayMs: state.options.chunkDelayMs ?? 0,
      nextSerial: state.nextSerial,
      sleep: state.sleep,
    });
  } catch (error) {
    if (!(error instanceof GoogleError)) throw error;
    if (vertex !== undefined) sendVertexError(res, error, vertex);
    else sendGoogleError(res, error);
  }
}

function checkApiKey(apiKey: string | undefined, accepted: readonly string[] | undefined): void {
  if (apiKey === undefined || apiKey === "") throw apiKeyMissing();
  if (accepted !== undefined && !accepted.includes(apiKey)) throw apiKeyInvalid();
}

function streamFraming(action: string, alt: string | undefined): "sse" | "json-array" | undefined {
  if (action !== "streamGenerateContent") return undefined;
  return alt === "sse" ? "sse" : "json-array";
}

// Streams are cut after N chunks and unary answers halfway, except that a cut of zero chunks, or any cut
// of a countTokens answer, closes the connection before the first byte.
function cutsBeforeAnyByte(fault: Fault | undefined, action: string): boolean {
  if (fault?.kind !== "cut") return false;
  if (action === "countTokens") return true;
  return fault.afterChunks === 0 && action !== "streamGenerateContent";
}

function cutAfter(fault: Fault | undefined): number | undefined {
  return fault?.kind === "cut" ? fault.afterChunks : undefined;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

type ParsedBody = { ok: true; value: unknown } | { ok: false; reason: string };

// An empty body reads as {}; a JSON value that is not an object is rejected the way Google's proto parser does.
function parseJson(raw: string): ParsedBody {
  if (raw.trim() === "") return { ok: true, value: {} };
  try {
    const value: unknown = JSON.parse(raw);
    if (isRecord(value)) return { ok: true, value };
    return { ok: false, reason: 'Unknown name "": Root element must be a message.' };
  } catch {
    return { ok: false, reason: "Unexpected token." };
  }
}
