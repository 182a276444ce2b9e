/**
 * The gateway on one machine: both functions' handlers behind one `node:http` port, on DynamoDB
 * Local (or any DynamoDB), talking to Google or to a fake of it. `npm start`, the integration tests
 * and the benchmark all start it through here, so they run exactly what Lambda runs.
 */
import "../../lambda/http/awslambda-shim.ts";
import { header, type FunctionUrlEvent } from "../../lambda/http/function-url.ts";
import { startLocalServer, type StreamingHandler } from "../../lambda/http/local-server.ts";
import { documentClient, DYNAMODB_ENDPOINT_ENV } from "../../lambda/store/client.ts";
import { ensureTables, tableEnvironment } from "../../lambda/store/tables.ts";

export interface LocalGatewayOptions {
  readonly dynamodbEndpoint: string;
  readonly port?: number;
  readonly host?: string;
  /** Table name prefix, so tests can keep their data apart on one DynamoDB Local. */
  readonly tablePrefix?: string;
  /** Upstream Google base URL and keys, for the routes that call Google. */
  readonly geminiBaseUrl?: string;
  readonly geminiApiKeys?: readonly string[];
  /** The upstream account file (`GATEWAY_UPSTREAM_FILE`), for Vertex AI accounts and named keys. */
  readonly upstreamFile?: string;
  /** Browser origins to answer as the stack's `corsAllowedOrigins` makes the function URLs answer them. */
  readonly corsAllowedOrigins?: readonly string[];
}

export interface LocalGateway {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * In AWS each function has its own URL. Here they share one port (the admin function takes `/admin/`), and `/v1/models` means the OpenAI
 * list to the `openai` SDK but Google's list to `@google/genai` 3.x (whose default API version is
 * `v1`), so a request goes to the Gemini function when its path or its Google-style credentials
 * say it speaks Google's protocol.
 */
export function isGeminiRequest(event: FunctionUrlEvent): boolean {
  const path = event.rawPath;
  if (path.startsWith("/v1beta/") || path.startsWith("/v1/gemini/") || path.includes(":")) return true;
  return header(event, "x-goog-api-key") !== undefined || event.queryStringParameters?.key !== undefined;
}

/** The admin function's own URL serves `/admin/v1/…`; here it shares the port with the other two. */
export function isAdminRequest(event: FunctionUrlEvent): boolean {
  return event.rawPath.startsWith("/admin/");
}

/**
 * The handlers read their configuration from the environment, as they do in Lambda, so this sets it
 * before it loads them.
 */
export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  Object.assign(process.env, tableEnvironment(options.tablePrefix), { [DYNAMODB_ENDPOINT_ENV]: options.dynamodbEndpoint });
  if (options.geminiBaseUrl) process.env.GEMINI_BASE_URL = options.geminiBaseUrl;
  if (options.geminiApiKeys) process.env.GEMINI_API_KEY = options.geminiApiKeys.join(",");
  if (options.upstreamFile) process.env.GATEWAY_UPSTREAM_FILE = options.upstreamFile;
  await ensureTables(documentClient(options.dynamodbEndpoint), options.tablePrefix);

  const chat = (await import("../../lambda/handlers/chat.ts")).handler as unknown as StreamingHandler;
  const gemini = (await import("../../lambda/handlers/gemini.ts")).handler as unknown as StreamingHandler;
  const admin = (await import("../../lambda/handlers/admin.ts")).handler as unknown as StreamingHandler;
  const server = await startLocalServer({
    port: options.port,
    host: options.host,
    ...(options.corsAllowedOrigins?.length && { cors: { allowedOrigins: options.corsAllowedOrigins } }),
    pick: (event) => (isAdminRequest(event) ? admin : isGeminiRequest(event) ? gemini : chat),
  });
  return { url: server.url, close: () => server.close() };
}
