import { describe, expect, test } from "@jest/globals";
import type { ResponseInputItem, ResponseOutputItem, ResponseStreamEvent, Tool } from "openai/resources/responses/responses";
import { balanceOf, failure, newCustomer, upstreamRequest, useGateway } from "../support/gateway-fixture.ts";

const env = useGateway({ customerCredits: 10_000_000 });

const tools: Tool[] = [
  { type: "function", name: "get_weather", description: "Weather in a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }, strict: true },
  { type: "function", name: "get_time", description: "Time in a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }, strict: true },
];

type Contents = Array<{ role: string; parts: Array<Record<string, unknown>> }>;
const lastContents = () => upstreamRequest(env.fixture.fake).body.contents as Contents;
const outputsFor = (output: ResponseOutputItem[]): ResponseInputItem[] =>
  output.flatMap((item) => (item.type === "function_call" ? [{ type: "function_call_output" as const, call_id: item.call_id, output: JSON.stringify({ ok: item.name }) }] : []));

describe("POST /v1/responses through the official openai SDK", () => {
  test("answers a plain request as a response whose id is its task, billed exactly as its usage says", async () => {
    const response = await env.customer.openai.responses.create({ model: "gemini-3-flash", input: "Say hello" });
    expect(response).toMatchObject({ object: "response", status: "completed", model: "gemini-3-flash", error: null });
    expect(response.id).toMatch(/^resp_[A-Za-z0-9]{24}$/);
    expect(response.output_text).toContain("Hello from gemini-3-flash-preview");
    expect(response.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
    const usage = response.usage as NonNullable<typeof response.usage> & { credits: number };
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    expect(usage.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);

    const bill = await env.customer.bill(response.id);
    expect(bill).toMatchObject({ id: response.id, status: "settled", charge: usage.credits, route: "responses", stream: false, model: "gemini-3-flash" });
    expect(bill.usage).toMatchObject({ input_tokens: usage.input_tokens, output_tokens: usage.output_tokens, reasoning_tokens: usage.output_tokens_details.reasoning_tokens });
    expect(await balanceOf(env.customer.accountId)).toEqual({ available: 10_000_000 - usage.credits, held: 0, charged: usage.credits });
  });

  test("streams the documented events in sequence through the SDK's strict accumulator, billed as the final usage says", async () => {
    const events: ResponseStreamEvent[] = [];
    const stream = env.customer.openai.responses.stream({ model: "gemini-3-flash", input: "Tell me [[long]]" });
    stream.on("event", (event) => void events.push(event));
    const final = await stream.finalResponse();

    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_event, index) => index));
    expect(events.slice(0, 3).map((event) => event.type)).toEqual(["response.created", "response.in_progress", "response.output_item.added"]);
    expect(events.at(-1)?.type).toBe("response.completed");
    const deltas = events.flatMap((event) => (event.type === "response.output_text.delta" ? [event.delta] : []));
    expect(deltas.length).toBeGreaterThan(20);
    expect(deltas.join("")).toBe(final.output_text);
    const credits = (final.usage as unknown as { credits: number }).credits;
    expect(await env.customer.bill(final.id)).toMatchObject({ status: "settled", stream: true, charge: credits, route: "responses" });
  });

  test("gives a non-streamed request exactly the output the stream would have", async () => {
    const whole = await env.customer.openai.responses.create({ model: "gemini-3-flash", input: "Tell me [[long]]" });
    const streamed = await env.customer.openai.responses.stream({ model: "gemini-3-flash", input: "Tell me [[long]]" }).finalResponse();
    expect(whole.output_text).toBe(streamed.output_text);
    expect(whole.output.map((item) => item.type)).toEqual(streamed.output.map((item) => item.type));
  });

  test.each([
    ["stateless: the output items echoed back with encrypted_content", { store: false, include: ["reasoning.encrypted_content" as const] }],
    ["kept: the output items echoed back as they came, with store left on", {}],
  ])("continues a two-turn function tool loop, %s, with Google's own signatures", async (_case, settings) => {
    const input: ResponseInputItem[] = [{ role: "user", content: "Weather and time in Paris?" }];
    const first = await env.customer.openai.responses.create({ model: "gemini-3-flash", input, tools, ...settings });
    const calls = first.output.filter((item) => item.type === "function_call");
    expect(calls.map((call) => call.name)).toEqual(["get_weather", "get_time"]);
    const reasoning = first.output.find((item) => item.type === "reasoning");
    expect(reasoning?.encrypted_content !== undefined).toBe("store" in settings);

    input.push(...(first.output as ResponseInputItem[]), ...outputsFor(first.output));
    const second = await env.customer.openai.responses.create({ model: "gemini-3-flash", input, tools, ...settings });
    expect(second.status).toBe("completed");
    expect(second.output_text).toContain("Hello from");
    const modelTurn = lastContents().find((content) => content.role === "model");
    expect(modelTurn?.parts[0]?.functionCall).toMatchObject({ name: "get_weather" });
    expect(modelTurn?.parts[0]?.thoughtSignature).toEqual(expect.any(String));
    expect(modelTurn?.parts[0]?.thoughtSignature).not.toBe("skip_thought_signature_validator");
  });

  test("streams a tool turn as function_call items whose arguments arrive whole", async () => {
    const events: ResponseStreamEvent[] = [];
    for await (const event of await env.customer.openai.responses.create({ model: "gemini-3-flash", input: "Weather?", tools: [tools[0]!], stream: true })) events.push(event);
    const done = events.flatMap((event) => (event.type === "response.output_item.done" && event.item.type === "function_call" ? [event.item] : []));
    expect(done).toEqual([expect.objectContaining({ name: "get_weather", status: "completed", arguments: JSON.stringify({ city: "example" }) })]);
    expect(events.filter((event) => event.type === "response.function_call_arguments.done")).toHaveLength(1);
  });

  test("returns JSON that follows a text.format json_schema", async () => {
    const response = await env.customer.openai.responses.create({
      model: "gemini-3-flash",
      input: "A city as JSON",
      text: { format: { type: "json_schema", name: "city", strict: true, schema: { type: "object", properties: { name: { type: "string" }, population: { type: "integer" } }, required: ["name", "population"], additionalProperties: false } } },
    });
    expect(Object.keys(JSON.parse(response.output_text) as object).sort()).toEqual(["name", "population"]);
    expect(upstreamRequest(env.fixture.fake).body.generationConfig).toMatchObject({ responseMimeType: "application/json", responseJsonSchema: { required: ["name", "population"] } });
  });

  test("returns the reasoning summary when asked, at the model's own level for the effort", async () => {
    const response = await env.customer.openai.responses.create({ model: "gemini-3-flash", input: "Think", reasoning: { effort: "low", summary: "auto" } });
    const reasoning = response.output.find((item) => item.type === "reasoning");
    expect(reasoning?.summary.map((part) => part.text).join("")).toContain("Planning the answer");
    expect(response.output_text).not.toContain("Planning");
    expect(upstreamRequest(env.fixture.fake).body.generationConfig).toMatchObject({ thinkingConfig: { thinkingLevel: "LOW", includeThoughts: true } });

    await env.customer.openai.responses.create({ model: "gemini-3.1-pro-preview", input: "Think", reasoning: { effort: "minimal" } });
    expect(upstreamRequest(env.fixture.fake).body.generationConfig).toEqual({ thinkingConfig: { thinkingLevel: "LOW", includeThoughts: false }, maxOutputTokens: expect.any(Number) });
  });

  test("ends a stream Google cuts mid-answer with error then response.failed, which the SDK raises, charging only what was produced", async () => {
    const customer = await newCustomer(env.fixture.gateway, 1_000_000);
    const cut = () => env.fixture.fake.inject({ fault: { kind: "cut", afterChunks: 3 }, action: "streamGenerateContent" });
    cut();
    const raw = await fetch(`${env.fixture.gateway.url}/v1/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${customer.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gemini-3-flash", input: "Long [[long]]", stream: true }),
    });
    const names = [...(await raw.text()).matchAll(/^event: (\S+)$/gm)].map((match) => match[1]);
    expect(names.slice(-2)).toEqual(["error", "response.failed"]);
    expect(names).toContain("response.output_text.delta");
    const bill = await customer.bill(raw.headers.get("x-request-id") ?? "");
    expect(bill).toMatchObject({ status: "failed", error_code: "upstream_error", route: "responses" });
    expect(bill.charge).toBeGreaterThan(0);
    expect(bill.charge).toBeLessThan(bill.hold);

    cut();
    const events: ResponseStreamEvent[] = [];
    const raised = await failure(
      (async () => {
        for await (const event of await customer.openai.responses.create({ model: "gemini-3-flash", input: "Long [[long]]", stream: true })) events.push(event);
      })(),
    );
    expect(raised).toMatchObject({ code: "upstream_error", message: expect.stringContaining("failed mid-answer") });
    expect(events.some((event) => event.type === "response.output_text.delta")).toBe(true);
  });
});
