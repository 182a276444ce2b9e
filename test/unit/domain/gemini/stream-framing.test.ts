import { describe, expect, test } from "@jest/globals";
import { UpstreamError } from "../../../../lambda/domain/errors.ts";
import { NativeStreamFramer, hasOutput } from "../../../../lambda/domain/gemini/stream-framing.ts";
import type { GenerateContentResponse } from "../../../../lambda/domain/gemini/types.ts";

const text = (value: string, usage = 1): GenerateContentResponse => ({
  candidates: [{ content: { role: "model", parts: [{ text: value }] }, index: 0 }],
  usageMetadata: { promptTokenCount: 3, candidatesTokenCount: usage, totalTokenCount: 3 + usage },
  modelVersion: "gemini-3-flash-preview",
  responseId: "google-id",
});

/** Google's envelope with our code as the ErrorInfo reason, as `@ai-sdk/google` and `@google/genai` read it. */
const googleError = (message: string) => ({
  error: {
    code: 503,
    message,
    status: "UNAVAILABLE",
    details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "upstream_error", domain: "gemini-gateway" }],
    type: "upstream_error",
  },
});

describe("NativeStreamFramer over SSE", () => {
  test("writes each chunk as one data line ended by a blank line, with our id as responseId", () => {
    const framer = new NativeStreamFramer("sse", "req_1");
    const [event] = framer.push(text("Hel"));
    expect(event).toMatch(/^data: \{.*\}\r\n\r\n$/s);
    expect(event?.split("\n").filter((line) => line.startsWith("data:"))).toHaveLength(1);
    expect(JSON.parse(event?.slice("data: ".length) ?? "")).toEqual({ ...text("Hel"), responseId: "req_1" });
    expect([...framer.finish(), ...framer.end()]).toEqual([]);
  });

  test("keeps Google's last cumulative usage and whether output was sent", () => {
    const framer = new NativeStreamFramer("sse", "req_1");
    framer.push({ candidates: [{ content: { role: "model", parts: [{ text: "", thoughtSignature: "c2ln" }] } }], usageMetadata: { promptTokenCount: 3 } });
    expect(framer.producedOutput).toBe(false);
    framer.push(text("Hello", 2));
    framer.push(text(" world", 4));
    expect(framer.producedOutput).toBe(true);
    expect(framer.usage).toEqual({ promptTokenCount: 3, candidatesTokenCount: 4, totalTokenCount: 7 });
  });

  test("ends a failed stream with Google's error object, bare and as a data event, never [DONE]", () => {
    const framer = new NativeStreamFramer("sse", "req_1");
    framer.push(text("Hel"));
    const writes = [...framer.fail(new UpstreamError("It broke.")), ...framer.end()];
    const error = googleError("It broke.");
    expect(writes).toEqual([`${JSON.stringify(error)}\r\n\r\n`, `data: ${JSON.stringify(error)}\r\n\r\n`]);
    expect(writes.join("")).not.toContain("[DONE]");
  });
});

describe("NativeStreamFramer as a JSON array", () => {
  test("writes one array, element by element, that parses whole", () => {
    const framer = new NativeStreamFramer("json-array", "req_2");
    const writes = [...framer.push(text("Hel")), ...framer.push(text("lo", 2)), ...framer.finish(), ...framer.end()];
    expect(writes[0]?.startsWith("[")).toBe(true);
    expect(JSON.parse(writes.join(""))).toEqual([
      { ...text("Hel"), responseId: "req_2" },
      { ...text("lo", 2), responseId: "req_2" },
    ]);
  });

  test("closes the array after an in-band error", () => {
    const framer = new NativeStreamFramer("json-array", "req_2");
    const writes = [...framer.push(text("Hel")), ...framer.fail(new UpstreamError("It broke.")), ...framer.end()];
    expect(JSON.parse(writes.join(""))).toEqual([{ ...text("Hel"), responseId: "req_2" }, googleError("It broke.")]);
  });

  test("is an empty array when nothing was written", () => {
    expect(new NativeStreamFramer("json-array", "req_3").end()).toEqual(["[]"]);
  });
});

describe("hasOutput", () => {
  test("counts text, thoughts, calls and media, but not a bare signature", () => {
    const parts = (list: object[]): GenerateContentResponse => ({ candidates: [{ content: { role: "model", parts: list } }] });
    expect(hasOutput(parts([{ text: "Hi" }]))).toBe(true);
    expect(hasOutput(parts([{ text: "plan", thought: true }]))).toBe(true);
    expect(hasOutput(parts([{ functionCall: { name: "f", args: {} }, thoughtSignature: "c2ln" }]))).toBe(true);
    expect(hasOutput(parts([{ inlineData: { mimeType: "image/png", data: "iVBO" } }]))).toBe(true);
    expect(hasOutput(parts([{ text: "", thoughtSignature: "c2ln" }]))).toBe(false);
    expect(hasOutput({ promptFeedback: { blockReason: "SAFETY" } })).toBe(false);
  });
});
