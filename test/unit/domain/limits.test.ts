import { describe, expect, test } from "@jest/globals";
import { allowlist, parseCidr } from "../../../lambda/domain/ip-allowlist.ts";
import { generateApiKey, hashKey, isWellFormedKey, maskKey } from "../../../lambda/domain/keys.ts";
import { counterExpiry, rateWindow, secondsUntil, spendWindows } from "../../../lambda/domain/windows.ts";

describe("API keys", () => {
  test("are sk- and 40 base62 characters, different every time", () => {
    const keys = new Set(Array.from({ length: 50 }, generateApiKey));
    expect(keys.size).toBe(50);
    for (const key of keys) expect(key).toMatch(/^sk-[0-9A-Za-z]{40}$/);
  });

  test.each([["sk-short"], ["sk-" + "a".repeat(31)], ["pk-" + "a".repeat(40)], ["sk-" + "a".repeat(39) + "!"], [""]])(
    "rejects the malformed key %p",
    (key) => expect(isWellFormedKey(key)).toBe(false),
  );

  test("hash to a stable SHA-256 hex digest that reveals nothing of the key", () => {
    const key = generateApiKey();
    expect(hashKey(key)).toBe(hashKey(key));
    expect(hashKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashKey(key)).not.toContain(key.slice(3, 10));
  });

  test("show only their start and end", () => {
    expect(maskKey("sk-abcdefghijklmnopqrstuvwxyz0123456789WXYZ")).toBe("sk-abcd…WXYZ");
  });
});

describe("IP allowlists", () => {
  const list = allowlist(["203.0.113.0/24", "198.51.100.7", "2001:db8::/32"]);

  test.each([["203.0.113.200"], ["198.51.100.7"], ["2001:db8:1::5"], ["::ffff:203.0.113.9"]])("allow %s", (ip) => {
    expect(list.allows(ip)).toBe(true);
  });

  test.each([["203.0.114.1"], ["198.51.100.8"], ["2001:db9::1"], ["not-an-ip"], [""]])("refuse %p", (ip) => {
    expect(list.allows(ip)).toBe(false);
  });

  test("allow everyone when empty", () => {
    expect(allowlist([]).allows("192.0.2.1")).toBe(true);
  });

  test.each([["10.0.0.0/33"], ["10.0.0.0/"], ["300.0.0.1"], ["10.0.0.0/8/1"], ["2001:db8::/129"], ["example.com"]])(
    "reject the bad entry %p when parsed",
    (entry) => expect(() => parseCidr(entry)).toThrow(/not an IPv4 or IPv6/),
  );
});

describe("limit windows", () => {
  const now = Date.UTC(2026, 10, 21, 13, 45, 30);

  test("count requests per calendar minute", () => {
    expect(rateWindow(now)).toEqual({ sk: `RPM#${Date.UTC(2026, 10, 21, 13, 45) / 1000}`, resetsAt: Date.UTC(2026, 10, 21, 13, 46) / 1000 });
  });

  test("count spend per UTC hour, per UTC day, and in total", () => {
    expect(spendWindows(now)).toEqual([
      { kind: "hourly", sk: `SPEND#H#${Date.UTC(2026, 10, 21, 13) / 1000}`, resetsAt: Date.UTC(2026, 10, 21, 14) / 1000 },
      { kind: "daily", sk: `SPEND#D#${Date.UTC(2026, 10, 21) / 1000}`, resetsAt: Date.UTC(2026, 10, 22) / 1000 },
      { kind: "total", sk: "SPEND#TOTAL", resetsAt: undefined },
    ]);
  });

  test("expire their counters two days after they reset, and never the total", () => {
    const [hourly, , total] = spendWindows(now);
    expect(counterExpiry(hourly!)).toBe(hourly!.resetsAt! + 2 * 86_400);
    expect(counterExpiry(total!)).toBeUndefined();
  });

  test("tell a client to wait at least a second", () => {
    expect(secondsUntil(100, 99_500)).toBe(1);
    expect(secondsUntil(100, 100_000)).toBe(1);
    expect(secondsUntil(160, 100_000)).toBe(60);
  });
});
