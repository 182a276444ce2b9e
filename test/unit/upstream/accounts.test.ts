import { describe, expect, test } from "@jest/globals";
import { AccountListError, parseAccountList, serializeAccountList, withDefaultBaseUrl } from "../../../lambda/upstream/accounts.ts";
import { KEY_A, KEY_B, errorOf, expectNoKeys } from "./fixtures.ts";

describe("the upstream account list", () => {
  test("parses accounts with and without a base URL, trimming a trailing slash", () => {
    const json = JSON.stringify({
      accounts: [
        { name: "main", apiKey: KEY_A },
        { name: "backup", apiKey: KEY_B, baseUrl: "https://proxy.example/gemini/" },
      ],
    });

    expect(parseAccountList(json)).toEqual([
      { name: "main", apiKey: KEY_A },
      { name: "backup", apiKey: KEY_B, baseUrl: "https://proxy.example/gemini" },
    ]);
  });

  test("an empty list is valid: the deployed secret starts that way", () => {
    expect(parseAccountList('{"accounts":[]}')).toEqual([]);
  });

  test.each([
    ["a duplicate name", { accounts: [{ name: "main", apiKey: KEY_A }, { name: "main", apiKey: KEY_B }] }, /"main" is used twice/],
    ["an empty name", { accounts: [{ name: " ", apiKey: KEY_A }] }, /#1 needs a non-empty "name"/],
    ["an empty key", { accounts: [{ name: "main", apiKey: "" }] }, /#1 \("main"\) needs a non-empty "apiKey"/],
    ["a non-http base URL", { accounts: [{ name: "main", apiKey: KEY_A, baseUrl: "ftp://x" }] }, /"baseUrl" must be an http\(s\) URL/],
    ["a base URL carrying the key", { accounts: [{ name: "main", apiKey: KEY_A, baseUrl: `https://x/?key=${KEY_B}` }] }, /must not carry a query/],
    ["no accounts array", { keys: [KEY_A] }, /"accounts" array/],
  ])("rejects %s with a clear message that never quotes a key", (_what, list, message) => {
    const error = errorOf(JSON.stringify(list));

    expect(error).toBeInstanceOf(AccountListError);
    expect(String(error)).toMatch(message);
    expectNoKeys(error);
  });

  test("rejects malformed JSON without echoing it, though V8's own message would", () => {
    const error = errorOf(`{"accounts":[{"name":"main","apiKey":"${KEY_A}"`);

    expect(String(error)).toMatch(/not valid JSON/);
    expectNoKeys(error);
  });

  test("serialises to JSON that parses back to the same accounts", () => {
    const accounts = [{ name: "main", apiKey: KEY_A }, { name: "backup", apiKey: KEY_B, baseUrl: "http://127.0.0.1:9" }];

    expect(parseAccountList(serializeAccountList(accounts))).toEqual(accounts);
  });

  test("accounts without a base URL get the default; others keep theirs", () => {
    const accounts = withDefaultBaseUrl([{ name: "a", apiKey: KEY_A }, { name: "b", apiKey: KEY_B, baseUrl: "http://b" }], "http://d/");

    expect(accounts.map((account) => account.baseUrl)).toEqual(["http://d", "http://b"]);
    expect(withDefaultBaseUrl([{ name: "a", apiKey: KEY_A }])[0].baseUrl).toBe("https://generativelanguage.googleapis.com");
  });
});
