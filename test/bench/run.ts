/**
 * `npm run bench`: what the gateway costs on top of calling (fake) Google directly, on this machine,
 * in one run. The gateway runs as `npm start` does, in its own process, on DynamoDB Local; the fake
 * Google and the load generator share this process. Prints a Markdown report.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openAccount } from "../../lambda/operations/accounts.ts";
import { issueKey } from "../../lambda/operations/keys.ts";
import { startDynamoDbLocal } from "../../bin/local/dynamodb-local.ts";
import { newRequestId } from "../../lambda/domain/ids.ts";
import { documentClient } from "../../lambda/store/client.ts";
import { admit, settle } from "../../lambda/store/ledger.ts";
import { ensureTables, tableEnvironment } from "../../lambda/store/tables.ts";
import { startFakeGemini } from "../fake-gemini/server.ts";
import { measureBundles } from "./bundles.ts";
import { costOf, TYPICAL_REQUESTS, type Measured } from "./cost-model.ts";
import { ms, percentile, runLoad, timedRequest, type Timing } from "./measure.ts";
import { measureFootprints } from "./request-footprint.ts";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const GOOGLE_KEY = "bench-google-key";
const prefix = "bench";

const db = await startDynamoDbLocal();
process.env.DYNAMODB_ENDPOINT = db.endpoint;
Object.assign(process.env, tableEnvironment(prefix));
await ensureTables(documentClient(db.endpoint), prefix);
const fake = await startFakeGemini({ apiKeys: [GOOGLE_KEY] });
const slowFake = await startFakeGemini({ apiKeys: [GOOGLE_KEY], chunkDelayMs: 10 });
const gateway = await startGatewayProcess(fake.url);
const slowGateway = await startGatewayProcess(slowFake.url);
const account = (await openAccount({ name: "bench", credits: 1_000_000_000_000 })).account;
const { key } = await issueKey(account.accountId, { name: "bench" });

const chatBody = (stream: boolean, prompt = "Say hello") =>
  JSON.stringify({ model: "gemini-3-flash", messages: [{ role: "user", content: prompt }], max_tokens: 1_000, stream });
const responsesBody = (stream: boolean, prompt = "Say hello") => JSON.stringify({ model: "gemini-3-flash", input: prompt, max_output_tokens: 1_000, stream });
const nativeBody = (prompt = "Say hello") => JSON.stringify({ contents: [{ role: "user", parts: [{ text: prompt }] }], generationConfig: { maxOutputTokens: 1_000 } });
const json = { "content-type": "application/json" };
const viaGateway = { ...json, authorization: `Bearer ${key}` };
const direct = { ...json, "x-goog-api-key": GOOGLE_KEY };

const scenarios: Array<[string, (base: string) => Promise<Timing>, (base: string) => Promise<Timing>]> = [
  [
    "chat, not streamed",
    (base) => timedRequest(`${base}/v1beta/models/gemini-3-flash-preview:generateContent`, { method: "POST", headers: direct, body: nativeBody() }),
    (base) => timedRequest(`${base}/v1/chat/completions`, { method: "POST", headers: viaGateway, body: chatBody(false) }),
  ],
  [
    "chat, streamed",
    (base) => timedRequest(`${base}/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse`, { method: "POST", headers: direct, body: nativeBody() }),
    (base) => timedRequest(`${base}/v1/chat/completions`, { method: "POST", headers: viaGateway, body: chatBody(true) }),
  ],
  [
    "responses, not streamed",
    (base) => timedRequest(`${base}/v1beta/models/gemini-3-flash-preview:generateContent`, { method: "POST", headers: direct, body: nativeBody() }),
    (base) => timedRequest(`${base}/v1/responses`, { method: "POST", headers: viaGateway, body: responsesBody(false) }),
  ],
  [
    "responses, streamed",
    (base) => timedRequest(`${base}/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse`, { method: "POST", headers: direct, body: nativeBody() }),
    (base) => timedRequest(`${base}/v1/responses`, { method: "POST", headers: viaGateway, body: responsesBody(true) }),
  ],
  [
    "native, not streamed",
    (base) => timedRequest(`${base}/v1beta/models/gemini-3-flash-preview:generateContent`, { method: "POST", headers: direct, body: nativeBody() }),
    (base) => timedRequest(`${base}/v1beta/models/gemini-3-flash:generateContent`, { method: "POST", headers: { ...json, "x-goog-api-key": key }, body: nativeBody() }),
  ],
  [
    "native, streamed",
    (base) => timedRequest(`${base}/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse`, { method: "POST", headers: direct, body: nativeBody() }),
    (base) => timedRequest(`${base}/v1beta/models/gemini-3-flash:streamGenerateContent?alt=sse`, { method: "POST", headers: { ...json, "x-goog-api-key": key }, body: nativeBody() }),
  ],
];

// DynamoDB Local is a JVM: let its JIT warm up first, or whichever scenario runs first looks slowest.
for (const [, , through] of scenarios) await runLoad(150, 4, () => through(gateway.url));

const lines: string[] = [];
const say = (line = "") => {
  lines.push(line);
  console.log(line);
};

say(`### Latency, one request at a time (${SAMPLES} samples each, ms)`);
say();
say("| request | direct p50 | direct p99 | gateway p50 | gateway p99 | added p50 | added p99 | gateway first byte p50 | gateway CPU per request |");
say("|---|---|---|---|---|---|---|---|---|");
const cpuPerRequest = new Map<string, number>();
const chunksPerRequest = new Map<string, number>();
for (const [name, straight, through] of scenarios) {
  const probe = await through(gateway.url);
  if (probe.status !== 200) {
    say(`| ${name} | — | — | — | — | — | — | (route answered ${probe.status}) | — |`);
    continue;
  }
  // Warm both sides up (JIT, connections, caches) so the order of scenarios does not matter.
  await runLoad(100, 1, () => straight(fake.url));
  await runLoad(100, 1, () => through(gateway.url));
  const base = (await runLoad(SAMPLES, 1, () => straight(fake.url))).timings;
  const cpuBefore = gateway.cpuMs();
  const ours = (await runLoad(SAMPLES, 1, () => through(gateway.url))).timings;
  cpuPerRequest.set(name, (gateway.cpuMs() - cpuBefore) / SAMPLES);
  chunksPerRequest.set(name, percentile(ours.map((t) => t.chunks), 50));
  const p = (timings: Timing[], q: number) => percentile(timings.map((t) => t.totalMs), q);
  say(
    `| ${name} | ${ms(p(base, 50))} | ${ms(p(base, 99))} | ${ms(p(ours, 50))} | ${ms(p(ours, 99))} | ${ms(p(ours, 50) - p(base, 50))} | ${ms(p(ours, 99) - p(base, 99))} | ${ms(percentile(ours.map((t) => t.firstChunkMs), 50))} | ${ms(cpuPerRequest.get(name) ?? NaN)} ms |`,
  );
}

say();
say("### DynamoDB Local round trips inside that added time (ms)");
say();
const cycles: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  const start = performance.now();
  const task = { taskId: newRequestId(), accountId: account.accountId, keyId: "bench-direct", model: "gemini-3-flash", upstreamModel: "gemini-3-flash-preview", route: "chat" as const, stream: false };
  const outcome = await admit({ task, hold: 10, spendLimits: {}, now: Date.now() });
  if (outcome.admitted) await settle({ task: { ...task, hold: 10, windows: outcome.windows.map((w) => w.sk) }, status: "settled", priced: 5, now: Date.now() });
  cycles.push(performance.now() - start);
}
say(`admission + settlement transactions, measured alone: p50 ${ms(percentile(cycles, 50))}, p99 ${ms(percentile(cycles, 99))}`);

say();
say("### Throughput through the gateway (chat, not streamed)");
say();
say("| concurrency | requests | requests/s | p50 ms | p99 ms | errors |");
say("|---|---|---|---|---|---|");
for (const concurrency of [1, 8, 32]) {
  const count = Math.max(SAMPLES, concurrency * 20);
  const { timings, seconds } = await runLoad(count, concurrency, () =>
    timedRequest(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: viaGateway, body: chatBody(false) }),
  );
  const totals = timings.map((t) => t.totalMs);
  say(`| ${concurrency} | ${count} | ${(count / seconds).toFixed(0)} | ${ms(percentile(totals, 50))} | ${ms(percentile(totals, 99))} | ${timings.filter((t) => t.status !== 200).length} |`);
}

say();
say("### Streaming passes chunks through as they come (upstream sends 41 chunks 10 ms apart)");
say();
say("| path | first chunk p50 ms | whole stream p50 ms | chunks the client saw (median) | gateway CPU per request |");
say("|---|---|---|---|---|");
const streamed: Array<[string, () => Promise<Timing>]> = [
  ["direct to fake Google", () => timedRequest(`${slowFake.url}/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse`, { method: "POST", headers: direct, body: nativeBody("Go [[long]]") })],
  ["gateway, chat", () => timedRequest(`${slowGateway.url}/v1/chat/completions`, { method: "POST", headers: viaGateway, body: chatBody(true, "Go [[long]]") })],
  ["gateway, responses", () => timedRequest(`${slowGateway.url}/v1/responses`, { method: "POST", headers: viaGateway, body: responsesBody(true, "Go [[long]]") })],
  ["gateway, native", () => timedRequest(`${slowGateway.url}/v1beta/models/gemini-3-flash:streamGenerateContent?alt=sse`, { method: "POST", headers: { ...json, "x-goog-api-key": key }, body: nativeBody("Go [[long]]") })],
];
/** Chunks of the long streams beyond the short ones of the latency table, and the CPU they cost. */
let perChunkCpuMs = 0;
for (const [name, request] of streamed) {
  const cpuBefore = slowGateway.cpuMs();
  const { timings } = await runLoad(30, 1, request);
  const cpu = name === "direct to fake Google" ? undefined : (slowGateway.cpuMs() - cpuBefore) / 30;
  if (timings[0]?.status !== 200) continue;
  const short = { "gateway, chat": "chat, streamed", "gateway, responses": "responses, streamed", "gateway, native": "native, streamed" }[name];
  const shortCpu = short === undefined ? undefined : cpuPerRequest.get(short);
  const shortChunks = short === undefined ? undefined : chunksPerRequest.get(short);
  if (cpu !== undefined && shortCpu !== undefined && shortChunks !== undefined) {
    perChunkCpuMs = Math.max(perChunkCpuMs, (cpu - shortCpu) / (percentile(timings.map((t) => t.chunks), 50) - shortChunks));
  }
  say(`| ${name} | ${ms(percentile(timings.map((t) => t.firstChunkMs), 50))} | ${ms(percentile(timings.map((t) => t.totalMs), 50))} | ${percentile(timings.map((t) => t.chunks), 50)} | ${cpu === undefined ? "—" : `${ms(cpu)} ms`} |`);
}

say();
say("### Memory of the gateway process");
say();
say(`peak resident set ${gateway.peakMb()} MB after ${SAMPLES * 12 + 400}+ requests (Node ${process.version}, one process serving both functions)`);

await gateway.stop();
await slowGateway.stop();

say();
say(`### What a request leaves in DynamoDB and CloudWatch Logs (mean of ${Math.min(SAMPLES, 50)} requests each)`);
say();
say("| request | storage calls | read units | write units | log bytes |");
say("|---|---|---|---|---|");
const footprints = await measureFootprints({ dynamodbEndpoint: db.endpoint, tablePrefix: prefix, geminiBaseUrl: fake.url, geminiApiKeys: [GOOGLE_KEY] }, key, Math.min(SAMPLES, 50));
for (const row of footprints) say(`| ${row.scenario} | ${row.calls.toFixed(1)} | ${row.readUnits.toFixed(1)} | ${row.writeUnits.toFixed(1)} | ${row.logBytes.toFixed(0)} |`);

// The dearest measured figures stand for a typical request: the most CPU, units and bytes of any route.
const measured: Measured = {
  cpuMs: Math.max(...cpuPerRequest.values()),
  cpuMsPerChunk: perChunkCpuMs,
  readUnits: Math.max(...footprints.map((row) => row.readUnits)),
  writeUnits: Math.max(...footprints.map((row) => row.writeUnits)),
  logBytes: Math.max(...footprints.map((row) => row.logBytes)),
  storageWaitMs: 20,
  secretReadsPerRequest: 1 / 60,
};
say();
say("### What a typical request costs the operator, in credits (1 credit = $0.000001)");
say();
say(
  `AWS figures from this run: ${ms(measured.cpuMs)} ms of gateway CPU on one core per request and ${measured.cpuMsPerChunk.toFixed(2)} ms per streamed chunk, ${measured.readUnits.toFixed(1)} read and ${measured.writeUnits.toFixed(1)} write units, ${measured.logBytes.toFixed(0)} log bytes; ` +
    "assumed: Google's time as listed, 20 ms of DynamoDB waits in AWS, one Secrets Manager read per warm instance per minute at one request a second.",
);
say();
say("| model (tokens in / out / thinking, Google's time) | tokens | Lambda 256 MB | Lambda 512 MB | Lambda 1024 MB | DynamoDB | Secrets Manager | logs | AWS total at 512 MB | AWS / tokens | gateway adds at 256 / 512 / 1024 MB: per request; per chunk |");
say("|---|---|---|---|---|---|---|---|---|---|---|");
for (const request of TYPICAL_REQUESTS) {
  const [small, chosen, large] = [256, 512, 1024].map((memory) => costOf(request, measured, memory)) as [ReturnType<typeof costOf>, ReturnType<typeof costOf>, ReturnType<typeof costOf>];
  const c = (value: number) => value.toFixed(value < 10 ? 2 : 0);
  say(
    `| ${request.model} (${request.inputTokens} / ${request.outputTokens} / ${request.thinkingTokens}, ${request.googleSeconds} s) | ${c(chosen.tokens)} | ${c(small.lambda)} | ${c(chosen.lambda)} | ${c(large.lambda)} | ${c(chosen.dynamo)} | ${c(chosen.secrets)} | ${c(chosen.logs)} | ${c(chosen.aws)} | ${((100 * chosen.aws) / chosen.tokens).toFixed(2)}% | ${ms(small.addedMs)} / ${ms(chosen.addedMs)} / ${ms(large.addedMs)} ms; ${small.perChunkMs.toFixed(1)} / ${chosen.perChunkMs.toFixed(1)} / ${large.perChunkMs.toFixed(1)} ms |`,
  );
}

say();
say("### Bundles and module init (a cold start's import of the bundle, 15 fresh processes each)");
say();
say("| function | bundle | gzipped | source map (not loaded at start) | init p50 ms | init p90 ms | RSS after init | init with --enable-source-maps | SDK left to the runtime: bundle, init p50, RSS |");
say("|---|---|---|---|---|---|---|---|---|");
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
for (const row of await measureBundles(15)) {
  say(
    `| ${row.fn} | ${kb(row.bytes)} | ${kb(row.gzipBytes)} | ${kb(row.mapBytes)} | ${ms(row.initP50)} | ${ms(row.initP90)} | ${row.rssMb.toFixed(0)} MB | ${ms(row.withSourceMapsP50)} | ${kb(row.external.bytes)}, ${ms(row.external.initP50)} ms, ${row.external.rssMb.toFixed(0)} MB |`,
  );
}
await fake.close();
await slowFake.close();
await db.stop();

async function startGatewayProcess(upstream: string) {
  const child = spawn(process.execPath, [join(import.meta.dirname, "..", "..", "bin", "local.ts")], {
    env: { ...process.env, PORT: "0", GATEWAY_TABLE_PREFIX: prefix, GATEWAY_LOCAL_DIR: mkdtempSync(join(tmpdir(), "gw-bench-")), GEMINI_API_KEY: GOOGLE_KEY, GEMINI_BASE_URL: upstream },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const found = /gateway\s+(http:\/\/\S+)/.exec(output)?.[1];
      if (found) resolve(found);
    });
    child.once("exit", (code) => reject(new Error(`gateway exited with ${code}: ${output}`)));
  });
  return {
    url,
    /** User and system CPU the gateway process has used, from /proc (clock ticks of 10 ms). */
    cpuMs: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    peakMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      return (Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024).toFixed(0);
    },
    stop: () => new Promise<void>((resolve) => (child.once("exit", () => resolve()), child.kill("SIGTERM"))),
  };
}
