import { describe, expect, test } from "@jest/globals";
import { createRouter } from "../../../lambda/http/router.ts";

const router = createRouter([
  { method: "GET", path: "/v1/models", handle: "list" },
  { method: "GET", path: "/v1/models/{model+}", handle: "get" },
  { method: "GET", path: "/v1/tasks/{id}", handle: "task" },
  { method: "POST", path: "/v1beta/models/{model+}:generateContent", handle: "generate" },
  { method: "POST", path: "/v1beta/models/{model+}:countTokens", handle: "count" },
]);

describe("createRouter", () => {
  test("matches a literal path", () => {
    expect(router.match("GET", "/v1/models")).toMatchObject({ kind: "found", route: { handle: "list" }, params: {} });
  });

  test("names a single-segment parameter and stops it at a slash", () => {
    expect(router.match("GET", "/v1/tasks/req_1")).toMatchObject({ kind: "found", params: { id: "req_1" } });
    expect(router.match("GET", "/v1/tasks/req_1/extra")).toEqual({ kind: "not-found" });
  });

  test("lets a + parameter carry slashes, for aliased model names", () => {
    expect(router.match("GET", "/v1/models/google/gemini-3-flash")).toMatchObject({ params: { model: "google/gemini-3-flash" } });
  });

  test("splits Google's colon action from the model name", () => {
    expect(router.match("POST", "/v1beta/models/gemini-3-flash:countTokens")).toMatchObject({
      route: { handle: "count" },
      params: { model: "gemini-3-flash" },
    });
  });

  test("decodes percent-encoded parameters", () => {
    expect(router.match("GET", "/v1/models/google%2Fgemini-3-flash")).toMatchObject({ params: { model: "google/gemini-3-flash" } });
  });

  test("keeps an undecodable parameter as sent instead of failing", () => {
    expect(router.match("GET", "/v1/tasks/%E0%A4%A")).toMatchObject({ params: { id: "%E0%A4%A" } });
  });

  test("reports the allowed methods when only the method is wrong", () => {
    expect(router.match("DELETE", "/v1/models")).toEqual({ kind: "wrong-method", allowed: ["GET"] });
  });

  test("treats regex characters in templates literally", () => {
    expect(router.match("GET", "/v1Xmodels")).toEqual({ kind: "not-found" });
  });
});
