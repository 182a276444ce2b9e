import { ApiError, GoogleGenAI } from "@google/genai";
import type { LocalGateway } from "../../bin/local/gateway.ts";
import { findModel, type ModelSpec } from "../../lambda/domain/catalog.ts";
import { billableUsage, priceUsage, type UsageMetadataLike } from "../../lambda/domain/money.ts";

export interface SdkOptions {
  /** The SDK base URL's path on the gateway: none, or aivideoapi's `/v1/gemini`. */
  base?: "" | "/v1/gemini";
  /** Unset means the SDK's default (`v1` in @google/genai 3.x). */
  apiVersion?: "v1" | "v1beta";
}

/** Google's official SDK pointed at the gateway by its base URL alone, as a customer would. */
export function genai(gateway: LocalGateway, apiKey: string, options: SdkOptions = {}): GoogleGenAI {
  return new GoogleGenAI({
    apiKey,
    httpOptions: { baseUrl: `${gateway.url}${options.base ?? ""}`, ...(options.apiVersion !== undefined && { apiVersion: options.apiVersion }) },
  });
}

/** The `ApiError` a call fails with, and the gateway's envelope the SDK put in its message. */
export async function apiFailure(run: Promise<unknown> | (() => Promise<unknown>)): Promise<{ error: ApiError; body: { error: Record<string, unknown> } }> {
  try {
    await (typeof run === "function" ? run() : run);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const json = error.message.slice(error.message.indexOf("{"));
    return { error, body: JSON.parse(json) as { error: Record<string, unknown> } };
  }
  throw new Error("expected the call to fail with ApiError");
}

/** What the gateway must charge for Google's usage, from the same pricing code, in credits. */
export function expectedCharge(modelId: string, usage: UsageMetadataLike | undefined, searchQueries: readonly string[] = []): number {
  return priceUsage(findModel(modelId) as ModelSpec, billableUsage(usage, searchQueries));
}
