import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startFakeGemini } from "../../fake-gemini/server.ts";
import type { FakeGemini } from "../../fake-gemini/server.ts";
import { FLASH, TEST_KEY, expectGoogleError, generate, post, userText } from "./wire.ts";

const HELLO = { contents: [userText("Hi")] };

function withThinking(thinkingConfig: Record<string, unknown>) {
  return { contents: [userText("Hi")], generationConfig: { thinkingConfig } };
}

describe("requests Google would reject", () => {
  let fake: FakeGemini;

  beforeAll(async () => {
    fake = await startFakeGemini({ apiKeys: [TEST_KEY] });
  });
  afterAll(() => fake.close());

  test("a request without an API key is refused as an unregistered caller", async () => {
    const error = await expectGoogleError(await post(fake, FLASH, "generateContent", HELLO, { apiKey: null }), 403, "PERMISSION_DENIED");

    expect(error.message).toMatch(/^Method doesn't allow unregistered callers/);
  });

  test("an unknown API key is rejected with ErrorInfo reason API_KEY_INVALID", async () => {
    const error = await expectGoogleError(await post(fake, FLASH, "generateContent", HELLO, { apiKey: "wrong" }), 400, "INVALID_ARGUMENT");

    expect(error.message).toBe("API key not valid. Please pass a valid API key.");
    expect(error.details).toContainEqual(
      expect.objectContaining({ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" }),
    );
  });

  test("the key may also be passed as the key query parameter", async () => {
    const response = await post(fake, FLASH, "generateContent", HELLO, { apiKey: null, query: `key=${TEST_KEY}` });

    expect(response.status).toBe(200);
    expect(fake.requests.at(-1)?.apiKey).toBe(TEST_KEY);
  });

  test("an unknown model is not found", async () => {
    const error = await expectGoogleError(await post(fake, "gemini-2.0-nope", "generateContent", HELLO), 404, "NOT_FOUND");

    expect(error.message).toBe(
      "models/gemini-2.0-nope is not found for API version v1beta, or is not supported for generateContent. " +
        "Call ListModels to see the list of available models and their supported methods.",
    );
  });

  test("an unknown path gets Google's 404 envelope", async () => {
    const response = await fetch(`${fake.url}/v1beta/models/${FLASH}:embedContent`, { method: "POST", body: "{}" });

    await expectGoogleError(response, 404, "NOT_FOUND");
  });

  test("a body that is not JSON is an invalid payload", async () => {
    const response = await post(fake, FLASH, "generateContent", undefined, { rawBody: "{not json" });
    const error = await expectGoogleError(response, 400, "INVALID_ARGUMENT");

    expect(error.message).toMatch(/^Invalid JSON payload received\. /);
    expect(fake.requests.at(-1)?.body).toBe("{not json");
  });

  test.each([[{}], [{ contents: [] }]])("a body without contents (%j) is rejected", async (body) => {
    const error = await expectGoogleError(await post(fake, FLASH, "generateContent", body), 400, "INVALID_ARGUMENT");

    expect(error.message).toBe("* GenerateContentRequest.contents: contents is not specified");
  });

  test("a thinking level the model does not offer is rejected, naming level and model", async () => {
    const response = await post(fake, "gemini-3-pro-preview", "generateContent", withThinking({ thinkingLevel: "MEDIUM" }));
    const error = await expectGoogleError(response, 400, "INVALID_ARGUMENT");

    expect(error.message).toContain("MEDIUM");
    expect(error.message).toContain("gemini-3-pro-preview");
  });

  test("MINIMAL is accepted by Flash but not by 3.1 Pro", async () => {
    const flash = await post(fake, FLASH, "generateContent", withThinking({ thinkingLevel: "MINIMAL" }));
    const pro = await post(fake, "gemini-3.1-pro-preview", "generateContent", withThinking({ thinkingLevel: "MINIMAL" }));

    expect(flash.status).toBe(200);
    await expectGoogleError(pro, 400, "INVALID_ARGUMENT");
  });

  test("thinking levels match case-insensitively", async () => {
    const response = await generate(fake, withThinking({ thinkingLevel: "medium" }));

    expect(response.usageMetadata.thoughtsTokenCount).toBe(96);
  });

  test("thinkingLevel together with thinkingBudget is rejected", async () => {
    const response = await post(fake, FLASH, "generateContent", withThinking({ thinkingLevel: "LOW", thinkingBudget: 1024 }));

    await expectGoogleError(response, 400, "INVALID_ARGUMENT");
  });

  test("a zero thinking budget is rejected because thinking cannot be switched off", async () => {
    const response = await post(fake, FLASH, "generateContent", withThinking({ thinking_budget: 0 }));
    const error = await expectGoogleError(response, 400, "INVALID_ARGUMENT");

    expect(error.message).toBe("Budget 0 is invalid. This model only works in thinking mode.");
  });

  test("googleSearch combined with function declarations needs includeServerSideToolInvocations", async () => {
    const tools = [{ googleSearch: {} }, { functionDeclarations: [{ name: "lookup" }] }];
    const rejected = await post(fake, FLASH, "generateContent", { contents: [userText("Hi")], tools });
    const accepted = await post(fake, FLASH, "generateContent", {
      contents: [userText("Hi")],
      tools,
      toolConfig: { includeServerSideToolInvocations: true },
    });

    await expectGoogleError(rejected, 400, "INVALID_ARGUMENT");
    expect(accepted.status).toBe(200);
  });

  test("fewer function responses than function calls are rejected", async () => {
    const first = await generate(fake, {
      contents: [userText("Go")],
      tools: [{ functionDeclarations: [{ name: "a" }, { name: "b" }] }],
    });
    const modelTurn = first.candidates?.[0]?.content;
    const response = await post(fake, FLASH, "generateContent", {
      contents: [userText("Go"), modelTurn, { role: "user", parts: [{ functionResponse: { name: "a", response: {} } }] }],
      tools: [{ functionDeclarations: [{ name: "a" }, { name: "b" }] }],
    });
    const error = await expectGoogleError(response, 400, "INVALID_ARGUMENT");

    expect(error.message).toBe(
      "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.",
    );
  });

  test("snake_case and camelCase field names are accepted in the same body", async () => {
    const response = await generate(fake, {
      system_instruction: { parts: [{ text: "Be terse." }] },
      contents: [{ role: "user", parts: [{ text: "Hi" }, { inline_data: { mime_type: "image/png", data: "iVBORw0KGgo=" } }] }],
      generation_config: {
        max_output_tokens: 3,
        thinking_config: { thinking_level: "low", include_thoughts: true },
        responseMimeType: "text/plain",
      },
      tool_config: { function_calling_config: { mode: "NONE" } },
      tools: [{ function_declarations: [{ name: "never_called", parameters_json_schema: { type: "object" } }] }],
    });

    const parts = response.candidates?.[0]?.content?.parts ?? [];
    expect(parts[0]).toMatchObject({ thought: true });
    expect(parts[1].text).toHaveLength(12);
    expect(response.candidates?.[0]?.finishReason).toBe("MAX_TOKENS");
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 3 + 1 + 258, thoughtsTokenCount: 32 });
  });
});
