import { describe, expect, test } from "@jest/globals";
import type { VertexAccount } from "../../../lambda/upstream/accounts.ts";
import { vertexBody, vertexUrl } from "../../../lambda/upstream/vertex/api.ts";

const KEY = {
  type: "service_account",
  project_id: "acme-prod",
  private_key: "-----BEGIN PRIVATE KEY-----\nnot-used-here\n-----END PRIVATE KEY-----\n",
  client_email: "gw@acme-prod.iam.gserviceaccount.com",
  token_uri: "https://oauth2.googleapis.com/token",
};
const CONTENTS = [{ role: "user", parts: [{ text: "Hi" }] }];

describe("Vertex AI URLs", () => {
  test.each<[string, VertexAccount, string, string]>([
    [
      "a service account in global, on the global host",
      { kind: "vertex", name: "sa", serviceAccount: KEY },
      "streamGenerateContent",
      "https://aiplatform.googleapis.com/v1/projects/acme-prod/locations/global/publishers/google/models/gemini-3-flash-preview:streamGenerateContent?alt=sse",
    ],
    [
      "a regional service account, on its location's host, with its own project",
      { kind: "vertex", name: "sa", serviceAccount: KEY, location: "us-central1", project: "acme-batch" },
      "countTokens",
      "https://us-central1-aiplatform.googleapis.com/v1/projects/acme-batch/locations/us-central1/publishers/google/models/gemini-3-flash-preview:countTokens",
    ],
    [
      "a service account behind another base URL",
      { kind: "vertex", name: "sa", serviceAccount: KEY, location: "europe-west4", baseUrl: "http://127.0.0.1:9/proxy/" },
      "generateContent",
      "http://127.0.0.1:9/proxy/v1/projects/acme-prod/locations/europe-west4/publishers/google/models/gemini-3-flash-preview:generateContent",
    ],
    [
      "an express-mode key, on the global host without project or location",
      { kind: "vertex", name: "express", apiKey: "AQ.key" },
      "streamGenerateContent",
      "https://aiplatform.googleapis.com/v1/publishers/google/models/gemini-3-flash-preview:streamGenerateContent?alt=sse",
    ],
    [
      "an express-mode key behind another base URL",
      { kind: "vertex", name: "express", apiKey: "AQ.key", baseUrl: "http://127.0.0.1:9" },
      "countTokens",
      "http://127.0.0.1:9/v1/publishers/google/models/gemini-3-flash-preview:countTokens",
    ],
  ])("%s", (_what, account, action, url) => {
    expect(vertexUrl(account, "models/gemini-3-flash-preview", action as "generateContent")).toBe(url);
  });

  test("never puts a credential in the URL", () => {
    const express = vertexUrl({ kind: "vertex", name: "e", apiKey: "AQ.secret-key" }, "gemini-3-flash-preview", "generateContent");

    expect(express).not.toContain("AQ.secret-key");
  });
});

describe("Vertex AI bodies", () => {
  test("generate bodies pass as sent, less the model field the path already names", () => {
    const body = { model: "models/gemini-3-flash-preview", contents: CONTENTS, generationConfig: { maxOutputTokens: 10 } };

    expect(vertexBody("streamGenerateContent", body)).toEqual({ contents: CONTENTS, generationConfig: { maxOutputTokens: 10 } });
  });

  test("countTokens' generateContentRequest wrapper is unwrapped into Vertex's flat request, in either spelling", () => {
    const inner = { model: "models/gemini-3-flash-preview", contents: CONTENTS, systemInstruction: { parts: [{ text: "Be brief" }] }, safetySettings: [] };

    expect(vertexBody("countTokens", { generateContentRequest: inner })).toEqual({ contents: CONTENTS, systemInstruction: inner.systemInstruction });
    expect(vertexBody("countTokens", { generate_content_request: { contents: CONTENTS, tools: [] } })).toEqual({ contents: CONTENTS, tools: [] });
    expect(vertexBody("countTokens", { contents: CONTENTS })).toEqual({ contents: CONTENTS });
  });
});
