import { describe, expect, test } from "@jest/globals";
import { InvalidRequestError } from "../../../../lambda/domain/errors.ts";
import { userParts } from "../../../../lambda/domain/openai/content-parts.ts";

function rejection(content: unknown): string {
  try {
    userParts(content, "messages[0].content");
  } catch (error) {
    if (error instanceof InvalidRequestError) return error.message;
    throw error;
  }
  throw new Error("expected the content to be rejected");
}

describe("userParts", () => {
  test("maps each OpenAI content part to its Gemini part", () => {
    expect(
      userParts(
        [
          { type: "text", text: "Describe these." },
          { type: "text", text: "" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          { type: "image_url", image_url: { url: "https://example.com/cat.webp?size=2", detail: "low" } },
          { type: "image_url", image_url: { url: "https://example.com/render", detail: "high" } },
          { type: "image_url", image_url: "data:image/jpeg;base64,/9j/4AAQ" },
          { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
          { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } },
          { type: "file", file: { file_data: "JVBERi0=", filename: "report.PDF" } },
          { type: "file", file: { file_id: "https://example.com/docs/spec.pdf" } },
        ],
        "messages[0].content",
      ),
    ).toEqual([
      { text: "Describe these." },
      { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
      { fileData: { mimeType: "image/webp", fileUri: "https://example.com/cat.webp?size=2" }, mediaResolution: { level: "MEDIA_RESOLUTION_LOW" } },
      { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/render" }, mediaResolution: { level: "MEDIA_RESOLUTION_HIGH" } },
      { inlineData: { mimeType: "image/jpeg", data: "/9j/4AAQ" } },
      { inlineData: { mimeType: "audio/wav", data: "UklGRg==" } },
      { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
      { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
      { fileData: { mimeType: "application/pdf", fileUri: "https://example.com/docs/spec.pdf" } },
    ]);
  });

  test("reads a data URL with extra parameters before ;base64", () => {
    expect(userParts([{ type: "image_url", image_url: { url: "data:image/PNG;name=x.png;base64,AAAA" } }], "c")).toEqual([
      { inlineData: { mimeType: "image/png", data: "AAAA" } },
    ]);
  });

  test("keeps a plain string as one text part and drops an empty one", () => {
    expect(userParts("Hello", "c")).toEqual([{ text: "Hello" }]);
    expect(userParts("", "c")).toEqual([]);
  });

  test.each([
    ["an unknown part type", [{ type: "video_url", video_url: {} }], '`messages[0].content[0].type` must be one of "text", "image_url", "input_audio", "file"; got "video_url"'],
    ["a text part without text", [{ type: "text" }], "`messages[0].content[0].text` is required"],
    ["a data URL that is not base64", [{ type: "image_url", image_url: { url: "data:image/png,rawbytes" } }], "`messages[0].content[0].image_url.url` must be a base64 data: URL such as data:image/png;base64,…"],
    ["a gs:// image", [{ type: "image_url", image_url: { url: "gs://bucket/cat.png" } }], "`messages[0].content[0].image_url.url` must be a data: URL or an http(s) URL"],
    ["an audio format Gemini lacks", [{ type: "input_audio", input_audio: { data: "AA", format: "pcm16" } }], '`messages[0].content[0].input_audio.format` must be one of "wav", "mp3", "aac", "flac", "ogg", "aiff"; got "pcm16"'],
    ["an uploaded file id", [{ type: "file", file: { file_id: "file-abc123" } }], "`messages[0].content[0].file.file_id` must be an http(s) URL; this gateway has no file storage, so send the file inline as `file_data`"],
    ["raw base64 with no type", [{ type: "file", file: { file_data: "JVBERi0=" } }], "`messages[0].content[0].file.file_data` must be a data: URL (data:<mime>;base64,…) or come with a `filename` whose extension gives its type"],
    ["an empty file part", [{ type: "file", file: {} }], "`messages[0].content[0].file` needs `file_data` (a base64 data: URL)"],
    ["content that is neither string nor list", 42, "`messages[0].content` must be an array"],
  ])("rejects %s, naming the field", (_, content, message) => {
    expect(rejection(content)).toBe(message);
  });
});
