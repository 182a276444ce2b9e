/**
 * An OpenAPI 3.1 document built from a function's own route table: every route carries a `RouteDoc`,
 * so a route cannot exist without being described, and nothing is described that does not exist.
 * Schemas are referenced by name from the document's `components`.
 */

export type Security = "customer" | "management" | "none";

export interface RouteDoc {
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, { readonly description: string; readonly required?: boolean }>>;
  /** A component schema's name. */
  readonly body?: string;
  /**
   * The success status, and the component schema its JSON body follows (or a media type for streams).
   * Absent for an endpoint that is there only to answer an error saying what to do instead.
   */
  readonly ok?: { readonly status: number; readonly schema: string; readonly description: string; readonly stream?: "text/event-stream" };
  /** Error statuses this route answers with, beyond 401 and 5xx. */
  readonly errors?: readonly number[];
}

export interface DocumentedRoute {
  readonly method: string;
  readonly path: string;
  readonly public?: boolean;
  readonly doc: RouteDoc;
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Bad input; the message names the field",
  401: "Missing or invalid key",
  402: "The hold does not fit the balance",
  403: "The caller's address is not allowed",
  404: "No such thing for this caller",
  409: "An Idempotency-Key reused for a different request",
  413: "Body over 6 MB",
  429: "Rate or spend limit; see Retry-After",
  500: "A bug; names the request id",
  503: "Upstream or storage unavailable; see Retry-After",
};

/**
 * @example openApiDocument({ title: "gemini-gateway chat", version: "0.2.0", routes, schemas, errorSchema: "Error", security: "customer" })
 */
export function openApiDocument(options: {
  readonly title: string;
  readonly version: string;
  readonly description: string;
  readonly routes: readonly DocumentedRoute[];
  readonly schemas: Readonly<Record<string, object>>;
  readonly errorSchema: string;
  readonly security: Security;
  readonly serverUrl?: string;
}) {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of options.routes) {
    const path = route.path.replace(/\{([A-Za-z_]+)\+\}/g, "{$1}");
    const parameters = [
      ...[...route.path.matchAll(/\{([A-Za-z_]+)\+?\}/g)].map(([, name]) => ({ name, in: "path", required: true, schema: { type: "string", maxLength: 256 } })),
      ...Object.entries(route.doc.query ?? {}).map(([name, description]) => ({ name, in: "query", required: false, description, schema: { type: "string" } })),
      ...Object.entries(route.doc.headers ?? {}).map(([name, header]) => ({ name, in: "header", required: header.required ?? false, description: header.description, schema: { type: "string" } })),
    ];
    const ok = route.doc.ok;
    const statuses = [...new Set([...(route.public ? [] : [401]), ...(route.doc.errors ?? []), 500, 503])];
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      summary: route.doc.summary,
      ...(route.doc.description !== undefined && { description: route.doc.description }),
      operationId: operationId(route.method, path),
      tags: [route.doc.tag],
      ...(parameters.length > 0 && { parameters }),
      ...(route.doc.body !== undefined && { requestBody: { required: true, content: { "application/json": { schema: ref(route.doc.body) } } } }),
      responses: {
        ...(ok !== undefined && {
          [String(ok.status)]: {
            description: ok.description,
            content: { [ok.stream ?? "application/json"]: { schema: ref(ok.schema) } },
          },
        }),
        ...Object.fromEntries(
          statuses.map((status) => [String(status), { description: ERROR_DESCRIPTIONS[status] ?? "Error", content: { "application/json": { schema: ref(options.errorSchema) } } }]),
        ),
      },
      ...(route.public && { security: [] }),
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: options.title, version: options.version, description: options.description },
    ...(options.serverUrl !== undefined && { servers: [{ url: options.serverUrl }] }),
    ...(options.security !== "none" && { security: securityRequirement(options.security) }),
    paths,
    components: { schemas: options.schemas, securitySchemes: SECURITY_SCHEMES },
  };
}

const SECURITY_SCHEMES = {
  bearer: { type: "http", scheme: "bearer", description: "`sk-…` customer keys on the chat and Gemini functions; `mk-…` management keys on the admin function" },
  googleApiKey: { type: "apiKey", in: "header", name: "x-goog-api-key", description: "A customer key, as Google's SDKs send it (Gemini function)" },
  googleKeyQuery: { type: "apiKey", in: "query", name: "key", description: "A customer key in the query, as Google's REST examples send it (Gemini function)" },
};

function securityRequirement(security: Exclude<Security, "none">) {
  return security === "management" ? [{ bearer: [] }] : [{ bearer: [] }, { googleApiKey: [] }, { googleKeyQuery: [] }];
}

function ref(name: string) {
  return { $ref: `#/components/schemas/${name}` };
}

function operationId(method: string, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return [method.toLowerCase(), ...words.map((word) => word[0]?.toUpperCase() + word.slice(1))].join("");
}
