import { describe, expect, test } from "@jest/globals";
import { toGeminiSchema } from "../../../../lambda/domain/openai/json-schema.ts";

describe("toGeminiSchema", () => {
  test("removes only unsupported keywords, at every depth, and keeps property names that look like keywords", () => {
    expect(
      toGeminiSchema({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        title: "Order",
        type: "object",
        properties: {
          pattern: { type: "string", pattern: "^[a-z]+$", minLength: 1, format: "email", default: "a" },
          items: { type: "array", items: { type: "integer", minimum: 0, exclusiveMaximum: 9 }, minItems: 1, uniqueItems: true },
          tags: { anyOf: [{ type: "string", examples: ["x"] }, { type: "null" }] },
          pair: { type: "array", prefixItems: [{ type: "number", multipleOf: 2 }, { type: ["string", "null"] }] },
          extra: { type: "object", additionalProperties: { type: "string", maxLength: 3 }, patternProperties: {} },
        },
        required: ["pattern"],
        additionalProperties: false,
        allOf: [{ required: ["items"] }],
        propertyOrdering: ["pattern", "items"],
      }),
    ).toEqual({
      title: "Order",
      type: "object",
      properties: {
        pattern: { type: "string", format: "email" },
        items: { type: "array", items: { type: "integer", minimum: 0 }, minItems: 1 },
        tags: { anyOf: [{ type: "string" }, { type: "null" }] },
        pair: { type: "array", prefixItems: [{ type: "number" }, { type: ["string", "null"] }] },
        extra: { type: "object", additionalProperties: { type: "string" } },
      },
      required: ["pattern"],
      additionalProperties: false,
      propertyOrdering: ["pattern", "items"],
    });
  });

  test("turns const into a one-value enum", () => {
    expect(toGeminiSchema({ oneOf: [{ properties: { kind: { const: "a" } } }, { properties: { kind: { const: 2, enum: [2, 3] } } }] })).toEqual({
      oneOf: [{ properties: { kind: { enum: ["a"] } } }, { properties: { kind: { enum: [2, 3] } } }],
    });
  });

  test("keeps only $ keywords beside $ref and renames draft-07 definitions to $defs", () => {
    expect(
      toGeminiSchema({
        type: "object",
        properties: { address: { $ref: "#/definitions/Address", description: "Where to ship" } },
        definitions: { Address: { type: "object", properties: { street: { type: "string", maxLength: 80 } } } },
      }),
    ).toEqual({
      type: "object",
      properties: { address: { $ref: "#/$defs/Address" } },
      $defs: { Address: { type: "object", properties: { street: { type: "string" } } } },
    });
  });

  test("leaves boolean schemas and the input object untouched", () => {
    const input = { type: "object", properties: { anything: true }, additionalProperties: true, $comment: "x" };
    expect(toGeminiSchema(input)).toEqual({ type: "object", properties: { anything: true }, additionalProperties: true });
    expect(input.$comment).toBe("x");
  });
});
