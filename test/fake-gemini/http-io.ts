import type { IncomingMessage, ServerResponse } from "node:http";
import { GoogleError } from "./google-errors.ts";
import { JSON_CONTENT_TYPE } from "./stream.ts";

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

// Google pretty-prints unary JSON bodies with two-space indentation.
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": JSON_CONTENT_TYPE });
  res.end(JSON.stringify(body, null, 2));
}

export function sendGoogleError(res: ServerResponse, error: GoogleError): void {
  sendJson(res, error.httpStatus, error.toBody());
}

export function sendUnexpectedError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  sendGoogleError(res, new GoogleError(500, `Fake Gemini failed: ${message}`));
}

// A unary response cut short: headers and the first half of the body, then the socket dies without a clean end.
export function sendTruncatedJson(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(200, { "content-type": JSON_CONTENT_TYPE });
  res.write(text.slice(0, Math.floor(text.length / 2)), () => res.destroy());
}
