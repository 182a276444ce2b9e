/**
 * A native `countTokens` body → what Google is sent. Google takes either `{contents}` or
 * `{generateContentRequest:{model, contents, …}}` (and ignores `contents` when both are given); the
 * inner request must name Google's model, so it is rewritten to our catalog model's upstream id.
 */
import type { ModelSpec } from "../catalog.ts";
import { isObject, type JsonObject } from "../validate.ts";
import { readObject } from "./fields.ts";
import { checkContents, withUpstreamModel } from "./native-request.ts";

/**
 * @example
 * planCountTokens({ generateContentRequest: { model: "models/gemini-3-flash", contents } }, flash);
 * // { generateContentRequest: { model: "models/gemini-3-flash-preview", contents } }
 */
export function planCountTokens(input: unknown, model: ModelSpec): JsonObject {
  const request = isObject(input) ? input : {};
  const inner = readObject(request, "generateContentRequest", "");
  if (inner === undefined) {
    checkContents(request, "");
    return withUpstreamModel(request, model, false);
  }
  checkContents(inner.value, inner.path);
  return { ...withUpstreamModel(request, model, false), [inner.key]: withUpstreamModel(inner.value, model, true) };
}
