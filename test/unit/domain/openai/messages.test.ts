import { describe, expect, test } from "@jest/globals";
import { InvalidRequestError } from "../../../../lambda/domain/errors.ts";
import { toGeminiConversation } from "../../../../lambda/domain/openai/messages.ts";

const SIG_A = "CiQBjz1rX2FsbG93ZWQ=";
const SIG_B = "Eq0FCqoFAdHtim9XD7O+H/hf";
const SENTINEL = "skip_thought_signature_validator";
const google = (signature: string) => ({ google: { thought_signature: signature } });

function rejection(messages: unknown): string {
  try {
    toGeminiConversation(messages);
  } catch (error) {
    if (error instanceof InvalidRequestError) return error.message;
    throw error;
  }
  throw new Error("expected the messages to be rejected");
}

const weatherCall = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: "function",
  function: { name: "get_weather", arguments: `{"city":"${id}"}` },
  ...extra,
});

describe("toGeminiConversation", () => {
  test("sends system and developer messages as the system instruction, in order", () => {
    expect(
      toGeminiConversation([
        { role: "system", content: "Be terse." },
        { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
        { role: "user", content: "Hi" },
      ]),
    ).toEqual({
      systemInstruction: { parts: [{ text: "Be terse." }, { text: "Answer in French." }] },
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
    });
  });

  test("merges consecutive same-role messages by concatenating parts, never texts", () => {
    expect(
      toGeminiConversation([
        { role: "user", content: "one" },
        { role: "user", content: [{ type: "text", text: "two" }] },
        { role: "assistant", content: "three" },
        { role: "assistant", content: [{ type: "text", text: "four" }, { type: "refusal", refusal: "five" }] },
      ]).contents,
    ).toEqual([
      { role: "user", parts: [{ text: "one" }, { text: "two" }] },
      { role: "model", parts: [{ text: "three" }, { text: "four" }, { text: "five" }] },
    ]);
  });

  test("skips empty assistant messages and sends a system-only conversation as the user turn", () => {
    expect(toGeminiConversation([{ role: "user", content: "Hi" }, { role: "assistant", content: "" }, { role: "assistant", content: null }])).toEqual({
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
    });
    expect(toGeminiConversation([{ role: "system", content: "Write a haiku." }])).toEqual({
      contents: [{ role: "user", parts: [{ text: "Write a haiku." }] }],
    });
  });

  test("turns a full tool loop into calls with their signatures and one content of responses", () => {
    const conversation = toGeminiConversation([
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [weatherCall("fc_1", { extra_content: google(SIG_A) }), weatherCall("fc_2")],
      },
      { role: "tool", tool_call_id: "fc_2", content: "31C" },
      { role: "tool", tool_call_id: "fc_1", content: [{ type: "text", text: "22" }, { type: "text", text: "C" }] },
    ]);
    expect(conversation.contents).toEqual([
      { role: "user", parts: [{ text: "Weather in Paris and Rome?" }] },
      {
        role: "model",
        parts: [
          { functionCall: { id: "fc_1", name: "get_weather", args: { city: "fc_1" } }, thoughtSignature: SIG_A },
          { functionCall: { id: "fc_2", name: "get_weather", args: { city: "fc_2" } } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { id: "fc_2", name: "get_weather", response: { output: "31C" } } },
          { functionResponse: { id: "fc_1", name: "get_weather", response: { output: "22C" } } },
        ],
      },
    ]);
  });

  test("reads empty arguments as an empty object", () => {
    const conversation = toGeminiConversation([
      { role: "user", content: "Now?" },
      { role: "assistant", tool_calls: [{ id: "c1", type: "function", function: { name: "now", arguments: "" } }] },
      { role: "tool", tool_call_id: "c1", content: "noon" },
    ]);
    expect(conversation.contents[1]).toEqual({
      role: "model",
      parts: [{ functionCall: { id: "c1", name: "now", args: {} }, thoughtSignature: SENTINEL }],
    });
  });
});

describe("thought signatures in the history", () => {
  test("puts a message's text signature back on its last text part, alone", () => {
    const conversation = toGeminiConversation([
      { role: "user", content: "Hi" },
      { role: "assistant", content: [{ type: "text", text: "Hello" }, { type: "text", text: " there" }], extra_content: google(SIG_B) },
      { role: "user", content: "Bye" },
    ]);
    expect(conversation.contents[1]).toEqual({ role: "model", parts: [{ text: "Hello" }, { text: " there", thoughtSignature: SIG_B }] });
  });

  test("reads OpenRouter reasoning_details: a call's signature by id, the rest for the text", () => {
    const conversation = toGeminiConversation([
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [weatherCall("fc_1")],
        reasoning_details: [
          { type: "reasoning.text", text: "thinking…", format: "google-gemini-v1", index: 0 },
          { type: "reasoning.encrypted", data: SIG_A, id: "fc_1", format: "google-gemini-v1", index: 0 },
          { type: "reasoning.encrypted", data: SIG_B, format: "google-gemini-v1", index: 0 },
        ],
      },
      { role: "tool", tool_call_id: "fc_1", content: "22C" },
    ]);
    expect(conversation.contents[1]).toEqual({
      role: "model",
      parts: [
        { text: "Checking.", thoughtSignature: SIG_B },
        { functionCall: { id: "fc_1", name: "get_weather", args: { city: "fc_1" } }, thoughtSignature: SIG_A },
      ],
    });
  });

  test("prefers extra_content over reasoning_details and ignores other providers' details", () => {
    const conversation = toGeminiConversation([
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        tool_calls: [weatherCall("fc_1", { extra_content: google(SIG_A) })],
        reasoning_details: [
          { type: "reasoning.encrypted", data: SIG_B, id: "fc_1", format: "google-gemini-v1" },
          { type: "reasoning.encrypted", data: "c2lnbmF0dXJl", format: "anthropic-claude-v1" },
        ],
      },
      { role: "tool", tool_call_id: "fc_1", content: "22C" },
    ]);
    expect(conversation.contents[1].parts).toEqual([
      { functionCall: { id: "fc_1", name: "get_weather", args: { city: "fc_1" } }, thoughtSignature: SIG_A },
    ]);
  });

  test("gives an unmatched OpenRouter signature to the first call when the message has no text", () => {
    const conversation = toGeminiConversation([
      { role: "user", content: "Weather?" },
      { role: "assistant", tool_calls: [weatherCall("fc_1")], reasoning_details: [{ type: "reasoning.encrypted", data: SIG_A, id: "other" }] },
      { role: "tool", tool_call_id: "fc_1", content: "22C" },
    ]);
    expect(conversation.contents[1].parts[0].thoughtSignature).toBe(SIG_A);
  });

  test("uses the literal sentinel only on the first unsigned call of each step of the current turn", () => {
    const conversation = toGeminiConversation([
      { role: "user", content: "Earlier question" },
      { role: "assistant", tool_calls: [weatherCall("old")] },
      { role: "tool", tool_call_id: "old", content: "x" },
      { role: "assistant", content: "Earlier answer" },
      { role: "user", content: "Weather in Paris and Rome?" },
      { role: "assistant", tool_calls: [weatherCall("s1a"), weatherCall("s1b")] },
      { role: "tool", tool_call_id: "s1a", content: "22C" },
      { role: "tool", tool_call_id: "s1b", content: "31C" },
      { role: "assistant", tool_calls: [weatherCall("s2", { extra_content: google(SIG_A) })] },
      { role: "tool", tool_call_id: "s2", content: "25C" },
    ]);
    const signatures = conversation.contents.map((content) => content.parts.map((part) => part.thoughtSignature ?? null));
    expect(signatures).toEqual([[null], [null], [null], [null], [null], [SENTINEL, null], [null, null], [SIG_A], [null]]);
  });
});

describe("toGeminiConversation rejections", () => {
  test.each([
    ["an unknown role", [{ role: "bot", content: "x" }], '`messages[0].role` must be one of "system", "developer", "user", "assistant", "tool"; got "bot"'],
    ["the function role", [{ role: "function", name: "f", content: "x" }], '`messages[0].role` is the deprecated "function" role; send tool results with role "tool" and a `tool_call_id`'],
    ["a message that is not an object", ["hi"], "`messages[0]` must be an object"],
    ["an empty user message", [{ role: "user", content: "" }], "`messages[0].content` is empty; send some text or other content"],
    ["a user message without content", [{ role: "user" }], "`messages[0].content` is required"],
    ["a system message with an image", [{ role: "system", content: [{ type: "image_url", image_url: { url: "x" } }] }], '`messages[0].content[0].type` must be one of "text"; got "image_url"'],
    [
      "unparseable tool arguments",
      [{ role: "user", content: "q" }, { role: "assistant", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{city:" } }] }],
      "`messages[1].tool_calls[0].function.arguments` is not valid JSON",
    ],
    [
      "arguments that are not an object",
      [{ role: "user", content: "q" }, { role: "assistant", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "[1]" } }] }],
      "`messages[1].tool_calls[0].function.arguments` must be a JSON object, as Gemini function arguments are objects",
    ],
    [
      "a custom tool call",
      [{ role: "user", content: "q" }, { role: "assistant", tool_calls: [{ id: "c", type: "custom", custom: { name: "f", input: "" } }] }],
      '`messages[1].tool_calls[0].type` must be one of "function"; got "custom"',
    ],
    [
      "repeated tool call ids",
      [{ role: "user", content: "q" }, { role: "assistant", tool_calls: [weatherCall("c"), weatherCall("c")] }],
      '`messages[1].tool_calls[1].id` repeats "c"; tool call ids must be unique',
    ],
    [
      "a tool message with no matching call",
      [{ role: "user", content: "q" }, { role: "tool", tool_call_id: "nope", content: "x" }],
      '`messages[1].tool_call_id` ("nope") answers no open tool call of the assistant message before it',
    ],
    [
      "a tool call left unanswered",
      [{ role: "user", content: "q" }, { role: "assistant", tool_calls: [weatherCall("a"), weatherCall("b")] }, { role: "tool", tool_call_id: "a", content: "x" }, { role: "user", content: "?" }],
      "`messages[1].tool_calls[1].id` has no `tool` message answering it; send one tool message per tool call right after the assistant message",
    ],
    [
      "a signature that is not base64",
      [{ role: "user", content: "q" }, { role: "assistant", content: "a", extra_content: google("not a signature!") }],
      "`messages[1].extra_content.google.thought_signature` is not a Gemini thought signature (base64); send back exactly the value this gateway returned",
    ],
  ])("rejects %s, naming the field", (_, messages, message) => {
    expect(rejection(messages)).toBe(message);
  });
});
