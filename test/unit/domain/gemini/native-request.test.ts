import { describe, expect, test } from "@jest/globals";
import { findModel, type ModelSpec } from "../../../../lambda/domain/catalog.ts";
import { InvalidRequestError } from "../../../../lambda/domain/errors.ts";
import { planGenerateContent } from "../../../../lambda/domain/gemini/native-request.ts";

const flash = findModel("gemini-3-flash") as ModelSpec;
const pro = findModel("gemini-3.1-pro-preview") as ModelSpec;
const contents = [{ role: "user", parts: [{ text: "Hi" }] }];

function rejection(body: unknown, model = flash): string {
  try {
    planGenerateContent(body, model);
  } catch (error) {
    if (error instanceof InvalidRequestError) return error.message;
    throw error;
  }
  throw new Error("expected the request to be rejected");
}

describe("planGenerateContent passes the body through", () => {
  test("keeps every field, known or not, exactly as sent", () => {
    const body = {
      contents,
      systemInstruction: { parts: [{ text: "Be terse" }] },
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
      generationConfig: { temperature: 0.3, responseModalities: ["TEXT"], someFutureField: { x: 1 } },
      serviceTier: "flex",
      aFieldGoogleAddsTomorrow: [1, 2, 3],
    };
    expect(planGenerateContent(body, flash)).toEqual({ body, outputParam: "generationConfig.maxOutputTokens" });
  });

  test("keeps a snake_case body in snake_case and reads its output cap", () => {
    const body = { contents: [{ role: "user", parts: [{ inline_data: { mime_type: "image/png", data: "iVBO" } }] }], generation_config: { max_output_tokens: 100 } };
    expect(planGenerateContent(body, flash)).toEqual({ body, maxOutputTokens: 100, outputParam: "generation_config.max_output_tokens" });
  });

  test("names the cap in the client's spelling even when it set none", () => {
    expect(planGenerateContent({ contents, generation_config: {} }, flash).outputParam).toBe("generation_config.max_output_tokens");
  });

  test("rewrites a model named in the body to Google's id for the catalog model", () => {
    expect(planGenerateContent({ model: "models/gemini-3-flash", contents }, flash).body).toEqual({ model: "models/gemini-3-flash-preview", contents });
  });
});

describe("planGenerateContent refuses what Google would refuse after a round trip", () => {
  test.each([
    ["no body", undefined, "contents"],
    ["no contents", { generationConfig: {} }, "`contents` is required"],
    ["empty contents", { contents: [] }, "`contents` is required"],
    ["contents as a string", { contents: "Hi" }, "`contents` must be an array"],
    ["a content without parts", { contents: [{ role: "user" }] }, "`contents[0].parts` must hold at least one part"],
    ["empty parts", { contents: [{ role: "user", parts: [] }] }, "`contents[0].parts` must hold at least one part"],
    ["a content that is not an object", { contents: ["Hi"] }, "`contents[0]` must be an object"],
  ])("%s", (_case, body, message) => {
    expect(rejection(body)).toContain(message);
  });

  test.each([
    [0, "must be an integer from 1 to 65536"],
    [1.5, "must be an integer from 1 to 65536"],
    [65_537, "must be an integer from 1 to 65536"],
    ["100", "must be an integer from 1 to 65536"],
  ])("refuses maxOutputTokens %p", (value, message) => {
    expect(rejection({ contents, generationConfig: { maxOutputTokens: value } })).toBe(`\`generationConfig.maxOutputTokens\` ${message}`);
    expect(rejection({ contents, generation_config: { max_output_tokens: value } })).toBe(`\`generation_config.max_output_tokens\` ${message}`);
  });

  test("refuses a field sent in both spellings", () => {
    expect(rejection({ contents, generationConfig: { maxOutputTokens: 10, max_output_tokens: 20 } })).toContain(
      "`generationConfig.maxOutputTokens` is also sent as `generationConfig.max_output_tokens`",
    );
    expect(rejection({ contents, generationConfig: {}, generation_config: {} })).toContain("send it once, in either spelling");
  });

  test("refuses more than one candidate, since the hold covers one answer", () => {
    expect(rejection({ contents, generationConfig: { candidateCount: 2 } })).toContain("`generationConfig.candidateCount` must be 1");
    expect(planGenerateContent({ contents, generationConfig: { candidateCount: 1 } }, flash).body).toBeDefined();
  });
});

describe("thinking configuration", () => {
  test("accepts each level the model accepts, in any case and spelling", () => {
    for (const level of ["minimal", "LOW", "Medium", "HIGH", "THINKING_LEVEL_UNSPECIFIED"]) {
      expect(() => planGenerateContent({ contents, generationConfig: { thinkingConfig: { thinkingLevel: level } } }, flash)).not.toThrow();
    }
    expect(() => planGenerateContent({ contents, generation_config: { thinking_config: { thinking_level: "low", include_thoughts: true } } }, pro)).not.toThrow();
  });

  test("refuses a level the model does not accept, listing the ones it does", () => {
    expect(rejection({ contents, generationConfig: { thinkingConfig: { thinkingLevel: "MINIMAL" } } }, pro)).toBe(
      '`generationConfig.thinkingConfig.thinkingLevel` "MINIMAL" is not accepted by gemini-3.1-pro-preview; it accepts LOW, MEDIUM, HIGH.',
    );
    expect(rejection({ contents, generationConfig: { thinkingConfig: { thinkingLevel: "extreme" } } }, flash)).toContain('must be one of MINIMAL, LOW, MEDIUM, HIGH; got "extreme"');
  });

  test("refuses a level and a budget together", () => {
    expect(rejection({ contents, generation_config: { thinking_config: { thinking_level: "low", thinking_budget: 1024 } } })).toBe(
      "`generation_config.thinking_config.thinking_budget` cannot be sent together with `generation_config.thinking_config.thinking_level`; Gemini 3 models think in levels, so send only the level",
    );
  });

  test("accepts a budget alone, but not 0, since Gemini 3 always thinks", () => {
    expect(() => planGenerateContent({ contents, generationConfig: { thinkingConfig: { thinkingBudget: 1024 } } }, flash)).not.toThrow();
    expect(() => planGenerateContent({ contents, generationConfig: { thinkingConfig: { thinkingBudget: -1 } } }, flash)).not.toThrow();
    expect(rejection({ contents, generationConfig: { thinkingConfig: { thinkingBudget: 0 } } }, pro)).toContain("cannot be 0: gemini-3.1-pro-preview always thinks");
  });
});

describe("tools", () => {
  const declarations = { functionDeclarations: [{ name: "get_weather" }] };

  test("refuses googleSearch with functionDeclarations, saying how to fix it", () => {
    const message = rejection({ contents, tools: [{ googleSearch: {} }, declarations] });
    expect(message).toContain("`tools` combines googleSearch with functionDeclarations");
    expect(message).toContain("`toolConfig.includeServerSideToolInvocations: true`");
  });

  test("names the snake_case flag to a snake_case client, and refuses the pair inside one tool too", () => {
    const message = rejection({ contents, tools: [{ google_search: {}, function_declarations: [{ name: "f" }] }] });
    expect(message).toContain("`tool_config.include_server_side_tool_invocations: true`");
  });

  test("accepts the combination with the flag, and either tool alone", () => {
    for (const body of [
      { contents, tools: [{ googleSearch: {} }, declarations], toolConfig: { includeServerSideToolInvocations: true } },
      { contents, tools: [{ google_search: {} }, { function_declarations: [{ name: "f" }] }], tool_config: { include_server_side_tool_invocations: true } },
      { contents, tools: [{ googleSearch: {} }] },
      { contents, tools: [declarations] },
      { contents, tools: [{ googleSearch: {} }, { functionDeclarations: [] }] },
    ]) {
      expect(planGenerateContent(body, flash).body).toEqual(body);
    }
  });

  test("refuses tools that are not a list of objects", () => {
    expect(rejection({ contents, tools: { googleSearch: {} } })).toBe("`tools` must be an array");
    expect(rejection({ contents, tools: ["googleSearch"] })).toBe("`tools[0]` must be an object");
  });
});
