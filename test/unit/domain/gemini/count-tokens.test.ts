import { describe, expect, test } from "@jest/globals";
import { findModel, type ModelSpec } from "../../../../lambda/domain/catalog.ts";
import { InvalidRequestError } from "../../../../lambda/domain/errors.ts";
import { planCountTokens } from "../../../../lambda/domain/gemini/count-tokens.ts";

const flash = findModel("gemini-3-flash") as ModelSpec;
const contents = [{ role: "user", parts: [{ text: "Hi" }] }];

describe("planCountTokens", () => {
  test("sends a {contents} body as it came", () => {
    expect(planCountTokens({ contents }, flash)).toEqual({ contents });
  });

  test("names Google's model inside generateContentRequest, whatever the client wrote there", () => {
    expect(planCountTokens({ generateContentRequest: { model: "models/gemini-3-flash", contents, tools: [] } }, flash)).toEqual({
      generateContentRequest: { model: "models/gemini-3-flash-preview", contents, tools: [] },
    });
    expect(planCountTokens({ generate_content_request: { contents } }, flash)).toEqual({
      generate_content_request: { model: "models/gemini-3-flash-preview", contents },
    });
  });

  test("requires contents, at the top or inside generateContentRequest", () => {
    expect(() => planCountTokens({}, flash)).toThrow(InvalidRequestError);
    expect(() => planCountTokens(undefined, flash)).toThrow("`contents` is required");
    expect(() => planCountTokens({ generateContentRequest: { contents: [] } }, flash)).toThrow("`generateContentRequest.contents` is required");
  });
});
