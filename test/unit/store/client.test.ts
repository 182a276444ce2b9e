import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { StorageUnavailableError } from "../../../lambda/domain/errors.ts";
import { DEFAULT_STORAGE_TIMEOUTS, LOCAL_STORAGE_TIMEOUTS, documentClient, isOutage, storageTimeoutsFromEnv } from "../../../lambda/store/client.ts";

/** A DynamoDB that accepts connections and never answers, as a frozen one does. */
let frozen: Server;
const sockets: Socket[] = [];
beforeAll(async () => {
  frozen = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => frozen.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => frozen.close(() => resolve()));
});

const get = new GetCommand({ TableName: "t", Key: { pk: "a" } });

describe("the storage client", () => {
  test("bounds every call in AWS by default: 1 s to connect, 1.5 s per attempt, 3 attempts", () => {
    expect(storageTimeoutsFromEnv({})).toEqual(DEFAULT_STORAGE_TIMEOUTS);
    expect(DEFAULT_STORAGE_TIMEOUTS).toEqual({ connectMs: 1_000, requestMs: 1_500, attempts: 3 });
    expect(storageTimeoutsFromEnv({ DYNAMODB_ENDPOINT: "http://127.0.0.1:8000" })).toEqual(LOCAL_STORAGE_TIMEOUTS);
    expect(storageTimeoutsFromEnv({ DYNAMODB_REQUEST_TIMEOUT_MS: "250", DYNAMODB_MAX_ATTEMPTS: "2", DYNAMODB_CONNECT_TIMEOUT_MS: "nope" })).toEqual({
      connectMs: 1_000,
      requestMs: 250,
      attempts: 2,
    });
  });

  test("gives up on a DynamoDB that never answers with a retryable StorageUnavailableError", async () => {
    process.env.DYNAMODB_REQUEST_TIMEOUT_MS = "150";
    process.env.DYNAMODB_MAX_ATTEMPTS = "2";
    try {
      const { port } = frozen.address() as AddressInfo;
      const error = await documentClient(`http://127.0.0.1:${port}`).send(get).catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(StorageUnavailableError);
      expect(error).toMatchObject({ statusCode: 503, code: "storage_unavailable", headers: { "retry-after": "2" } });
      expect((error as Error).cause).toMatchObject({ name: "TimeoutError" });
      // Both attempts reached the frozen server before the client gave up.
      expect(sockets.length).toBeGreaterThanOrEqual(1);
    } finally {
      delete process.env.DYNAMODB_REQUEST_TIMEOUT_MS;
      delete process.env.DYNAMODB_MAX_ATTEMPTS;
    }
  });

  test("gives up on a DynamoDB that is gone (connection refused) the same way", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(documentClient(`http://127.0.0.1:${port}`).send(get)).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});

describe("isOutage", () => {
  test("counts timeouts, lost connections, server faults and throttling as outages", () => {
    expect(isOutage(Object.assign(new Error("Request did not complete"), { name: "TimeoutError" }))).toBe(true);
    expect(isOutage(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isOutage(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toBe(true);
    expect(isOutage(Object.assign(new Error("Internal"), { name: "InternalServerError", $fault: "server" }))).toBe(true);
    expect(isOutage(Object.assign(new Error("slow down"), { name: "ProvisionedThroughputExceededException", $fault: "client" }))).toBe(true);
  });

  test("leaves answers and our own bugs alone", () => {
    expect(isOutage(new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} }))).toBe(false);
    expect(isOutage(Object.assign(new Error("key too long"), { name: "ValidationException", $fault: "client" }))).toBe(false);
    expect(isOutage(new TypeError("undefined is not a function"))).toBe(false);
  });
});
