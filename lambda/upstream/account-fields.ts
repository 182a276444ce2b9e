/**
 * Field checks shared by every kind of upstream account. Messages name the account and the field,
 * never a value: the values around them are keys.
 */

/** The account list is malformed; the message says where, and never includes a key. */
export class AccountListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AccountListError";
  }
}

/**
 * A required non-empty string field, trimmed.
 *
 * @example
 * requiredString({ apiKey: " k " }, "apiKey", 'upstream account #1 ("main")'); // "k"
 */
export function requiredString(entry: Readonly<Record<string, unknown>>, field: string, where: string): string {
  const value = entry[field];
  const text = typeof value === "string" ? value.trim() : "";
  if (text === "") throw new AccountListError(`${where} needs a non-empty "${field}".`);
  return text;
}

/**
 * An optional string field, trimmed, that must match `pattern` when present.
 *
 * @example
 * optionalMatching({ location: "us-central1" }, "location", /^[a-z0-9-]+$/, "a Vertex location such as global", where); // "us-central1"
 */
export function optionalMatching(
  entry: Readonly<Record<string, unknown>>,
  field: string,
  pattern: RegExp,
  expected: string,
  where: string,
): string | undefined {
  if (entry[field] === undefined) return undefined;
  const value = entry[field];
  const text = typeof value === "string" ? value.trim() : "";
  if (!pattern.test(text)) throw new AccountListError(`${where}: "${field}" must be ${expected}.`);
  return text;
}

/**
 * An http(s) URL without a query or credentials, trailing slashes removed.
 *
 * @example
 * checkBaseUrl("https://proxy.example/gemini/", 'upstream account #1 ("main")', "https://generativelanguage.googleapis.com");
 * // "https://proxy.example/gemini"
 */
export function checkBaseUrl(value: unknown, where: string, example: string, field = "baseUrl"): string {
  const text = typeof value === "string" ? value.trim() : "";
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new AccountListError(`${where}: "${field}" must be an http(s) URL such as ${example}.`);
  }
  if (url.search !== "" || url.username !== "" || url.password !== "") {
    throw new AccountListError(`${where}: "${field}" must not carry a query string or credentials; credentials belong in their own fields.`);
  }
  return text.replace(/\/+$/, "");
}

/**
 * A plain JSON object (not an array, not null).
 *
 * @example
 * isRecord({ a: 1 }); // true
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
