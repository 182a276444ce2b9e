// Vertex AI's error envelopes: Google's `{error:{code,message,status,details}}` plus the legacy
// `errors[{message,domain,reason}]`, wrapped in a JSON array on streamGenerateContent (gemini-wire.md §5).
import type { ServerResponse } from "node:http";
import { GoogleError } from "./google-errors.ts";
import type { Principal } from "./vertex-auth.ts";
import type { VertexRoute } from "./vertex-routes.ts";

const LEGACY_REASONS: Record<number, string> = {
  400: "badRequest",
  401: "unauthorized",
  403: "forbidden",
  404: "notFound",
  429: "rateLimitExceeded",
  500: "backendError",
  503: "backendError",
};

const VERTEX_429 =
  "Resource exhausted. Please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.";

export function sendVertexError(res: ServerResponse, error: GoogleError, route: VertexRoute | undefined): void {
  const plain = error.toBody();
  // Vertex's 429 has its own wording and no RetryInfo, unless a test gave the fault a message.
  const isDefault429 = error.httpStatus === 429 && error.message === new GoogleError(429).message;
  const body = {
    error: {
      ...plain.error,
      ...(isDefault429 && { message: VERTEX_429, details: undefined }),
      errors: [{ message: isDefault429 ? VERTEX_429 : error.message, domain: "global", reason: LEGACY_REASONS[error.httpStatus] ?? "unknown" }],
    },
  };
  res.writeHead(error.httpStatus, { "content-type": "application/json; charset=UTF-8" });
  res.end(JSON.stringify(route?.action === "streamGenerateContent" ? [body] : body, null, 2));
}

// A service account calls only its own project, and preview models only in the global location.
export function checkVertexResource(route: VertexRoute, principal: Principal): void {
  const resource = `projects/${route.project}/locations/${route.location}/publishers/google/models/${route.model}`;
  if (route.project !== principal.projectId) {
    throw new GoogleError(403, `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/${resource}' (or it may not exist).`, [
      { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "IAM_PERMISSION_DENIED", domain: "aiplatform.googleapis.com" },
    ]);
  }
  if (route.location !== "global" && /-preview(?:$|-)/.test(route.model)) {
    throw new GoogleError(404, `Publisher Model \`${resource}\` was not found or your project does not have access to it. Please ensure you are using a valid model version.`);
  }
}

// Vertex's CountTokensRequest is flat: it has no generateContentRequest wrapper.
export function checkVertexCountTokens(body: unknown): void {
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  for (const field of ["generateContentRequest", "generate_content_request"]) {
    if (record[field] !== undefined) throw new GoogleError(400, `Invalid JSON payload received. Unknown name "${field}": Cannot find field.`);
  }
}
