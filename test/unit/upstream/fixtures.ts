import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { expect } from "@jest/globals";
import { parseAccountList, type AccountSource, type UpstreamAccount } from "../../../lambda/upstream/accounts.ts";

export const FLASH = "gemini-3-flash-preview";
export const HELLO = { contents: [{ role: "user", parts: [{ text: "Hi there" }] }] };
// Shaped like real AI Studio keys so a leak would be obvious in any output.
export const KEY_A = "AIzaSyA-upstream-key-aaaaaaaaaaaaaaaaaa";
export const KEY_B = "AIzaSyB-upstream-key-bbbbbbbbbbbbbbbbbb";
export const KEY_C = "AIzaSyC-upstream-key-cccccccccccccccccc";
export const ALL_KEYS = [KEY_A, KEY_B, KEY_C];

/** What parseAccountList throws for this JSON (it must throw). */
export function errorOf(json: string): unknown {
  try {
    parseAccountList(json);
  } catch (error) {
    return error;
  }
  throw new Error("expected parseAccountList to throw");
}

export function staticSource(accounts: readonly UpstreamAccount[]): AccountSource {
  return { accounts: () => Promise.resolve(accounts) };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** The rejection of `promise`; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject, but it resolved");
}

/** Asserts no upstream key appears anywhere an error could be printed or serialised. */
export function expectNoKeys(error: unknown): void {
  const renderings = [String(error), inspect(error, { depth: 5 }), JSON.stringify(error) ?? ""];
  if (error instanceof Error) renderings.push(error.message, error.stack ?? "");
  for (const text of renderings) {
    for (const key of ALL_KEYS) expect(text).not.toContain(key);
  }
}

interface ChunkLike {
  candidates?: { content?: { parts?: { text?: string }[] }; finishReason?: string }[];
}

export function textOf(chunks: readonly unknown[]): string {
  return (chunks as ChunkLike[])
    .flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? [])
    .map((part) => part.text ?? "")
    .join("");
}

export function finishReasonOf(chunk: unknown): string | undefined {
  return (chunk as ChunkLike).candidates?.[0]?.finishReason;
}

export interface ScriptedServer {
  url: string;
  close(): Promise<void>;
}

/** A loopback server answering with whatever `handle` writes, for replies the fake cannot produce. */
export async function startScripted(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<ScriptedServer> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handle(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}

/** A base URL on which nothing listens. */
export async function deadUrl(): Promise<string> {
  const server = await startScripted(() => undefined);
  await server.close();
  return server.url;
}
