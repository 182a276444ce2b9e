import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { ApiError, GoogleGenAI } from "@google/genai";
import { UpstreamError } from "../../../../lambda/domain/errors.ts";
import { NativeStreamFramer } from "../../../../lambda/domain/gemini/stream-framing.ts";
import type { GenerateContentResponse } from "../../../../lambda/domain/gemini/types.ts";

const chunk = (text: string): GenerateContentResponse => ({ candidates: [{ content: { role: "model", parts: [{ text }] }, index: 0 }], usageMetadata: { promptTokenCount: 2, totalTokenCount: 2 } });

/** How the framer's writes reach the client: one network read each, or all in a single read. */
let delivery: "apart" | "together" = "apart";
let server: Server;
let ai: GoogleGenAI;

beforeAll(async () => {
  server = createServer((_req, res) => {
    void (async () => {
      const framer = new NativeStreamFramer("sse", "req_1");
      const writes = [...framer.push(chunk("Hel")), ...framer.push(chunk("lo")), ...framer.fail(new UpstreamError("The upstream model failed mid-answer.")), ...framer.end()];
      res.writeHead(200, { "content-type": "text/event-stream" });
      if (delivery === "together") {
        res.end(writes.join(""));
        return;
      }
      for (const write of writes) {
        res.write(write);
        await delay(20);
      }
      res.end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  ai = new GoogleGenAI({ apiKey: "sk-test", httpOptions: { baseUrl: `http://127.0.0.1:${port}`, fetch } });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("a native stream's in-band error, read by @google/genai", () => {
  test.each(["apart", "together"] as const)("yields every chunk, then raises ApiError 503 with our message, with writes arriving %s", async (how) => {
    delivery = how;
    const texts: string[] = [];
    let failure: unknown;
    try {
      for await (const response of await ai.models.generateContentStream({ model: "gemini-3-flash", contents: "Hi" })) texts.push(response.text ?? "");
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 503, message: expect.stringContaining("The upstream model failed mid-answer.") });
    expect(texts).toEqual(["Hel", "lo"]);
  });
});
