import { afterEach, describe, expect, test } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { BadRequestError, NotFoundError } from "openai";
import type { ResponseInputItem, Tool } from "openai/resources/responses/responses";
import { outputItemId } from "../../lambda/domain/openai-responses/kept-items.ts";
import { findKeptItems, keepResponseItems } from "../../lambda/store/response-items.ts";
import { RESPONSES_KEEP_ITEMS_ENV } from "../../lambda/store/schema.ts";
import { balanceOf, failure, newCustomer, settledTask, upstreamRequest, useGateway, type Customer } from "../support/gateway-fixture.ts";

const env = useGateway({ customerCredits: 10_000_000 });

const weather: Tool = { type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }, strict: true };
const hello = { model: "gemini-3-flash", input: "Say hello" };

/** OpenAI repeats `store` in the response; the SDK's type leaves it out. */
const keptFlag = (response: object) => (response as { store?: boolean }).store;

/** A first tool turn, and the input a client would send next if it named the turn's items by reference. */
async function toolTurnByReference(customer: Customer): Promise<{ input: ResponseInputItem[]; ids: string[] }> {
  const first = await customer.openai.responses.create({ model: "gemini-3-flash", input: "Weather?", tools: [weather] });
  const input: ResponseInputItem[] = [{ role: "user", content: "Weather?" }];
  for (const item of first.output) {
    // As the AI SDK does: reasoning by reference, the call itself in full, without its id.
    if (item.type === "reasoning") input.push({ type: "item_reference", id: item.id });
    if (item.type === "function_call") {
      input.push({ type: "function_call", call_id: item.call_id, name: item.name, arguments: item.arguments });
      input.push({ type: "function_call_output", call_id: item.call_id, output: "22C" });
    }
  }
  return { input, ids: first.output.map((item) => item.id ?? "") };
}

afterEach(() => {
  delete process.env[RESPONSES_KEEP_ITEMS_ENV];
});

describe("item_reference to output items the gateway kept", () => {
  test("restores a referenced reasoning item's signatures, so the tool loop goes on without the sentinel", async () => {
    const { input } = await toolTurnByReference(env.customer);
    const second = await env.customer.openai.responses.create({ model: "gemini-3-flash", input, tools: [weather] });
    expect(second.status).toBe("completed");
    const modelTurn = (upstreamRequest(env.fixture.fake).body.contents as Array<{ role: string; parts: Array<Record<string, unknown>> }>)[1];
    expect(modelTurn?.parts[0]).toMatchObject({ functionCall: { name: "get_weather" }, thoughtSignature: expect.stringMatching(/^[A-Za-z0-9+/=]+$/) });
  });

  test("resolves a referenced message and call in full", async () => {
    const first = await env.customer.openai.responses.create({ model: "gemini-3-flash", input: "Weather?", tools: [weather] });
    const call = first.output.find((item) => item.type === "function_call");
    const input: ResponseInputItem[] = [{ role: "user", content: "Weather?" }, ...first.output.map((item) => ({ type: "item_reference" as const, id: item.id ?? "" }))];
    input.push({ type: "function_call_output", call_id: call?.type === "function_call" ? call.call_id : "", output: "22C" }, { role: "user", content: "Thanks" });
    await env.customer.openai.responses.create({ model: "gemini-3-flash", input, tools: [weather] });
    const contents = upstreamRequest(env.fixture.fake).body.contents as Array<{ parts: Array<Record<string, unknown>> }>;
    expect(contents[1]?.parts).toEqual([{ functionCall: { id: expect.any(String), name: "get_weather", args: { city: "example" } }, thoughtSignature: expect.any(String) }]);
  });

  test("keeps nothing for store: false, and then returns the signatures in encrypted_content unasked", async () => {
    const response = await env.customer.openai.responses.create({ ...hello, store: false });
    expect(keptFlag(response)).toBe(false);
    expect(response.output.find((item) => item.type === "reasoning")).toMatchObject({ encrypted_content: expect.stringMatching(/^gw1\./) });
    expect((await findKeptItems(response.output.map((item) => item.id ?? ""), env.customer.accountId, Date.now())).size).toBe(0);
  });

  test.each([
    ["an unknown item", async () => "rs_nosuchresponse000000000_0", "does not have for your account"],
    ["another account's item", async () => (await toolTurnByReference(await newCustomer(env.fixture.gateway, 1_000_000))).ids[0] ?? "", "does not have for your account"],
    ["an expired item", async () => keptLongAgo(env.customer), "does not have for your account"],
    ["an item too large to keep", async () => keptTooLarge(env.customer), "was too large to keep"],
  ])("answers a reference to %s with a 400 saying to send the item itself, charging nothing", async (_case, idOf, reason) => {
    const id = await idOf();
    env.fixture.fake.reset();
    const before = await balanceOf(env.customer.accountId);
    const error = await failure(env.customer.openai.responses.create({ model: "gemini-3-flash", input: [{ role: "user", content: "Hi" }, { type: "item_reference", id }] }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toContain(`\`input[1]\` refers to item \`${id}\``);
    expect(error.message).toContain(reason);
    expect(error.message).toContain("Send the item itself");
    expect(env.fixture.fake.requests).toHaveLength(0);
    expect(await balanceOf(env.customer.accountId)).toEqual(before);
  });

  test("keeps nothing when the operator switched keeping off, says so in store, and refuses references with what to send instead", async () => {
    const { ids } = await toolTurnByReference(env.customer);
    process.env[RESPONSES_KEEP_ITEMS_ENV] = "false";
    const response = await env.customer.openai.responses.create(hello);
    expect(keptFlag(response)).toBe(false);
    expect((await findKeptItems(response.output.map((item) => item.id ?? ""), env.customer.accountId, Date.now())).size).toBe(0);
    const error = await failure(env.customer.openai.responses.create({ model: "gemini-3-flash", input: [{ role: "user", content: "Hi" }, { type: "item_reference", id: ids[0] ?? "" }] }));
    expect(error.status).toBe(400);
    expect(error.message).toContain("keeps no response items (its operator switched that off)");
    expect(error.message).toContain("`store: false`");
  });
});

describe("requests refused before Google is called, charging nothing", () => {
  const user = { role: "user", content: "Hi" };
  test.each([
    ["no input", { model: "gemini-3-flash" }, "`input` is required"],
    ["an empty input list", { ...hello, input: [] }, "`input` must contain at least one item"],
    ["a wrong type", { ...hello, temperature: "hot" }, "`temperature`"],
    ["an unknown role", { ...hello, input: [{ role: "wizard", content: "hi" }] }, "`input[0].role`"],
    ["a call left unanswered", { ...hello, input: [user, { type: "function_call", call_id: "c1", name: "f", arguments: "{}" }] }, "`input[1].call_id` has no function_call_output"],
    ["an output answering no call", { ...hello, input: [user, { type: "function_call_output", call_id: "nope", output: "1" }] }, "`input[1].call_id`"],
    ["unparseable arguments", { ...hello, input: [user, { type: "function_call", call_id: "c1", name: "f", arguments: "{oops" }, { type: "function_call_output", call_id: "c1", output: "1" }] }, "`input[1].arguments`"],
    ["an item of a hosted tool", { ...hello, input: [{ type: "computer_call", id: "cu_1" }] }, "`input[0].type`"],
    ["a forged encrypted_content", { ...hello, input: [user, { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "gw1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }] }, "`input[1].encrypted_content`"],
    ["an OpenAI file id", { ...hello, input: [{ role: "user", content: [{ type: "input_image", file_id: "file-1", detail: "auto" }] }] }, "`input[0].content[0].file_id`"],
    ["a hosted tool", { ...hello, tools: [{ type: "web_search" }] }, "`tools[0].type`"],
    ["a choice of a hosted tool", { ...hello, tools: [weather], tool_choice: { type: "file_search" } }, "`tool_choice.type`"],
    ["logprobs", { ...hello, include: ["message.output_text.logprobs"] }, "`include`"],
    ["an unknown include", { ...hello, include: ["everything"] }, "`include[0]`"],
    ["truncation auto", { ...hello, truncation: "auto" }, "`truncation`"],
    ["top_logprobs", { ...hello, top_logprobs: 3 }, "`top_logprobs`"],
    ["an output cap above the model's", { ...hello, max_output_tokens: 10_000_000 }, "`max_output_tokens`"],
    ["an unknown text format", { ...hello, text: { format: { type: "xml" } } }, "`text.format.type`"],
  ])("answers %s with a 400 naming the field", async (_case, body, field) => {
    const customer = await newCustomer(env.fixture.gateway, 1_000);
    const error = await failure(customer.openai.responses.create(body as never));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: "invalid_request", type: "invalid_request_error" });
    expect(error.message).toContain(field);
    expect(await balanceOf(customer.accountId)).toEqual({ available: 1_000, held: 0, charged: 0 });
    expect(env.fixture.fake.requests).toHaveLength(0);
  });

  test("answers an encrypted_content changed by one character with our 400, not Google's", async () => {
    const first = await env.customer.openai.responses.create({ model: "gemini-3-flash", input: "Weather?", tools: [weather], store: false });
    const sealed = first.output.find((item) => item.type === "reasoning")?.encrypted_content ?? "";
    const flipped = `${sealed.slice(0, 20)}${sealed[20] === "A" ? "B" : "A"}${sealed.slice(21)}`;
    const output = first.output.map((item) => (item.type === "reasoning" ? { ...item, encrypted_content: flipped } : item)) as ResponseInputItem[];
    const calls = first.output.flatMap((item) => (item.type === "function_call" ? [{ type: "function_call_output" as const, call_id: item.call_id, output: "1" }] : []));
    env.fixture.fake.reset();
    const error = await failure(env.customer.openai.responses.create({ model: "gemini-3-flash", store: false, tools: [weather], input: [{ role: "user", content: "Weather?" }, ...output, ...calls] }));
    expect(error.status).toBe(400);
    expect(error.message).toContain("`input[1].encrypted_content` is not an `encrypted_content` this gateway issued, or it was changed");
    expect(env.fixture.fake.requests).toHaveLength(0);
  });

  test.each([
    ["previous_response_id", { previous_response_id: "resp_earlier" }],
    ["conversation", { conversation: "conv_1" }],
    ["background", { background: true }],
    ["prompt", { prompt: { id: "pmpt_1" } }],
  ])("refuses the stateful %s with a 400 that says what to send instead", async (field, extra) => {
    const error = await failure(env.customer.openai.responses.create({ ...hello, ...extra } as never));
    expect(error.status).toBe(400);
    expect(error.message).toContain(`\`${field}\``);
    expect(error.message).toMatch(/whole conversation|foreground|stores none/);
    expect(env.fixture.fake.requests).toHaveLength(0);
  });

  test("answers GET and DELETE of a response with a 404 that says the gateway keeps none", async () => {
    const response = await env.customer.openai.responses.create(hello);
    for (const call of [() => env.customer.openai.responses.retrieve(response.id), () => env.customer.openai.responses.delete(response.id)]) {
      const error = await failure(call());
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toContain("this gateway keeps no responses");
      expect(error.message).toContain("GET /v1/tasks/{id}");
    }
  });

  test("names max_output_tokens in a 402", async () => {
    const customer = await newCustomer(env.fixture.gateway, 2_000);
    const error = await failure(customer.openai.responses.create({ ...hello, max_output_tokens: 60_000 }));
    expect(error).toMatchObject({ status: 402, code: "insufficient_credits" });
    expect(error.message).toMatch(/Set `max_output_tokens` to \d+ or less/);
  });
});

describe("billing exactly as the chat route", () => {
  const instructions = "Answer as JSON.";
  const schema = { type: "object", properties: { name: { type: "string" } }, required: ["name"] };

  test.each([
    ["with an output cap", 1_000],
    ["without one, sized from the balance", undefined],
  ])("the same prompt holds, charges and records the same on both routes, %s", async (_case, cap) => {
    const chat = await newCustomer(env.fixture.gateway, 3_000_000);
    const responses = await newCustomer(env.fixture.gateway, 3_000_000);
    const completion = await chat.openai.chat.completions.create({
      model: "gemini-3-flash",
      messages: [{ role: "system", content: instructions }, { role: "user", content: "A city" }],
      temperature: 0.5,
      reasoning_effort: "low",
      response_format: { type: "json_schema", json_schema: { name: "city", schema } },
      ...(cap !== undefined && { max_tokens: cap }),
    });
    const chatBody = upstreamRequest(env.fixture.fake).body;
    const response = await responses.openai.responses.create({
      model: "gemini-3-flash",
      instructions,
      input: "A city",
      temperature: 0.5,
      reasoning: { effort: "low", summary: "auto" },
      text: { format: { type: "json_schema", name: "city", schema } },
      ...(cap !== undefined && { max_output_tokens: cap }),
    });
    expect(upstreamRequest(env.fixture.fake).body).toEqual(chatBody);

    const [chatTask, responsesTask] = await Promise.all([settledTask(completion.id), settledTask(response.id)]);
    expect(responsesTask).toMatchObject({ route: "responses", hold: chatTask.hold, charge: chatTask.charge, usage: chatTask.usage, outputCap: chatTask.outputCap, status: "settled" });
    expect((response.usage as unknown as { credits: number }).credits).toBe((completion.usage as unknown as { credits: number }).credits);
    expect(await balanceOf(responses.accountId)).toEqual(await balanceOf(chat.accountId));
  });
});

/** A kept response of the customer's, written as the route writes one, but two hours ago with one hour to live. */
async function keptLongAgo(customer: Customer): Promise<string> {
  const responseId = `resp_${randomBytes(12).toString("hex")}`;
  const id = outputItemId("rs", responseId, 0);
  await keepResponseItems(
    { responseId, accountId: customer.accountId, upstreamModel: "gemini-3-flash-preview", items: [{ item: { type: "reasoning", id, summary: [] } }] },
    { ttlSeconds: 3_600, now: Date.now() - 2 * 3_600_000 },
  );
  return id;
}

/** A kept response whose message (incompressible text) does not fit one DynamoDB item: only its call is kept. */
async function keptTooLarge(customer: Customer): Promise<string> {
  const responseId = `resp_${randomBytes(12).toString("hex")}`;
  const message = outputItemId("msg", responseId, 0);
  const call = outputItemId("fc", responseId, 1);
  await keepResponseItems(
    {
      responseId,
      accountId: customer.accountId,
      upstreamModel: "gemini-3-flash-preview",
      items: [
        { item: { type: "message", id: message, role: "assistant", status: "completed", content: [{ type: "output_text", text: randomBytes(400_000).toString("base64"), annotations: [], logprobs: [] }] } },
        { item: { type: "function_call", id: call, call_id: "c1", name: "f", arguments: "{}", status: "completed" } },
      ],
    },
    { ttlSeconds: 3_600, now: Date.now() },
  );
  const kept = await findKeptItems([message, call], customer.accountId, Date.now());
  expect(kept.get(message)).toEqual({ omitted: "too_large" });
  expect(kept.get(call)).toMatchObject({ item: { name: "f" } });
  return message;
}
