import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { request } from "node:http";
import { Readable } from "node:stream";
import type { StreamingHandler } from "../../lambda/http/local-server.ts";
import { startLocalServer, type LocalServer } from "../../lambda/http/local-server.ts";
import { createGatewayFunction } from "../../lambda/handlers/gateway-function.ts";

/** A gate the test opens: the handler cannot produce chunk n+1 until the client has seen chunk n. */
function createGates(count: number) {
  const opens: Array<() => void> = [];
  const gates = Array.from({ length: count }, () => new Promise<void>((resolve) => opens.push(resolve)));
  return { gates, open: (index: number) => opens[index]?.() };
}

let gates = createGates(0);
const streamer = createGatewayFunction({
  name: "test",
  dialect: "openai",
  routes: [
    {
      method: "GET",
      path: "/stream",
      public: true,
      doc: { tag: "test", summary: "three gated chunks", ok: { status: 200, schema: "Error", description: "SSE", stream: "text/event-stream" } },
      handle: () => ({
        statusCode: 200,
        headers: { "content-type": "text/event-stream" },
        body: Readable.from(
          (async function* () {
            for (let i = 0; i < 3; i++) {
              yield `data: {"chunk":${i}}\n\n`;
              await gates.gates[i];
            }
            yield "data: [DONE]\n\n";
          })(),
        ),
      }),
    },
  ],
});

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer({ pick: () => streamer as unknown as StreamingHandler });
});
afterAll(() => server.close());

describe("the local function URL adapter", () => {
  test("delivers each chunk as the handler writes it, not when the handler ends", async () => {
    gates = createGates(3);
    const received: string[] = [];
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/stream`, (res) => {
        res.setEncoding("utf8");
        // The handler is parked on gate i until the client has chunk i, so arrival proves no buffering.
        res.on("data", (text: string) => {
          received.push(text);
          gates.open(received.length - 1);
        });
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(200);
    expect(received).toEqual(['data: {"chunk":0}\n\n', 'data: {"chunk":1}\n\n', 'data: {"chunk":2}\n\n', "data: [DONE]\n\n"]);
  });

  test("sends status and headers before the first body chunk", async () => {
    gates = createGates(3);
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = request(`${server.url}/stream`, (res) => {
        resolve(res.headers);
        res.on("data", () => [0, 1, 2].forEach((i) => gates.open(i)));
      });
      req.on("error", reject);
      req.end();
    });
    expect(headers["content-type"]).toBe("text/event-stream");
    expect(headers["x-request-id"]).toMatch(/^req_/);
  });
});
