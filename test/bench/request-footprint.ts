/**
 * What one request leaves behind in the bill besides Lambda time: the DynamoDB read and write
 * request units it consumes (as DynamoDB Local reports them, indexes and the doubled price of
 * transactions included) and the bytes it writes to CloudWatch Logs (the access line and the EMF
 * metrics). Measured on the gateway served in this process, one request at a time, each settled
 * before the next, with the key warm in the auth cache as on a busy instance.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { documentClient } from "../../lambda/store/client.ts";
import { getTask } from "../../lambda/store/tasks.ts";
import { startLocalGateway } from "../../bin/local/gateway.ts";

export interface Footprint {
  readonly scenario: string;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly calls: number;
  readonly logBytes: number;
}

const READS = new Set(["GetItem", "BatchGetItem", "Query", "TransactGetItems"]);
const COUNTS_CAPACITY = new Set([...READS, "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"]);

let recording: { readUnits: number; writeUnits: number; calls: number } | undefined;
/** The benchmark's own reads (waiting for a settlement) are not the request's. */
const ours = new AsyncLocalStorage<true>();

/** Every storage call asks DynamoDB what it consumed; while recording, the units are added up. */
function installRecorder(): void {
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? "").replace(/Command$/, "");
      const known = COUNTS_CAPACITY.has(operation) && ours.getStore() === undefined;
      if (known && recording !== undefined) (args.input as Record<string, unknown>).ReturnConsumedCapacity = "TOTAL";
      const result = await next(args);
      if (known && recording !== undefined) {
        const consumed = ([] as Array<{ CapacityUnits?: number }>).concat((result.output as { ConsumedCapacity?: never }).ConsumedCapacity ?? []);
        const units = consumed.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
        if (READS.has(operation)) recording.readUnits += units;
        else recording.writeUnits += units;
        recording.calls += 1;
      }
      return result;
    },
    { step: "initialize", name: "benchCapacity" },
  );
}

/**
 * @example const rows = await measureFootprints({ dynamodbEndpoint, tablePrefix: "bench", geminiBaseUrl, geminiApiKeys: [key] }, customerKey, 50);
 */
export async function measureFootprints(
  gatewayOptions: Parameters<typeof startLocalGateway>[0],
  customerKey: string,
  samples: number,
): Promise<Footprint[]> {
  installRecorder();
  const gateway = await startLocalGateway({ ...gatewayOptions, port: 0 });
  const post = (path: string, body: object, headers: Record<string, string> = { authorization: `Bearer ${customerKey}` }) => async () => {
    const response = await fetch(`${gateway.url}${path}`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
    await response.arrayBuffer();
    return response.headers.get("x-request-id");
  };
  const scenarios: Array<[string, () => Promise<string | null>]> = [
    ["chat, not streamed", post("/v1/chat/completions", { model: "gemini-3-flash", messages: [{ role: "user", content: "Say hello" }] })],
    ["chat, streamed", post("/v1/chat/completions", { model: "gemini-3-flash", messages: [{ role: "user", content: "Say hello" }], stream: true })],
    ["responses, not streamed (items kept)", post("/v1/responses", { model: "gemini-3-flash", input: "Say hello" })],
    ["native, not streamed", post("/v1beta/models/gemini-3-flash:generateContent", { contents: [{ parts: [{ text: "Say hello" }] }] }, { "x-goog-api-key": customerKey })],
  ];
  const footprints: Footprint[] = [];
  // The gateway's log lines are counted, not shown: those of warm-up requests too go nowhere.
  let logBytes = 0;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    if (recording !== undefined) logBytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
    return true;
  }) as typeof process.stdout.write;
  try {
    for (const [scenario, request] of scenarios) {
      await settled(await request()); // warms the key into the auth cache
      await new Promise((resolve) => setTimeout(resolve, 50));
      recording = { readUnits: 0, writeUnits: 0, calls: 0 };
      logBytes = 0;
      for (let i = 0; i < samples; i++) await settled(await request());
      // The access line and metrics are written once the request has ended.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const { readUnits, writeUnits, calls } = recording;
      recording = undefined;
      footprints.push({ scenario, readUnits: readUnits / samples, writeUnits: writeUnits / samples, calls: calls / samples, logBytes: logBytes / samples });
    }
  } finally {
    recording = undefined;
    process.stdout.write = write;
    await gateway.close();
  }
  return footprints;
}

function settled(taskId: string | null): Promise<void> {
  if (taskId === null) throw new Error("a request had no x-request-id");
  return ours.run(true, () => waitForSettlement(taskId));
}

async function waitForSettlement(taskId: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const task = await getTask(taskId);
    if (task !== undefined && task.status !== "held") return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${taskId} never settled`);
}
