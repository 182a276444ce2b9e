import { describe, expect, test } from "@jest/globals";
import type { GenerateContentResponse } from "../../../lambda/domain/gemini/types.ts";
import { meteredStream, type Settle, type StreamView } from "../../../lambda/handlers/routes/metering.ts";
import type { OpenedStream } from "../../../lambda/upstream/failover.ts";

const chunk = (text: string, total: number): GenerateContentResponse => ({
  candidates: [{ content: { role: "model", parts: [{ text }] } }],
  usageMetadata: { promptTokenCount: 5, candidatesTokenCount: total, totalTokenCount: 5 + total },
});

function opened(chunks: GenerateContentResponse[], failAfter?: number): OpenedStream {
  const [first, ...rest] = chunks;
  return {
    account: "primary",
    accountKind: "vertex",
    attempts: 1,
    first: first as GenerateContentResponse,
    rest: (async function* () {
      for (const [index, next] of rest.entries()) {
        if (failAfter !== undefined && index >= failAfter) throw new Error("cut");
        yield next;
      }
    })(),
  };
}

/** A view that writes each chunk's text and remembers the last usage, like the real ones. */
function textView(): StreamView<string> {
  let usage: GenerateContentResponse["usageMetadata"];
  let produced = false;
  return {
    push: (c) => {
      usage = c.usageMetadata ?? usage;
      produced = true;
      return [c.candidates?.[0]?.content?.parts[0]?.text ?? ""];
    },
    finish: (charge) => [`<charged ${charge}>`],
    fail: (message) => [`<error ${message}>`],
    end: () => ["<end>"],
    get usage() {
      return usage;
    },
    get producedOutput() {
      return produced;
    },
  };
}

function recordingSettle() {
  const calls: Array<Parameters<Settle>[0]> = [];
  const settle: Settle = async (input) => {
    calls.push(input);
    return { charge: 42, usage: { input: 0, cachedInput: 0, output: 0, reasoning: 0, toolUsePrompt: 0, searchQueries: 0 } };
  };
  return { calls, settle };
}

const three = [chunk("a", 1), chunk("b", 2), chunk("c", 3)];

describe("meteredStream", () => {
  test("passes every chunk through, settles once from the last usage, then finishes", async () => {
    const { calls, settle } = recordingSettle();
    const out: string[] = [];
    for await (const piece of meteredStream(opened(three), settle, textView())) out.push(piece);
    expect(out).toEqual(["a", "b", "c", "<charged 42>", "<end>"]);
    expect(calls).toEqual([expect.objectContaining({ status: "settled", upstreamAccount: "primary", upstreamKind: "vertex", usage: three[2]?.usageMetadata })]);
  });

  test("when the client leaves after the first chunk, still reads Google to the end and settles the whole answer", async () => {
    const { calls, settle } = recordingSettle();
    const stream = meteredStream(opened(three), settle, textView());
    expect((await stream.next()).value).toBe("a");
    // What a broken response stream does to its source: return() the generator.
    await stream.return(undefined);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ status: "settled", usage: { candidatesTokenCount: 3 } });
  });

  test("turns a failure after output into the view's in-band error, charged as failed", async () => {
    const { calls, settle } = recordingSettle();
    const out: string[] = [];
    for await (const piece of meteredStream(opened(three, 1), settle, textView())) out.push(piece);
    expect(out).toEqual(["a", "b", expect.stringContaining("<error "), "<end>"]);
    expect(calls).toEqual([expect.objectContaining({ status: "failed", errorCode: "upstream_error", usage: three[1]?.usageMetadata })]);
  });
});
