import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { startFakeGemini } from "../../fake-gemini/server.ts";
import type { FakeGemini } from "../../fake-gemini/server.ts";
import type { UpstreamAccount } from "../../../lambda/upstream/accounts.ts";
import { UpstreamHttpError, UpstreamNetworkError, UpstreamStreamError } from "../../../lambda/upstream/errors.ts";
import { countTokens, generateContent, geminiUrl, streamGenerateContent } from "../../../lambda/upstream/gemini-client.ts";
import type { GeminiRequest } from "../../../lambda/upstream/gemini-client.ts";
import { FLASH, HELLO, KEY_A, KEY_B, collect, deadUrl, expectNoKeys, finishReasonOf, rejectionOf, startScripted, textOf } from "./fixtures.ts";

const TIMEOUTS = { firstByteMs: 2_000, idleMs: 2_000 };

describe("the Google client", () => {
  let fake: FakeGemini;
  let account: UpstreamAccount;

  function call(overrides: Partial<GeminiRequest> = {}): GeminiRequest {
    return { account, model: FLASH, body: HELLO, timeouts: TIMEOUTS, ...overrides };
  }

  beforeAll(async () => {
    fake = await startFakeGemini({ apiKeys: [KEY_A] });
    account = { name: "main", apiKey: KEY_A, baseUrl: fake.url };
  });
  beforeEach(() => fake.reset());
  afterAll(() => fake.close());

  test("builds v1beta model URLs without the key, stripping a models/ prefix", () => {
    expect(geminiUrl("https://g.example/", "models/gemini-3-flash-preview", "streamGenerateContent")).toBe(
      "https://g.example/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse",
    );
    expect(geminiUrl("http://h/sub", FLASH, "countTokens")).toBe("http://h/sub/v1beta/models/gemini-3-flash-preview:countTokens");
  });

  test("generateContent sends the body as given with the key only in x-goog-api-key", async () => {
    const response = await generateContent(call());

    expect(textOf([response])).toContain("Hello from gemini-3-flash-preview");
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({ path: `/v1beta/models/${FLASH}:generateContent`, apiKey: KEY_A, query: {}, body: HELLO });
  });

  test("streamGenerateContent asks for SSE and yields every chunk up to the finish reason", async () => {
    const chunks = await collect(await streamGenerateContent(call()));

    expect(chunks.length).toBeGreaterThanOrEqual(4);
    expect(textOf(chunks)).toContain("Hello from gemini-3-flash-preview");
    expect(finishReasonOf(chunks[chunks.length - 1])).toBe("STOP");
    expect(fake.requests[0]).toMatchObject({ action: "streamGenerateContent", query: { alt: "sse" }, apiKey: KEY_A });
  });

  test("countTokens returns Google's count", async () => {
    const response = await countTokens(call());

    expect(response).toEqual(expect.objectContaining({ totalTokens: expect.any(Number) }));
    expect(fake.requests[0]).toMatchObject({ action: "countTokens", apiKey: KEY_A });
  });

  test("a 429 becomes an UpstreamHttpError with Google's status, message and RetryInfo delay", async () => {
    fake.inject({ fault: { kind: "status", status: 429, message: "Quota exceeded for requests per minute." } });

    const error = await rejectionOf(generateContent(call()));

    expect(error).toBeInstanceOf(UpstreamHttpError);
    expect(error).toMatchObject({
      status: 429,
      googleStatus: "RESOURCE_EXHAUSTED",
      googleMessage: "Quota exceeded for requests per minute.",
      retryAfterMs: 2_000,
    });
    expectNoKeys(error);
  });

  test("a rejected key carries Google's ErrorInfo reason and never the key", async () => {
    const error = await rejectionOf(generateContent(call({ account: { ...account, apiKey: KEY_B } })));

    expect(error).toMatchObject({ status: 400, googleStatus: "INVALID_ARGUMENT", reason: "API_KEY_INVALID" });
    expectNoKeys(error);
  });

  test("a stream refused before it starts is an UpstreamHttpError too", async () => {
    fake.inject({ fault: { kind: "status", status: 503 } });

    const error = await rejectionOf(streamGenerateContent(call()));

    expect(error).toMatchObject({ status: 503, googleStatus: "UNAVAILABLE" });
  });

  test("a reset connection is an UpstreamNetworkError of kind reset", async () => {
    fake.inject({ fault: { kind: "reset" } });

    const error = await rejectionOf(generateContent(call()));

    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error).toMatchObject({ kind: "reset" });
    expectNoKeys(error);
  });

  test("nothing listening is an UpstreamNetworkError of kind connect", async () => {
    const error = await rejectionOf(generateContent(call({ account: { ...account, baseUrl: await deadUrl() } })));

    expect(error).toMatchObject({ name: "UpstreamNetworkError", kind: "connect" });
    expectNoKeys(error);
  });

  test("waiting past the first-byte timeout is an UpstreamNetworkError of kind timeout", async () => {
    fake.inject({ fault: { kind: "delay", ms: 1_000 } });

    const error = await rejectionOf(streamGenerateContent(call({ timeouts: { firstByteMs: 30 } })));

    expect(error).toMatchObject({ name: "UpstreamNetworkError", kind: "timeout" });
    expect(String(error)).toContain("30 ms");
  });

  test("a stream cut after two chunks yields them and then throws an UpstreamNetworkError", async () => {
    fake.inject({ fault: { kind: "cut", afterChunks: 2 } });
    const received: unknown[] = [];

    const error = await rejectionOf(
      (async () => {
        for await (const chunk of await streamGenerateContent(call())) received.push(chunk);
      })(),
    );

    expect(received).toHaveLength(2);
    expect(error).toMatchObject({ name: "UpstreamNetworkError", kind: "reset" });
    expectNoKeys(error);
  });

  test("the caller's abort rejects with the caller's reason, not an upstream error", async () => {
    fake.inject({ fault: { kind: "delay", ms: 1_000 } });
    const controller = new AbortController();

    const pending = rejectionOf(generateContent(call({ signal: controller.signal })));
    controller.abort();
    const error = await pending;

    expect(error).toMatchObject({ name: "AbortError" });
  });
});

describe("the Google client against replies the fake cannot produce", () => {
  function account(url: string): UpstreamAccount {
    return { name: "odd", apiKey: KEY_A, baseUrl: url };
  }

  test("an error message that echoes the key is redacted", async () => {
    const server = await startScripted((req, res) => {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: 403, message: `Key ${req.headers["x-goog-api-key"]} is suspended`, status: "PERMISSION_DENIED" } }));
    });
    try {
      const error = await rejectionOf(generateContent({ account: account(server.url), model: FLASH, body: HELLO }));

      expect(error).toMatchObject({ status: 403, googleMessage: "Key [redacted] is suspended" });
      expectNoKeys(error);
    } finally {
      await server.close();
    }
  });

  test("a non-JSON error page keeps its status and a short excerpt", async () => {
    const server = await startScripted((_req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html>\n  <body>Bad gateway</body>\n</html>");
    });
    try {
      const error = await rejectionOf(generateContent({ account: account(server.url), model: FLASH, body: HELLO }));

      expect(error).toMatchObject({ status: 502, googleStatus: "UNKNOWN", googleMessage: "<html> <body>Bad gateway</body> </html>" });
    } finally {
      await server.close();
    }
  });

  test("an error object in place of the first chunk is an UpstreamHttpError; after it, an UpstreamStreamError", async () => {
    const errorObject = JSON.stringify({ error: { code: 500, message: "Internal error", status: "INTERNAL" } });
    const server = await startScripted((req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const first = req.url?.includes("/models/fails-at-once:") === true ? "" : 'data: {"candidates":[]}\r\n\r\n';
      res.end(`${first}${errorObject}`);
    });
    try {
      const request = { account: account(server.url), model: FLASH, body: HELLO };
      const first = await rejectionOf(streamGenerateContent({ ...request, model: "fails-at-once" }).then(collect));
      const later = await rejectionOf(streamGenerateContent(request).then(collect));

      expect(first).toBeInstanceOf(UpstreamHttpError);
      expect(first).toMatchObject({ status: 500, googleStatus: "INTERNAL" });
      expect(later).toBeInstanceOf(UpstreamStreamError);
      expect(later).toMatchObject({ status: 500 });
    } finally {
      await server.close();
    }
  });

  test("a stream that stalls after a chunk for longer than the idle timeout throws a timeout", async () => {
    const server = await startScripted((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('data: {"candidates":[]}\r\n\r\n');
    });
    try {
      const chunks = await streamGenerateContent({ account: account(server.url), model: FLASH, body: HELLO, timeouts: { idleMs: 30 } });
      const first = await chunks.next();
      const error = await rejectionOf(chunks.next());

      expect(first).toEqual({ done: false, value: { candidates: [] } });
      expect(error).toMatchObject({ name: "UpstreamNetworkError", kind: "timeout" });
      expect(String(error)).toContain("the next chunk");
    } finally {
      await server.close();
    }
  });
});
