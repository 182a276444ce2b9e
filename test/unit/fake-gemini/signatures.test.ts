import { Buffer } from "node:buffer";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startFakeGemini } from "../../fake-gemini/server.ts";
import type { FakeGemini } from "../../fake-gemini/server.ts";
import { FLASH, expectGoogleError, generate, post, userText } from "./wire.ts";
import type { WireContent, WirePart } from "./wire.ts";

const TOOLS = [
  {
    functionDeclarations: [
      {
        name: "get_weather",
        description: "Weather for a city [[chain]]",
        parametersJsonSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
      { name: "get_time", description: "Current time", parameters: { type: "OBJECT", properties: { utc: { type: "BOOLEAN" } }, required: ["utc"] } },
    ],
  },
];

function answerCalls(modelTurn: WireContent): WireContent {
  return {
    role: "user",
    parts: modelTurn.parts
      .flatMap((part) => (part.functionCall ? [part.functionCall] : []))
      .map((call) => ({ functionResponse: { id: call.id, name: call.name, response: { output: "ok" } } })),
  };
}

function withoutSignatures(content: WireContent): WireContent {
  return { ...content, parts: content.parts.map(({ thoughtSignature: _dropped, ...part }): WirePart => part) };
}

function withFirstSignature(content: WireContent, thoughtSignature: string): WireContent {
  return { ...content, parts: content.parts.map((part, index) => (index === 0 ? { ...part, thoughtSignature } : part)) };
}

describe("thought signatures across a multi-step parallel tool loop", () => {
  let fake: FakeGemini;
  let history: WireContent[];

  beforeAll(async () => {
    fake = await startFakeGemini();
    const ask = async (contents: WireContent[]) => {
      const response = await generate(fake, { contents, tools: TOOLS });
      const turn = response.candidates?.[0]?.content;
      if (turn === undefined) throw new Error("no candidate content");
      return turn;
    };
    const question = userText("Weather and time in Paris?");
    const step1 = await ask([question]);
    const step2 = await ask([question, step1, answerCalls(step1)]);
    history = [question, step1, answerCalls(step1), step2, answerCalls(step2)];
  });
  afterAll(() => fake.close());

  test("step one answers with two parallel calls and only the first carries a signature", () => {
    const parts = history[1].parts;

    expect(parts.map((part) => part.functionCall?.name)).toEqual(["get_weather", "get_time"]);
    expect(parts[0].functionCall).toEqual({ id: expect.stringMatching(/^fc_/), name: "get_weather", args: { city: "example" } });
    expect(parts[1].functionCall?.args).toEqual({ utc: true });
    expect(parts[0].thoughtSignature).toEqual(expect.any(String));
    expect(parts[1].thoughtSignature).toBeUndefined();
  });

  test("step two calls the [[chain]] function again with its own signature", () => {
    const parts = history[3].parts;

    expect(parts).toHaveLength(1);
    expect(parts[0].functionCall?.name).toBe("get_weather");
    expect(parts[0].thoughtSignature).not.toBe(history[1].parts[0].thoughtSignature);
  });

  test("with every signature echoed the loop finishes with signed text", async () => {
    const response = await generate(fake, { contents: history, tools: TOOLS });
    const parts = response.candidates?.[0]?.content?.parts ?? [];

    expect(parts).toEqual([{ text: expect.stringMatching(/^Hello from/), thoughtSignature: expect.any(String) }]);
    expect(response.candidates?.[0]?.finishReason).toBe("STOP");
  });

  test.each([
    [1, 2],
    [3, 4],
  ])("dropping the signature of the step at contents[%i] is rejected at position %i", async (index, position) => {
    const contents = history.map((content, at) => (at === index ? withoutSignatures(content) : content));
    const error = await expectGoogleError(await post(fake, FLASH, "generateContent", { contents, tools: TOOLS }), 400, "INVALID_ARGUMENT");

    expect(error.message).toBe(
      "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, " +
        "and missing thought_signature may lead to degraded model performance. Additional data, function call " +
        `\`default_api:get_weather\` , position ${position}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
    );
  });

  test("snake_case thought_signature counts as a signature", async () => {
    const [signed, ...rest] = history[1].parts;
    const { thoughtSignature, ...call } = signed;
    const step1 = { ...history[1], parts: [{ ...call, thought_signature: thoughtSignature }, ...rest] };
    const contents = [history[0], step1, ...history.slice(2)];

    expect((await post(fake, FLASH, "generateContent", { contents, tools: TOOLS })).status).toBe(200);
  });

  test("unsigned calls in an earlier turn are not validated", async () => {
    const contents = [...history.map(withoutSignatures), userText("Thanks! And tomorrow?")];

    expect((await post(fake, FLASH, "generateContent", { contents, tools: TOOLS })).status).toBe(200);
  });

  test.each(["skip_thought_signature_validator", "context_engineering_is_the_way_to_go"])(
    "the literal sentinel %s stands in for a missing signature",
    async (sentinel) => {
      const contents = history.map((content) => (content.role === "model" ? withFirstSignature(content, sentinel) : content));

      expect((await post(fake, FLASH, "generateContent", { contents, tools: TOOLS })).status).toBe(200);
    },
  );

  test("a signature that is not base64 fails to decode, naming its location", async () => {
    const contents = history.map((content, at) => (at === 3 ? withFirstSignature(content, "not*base64!") : content));
    const error = await expectGoogleError(await post(fake, FLASH, "generateContent", { contents, tools: TOOLS }), 400, "INVALID_ARGUMENT");

    expect(error.message).toBe(
      `Invalid value at 'contents[3].parts[0].thought_signature' (TYPE_BYTES), Base64 decoding failed for "not*base64!"`,
    );
  });

  test.each([
    ["a foreign signature", Buffer.from("issued-by-someone-else").toString("base64")],
    ["the base64 of a sentinel", Buffer.from("skip_thought_signature_validator").toString("base64")],
    ["a signature issued for another model", Buffer.from("fake-sig:gemini-3.1-pro-preview:1").toString("base64")],
  ])("%s is not a valid thought signature", async (_label, signature) => {
    const contents = history.map((content, at) => (at === 1 ? withFirstSignature(content, signature) : content));
    const error = await expectGoogleError(await post(fake, FLASH, "generateContent", { contents, tools: TOOLS }), 400, "INVALID_ARGUMENT");

    expect(error.message).toBe("Thought signature is not valid.");
  });
});
