import { describe, expect, test } from "@jest/globals";
import { readable } from "../../bin/local/readable-logs.ts";

describe("npm start's log lines", () => {
  test("are the functions' JSON lines, one readable line each", () => {
    const json = JSON.stringify(
      { level: "INFO", message: "request", timestamp: "2026-12-01T10:00:00.123Z", service: "gemini-gateway", route: "/v1/chat/completions", status: 200, credits: { held: 9, charged: 3 } },
      null,
      4,
    );
    expect(readable(json)).toBe('10:00:00.123 INFO  request route=/v1/chat/completions status=200 credits={"held":9,"charged":3}');
  });

  test("leave anything else as it is", () => {
    expect(readable("gateway    http://127.0.0.1:8787")).toBe("gateway    http://127.0.0.1:8787");
    expect(readable('{"not":"a log line"}')).toBe('{"not":"a log line"}');
  });
});
