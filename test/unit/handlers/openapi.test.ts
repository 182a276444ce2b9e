import { describe, expect, test } from "@jest/globals";
import { Validator } from "@seriousme/openapi-schema-validator";
import { handler as admin } from "../../../lambda/handlers/admin.ts";
import { handler as chat } from "../../../lambda/handlers/chat.ts";
import { handler as gemini } from "../../../lambda/handlers/gemini.ts";
import { createFunctionUrlEvent } from "../../support/events.ts";
import { invoke } from "../../support/invoke.ts";

interface Document {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>;
  components: { schemas: Record<string, unknown> };
}

/** Every method and path a function's router serves, from the 404 that lists them. */
async function routesOf(handler: unknown): Promise<string[]> {
  const notFound = await invoke(handler, createFunctionUrlEvent({ path: "/no/such/path" }));
  const message = JSON.stringify(notFound.json());
  const served = /This URL serves: ([^"]*)\./.exec(message)?.[1] ?? "";
  return served.split(", ").map((route) => route.replace(/\{([A-Za-z_]+)\+\}/g, "{$1}")).sort();
}

async function documentOf(handler: unknown): Promise<Document> {
  const response = await invoke(handler, createFunctionUrlEvent({ path: "/openapi.json", headers: { host: "abc.lambda-url.us-east-1.on.aws" } }));
  expect(response.status).toBe(200);
  return response.json() as Document;
}

describe.each([
  ["chat", chat],
  ["gemini", gemini],
  ["admin", admin],
])("GET /openapi.json on the %s function", (_name, handler) => {
  test("is a valid OpenAPI 3.1 document, served without a key", async () => {
    const document = await documentOf(handler);
    expect(document.openapi).toBe("3.1.0");
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  test("describes exactly the routes the function serves, every one with its answers", async () => {
    const document = await documentOf(handler);
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(await routesOf(handler));
    for (const methods of Object.values(document.paths)) for (const operation of Object.values(methods)) expect(Object.keys(operation.responses)).toContain("500");
  });

  test("resolves every schema it references", async () => {
    const document = await documentOf(handler);
    const references = [...JSON.stringify(document).matchAll(/"#\/components\/schemas\/([A-Za-z]+)"/g)].map(([, name]) => name);
    for (const name of references) expect(document.components.schemas).toHaveProperty(name as string);
  });
});

test("the admin document asks for a management key and lists the operator's routes", async () => {
  const document = (await documentOf(admin)) as Document & { security: unknown; servers: Array<{ url: string }> };
  expect(document.security).toEqual([{ bearer: [] }]);
  expect(document.servers).toEqual([{ url: "https://abc.lambda-url.us-east-1.on.aws" }]);
  expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/admin/v1/accounts/{account_id}/credits", "/admin/v1/usage", "/admin/v1/keys/{key_id}/rotate"]));
  expect(document.paths["/admin/v1/accounts/{account_id}/credits"]?.post?.responses).toHaveProperty("409");
});
