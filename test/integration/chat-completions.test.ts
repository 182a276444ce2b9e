import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import type OpenAI from "openai";
import { balanceOf, useGateway } from "../support/gateway-fixture.ts";

const env = useGateway({ customerCredits: 10_000_000 });

const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  { type: "function", function: { name: "get_weather", description: "Weather in a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
  { type: "function", function: { name: "get_time", description: "Time in a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
];

function lastUpstreamBody(): Record<string, unknown> {
  return env.fixture.fake.requests.at(-1)?.body as Record<string, unknown>;
}

describe("chat completions through the official openai SDK", () => {
  test("answers a plain request and bills exactly the usage it reports", async () => {
    const completion = await env.customer.openai.chat.completions.create({ model: "gemini-3-flash", messages: [{ role: "user", content: "Say hello" }] });
    expect(completion).toMatchObject({ object: "chat.completion", model: "gemini-3-flash", choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant" } }] });
    expect(completion.choices[0]?.message.content).toContain("Hello from gemini-3-flash-preview");
    const usage = completion.usage as OpenAI.CompletionUsage & { credits: number };
    expect(usage.completion_tokens).toBe(usage.total_tokens - usage.prompt_tokens);
    expect(usage.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);

    const bill = await env.customer.bill(completion.id);
    expect(bill).toMatchObject({ status: "settled", charge: usage.credits, model: "gemini-3-flash", upstream_model: "gemini-3-flash-preview", route: "chat", stream: false });
    expect(bill.usage).toMatchObject({ input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens });
    expect(await balanceOf(env.customer.accountId)).toEqual({ available: 10_000_000 - usage.credits, held: 0, charged: usage.credits });
  });

  test("streams chunks with one id, then usage before [DONE], and bills what the usage chunk says", async () => {
    const stream = await env.customer.openai.chat.completions.create({
      model: "gemini-3-flash-preview",
      messages: [{ role: "user", content: "Say hello [[long]]" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.length).toBeGreaterThan(20);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(text.length).toBeGreaterThan(200);
    const usageChunk = chunks.at(-1);
    expect(usageChunk?.choices).toEqual([]);
    const credits = (usageChunk?.usage as unknown as { credits: number }).credits;
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(await env.customer.bill(chunks[0]!.id)).toMatchObject({ status: "settled", stream: true, charge: credits });
  });

  test("gives a non-streamed request exactly the text the stream would have, joined", async () => {
    const messages = [{ role: "user" as const, content: "Tell me [[long]]" }];
    const whole = await env.customer.openai.chat.completions.create({ model: "gemini-3-flash", messages });
    let streamed = "";
    for await (const chunk of await env.customer.openai.chat.completions.create({ model: "gemini-3-flash", messages, stream: true })) {
      streamed += chunk.choices[0]?.delta.content ?? "";
    }
    expect(whole.choices[0]?.message.content).toBe(streamed);
    expect(streamed.split(" ").length).toBeGreaterThan(150);
  });

  test("runs a multi-turn tool loop with parallel calls, keeping thought signatures across turns", async () => {
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather and time in Paris?" }];
    const first = await env.customer.openai.chat.completions.create({ model: "gemini-3-flash", messages, tools });
    const calls = first.choices[0]?.message.tool_calls ?? [];
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    expect(calls.map((call) => call.type === "function" && call.function.name)).toEqual(["get_weather", "get_time"]);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    messages.push(first.choices[0]!.message);
    for (const call of calls) messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify({ ok: true }) });

    const second = await env.customer.openai.chat.completions.create({ model: "gemini-3-flash", messages, tools });
    expect(second.choices[0]?.finish_reason).toBe("stop");
    expect(second.choices[0]?.message.content).toBeTruthy();
    const sent = lastUpstreamBody().contents as Array<{ role: string; parts: Array<Record<string, unknown>> }>;
    const modelTurn = sent.find((content) => content.role === "model");
    expect(modelTurn?.parts[0]?.thoughtSignature).toBeDefined();
    expect(modelTurn?.parts[0]?.thoughtSignature).not.toBe("skip_thought_signature_validator");
  });

  test("runs the same tool loop streamed, with running tool-call indexes", async () => {
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather and time in Rome?" }];
    const stream = await env.customer.openai.chat.completions.create({ model: "gemini-3-flash", messages, tools, stream: true });
    const calls = new Map<number, { id: string; name: string; arguments: string; extra?: unknown }>();
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      finish = choice?.finish_reason ?? finish;
      for (const delta of choice?.delta.tool_calls ?? []) {
        const known = calls.get(delta.index) ?? { id: "", name: "", arguments: "" };
        calls.set(delta.index, {
          id: delta.id ?? known.id,
          name: known.name + (delta.function?.name ?? ""),
          arguments: known.arguments + (delta.function?.arguments ?? ""),
          extra: (delta as { extra_content?: unknown }).extra_content ?? known.extra,
        });
      }
    }
    expect(finish).toBe("tool_calls");
    expect([...calls.keys()]).toEqual([0, 1]);
    expect(calls.get(0)?.extra).toBeDefined();
    messages.push({
      role: "assistant",
      content: null,
      tool_calls: [...calls.values()].map((call) => ({
        id: call.id,
        type: "function" as const,
        function: { name: call.name, arguments: call.arguments },
        ...(call.extra ? { extra_content: call.extra } : {}),
      })),
    });
    for (const call of calls.values()) messages.push({ role: "tool", tool_call_id: call.id, content: "{}" });
    const answer = await env.customer.openai.chat.completions.create({ model: "gemini-3-flash", messages, tools });
    expect(answer.choices[0]?.finish_reason).toBe("stop");
  });

  test("returns JSON that follows a json_schema response format", async () => {
    const completion = await env.customer.openai.chat.completions.create({
      model: "gemini-3-flash",
      messages: [{ role: "user", content: "A city as JSON" }],
      response_format: {
        type: "json_schema",
        json_schema: { name: "city", strict: true, schema: { type: "object", properties: { name: { type: "string" }, population: { type: "integer" } }, required: ["name", "population"], additionalProperties: false } },
      },
    });
    const parsed = JSON.parse(completion.choices[0]?.message.content ?? "") as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(["name", "population"]);
    expect(lastUpstreamBody().generationConfig).toMatchObject({ responseMimeType: "application/json" });
  });

  test("sends an image as inline data and bills its tokens", async () => {
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    const completion = await env.customer.openai.chat.completions.create({
      model: "gemini-3-flash",
      messages: [{ role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: `data:image/png;base64,${png}` } }] }],
    });
    expect(completion.usage?.prompt_tokens).toBeGreaterThanOrEqual(258);
    const parts = (lastUpstreamBody().contents as Array<{ parts: unknown[] }>)[0]?.parts;
    expect(parts).toContainEqual({ inlineData: { mimeType: "image/png", data: png } });
  });

  test("maps reasoning effort onto each model's own thinking levels, and hides reasoning when excluded", async () => {
    const pro = await env.customer.openai.chat.completions.create({ model: "gemini-3.1-pro-preview", messages: [{ role: "user", content: "Think" }], reasoning_effort: "minimal" });
    expect(pro.choices[0]?.finish_reason).toBe("stop");
    expect((lastUpstreamBody().generationConfig as { thinkingConfig?: { thinkingLevel?: string } }).thinkingConfig?.thinkingLevel?.toLowerCase()).toBe("low");

    const hidden = await env.customer.openai.chat.completions.create({
      model: "gemini-3-flash",
      messages: [{ role: "user", content: "Think" }],
      // OpenRouter's way to think without returning the thoughts.
      ...({ reasoning: { effort: "high", exclude: true } } as object),
    });
    expect((hidden.choices[0]?.message as { reasoning_content?: string }).reasoning_content).toBeUndefined();
    expect(hidden.usage?.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);

    const shown = await env.customer.openai.chat.completions.create({ model: "gemini-3-flash", messages: [{ role: "user", content: "Think" }], reasoning_effort: "low" });
    const message = shown.choices[0]?.message as { content: string; reasoning_content?: string };
    expect(message.reasoning_content).toContain("Planning");
    expect(message.content).not.toContain("Planning");
  });
});
