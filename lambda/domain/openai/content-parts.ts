/**
 * OpenAI message content → Gemini parts.
 *
 * | OpenAI part                                   | Gemini part                                        |
 * |-----------------------------------------------|----------------------------------------------------|
 * | `text`                                        | `{ text }`                                         |
 * | `image_url` with a `data:` URL                | `{ inlineData: { mimeType, data } }`               |
 * | `image_url` with an http(s) URL               | `{ fileData: { mimeType, fileUri } }` (Google fetches it) |
 * | `image_url.detail` `low` / `high` / `original`| part `mediaResolution` LOW / HIGH / ULTRA_HIGH     |
 * | `input_audio { data, format }`                | `{ inlineData: { mimeType: "audio/<format>" } }`   |
 * | `file.file_data` (data URL, or base64 + name) | `{ inlineData }` — e.g. PDFs                        |
 * | `file.file_id` that is an http(s) URL         | `{ fileData }`                                     |
 *
 * For http(s) URLs the MIME type comes from the file extension; an image URL without a known one is
 * sent as `image/jpeg`, which Google accepts for any image it can decode.
 * Empty text parts are dropped: Gemini rejects empty `text`.
 */
import type { MediaResolutionLevel, Part } from "../gemini/types.ts";
import { expectArray, expectObject, expectOneOf, expectString, fail, isObject, optionalString } from "../validate.ts";
import type { JsonObject } from "../validate.ts";

const USER_PART_TYPES = ["text", "image_url", "input_audio", "file"] as const;

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  html: "text/html",
  json: "application/json",
  wav: "audio/wav",
  mp3: "audio/mp3",
  aac: "audio/aac",
  flac: "audio/flac",
  ogg: "audio/ogg",
  mp4: "video/mp4",
  mov: "video/quicktime",
  webm: "video/webm",
};

const AUDIO_FORMATS = ["wav", "mp3", "aac", "flac", "ogg", "aiff"] as const;

/** `detail` values that set a media resolution; `auto` and anything else leave Gemini's default. */
const DETAIL_LEVELS: ReadonlyMap<string, MediaResolutionLevel> = new Map([
  ["low", "MEDIA_RESOLUTION_LOW"],
  ["high", "MEDIA_RESOLUTION_HIGH"],
  ["original", "MEDIA_RESOLUTION_ULTRA_HIGH"],
]);

/**
 * Reads text-only content (system, developer, tool and assistant messages) into its text pieces.
 * `refusal` parts, which assistant messages may carry, count as text.
 *
 * @example textPieces([{ type: "text", text: "a" }, { type: "text", text: "b" }], "messages[0].content") // ["a", "b"]
 */
export function textPieces(content: unknown, path: string, allowRefusal = false): string[] {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return [content];
  return expectArray(content, path).map((raw, index) => {
    const partPath = `${path}[${index}]`;
    const part = expectObject(raw, partPath);
    const type = expectOneOf(part.type, `${partPath}.type`, allowRefusal ? ["text", "refusal"] : ["text"]);
    return expectString(part[type], `${partPath}.${type}`);
  });
}

/**
 * Reads a user message's content into Gemini parts.
 *
 * @example userParts("Hello", "messages[0].content") // [{ text: "Hello" }]
 */
export function userParts(content: unknown, path: string): Part[] {
  if (typeof content === "string") return content.length > 0 ? [{ text: content }] : [];
  return expectArray(content, path).flatMap((raw, index) => {
    const partPath = `${path}[${index}]`;
    const part = expectObject(raw, partPath);
    switch (expectOneOf(part.type, `${partPath}.type`, USER_PART_TYPES)) {
      case "text": {
        const text = expectString(part.text, `${partPath}.text`);
        return text.length > 0 ? [{ text }] : [];
      }
      case "image_url":
        return [imagePart(part, partPath)];
      case "input_audio":
        return [audioPart(expectObject(part.input_audio, `${partPath}.input_audio`), `${partPath}.input_audio`)];
      case "file":
        return [filePart(expectObject(part.file, `${partPath}.file`), `${partPath}.file`)];
    }
  });
}

function imagePart(part: JsonObject, path: string): Part {
  // Some clients send `image_url` as a bare string rather than `{ url }`.
  const image = isObject(part.image_url) ? part.image_url : { url: part.image_url };
  const urlPath = isObject(part.image_url) ? `${path}.image_url.url` : `${path}.image_url`;
  const detail = optionalString(image.detail, `${path}.image_url.detail`);
  return imageFromUrl(expectString(image.url, urlPath), urlPath, detail);
}

function audioPart(audio: JsonObject, path: string): Part {
  const data = expectString(audio.data, `${path}.data`);
  const format = expectOneOf(audio.format, `${path}.format`, AUDIO_FORMATS);
  return { inlineData: { mimeType: `audio/${format}`, data } };
}

function filePart(file: JsonObject, path: string): Part {
  const filename = optionalString(file.filename, `${path}.filename`);
  const fileData = optionalString(file.file_data, `${path}.file_data`);
  if (fileData !== undefined) return inlineFile(fileData, filename, `${path}.file_data`);
  const fileId = optionalString(file.file_id, `${path}.file_id`);
  if (fileId === undefined) return fail(path, "needs `file_data` (a base64 data: URL)");
  if (!/^https?:\/\//.test(fileId)) return fail(`${path}.file_id`, "must be an http(s) URL; this gateway has no file storage, so send the file inline as `file_data`");
  return remoteFile(fileId, `${path}.file_id`, filename);
}

/**
 * An image from a `data:` URL (inline) or an http(s) URL (Google fetches it); `detail` `low` and
 * `high` set the part's media resolution, `original` the highest Gemini has.
 *
 * @example imageFromUrl("https://x.test/cat.png", "input[0].content[1].image_url", "low")
 * // { fileData: { mimeType: "image/png", fileUri: "https://x.test/cat.png" }, mediaResolution: { level: "MEDIA_RESOLUTION_LOW" } }
 */
export function imageFromUrl(url: string, path: string, detail: string | undefined): Part {
  const media = mediaFromUrl(url, path, "image/jpeg");
  const level = detail === undefined ? undefined : DETAIL_LEVELS.get(detail);
  return level === undefined ? media : { ...media, mediaResolution: { level } };
}

/**
 * A file sent inline: a `data:` URL, or bare base64 whose `filename` extension gives its type.
 *
 * @example inlineFile("data:application/pdf;base64,JVBE", undefined, "file_data") // { inlineData: { mimeType: "application/pdf", data: "JVBE" } }
 */
export function inlineFile(fileData: string, filename: string | undefined, path: string): Part {
  if (fileData.startsWith("data:")) return { inlineData: parseDataUrl(fileData, path) };
  const mimeType = filename === undefined ? undefined : mimeFromName(filename);
  if (mimeType === undefined) fail(path, "must be a data: URL (data:<mime>;base64,…) or come with a `filename` whose extension gives its type");
  return { inlineData: { mimeType, data: fileData } };
}

/**
 * A file Google fetches from an http(s) URL; its type comes from the URL's or the filename's extension.
 *
 * @example remoteFile("https://x.test/a.pdf", "file_url") // { fileData: { mimeType: "application/pdf", fileUri: "https://x.test/a.pdf" } }
 */
export function remoteFile(url: string, path: string, filename?: string): Part {
  return mediaFromUrl(url, path, filename === undefined ? undefined : mimeFromName(filename));
}

function mediaFromUrl(url: string, path: string, fallbackMime: string | undefined): Part {
  if (url.startsWith("data:")) return { inlineData: parseDataUrl(url, path) };
  if (!/^https?:\/\//.test(url)) return fail(path, "must be a data: URL or an http(s) URL");
  const pathname = URL.parse(url)?.pathname;
  if (pathname === undefined) return fail(path, "is not a valid URL");
  const mimeType = mimeFromName(pathname) ?? fallbackMime;
  return { fileData: mimeType === undefined ? { fileUri: url } : { mimeType, fileUri: url } };
}

/**
 * Splits `data:<mime>[;params];base64,<data>`.
 *
 * @example parseDataUrl("data:image/png;base64,iVBO", "x") // { mimeType: "image/png", data: "iVBO" }
 */
export function parseDataUrl(url: string, path: string): { mimeType: string; data: string } {
  const match = /^data:([\w.+-]+\/[\w.+-]+)((?:;[^;,]*)*?);base64,(.*)$/s.exec(url);
  if (match === null) return fail(path, "must be a base64 data: URL such as data:image/png;base64,…");
  return { mimeType: match[1].toLowerCase(), data: match[3] };
}

function mimeFromName(name: string): string | undefined {
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : MIME_BY_EXTENSION[extension];
}
