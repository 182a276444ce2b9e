import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { LocalGateway } from "../../bin/local/gateway.ts";
import { CORS_EXPOSED_HEADERS } from "../../lambda/http/cors.ts";
import { startTestGateway } from "../support/local-gateway.ts";

const APP = "https://app.example.com";
let open: LocalGateway;
let closed: LocalGateway;

beforeAll(async () => {
  open = await startTestGateway({ corsAllowedOrigins: [APP] });
  closed = await startTestGateway();
});
afterAll(async () => {
  await open.close();
  await closed.close();
});

const preflight = (gateway: LocalGateway, origin: string) =>
  fetch(`${gateway.url}/v1/chat/completions`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
  });

describe("with allowed origins, the local gateway answers browsers as the function URLs do", () => {
  test("a preflight from an allowed origin is allowed, for the method and headers it asks", async () => {
    const answer = await preflight(open, APP);
    expect(answer.status).toBe(200);
    expect(Object.fromEntries(answer.headers)).toMatchObject({
      "access-control-allow-origin": APP,
      "access-control-allow-methods": "POST",
      "access-control-allow-headers": "authorization,content-type",
      "access-control-max-age": "3600",
    });
  });

  test("a preflight from any other origin gets no CORS headers, which a browser reads as no", async () => {
    const answer = await preflight(open, "https://evil.example");
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("an answer to an allowed origin lets its script read our headers, errors included", async () => {
    const models = await fetch(`${open.url}/v1/models`, { headers: { origin: APP } });
    expect(models.headers.get("access-control-allow-origin")).toBe(APP);
    expect(models.headers.get("access-control-expose-headers")?.split(",")).toEqual([...CORS_EXPOSED_HEADERS]);
    const refused = await fetch(`${open.url}/v1/credits`, { headers: { origin: APP } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe(APP);
  });
});

test("without allowed origins, as by default, OPTIONS is the function's own 405 and no answer carries CORS headers", async () => {
  const answer = await preflight(closed, APP);
  expect(answer.status).toBe(405);
  expect(answer.headers.get("access-control-allow-origin")).toBeNull();
  expect((await fetch(`${closed.url}/v1/models`, { headers: { origin: APP } })).headers.get("access-control-allow-origin")).toBeNull();
});
