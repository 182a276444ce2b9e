/**
 * Responses content parts → Gemini parts (the media rules are the chat route's: openai/content-parts.ts).
 *
 * | Responses part                                  | Gemini part                                          |
 * |-------------------------------------------------|------------------------------------------------------|
 * | `input_text`, and an assistant's `output_text` / `refusal` | `{ text }` (empty text dropped)           |
 * | `input_image.image_url`: `data:` URL            | `{ inlineData }`                                     |
 * | `input_image.image_url`: http(s) URL            | `{ fileData }` (Google fetches it)                   |
 * | `input_image.detail` `low` / `high` / `original` | part `mediaResolution` LOW / HIGH / ULTRA_HIGH      |
 * | `input_file.file_data` (data URL, or base64 + `filename`) | `{ inlineData }` — e.g. PDFs               |
 * | `input_file.file_url`                           | `{ fileData }`                                       |
 * | `file_id` on either                             | 400: this gateway has no file storage                |
 *
 * System and developer messages take text only; an assistant message takes its own output parts.
 */
import type { Part } from "../gemini/types.ts";
import { imageFromUrl, inlineFile, remoteFile } from "../openai/content-parts.ts";
import { expectArray, expectObject, expectOneOf, expectString, fail, optionalString } from "../validate.ts";
import type { JsonObject } from "../validate.ts";

const USER_TYPES = ["input_text", "input_image", "input_file"] as const;
const ASSISTANT_TYPES = ["output_text", "refusal", "input_text"] as const;
const DETAILS = ["auto", "low", "high", "original"] as const;
const NO_FILE_STORAGE = "is an OpenAI file id; this gateway has no file storage, so send the content inline";

/**
 * A user message's (or a function output's) content: text, images and files.
 *
 * @example userContent([{ type: "input_text", text: "Hi" }], "input[0].content") // [{ text: "Hi" }]
 */
export function userContent(content: unknown, path: string): Part[] {
  if (typeof content === "string") return textPart(content);
  return expectArray(content, path).flatMap((raw, index) => {
    const partPath = `${path}[${index}]`;
    const part = expectObject(raw, partPath);
    switch (expectOneOf(part.type, `${partPath}.type`, USER_TYPES)) {
      case "input_text":
        return textPart(expectString(part.text, `${partPath}.text`));
      case "input_image":
        return [imagePart(part, partPath)];
      case "input_file":
        return [filePart(part, partPath)];
    }
  });
}

/**
 * System, developer and assistant content, which is text only; `output_text` and `refusal` are the
 * assistant's own parts.
 *
 * @example textContent("Be terse.", "instructions", "system") // [{ text: "Be terse." }]
 */
export function textContent(content: unknown, path: string, role: "system" | "assistant"): Part[] {
  if (typeof content === "string") return textPart(content);
  return expectArray(content, path).flatMap((raw, index) => {
    const partPath = `${path}[${index}]`;
    const part = expectObject(raw, partPath);
    if (role === "system") {
      expectOneOf(part.type, `${partPath}.type`, ["input_text"]);
      return textPart(expectString(part.text, `${partPath}.text`));
    }
    const type = expectOneOf(part.type, `${partPath}.type`, ASSISTANT_TYPES);
    return textPart(expectString(type === "refusal" ? part.refusal : part.text, `${partPath}.${type === "refusal" ? "refusal" : "text"}`));
  });
}

function textPart(text: string): Part[] {
  return text.length > 0 ? [{ text }] : [];
}

function imagePart(part: JsonObject, path: string): Part {
  if (part.file_id !== undefined && part.file_id !== null) fail(`${path}.file_id`, `${NO_FILE_STORAGE} as \`image_url\` (a data: URL or an https URL)`);
  const detail = part.detail === undefined || part.detail === null ? undefined : expectOneOf(part.detail, `${path}.detail`, DETAILS);
  return imageFromUrl(expectString(part.image_url, `${path}.image_url`), `${path}.image_url`, detail);
}

function filePart(part: JsonObject, path: string): Part {
  if (part.file_id !== undefined && part.file_id !== null) fail(`${path}.file_id`, `${NO_FILE_STORAGE} as \`file_data\` (a base64 data: URL)`);
  const filename = optionalString(part.filename, `${path}.filename`);
  const fileData = optionalString(part.file_data, `${path}.file_data`);
  if (fileData !== undefined) return inlineFile(fileData, filename, `${path}.file_data`);
  const fileUrl = optionalString(part.file_url, `${path}.file_url`);
  if (fileUrl === undefined) return fail(path, "needs `file_data` (a base64 data: URL) or `file_url`");
  if (!/^https?:\/\//.test(fileUrl)) return fail(`${path}.file_url`, "must be an http(s) URL");
  return remoteFile(fileUrl, `${path}.file_url`, filename);
}
