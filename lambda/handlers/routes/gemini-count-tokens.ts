/**
 * `POST …/models/{model}:countTokens`: free, but authenticated and counted against the key's requests
 * per minute. It holds no credits and creates no task; Google is asked with failover like any call.
 */
import { planCountTokens } from "../../domain/gemini/count-tokens.ts";
import { json } from "../../http/function-url.ts";
import { admitRateOnly, resolveModel } from "../../middleware/admission.ts";
import type { RouteHandler } from "../../middleware/types.ts";
import { countTokens } from "../../upstream/failover.ts";
import { GOOGLE_MODEL_LIST } from "./gemini-generate.ts";

export const countGeminiTokens: RouteHandler = async ({ context, params, body }) => {
  const key = context.key;
  if (!key) throw new Error("route reached without an authenticated key");
  const model = resolveModel(key, params.model, GOOGLE_MODEL_LIST);
  const request = planCountTokens(body, model);
  const rateHeaders = await admitRateOnly(key);
  const { response } = await countTokens({ model: model.upstreamModel, body: request });
  return json(200, response, { "x-request-id": context.requestId, ...rateHeaders });
};
