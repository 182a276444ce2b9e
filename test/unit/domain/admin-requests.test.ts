import { describe, expect, test } from "@jest/globals";
import {
  parseAccountChange,
  parseDayPeriod,
  parseGroupBy,
  parseIdempotencyKey,
  parseKeySettings,
  parseNewAccount,
  parsePage,
  parseTimeRange,
  parseTopUp,
} from "../../../lambda/domain/admin-requests.ts";
import { InvalidRequestError } from "../../../lambda/domain/errors.ts";

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidRequestError) return error.message;
    throw error;
  }
  throw new Error("expected a 400");
};

describe("the operator's requests", () => {
  test("a new account needs a name; its credits are a whole number, 0 by default", () => {
    expect(parseNewAccount({ name: "  acme  " })).toEqual({ name: "acme", credits: 0 });
    expect(parseNewAccount({ name: "acme", credits: 5_000_000 })).toEqual({ name: "acme", credits: 5_000_000 });
    expect(refusal(() => parseNewAccount({ credits: 1 }))).toContain("`name` is required");
    expect(refusal(() => parseNewAccount({ name: "a", credits: -1 }))).toContain("`credits`");
    expect(refusal(() => parseNewAccount([]))).toContain("`body` must be a JSON object");
  });

  test("an account change names what changes", () => {
    expect(parseAccountChange({ status: "disabled" })).toEqual({ status: "disabled" });
    expect(refusal(() => parseAccountChange({}))).toContain("`name` or `status` is required");
    expect(refusal(() => parseAccountChange({ status: "gone" }))).toContain('must be "active" or "disabled"');
  });

  test("a top-up is a whole number of credits other than 0, with an optional note", () => {
    expect(parseTopUp({ amount: -5, note: "chargeback" })).toEqual({ amount: -5, note: "chargeback" });
    expect(refusal(() => parseTopUp({ amount: 0 }))).toContain("never 0");
    expect(refusal(() => parseTopUp({ amount: 2.5 }))).toContain("`amount`");
  });

  test("key settings normalise CIDRs and model aliases; PATCH may remove a limit with null", () => {
    expect(parseKeySettings({ ip_allowlist: ["203.0.113.9", "2001:db8::/32"], models: ["google/gemini-3-flash"] }, false)).toEqual({
      ipAllowlist: ["203.0.113.9/32", "2001:db8::/32"],
      models: ["gemini-3-flash"],
    });
    expect(parseKeySettings({ rpm: null, spend_limits: { daily: null, hourly: 10 } }, true)).toEqual({ rpm: null, limits: { daily: null, hourly: 10 } });
    expect(refusal(() => parseKeySettings({ rpm: null }, false))).toContain("`rpm` must be a whole number of at least 1");
    expect(refusal(() => parseKeySettings({ spend_limits: { total: 0 } }, false))).toContain("`spend_limits.total`");
    expect(refusal(() => parseKeySettings({ models: ["gpt-4o"] }, false))).toContain("`models[0]`");
  });

  test("an Idempotency-Key is 1 to 255 visible ASCII characters, required where it is", () => {
    expect(parseIdempotencyKey("evt_1", true)).toBe("evt_1");
    expect(parseIdempotencyKey(undefined, false)).toBeUndefined();
    expect(refusal(() => parseIdempotencyKey(undefined, true))).toContain("header is required");
    expect(refusal(() => parseIdempotencyKey("with space", true))).toContain("visible ASCII");
  });

  test("pages take 1 to 100 items", () => {
    expect(parsePage({})).toEqual({ limit: 20 });
    expect(parsePage({ limit: "100", cursor: "abc" })).toEqual({ limit: 100, cursor: "abc" });
    expect(refusal(() => parsePage({ limit: "101" }))).toContain("`limit`");
  });

  test("day periods are whole UTC days, to exclusive; time ranges any instant", () => {
    const defaults = { from: "2026-11-01", to: "2026-12-02" };
    expect(parseDayPeriod({}, defaults)).toEqual(defaults);
    expect(parseDayPeriod({ from: "2026-11-15T00:00:00Z" }, defaults)).toEqual({ from: "2026-11-15", to: "2026-12-02" });
    expect(refusal(() => parseDayPeriod({ from: "2026-11-15T01:00:00Z" }, defaults))).toContain("whole UTC day");
    expect(refusal(() => parseDayPeriod({ from: "2026-12-02" }, defaults))).toContain("`to` must be after");
    expect(parseTimeRange({ from: "2026-12-01T10:00:00Z", to: "2026-12-02" })).toEqual({ fromMs: Date.UTC(2026, 11, 1, 10), toMs: Date.UTC(2026, 11, 2) });
    expect(refusal(() => parseTimeRange({ from: "last week" }))).toContain("`from`");
  });

  test("group_by takes day, model and key in any combination", () => {
    expect(parseGroupBy("day,model,day")).toEqual(["day", "model"]);
    expect(parseGroupBy(undefined)).toEqual([]);
    expect(refusal(() => parseGroupBy("day,week"))).toContain('got "week"');
  });
});
