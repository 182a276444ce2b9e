import { describe, expect, test } from "@jest/globals";
import { openTurn } from "../../../../lambda/domain/openai-responses/encrypted-content.ts";
import { toResponse } from "../../../../lambda/domain/openai-responses/response.ts";
import { ResponsesStreamTranslator } from "../../../../lambda/domain/openai-responses/stream.ts";
import type { ResponsesStreamEvent } from "../../../../lambda/domain/openai-responses/types.ts";
import { callTurn, FLASH, KEY, options, SIG_CALL, SIG_TEXT, textTurn, upstream, USAGE, weatherTool } from "./fixtures.ts";

/** Each event as `sequence type [output index]`, the shape a reader checks lifecycles by. */
const outline = (events: readonly ResponsesStreamEvent[]) =>
  events.map((event) => `${event.sequence_number} ${event.type}${"output_index" in event ? ` ${event.output_index}` : ""}`);

/** Runs chunks through a translator and finishes it with the charge, or as a bill that could not be recorded. */
function run(chunks: Parameters<ResponsesStreamTranslator["push"]>[0][], body?: Record<string, unknown>, credits: number | "unrecorded" = 42) {
  const translator = new ResponsesStreamTranslator(options(body));
  const events = [...chunks.flatMap((chunk) => translator.push(chunk)), ...translator.finish(credits === "unrecorded" ? undefined : credits)];
  return { translator, events };
}

describe("ResponsesStreamTranslator", () => {
  test("streams a text answer: created, in_progress, the reasoning item first, the message's part lifecycle, the reasoning item closed last, completed", () => {
    const { events, translator } = run(textTurn);
    expect(outline(events)).toEqual([
      "0 response.created",
      "1 response.in_progress",
      "2 response.output_item.added 0",
      "3 response.output_item.added 1",
      "4 response.content_part.added 1",
      "5 response.output_text.delta 1",
      "6 response.output_text.delta 1",
      "7 response.output_text.done 1",
      "8 response.content_part.done 1",
      "9 response.output_item.done 1",
      "10 response.output_item.done 0",
      "11 response.completed",
    ]);
    expect(events[5]).toEqual({ type: "response.output_text.delta", item_id: "msg_abc123_1", output_index: 1, content_index: 0, delta: "Hel", logprobs: [], sequence_number: 5 });
    expect(events[7]).toMatchObject({ type: "response.output_text.done", text: "Hello!" });
    expect(events[0]).toMatchObject({ response: { id: "resp_abc123", status: "in_progress", output: [] } });
    expect(events.at(-1)).toMatchObject({
      response: {
        status: "completed",
        output: [
          { type: "reasoning", id: "rs_abc123_0", summary: [] },
          { type: "message", id: "msg_abc123_1", status: "completed", content: [{ type: "output_text", text: "Hello!", annotations: [] }] },
        ],
        usage: { input_tokens: 20, output_tokens: 80, output_tokens_details: { reasoning_tokens: 50 }, total_tokens: 100, credits: 42 },
      },
    });
    expect(translator.signatures).toEqual({ model: FLASH, calls: [], text: SIG_TEXT });
  });

  test("opens a summary part for thoughts and closes it when the answer starts; a later thought opens the next part", () => {
    const { events } = run([upstream([{ text: "Plan", thought: true }]), upstream([{ text: " more", thought: true }]), upstream([{ text: "Answer" }]), upstream([{ text: "Second thought", thought: true }], { finishReason: "STOP" })], {
      input: "x",
      reasoning: { summary: "auto" },
    });
    const summaryEvents = events.filter((event) => event.type.startsWith("response.reasoning_summary"));
    expect(summaryEvents.map((event) => [event.type, "summary_index" in event ? event.summary_index : -1])).toEqual([
      ["response.reasoning_summary_part.added", 0],
      ["response.reasoning_summary_text.delta", 0],
      ["response.reasoning_summary_text.delta", 0],
      ["response.reasoning_summary_text.done", 0],
      ["response.reasoning_summary_part.done", 0],
      ["response.reasoning_summary_part.added", 1],
      ["response.reasoning_summary_text.delta", 1],
      ["response.reasoning_summary_text.done", 1],
      ["response.reasoning_summary_part.done", 1],
    ]);
    expect(events[3]).toMatchObject({ type: "response.reasoning_summary_part.added", item_id: "rs_abc123_0", output_index: 0, part: { type: "summary_text", text: "" } });
    expect(events.at(-1)).toMatchObject({ response: { output: [{ summary: [{ text: "Plan more" }, { text: "Second thought" }] }, { content: [{ text: "Answer" }] }] } });
  });

  test("hides thoughts unless a summary was asked for", () => {
    const { events } = run([upstream([{ text: "Plan", thought: true }]), upstream([{ text: "Answer" }], { finishReason: "STOP" })]);
    expect(events.some((event) => event.type.startsWith("response.reasoning_summary"))).toBe(false);
  });

  test("emits each call whole after closing the message, keeps the first call's signature, and seals the turn when asked", () => {
    const { events, translator } = run(callTurn, { input: "x", tools: [weatherTool], include: ["reasoning.encrypted_content"] });
    const calls = events.filter((event) => event.type.startsWith("response.function_call") || (event.type.startsWith("response.output_item") && "item" in event && event.item.type === "function_call"));
    expect(outline(calls).map((line) => line.replace(/^\d+ /, ""))).toEqual([
      "response.output_item.added 2",
      "response.function_call_arguments.delta 2",
      "response.function_call_arguments.done 2",
      "response.output_item.done 2",
      "response.output_item.added 3",
      "response.function_call_arguments.delta 3",
      "response.function_call_arguments.done 3",
      "response.output_item.done 3",
    ]);
    expect(events.find((event) => event.type === "response.output_item.added" && event.output_index === 2)).toMatchObject({ item: { type: "function_call", call_id: "fc_1", arguments: "", status: "in_progress" } });
    expect(events.findIndex((event) => event.type === "response.output_item.done" && event.output_index === 1)).toBeLessThan(events.findIndex((event) => event.type === "response.output_item.added" && event.output_index === 2));
    const reasoning = translator.response.output[0];
    expect(reasoning?.type === "reasoning" && openTurn(reasoning.encrypted_content ?? "", KEY, "x")).toEqual({ model: FLASH, calls: [{ call_id: "fc_1", signature: SIG_CALL }] });
  });

  test("gives calls without Gemini ids ids of the task, and drops a call Gemini repeats", () => {
    const first = { functionCall: { id: "fc_9", name: "get_weather", args: {} }, thoughtSignature: SIG_CALL };
    const { translator } = run([upstream([{ functionCall: { name: "get_weather", args: {} } }, first]), upstream([{ functionCall: { id: "fc_9", name: "get_weather", args: {} } }], { finishReason: "STOP" })]);
    expect(translator.response.output.flatMap((item) => (item.type === "function_call" ? [item.call_id] : []))).toEqual(["call_resp_abc123_0", "fc_9"]);
  });

  test.each([
    ["MAX_TOKENS", [upstream([{ text: "Cut" }], { finishReason: "MAX_TOKENS" })], "max_output_tokens", [{ type: "output_text", text: "Cut" }]],
    ["SAFETY before any text", [upstream([], { finishReason: "SAFETY" })], "content_filter", [{ type: "refusal", refusal: "Gemini withheld the answer (SAFETY)." }]],
    ["a blocked prompt", [{ promptFeedback: { blockReason: "PROHIBITED_CONTENT" } }], "content_filter", [{ type: "refusal", refusal: "Gemini blocked the prompt (PROHIBITED_CONTENT) and returned no answer." }]],
  ])("ends %s as response.incomplete with the reason, the message saying what happened", (_case, chunks, reason, content) => {
    const { events, translator } = run(chunks);
    expect(events.at(-1)?.type).toBe("response.incomplete");
    expect(translator.response).toMatchObject({ status: "incomplete", incomplete_details: { reason } });
    expect(translator.response.output.find((item) => item.type === "message")).toMatchObject({ status: "incomplete", content });
  });

  test("a failure mid-answer: error with our code, then response.failed with what was produced", () => {
    const translator = new ResponsesStreamTranslator(options());
    const events = [...translator.push(textTurn[0]!), ...translator.fail({ code: "upstream_error", message: "Google failed mid-answer." })];
    expect(outline(events).slice(-2)).toEqual([`${events.length - 2} error`, `${events.length - 1} response.failed`]);
    expect(events.at(-2)).toEqual({ type: "error", code: "upstream_error", message: "Google failed mid-answer.", param: null, sequence_number: events.length - 2 });
    expect(events.at(-1)).toMatchObject({ response: { status: "failed", error: { code: "server_error", message: "Google failed mid-answer." }, output: [{ type: "reasoning" }, { type: "message", status: "incomplete" }] } });
    expect(translator.finish(1)).toEqual([]);
    expect(translator.end()).toEqual([]);
  });

  test("a finished answer whose bill was not recorded: items closed, then error, then response.completed without credits", () => {
    const { events, translator } = run(textTurn, undefined, "unrecorded");
    expect(events.at(-1)?.type).toBe("response.output_item.done");
    const truth = translator.fail({ code: "storage_unavailable", message: "not recorded" });
    expect(truth.map((event) => event.type)).toEqual(["error", "response.completed"]);
    expect(truth[1]).toMatchObject({ response: { status: "completed", usage: { total_tokens: 100 } } });
    expect((truth[1] as { response: { usage: object } }).response.usage).not.toHaveProperty("credits");
    expect(truth.map((event) => event.sequence_number)).toEqual([events.length, events.length + 1]);
  });

  test("still sends a held-back terminal event at the end if no failure followed", () => {
    const { translator } = run(textTurn, undefined, "unrecorded");
    expect(translator.end().map((event) => event.type)).toEqual(["response.completed"]);
  });

  test("a failure before any chunk still starts the response, so the stream is well formed", () => {
    expect(new ResponsesStreamTranslator(options()).fail({ code: "internal_error", message: "bug" }).map((event) => event.type)).toEqual(["response.created", "response.in_progress", "error", "response.failed"]);
  });

  test("a non-streamed response is the streamed one's last snapshot", () => {
    const answer = { candidates: [{ content: { role: "model" as const, parts: [{ text: "Hello!", thoughtSignature: SIG_TEXT }] }, finishReason: "STOP" }], usageMetadata: USAGE };
    const whole = toResponse(answer, options(), 42);
    expect(whole.response).toEqual((run(textTurn).events.at(-1) as { response: object }).response);
    expect(whole.signatures).toEqual({ model: FLASH, calls: [], text: SIG_TEXT });
  });
});
