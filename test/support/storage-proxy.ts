/**
 * A reverse proxy in front of DynamoDB Local that injects the storage faults the gateway must
 * survive, call by call: a DynamoDB that stops answering (`freeze`), one whose connections die
 * (`kill`), or one that answers with a server error (`error`). Calls are told apart by their
 * operation and body, e.g. {@link isSettlement}. Everything else passes through unchanged.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type StorageFault = "freeze" | "kill" | "error";

export interface StorageFaultRule {
  readonly fault: StorageFault;
  /** DynamoDB's operation, e.g. `TransactWriteItems`; any when omitted. */
  readonly operation?: string;
  readonly match?: (body: string) => boolean;
  /** How many matching calls the rule affects; default Infinity. */
  readonly times?: number;
}

export interface StorageProxy {
  readonly url: string;
  /** Calls that reached the proxy, by operation. */
  readonly calls: string[];
  inject(rule: StorageFaultRule): void;
  /** Clears the rules and drops every frozen call, as a DynamoDB that restarted would. */
  heal(): void;
  close(): Promise<void>;
}

/** The settlement transaction: it alone is conditional on the task still being held. */
export const isSettlement = (body: string): boolean => body.includes("#status = :held");
/** The admission transaction: it alone creates the task row. */
export const isAdmission = (body: string): boolean => body.includes("attribute_not_exists(taskId)");
/** The write of a response's output items for `item_reference` (not of the sealing key, in the same table). */
export const isItemKeeping = (body: string): boolean => body.includes("responseItems") && body.includes('"responseId":{"S":"resp_');

export async function startStorageProxy(target: string): Promise<StorageProxy> {
  const upstream = new URL(target);
  let rules: Array<StorageFaultRule & { remaining: number }> = [];
  const frozen = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const calls: string[] = [];

  const server = createServer((req, res) => {
    void readAll(req).then((body) => {
      const operation = String(req.headers["x-amz-target"] ?? "").split(".").pop() ?? "";
      calls.push(operation);
      const rule = rules.find((candidate) => candidate.remaining > 0 && (candidate.operation ?? operation) === operation && (candidate.match?.(body) ?? true));
      if (rule !== undefined) rule.remaining -= 1;
      if (rule?.fault === "freeze") return void frozen.add(res);
      if (rule?.fault === "kill") return void req.socket.destroy();
      if (rule?.fault === "error") {
        res.writeHead(500, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "fault" });
        return void res.end(JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "Internal server error" }));
      }
      forward(req, body, res);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  function forward(req: IncomingMessage, body: string, res: ServerResponse): void {
    const headers = { ...req.headers, host: upstream.host };
    const outgoing = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 500, answer.headers);
      answer.pipe(res);
    });
    outgoing.on("error", () => res.destroy());
    outgoing.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    inject: (rule) => void rules.push({ ...rule, remaining: rule.times ?? Infinity }),
    heal: () => {
      rules = [];
      for (const res of frozen) res.socket?.destroy();
      frozen.clear();
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => resolve(body));
    req.on("error", () => resolve(body));
  });
}
