import { afterEach, beforeEach, describe, expect, jest, test } from "@jest/globals";
import { InvalidRequestError } from "../../../lambda/domain/errors.ts";
import { json } from "../../../lambda/http/function-url.ts";
import { logger } from "../../../lambda/telemetry/logger.ts";
import { handler as chat } from "../../../lambda/handlers/chat.ts";
import { handler as gemini } from "../../../lambda/handlers/gemini.ts";
import { createGatewayFunction } from "../../../lambda/handlers/gateway-function.ts";
import { createFunctionUrlEvent } from "../../support/events.ts";
import { invoke } from "../../support/invoke.ts";

const doc = { tag: "test", summary: "a probe", ok: { status: 200, schema: "Error", description: "whatever it answers" } };

const probe = createGatewayFunction({
  name: "probe",
  dialect: "openai",
  routes: [
    { method: "POST", path: "/echo", handle: ({ body }) => json(200, { received: body }), public: true, doc },
    { method: "GET", path: "/reject", public: true, doc, handle: () => Promise.reject(new InvalidRequestError("`messages` must be an array.")) },
    {
      method: "GET",
      path: "/crash",
      public: true,
      doc,
      handle: () => {
        throw new Error("upstream key sk-secret-123 leaked in a message");
      },
    },
  ],
});

describe("the gateway pipeline", () => {
  let errorLog: jest.SpiedFunction<typeof logger.error>;
  beforeEach(() => {
    errorLog = jest.spyOn(logger, "error").mockImplementation(() => undefined);
  });
  afterEach(() => errorLog.mockRestore());

  test("serves the model catalog with a request id", async () => {
    const response = await invoke(chat, createFunctionUrlEvent({ path: "/v1/models" }));
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(response.headers["x-request-id"]).toMatch(/^req_[0-9A-Za-z]{24}$/);
    expect(response.json()).toMatchObject({ object: "list", data: expect.arrayContaining([expect.objectContaining({ id: "gemini-3-flash" })]) });
  });

  test("gives a Responses request an id of OpenAI's shape, which is also its task id", async () => {
    const response = await invoke(chat, createFunctionUrlEvent({ method: "POST", path: "/v1/responses", body: "{}" }));
    expect(response.status).toBe(401);
    expect(response.headers["x-request-id"]).toMatch(/^resp_[0-9A-Za-z]{24}$/);
  });

  test("answers an unknown path with a 404 envelope listing what exists", async () => {
    const response = await invoke(chat, createFunctionUrlEvent({ path: "/v1/nothing" }));
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({
      error: { code: "not_found", type: "invalid_request_error", message: expect.stringContaining("GET /v1/models") },
    });
  });

  test("answers a wrong method with 405 and an Allow header", async () => {
    const response = await invoke(chat, createFunctionUrlEvent({ method: "DELETE", path: "/v1/models" }));
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe("GET");
  });

  test("routes before parsing, so a bad body on a wrong path is still a 404", async () => {
    const response = await invoke(chat, createFunctionUrlEvent({ method: "POST", path: "/v1/unknown", body: "{" }));
    expect(response.status).toBe(404);
  });

  test("passes the parsed JSON body to the route", async () => {
    const response = await invoke(probe, createFunctionUrlEvent({ method: "POST", path: "/echo", body: { model: "m" } }));
    expect(response.json()).toEqual({ received: { model: "m" } });
  });

  test("decodes a base64 body as function URLs send binary content types", async () => {
    const event = createFunctionUrlEvent({ method: "POST", path: "/echo" });
    event.body = Buffer.from('{"a":1}').toString("base64");
    event.isBase64Encoded = true;
    expect((await invoke(probe, event)).json()).toEqual({ received: { a: 1 } });
  });

  test("rejects malformed JSON with a 400 that does not quote the body", async () => {
    const response = await invoke(probe, createFunctionUrlEvent({ method: "POST", path: "/echo", body: '{"prompt": "my secret' }));
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({
      error: { code: "invalid_request", type: "invalid_request_error", message: expect.stringContaining("not valid JSON") },
    });
    expect(response.body).not.toContain("my secret");
  });

  test.each([["[1,2]"], ['"text"'], ["null"], ["42"]])("rejects the non-object body %s with a 400", async (body) => {
    const response = await invoke(probe, createFunctionUrlEvent({ method: "POST", path: "/echo", body }));
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: { message: "Request body must be a JSON object." } });
  });

  test("refuses hostile nesting with a 400 instead of overflowing the stack", async () => {
    const body = `{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const response = await invoke(probe, createFunctionUrlEvent({ method: "POST", path: "/echo", body }));
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: { message: "Request body is nested more than 100 levels deep." } });
  });

  test("accepts nesting a real request uses", async () => {
    const body = `{"a":${"[".repeat(99)}${"]".repeat(99)}}`;
    expect((await invoke(probe, createFunctionUrlEvent({ method: "POST", path: "/echo", body }))).status).toBe(200);
  });

  test("refuses a body over the function URL limit with a 413", async () => {
    const body = JSON.stringify({ text: "x".repeat(6 * 1024 * 1024) });
    const response = await invoke(probe, createFunctionUrlEvent({ method: "POST", path: "/echo", body }));
    expect(response.status).toBe(413);
    expect(response.json()).toMatchObject({ error: { code: "request_too_large" } });
  });

  test("maps a thrown gateway error to its status and envelope", async () => {
    const response = await invoke(probe, createFunctionUrlEvent({ path: "/reject" }));
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: { message: "`messages` must be an array." } });
    expect(errorLog).not.toHaveBeenCalled();
  });

  test("turns an unexpected error into a 500 that leaks nothing, and logs it without its message", async () => {
    const response = await invoke(probe, createFunctionUrlEvent({ path: "/crash" }));
    expect(response.status).toBe(500);
    const requestId = response.headers["x-request-id"];
    expect(response.json()).toEqual({ error: { code: "internal_error", type: "api_error", message: expect.stringContaining(String(requestId)) } });
    expect(response.body).not.toContain("sk-secret");
    expect(errorLog).toHaveBeenCalledTimes(1);
    expect(errorLog.mock.calls[0]).toEqual(["unhandled error", expect.objectContaining({ requestId, error: "Error" })]);
    expect(JSON.stringify(errorLog.mock.calls)).not.toContain("sk-secret");
  });

  test("answers in Google's envelope on the native route: numeric code, status name, our code as the reason", async () => {
    const response = await invoke(gemini, createFunctionUrlEvent({ path: "/v1beta/models/gpt-4o" }));
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({
      error: {
        code: 404,
        status: "NOT_FOUND",
        message: expect.stringContaining("gpt-4o"),
        details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "model_not_found", domain: "gemini-gateway" }],
        type: "invalid_request_error",
      },
    });
  });

  test("answers an over-long path parameter with a 400 before any storage is read", async () => {
    const response = await invoke(chat, createFunctionUrlEvent({ path: `/v1/tasks/${"a".repeat(3000)}`, headers: { authorization: "Bearer sk-x" } }));
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: "invalid_request", message: expect.stringContaining("`{id}` is 3000 characters long") } });
    const model = await invoke(gemini, createFunctionUrlEvent({ path: `/v1beta/models/${"m".repeat(5000)}` }));
    expect(model.status).toBe(400);
    expect(model.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } });
  });

  test("serves the native route under aivideoapi's /v1/gemini base as well", async () => {
    const response = await invoke(gemini, createFunctionUrlEvent({ path: "/v1/gemini/v1beta/models/google/gemini-3-flash" }));
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ name: "models/gemini-3-flash", version: "gemini-3-flash-preview" });
  });
});
