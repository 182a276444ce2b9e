import { describe, expect, test } from "@jest/globals";
import OpenAI, { APIError } from "openai";
import type { Response as SdkResponse, ResponseStreamEvent as SdkStreamEvent } from "openai/resources/responses/responses";
import { ResponsesStreamTranslator } from "../../../../lambda/domain/openai-responses/stream.ts";
import type { ResponseObject, ResponsesStreamEvent } from "../../../../lambda/domain/openai-responses/types.ts";
import { callTurn, FLASH, options, plan, SIG_CALL, SIG_TEXT, sources, textTurn, weatherTool } from "./fixtures.ts";

// Compile-time: everything we emit is what the SDK's own types describe (tsc checks these lines).
// `output_text` is the SDK's own convenience, computed on the client, never on the wire.
type WireResponse = Omit<SdkResponse, "output_text">;
type WireEvent<E> = E extends { response: SdkResponse } ? Omit<E, "response"> & { response: WireResponse } : E;
const asSdkResponse = (response: ResponseObject): WireResponse => response;
const asSdkEvent = (event: ResponsesStreamEvent): WireEvent<SdkStreamEvent> => event;
void asSdkResponse;
void asSdkEvent;

/** An `openai` client whose HTTP layer answers with the given body, as our handler would. */
function clientAnswering(body: string): OpenAI {
  return new OpenAI({
    apiKey: "sk-test",
    baseURL: "https://gateway.test/v1",
    maxRetries: 0,
    fetch: async () => new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } }),
  });
}

/** SSE as the route frames it: the event's type as the SSE event name. */
function sse(events: readonly ResponsesStreamEvent[]): string {
  return events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join("");
}

function streamed(body: Record<string, unknown>, chunks: Parameters<ResponsesStreamTranslator["push"]>[0][]): ResponsesStreamEvent[] {
  const translator = new ResponsesStreamTranslator(options(body));
  return [...chunks.flatMap((chunk) => translator.push(chunk)), ...translator.finish(190)];
}

describe("the official openai SDK reading our Responses stream", () => {
  test("accumulates a tool turn through its strict ResponseStream, and the items it returns continue the loop", async () => {
    const body = { input: "Weather in Paris and Rome?", tools: [weatherTool], reasoning: { summary: "auto" }, include: ["reasoning.encrypted_content"] };
    const stream = clientAnswering(sse(streamed(body, callTurn))).responses.stream({ model: "gemini-3-flash", input: "Weather in Paris and Rome?" });
    const final = await stream.finalResponse();

    expect(final.status).toBe("completed");
    expect(final.output.map((item) => item.type)).toEqual(["reasoning", "message", "function_call", "function_call"]);
    expect(final.output_text).toBe("Checking.");
    expect(final.usage).toMatchObject({ input_tokens: 20, output_tokens: 80, total_tokens: 100, credits: 190 });

    // The client sends back what the SDK gave it, with the outputs: the signature returns on the first call only.
    const next = plan({
      ...body,
      input: [{ role: "user", content: "Weather in Paris and Rome?" }, ...final.output, { type: "function_call_output", call_id: "fc_1", output: "22C" }, { type: "function_call_output", call_id: "fc_2", output: "31C" }],
    });
    expect(next.body.contents[1]).toEqual({
      role: "model",
      parts: [
        { text: "Checking." },
        { functionCall: { id: "fc_1", name: "get_weather", args: { city: "Paris" } }, thoughtSignature: SIG_CALL },
        { functionCall: { id: "fc_2", name: "get_weather", args: { city: "Rome" } } },
      ],
    });
  });

  test("keeps a text answer's trailing signature in encrypted_content, back on the text next turn", async () => {
    const body = { input: "Hi", store: false };
    const final = await clientAnswering(sse(streamed(body, textTurn))).responses.stream({ model: "gemini-3-flash", input: "Hi" }).finalResponse();

    expect(final.output_text).toBe("Hello!");
    const next = plan({ input: [{ role: "user", content: "Hi" }, ...final.output, { role: "user", content: "Thanks" }], store: false }, sources());
    expect(next.body.contents[1]).toEqual({ role: "model", parts: [{ text: "Hello!", thoughtSignature: SIG_TEXT }] });
    expect(next.body.contents[1]?.parts[0]?.thoughtSignature).not.toBe("skip_thought_signature_validator");
  });

  test("raises the in-band error event as an APIError with our code", async () => {
    const translator = new ResponsesStreamTranslator(options());
    const events = [...translator.push(textTurn[0]!), ...translator.fail({ code: "upstream_error", message: "The upstream model failed mid-answer." })];
    const stream = await clientAnswering(sse(events)).responses.create({ model: "gemini-3-flash", input: "Hi", stream: true });

    const failure = await (async () => {
      for await (const event of stream) void event;
    })().then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(APIError);
    expect(failure).toMatchObject({ code: "upstream_error", message: expect.stringContaining("failed mid-answer") });
    expect(events.at(-1)).toMatchObject({ type: "response.failed", response: { status: "failed", error: { code: "server_error" } } });
  });

  test("signatures of another model stay out of the next turn: the sentinel takes their place", () => {
    const translator = new ResponsesStreamTranslator(options({ input: "Hi", store: false, tools: [weatherTool] }));
    for (const chunk of callTurn) translator.push(chunk);
    translator.finish(1);
    const next = plan({
      model: "gemini-3.1-pro-preview",
      store: false,
      tools: [weatherTool],
      input: [{ role: "user", content: "Hi" }, ...translator.response.output, { type: "function_call_output", call_id: "fc_1", output: "1" }, { type: "function_call_output", call_id: "fc_2", output: "2" }],
    });
    expect(next.model.upstreamModel).not.toBe(FLASH);
    expect(next.body.contents[1]?.parts[1]?.thoughtSignature).toBe("skip_thought_signature_validator");
  });
});
