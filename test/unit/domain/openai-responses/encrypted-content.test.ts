import { describe, expect, test } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { InvalidRequestError } from "../../../../lambda/domain/errors.ts";
import { openTurn, readTurn, sealTurn } from "../../../../lambda/domain/openai-responses/encrypted-content.ts";
import { FLASH, KEY, SIG_CALL, SIG_TEXT } from "./fixtures.ts";

const turn = { model: FLASH, calls: [{ call_id: "fc_1", signature: SIG_CALL }], text: SIG_TEXT };

function refusal(value: string, key = KEY): string {
  try {
    openTurn(value, key, "input[1].encrypted_content");
  } catch (error) {
    if (error instanceof InvalidRequestError) return error.message;
    throw error;
  }
  throw new Error("expected the value to be refused");
}

describe("encrypted_content", () => {
  test("opens to exactly the turn it sealed, and seals the same turn differently each time", () => {
    const sealed = sealTurn(turn, KEY);
    expect(sealed).toMatch(/^gw1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(SIG_CALL);
    expect(openTurn(sealed, KEY, "x")).toEqual(turn);
    expect(sealTurn(turn, KEY)).not.toBe(sealed);
  });

  test.each([
    ["one character changed", (sealed: string) => `${sealed.slice(0, -3)}${sealed.at(-3) === "A" ? "B" : "A"}${sealed.slice(-2)}`],
    ["cut short", (sealed: string) => sealed.slice(0, 30)],
    ["another gateway's", (sealed: string) => sealTurn(turn, randomBytes(32)) && sealed.replace(/^gw1\./, "gw2.")],
    ["OpenAI's own", () => "gAAAAABo2kV-opaque"],
    ["empty after the prefix", () => "gw1."],
  ])("refuses a value %s with a 400 naming the field", (_case, spoil) => {
    expect(refusal(spoil(sealTurn(turn, KEY)))).toBe(
      "`input[1].encrypted_content` is not an `encrypted_content` this gateway issued, or it was changed: send back exactly the value you received, or leave the reasoning item out",
    );
  });

  test("refuses a value sealed under another key", () => {
    expect(refusal(sealTurn(turn, randomBytes(32)))).toContain("is not an `encrypted_content` this gateway issued");
  });

  test("reads back only well-formed turns", () => {
    expect(readTurn({ model: FLASH, calls: [] })).toEqual({ model: FLASH, calls: [] });
    expect(readTurn({ model: FLASH, calls: [{ call_id: "c", signature: "not base64!" }] })).toBeUndefined();
    expect(readTurn({ model: FLASH, calls: "c" })).toBeUndefined();
    expect(readTurn({ calls: [] })).toBeUndefined();
  });
});
