import { describe, expect, test } from "@jest/globals";
import { UpstreamStreamError } from "../../../lambda/upstream/errors.ts";
import { SseDecoder, parseSse } from "../../../lambda/upstream/sse.ts";
import { collect, rejectionOf } from "./fixtures.ts";

const encoder = new TextEncoder();

async function* reads(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === "string" ? encoder.encode(part) : part;
}

function parse(...parts: (string | Uint8Array)[]): Promise<unknown[]> {
  return collect(parseSse(reads(...parts)));
}

const GOOGLE_STREAM = 'data: {"n":1}\r\n\r\ndata: {"n":2,"text":"é ✓"}\r\n\r\ndata: {"n":3}\r\n\r\n';
const EXPECTED = [{ n: 1 }, { n: 2, text: "é ✓" }, { n: 3 }];

describe("the SSE parser", () => {
  test("reads Google's CRLF framing", async () => {
    expect(await parse(GOOGLE_STREAM)).toEqual(EXPECTED);
  });

  test("reads LF framing and lone-CR framing the same way", async () => {
    expect(await parse(GOOGLE_STREAM.replaceAll("\r\n", "\n"))).toEqual(EXPECTED);
    expect(await parse(GOOGLE_STREAM.replaceAll("\r\n", "\r"))).toEqual(EXPECTED);
  });

  test("gives the same events however the bytes are split into two reads", async () => {
    const bytes = encoder.encode(GOOGLE_STREAM);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(await parse(bytes.slice(0, cut), bytes.slice(cut))).toEqual(EXPECTED);
    }
  });

  test("gives the same events when every byte arrives in its own read", async () => {
    const bytes = [...encoder.encode(GOOGLE_STREAM)].map((byte) => Uint8Array.of(byte));

    expect(await parse(...bytes)).toEqual(EXPECTED);
  });

  test("does not read a CRLF split between two reads as two line ends", () => {
    const decoder = new SseDecoder();

    expect(decoder.push('data: {"n":1}\r')).toEqual([]);
    expect(decoder.push("\n")).toEqual([]);
    expect(decoder.push("\r\n")).toEqual(['{"n":1}']);
  });

  test("yields several events that arrive in one read", () => {
    const decoder = new SseDecoder();

    expect(decoder.push('data: {"a":1}\n\ndata: {"b":2}\n\ndata: {"c"')).toEqual(['{"a":1}', '{"b":2}']);
    expect(decoder.push(":3}\n\n")).toEqual(['{"c":3}']);
  });

  test("accepts data: without the space, as Vertex sends it", async () => {
    expect(await parse('data:{"n":1}\r\n\r\ndata: {"n":2}\r\n\r\n')).toEqual([{ n: 1 }, { n: 2 }]);
  });

  test("ignores comments, other fields and blank keep-alives", async () => {
    const stream = ': keep-alive\n\nevent: message\nid: 7\nretry: 1000\ndata: {"n":1}\n\n\n\n: bye\n\n';

    expect(await parse(stream)).toEqual([{ n: 1 }]);
  });

  test("joins several data lines of one event with a newline", async () => {
    expect(await parse('data: {"n":\ndata: 1}\n\n')).toEqual([{ n: 1 }]);
  });

  test("still yields a trailing event whose blank line never came", async () => {
    expect(await parse('data: {"n":1}\r\n\r\ndata: {"n":2}')).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await parse('data: {"n":1}\r\n\r\ndata: {"n":2}\r\n')).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await parse('data: {"n":1}\r')).toEqual([{ n: 1 }]);
  });

  test("reads a bare JSON error object written without data:, even pretty-printed", async () => {
    const error = JSON.stringify({ error: { code: 503, message: "overloaded", status: "UNAVAILABLE" } }, null, 2);

    expect(await parse(`data: {"n":1}\r\n\r\n${error}`)).toEqual([
      { n: 1 },
      { error: { code: 503, message: "overloaded", status: "UNAVAILABLE" } },
    ]);
  });

  test("rejects an event that is not JSON without quoting it", async () => {
    const error = await rejectionOf(parse("data: secret customer text\n\n"));

    expect(error).toBeInstanceOf(UpstreamStreamError);
    expect(String(error)).not.toContain("secret customer text");
  });

  test("yields nothing for an empty body", async () => {
    expect(await parse()).toEqual([]);
  });
});
