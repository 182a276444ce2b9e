import { afterEach, beforeEach, describe, expect, jest, test } from "@jest/globals";
import { StorageUnavailableError, type GatewayError } from "../../../lambda/domain/errors.ts";
import type { GenerateContentResponse } from "../../../lambda/domain/gemini/types.ts";
import { collectAnswer, meteredStream, refundingOnFailure, STREAM_MESSAGES, type Settle, type StreamView } from "../../../lambda/handlers/routes/metering.ts";
import { logger } from "../../../lambda/telemetry/logger.ts";
import { UpstreamNetworkError } from "../../../lambda/upstream/errors.ts";
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
        if (failAfter !== undefined && index >= failAfter) throw new UpstreamNetworkError("reset", "The connection to Google was cut.");
        yield next;
      }
    })(),
  };
}

/** A view that writes each chunk's text and remembers the last usage, like the real ones. */
function textView(options: { breakOn?: string; beforeFinish?: () => Promise<void>; onFinish?: () => void } = {}): StreamView<string> {
  let usage: GenerateContentResponse["usageMetadata"];
  let produced = false;
  return {
    ...(options.beforeFinish !== undefined && { beforeFinish: options.beforeFinish }),
    push: (c) => {
      const text = c.candidates?.[0]?.content?.parts[0]?.text ?? "";
      if (text === options.breakOn) throw new TypeError("a bug in a view");
      usage = c.usageMetadata ?? usage;
      produced = true;
      return [text];
    },
    finish: (charge) => {
      options.onFinish?.();
      return [`<charged ${charge ?? "unknown"}>`];
    },
    fail: (failure: GatewayError) => [`<${failure.code}: ${failure.message}>`],
    end: () => ["<end>"],
    get usage() {
      return usage;
    },
    get producedOutput() {
      return produced;
    },
  };
}

const usage = { input: 0, cachedInput: 0, output: 0, reasoning: 0, toolUsePrompt: 0, searchQueries: 0 };

/** A settlement that records what it was asked and answers 42 credits, or fails as storage would. */
function recordingSettle(options: { fails?: boolean } = {}) {
  const calls: Array<Parameters<Settle>[0]> = [];
  const settle: Settle = Object.assign(
    async (input: Parameters<Settle>[0]) => {
      calls.push(input);
      if (options.fails) throw new StorageUnavailableError();
      return { charge: 42, usage };
    },
    { taskId: "req_test" },
  );
  return { calls, settle };
}

async function drain(stream: AsyncGenerator<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const piece of stream) out.push(piece);
  return out;
}

const three = [chunk("a", 1), chunk("b", 2), chunk("c", 3)];

let errorLog: jest.SpiedFunction<typeof logger.error>;
beforeEach(() => {
  errorLog = jest.spyOn(logger, "error").mockImplementation(() => undefined);
});
afterEach(() => errorLog.mockRestore());

describe("meteredStream", () => {
  test("passes every chunk through, settles once from the last usage, then finishes", async () => {
    const { calls, settle } = recordingSettle();
    expect(await drain(meteredStream(opened(three), settle, textView()))).toEqual(["a", "b", "c", "<charged 42>", "<end>"]);
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

  test("turns a failure after output into the view's in-band error, charged as failed, saying what was charged", async () => {
    const { calls, settle } = recordingSettle();
    const out = await drain(meteredStream(opened(three, 1), settle, textView()));
    expect(out).toEqual(["a", "b", `<upstream_error: ${STREAM_MESSAGES.failedCharged(42)}>`, "<end>"]);
    expect(calls).toEqual([expect.objectContaining({ status: "failed", errorCode: "upstream_error", usage: three[1]?.usageMetadata })]);
  });

  test("finishes a complete answer whose bill cannot be recorded with the truth, and ends cleanly", async () => {
    const { settle } = recordingSettle({ fails: true });
    const out = await drain(meteredStream(opened(three), settle, textView()));
    expect(out).toEqual(["a", "b", "c", "<charged unknown>", `<storage_unavailable: ${STREAM_MESSAGES.completeUnrecorded}>`, "<end>"]);
    expect(errorLog).toHaveBeenCalledWith(expect.stringContaining("stays held"), expect.objectContaining({ taskId: "req_test", error: "StorageUnavailableError" }));
  });

  test("does not claim a charge for a failed stream whose bill cannot be recorded", async () => {
    const { settle } = recordingSettle({ fails: true });
    const out = await drain(meteredStream(opened(three, 1), settle, textView()));
    expect(out).toEqual(["a", "b", `<upstream_error: ${STREAM_MESSAGES.failedUnrecorded}>`, "<end>"]);
    expect(out.join("")).not.toContain("You were charged");
  });

  test("survives a settlement failure after the client left, logging it", async () => {
    const { settle } = recordingSettle({ fails: true });
    const stream = meteredStream(opened(three), settle, textView());
    await stream.next();
    await expect(stream.return(undefined)).resolves.toEqual({ done: true, value: undefined });
    expect(errorLog).toHaveBeenCalledTimes(1);
  });

  test("runs the view's work before the end beside settlement, before finishing; a failure of it is logged, never thrown", async () => {
    const order: string[] = [];
    const beforeFinish = async () => void order.push("before");
    const view = textView({ beforeFinish, onFinish: () => order.push("finish") });
    expect(await drain(meteredStream(opened(three), recordingSettle().settle, view))).toEqual(["a", "b", "c", "<charged 42>", "<end>"]);
    expect(order).toEqual(["before", "finish"]);

    const broken = textView({ beforeFinish: () => Promise.reject(new TypeError("a bug before the end")) });
    expect(await drain(meteredStream(opened(three), recordingSettle().settle, broken))).toEqual(["a", "b", "c", "<charged 42>", "<end>"]);
    expect(errorLog).toHaveBeenCalledWith(expect.stringContaining("before its end failed"), expect.objectContaining({ error: "TypeError" }));
  });

  test("ends a stream whose own code fails with an internal error naming the task, charged for what was sent", async () => {
    const { calls, settle } = recordingSettle();
    const out = await drain(meteredStream(opened(three), settle, textView({ breakOn: "b" })));
    expect(out).toEqual(["a", expect.stringMatching(/^<internal_error: .*req_test/), "<end>"]);
    expect(calls).toEqual([expect.objectContaining({ status: "failed", errorCode: "internal_error" })]);
    expect(errorLog).toHaveBeenCalledWith("stream failed unexpectedly", expect.objectContaining({ error: "TypeError" }));
  });
});

describe("before and without a stream", () => {
  test("refunds on a failure before output and rethrows the original error, even when the refund cannot be recorded", async () => {
    const { calls, settle } = recordingSettle({ fails: true });
    const upstreamDown = new Error("every account failed");
    await expect(refundingOnFailure(settle, () => Promise.reject(upstreamDown))).rejects.toBe(upstreamDown);
    expect(calls).toEqual([expect.objectContaining({ status: "refunded" })]);
    expect(errorLog).toHaveBeenCalledTimes(1);
  });

  test("answers a whole answer whose bill cannot be recorded with a retryable storage error", async () => {
    const { settle } = recordingSettle({ fails: true });
    await expect(collectAnswer(opened(three), settle)).rejects.toMatchObject({ statusCode: 503, code: "storage_unavailable", message: expect.stringContaining("nothing was charged") });
  });
});
