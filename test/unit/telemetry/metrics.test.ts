import { afterEach, beforeAll, describe, expect, jest, test } from "@jest/globals";

type Metrics = typeof import("../../../lambda/telemetry/metrics.ts");
let metrics: Metrics;
let written: string[] = [];
let write: jest.SpiedFunction<typeof process.stdout.write>;

beforeAll(async () => {
  // Metrics are off in tests; this file turns them on before the module reads its settings.
  process.env.POWERTOOLS_METRICS_DISABLED = "false";
  metrics = await import("../../../lambda/telemetry/metrics.ts");
});

function capture(run: () => void): Array<{ _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> } } & Record<string, unknown>> {
  written = [];
  write = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    write.mockRestore();
  }
  return written.flatMap((text) => text.split("\n")).filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
}

afterEach(() => write?.mockRestore());

describe("the gateway's metrics", () => {
  test("count a finished request by function, by route and model, and by error code, in the GeminiGateway namespace", () => {
    const lines = capture(() =>
      metrics.countRequest({ fn: "chat", route: "/v1/chat/completions", model: "gemini-3-flash", status: 503, errorCode: "upstream_error", totalMs: 120, firstByteMs: 40, creditsCharged: 0, creditsRefunded: 900 }),
    );
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line._aws.CloudWatchMetrics[0]?.Namespace).toBe("GeminiGateway");
    const [byFunction, byRoute, byCode] = lines;
    expect(byFunction?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["service", "Function"]]);
    expect(byFunction).toMatchObject({ Function: "chat", service: "gemini-gateway", Requests: 1, ServerErrors: 1, ClientErrors: 0, TotalLatency: 120, FirstByteLatency: 40, CreditsRefunded: 900 });
    expect(byFunction?._aws.CloudWatchMetrics[0]?.Metrics).toEqual(expect.arrayContaining([{ Name: "FirstByteLatency", Unit: "Milliseconds" }]));
    expect(byRoute).toMatchObject({ Function: "chat", Route: "/v1/chat/completions", Model: "gemini-3-flash", Requests: 1 });
    expect(byCode).toMatchObject({ Function: "chat", Code: "upstream_error", Errors: 1 });
  });

  test("count upstream failures by account, failovers, and a pool that ran out", () => {
    const lines = capture(() => {
      metrics.countUpstreamFailure("primary");
      metrics.countUpstreamCall("backup", 2, false);
      metrics.countUpstreamCall(undefined, 2, true);
    });
    expect(lines.filter((line) => line.UpstreamAccount === "primary" && line.UpstreamFailures === 1)).toHaveLength(1);
    expect(lines.find((line) => line.UpstreamAccount === "backup")).toMatchObject({ Failovers: 1 });
    expect(lines.filter((line) => line.UpstreamExhausted === 1)).toHaveLength(1);
    expect(lines.filter((line) => line.UpstreamCalls === 1)).toHaveLength(2);
  });

  test("count settlement failures and swept holds", () => {
    const lines = capture(() => {
      metrics.countSettlementFailure();
      metrics.countHoldsSwept(3);
    });
    expect(lines).toEqual([expect.objectContaining({ SettlementFailures: 1 }), expect.objectContaining({ HoldsSwept: 3 })]);
  });
});
