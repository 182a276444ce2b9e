import { describe, expect, test } from "@jest/globals";
import { withOutputCap } from "../../../../lambda/domain/gemini/output-cap.ts";

const contents = [{ role: "user", parts: [{ text: "Hi" }] }];

describe("withOutputCap", () => {
  test("adds the cap in camelCase to a body without a generation config", () => {
    expect(withOutputCap({ contents }, 512)).toEqual({ contents, generationConfig: { maxOutputTokens: 512 } });
  });

  test("replaces the client's own cap, keeping the other settings", () => {
    expect(withOutputCap({ contents, generationConfig: { temperature: 1, maxOutputTokens: 9_000 } }, 512)).toEqual({
      contents,
      generationConfig: { temperature: 1, maxOutputTokens: 512 },
    });
  });

  test("replaces a snake_case cap instead of adding a second, conflicting camelCase one", () => {
    expect(withOutputCap({ contents, generation_config: { max_output_tokens: 9_000, top_p: 0.5 } }, 512)).toEqual({
      contents,
      generation_config: { max_output_tokens: 512, top_p: 0.5 },
    });
  });

  test("writes the cap in the spelling of the config that holds it", () => {
    expect(withOutputCap({ contents, generation_config: { temperature: 1 } }, 512)).toEqual({ contents, generation_config: { temperature: 1, max_output_tokens: 512 } });
    expect(withOutputCap({ contents, generationConfig: { max_output_tokens: 9 } }, 512)).toEqual({ contents, generationConfig: { max_output_tokens: 512 } });
  });

  test("leaves the client's body untouched", () => {
    const body = { contents, generationConfig: { maxOutputTokens: 9_000 } };
    withOutputCap(body, 512);
    expect(body.generationConfig.maxOutputTokens).toBe(9_000);
  });
});
