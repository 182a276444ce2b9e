import { describe, expect, test } from "@jest/globals";
import { InvalidRequestError } from "../../../../lambda/domain/errors.ts";
import { toResponseFormat } from "../../../../lambda/domain/openai/response-format.ts";

describe("toResponseFormat", () => {
  test("asks for nothing for text or no format", () => {
    expect(toResponseFormat(undefined)).toEqual({});
    expect(toResponseFormat({ type: "text" })).toEqual({});
  });

  test("asks for JSON for json_object", () => {
    expect(toResponseFormat({ type: "json_object" })).toEqual({ responseMimeType: "application/json" });
  });

  test("passes a json_schema as responseJsonSchema, cleaned, without name or strict", () => {
    expect(
      toResponseFormat({
        type: "json_schema",
        json_schema: {
          name: "answer",
          strict: true,
          schema: { type: "object", properties: { n: { type: "integer", exclusiveMinimum: 0 } }, required: ["n"], additionalProperties: false },
        },
      }),
    ).toEqual({
      responseMimeType: "application/json",
      responseJsonSchema: { type: "object", properties: { n: { type: "integer" } }, required: ["n"], additionalProperties: false },
    });
    expect(toResponseFormat({ type: "json_schema", json_schema: { name: "anything" } })).toEqual({ responseMimeType: "application/json" });
  });

  test.each([
    [{ type: "yaml" }, '`response_format.type` must be one of "text", "json_object", "json_schema"; got "yaml"'],
    [{ type: "json_schema" }, "`response_format.json_schema` is required"],
    [{ type: "json_schema", json_schema: { schema: [] } }, "`response_format.json_schema.schema` must be a JSON Schema object"],
    ["json", "`response_format` must be an object"],
  ])("rejects %j, naming the field", (format, message) => {
    expect(() => toResponseFormat(format)).toThrow(new InvalidRequestError(message));
  });
});
