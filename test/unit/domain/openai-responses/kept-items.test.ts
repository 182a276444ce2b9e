import { describe, expect, test } from "@jest/globals";
import { InvalidRequestError } from "../../../../lambda/domain/errors.ts";
import { keptItemsOf, MAX_REFERENCED_RESPONSES, outputItemId, responseIdOfItem, scanInput } from "../../../../lambda/domain/openai-responses/kept-items.ts";
import type { OutputItem } from "../../../../lambda/domain/openai-responses/types.ts";
import { FLASH, SIG_CALL, SIG_TEXT } from "./fixtures.ts";

describe("kept items", () => {
  test("item ids name their response, and only ours parse", () => {
    expect(outputItemId("fc", "resp_Ab12", 3)).toBe("fc_Ab12_3");
    expect(responseIdOfItem("fc_Ab12_3")).toBe("resp_Ab12");
    expect(responseIdOfItem("msg_68a1f0c2e4b_0x")).toBeUndefined();
    expect(responseIdOfItem("rs_abc")).toBeUndefined();
  });

  test("each item is kept with the signatures that go back with it, never the sealed value", () => {
    const output: OutputItem[] = [
      { type: "reasoning", id: "rs_a_0", summary: [], encrypted_content: "gw1.x" },
      { type: "message", id: "msg_a_1", role: "assistant", status: "completed", content: [] },
      { type: "function_call", id: "fc_a_2", call_id: "c1", name: "f", arguments: "{}", status: "completed" },
      { type: "function_call", id: "fc_a_3", call_id: "c2", name: "f", arguments: "{}", status: "completed" },
    ];
    const turn = { model: FLASH, calls: [{ call_id: "c1", signature: SIG_CALL }], text: SIG_TEXT };
    expect(keptItemsOf(output, turn)).toEqual([
      { item: { type: "reasoning", id: "rs_a_0", summary: [] }, signatures: turn },
      { item: output[1], signatures: { model: FLASH, calls: [], text: SIG_TEXT } },
      { item: output[2], signatures: { model: FLASH, calls: [{ call_id: "c1", signature: SIG_CALL }] } },
      { item: output[3] },
    ]);
  });

  test("scanning the input finds references and our own items, and whether anything sealed needs opening", () => {
    const input = [
      { role: "user", content: "hi" },
      { type: "item_reference", id: "rs_a_0" },
      { id: "msg_b_1" },
      { type: "function_call", id: "fc_c_2", call_id: "c", name: "f", arguments: "{}" },
      { type: "reasoning", id: "rs_d_0", summary: [], encrypted_content: "gw1.x" },
      { type: "function_call", id: "fc_68a1f0c2e4b8", call_id: "d", name: "f", arguments: "{}" },
      "not an item",
    ];
    expect(scanInput({ input })).toEqual({ itemIds: ["rs_a_0", "msg_b_1", "fc_c_2"], opensSealed: true });
    expect(scanInput({ input: "just text" })).toEqual({ itemIds: [], opensSealed: false });
  });

  test(`refuses to look up items of more than ${MAX_REFERENCED_RESPONSES} responses in one request`, () => {
    const input = Array.from({ length: MAX_REFERENCED_RESPONSES + 1 }, (_unused, index) => ({ type: "item_reference", id: `rs_r${index}_0` }));
    expect(() => scanInput({ input })).toThrow(InvalidRequestError);
    expect(() => scanInput({ input: input.slice(1) })).not.toThrow();
  });
});
