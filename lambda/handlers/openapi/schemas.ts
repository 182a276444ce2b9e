/**
 * The JSON Schemas `GET /openapi.json` references: our own objects exactly, and the OpenAI and Google
 * wire formats by reference to their own documentation, since we pass those through as they are.
 */

const integer = { type: "integer" } as const;
const credits = { type: "integer", description: "Credits; 1 credit = US$0.000001" } as const;
const nullableInteger = { type: ["integer", "null"] } as const;
const text = { type: "string" } as const;
const time = { type: "string", format: "date-time" } as const;
const day = { type: "string", format: "date" } as const;
const nullableText = { type: ["string", "null"] } as const;

function object(properties: Record<string, object>, required: string[] = Object.keys(properties)) {
  return { type: "object", properties, required, additionalProperties: true };
}

function list(item: string) {
  return object({ object: { const: "list" }, data: { type: "array", items: { $ref: `#/components/schemas/${item}` } }, next_cursor: nullableText });
}

function external(description: string, url: string) {
  return { type: "object", description, externalDocs: { url }, additionalProperties: true };
}

const counters = {
  requests: integer,
  settled: integer,
  failed: integer,
  refunded: integer,
  input_tokens: integer,
  cached_input_tokens: integer,
  output_tokens: integer,
  reasoning_tokens: integer,
  search_queries: integer,
  credits_held: credits,
  credits_charged: credits,
  credits_refunded: credits,
};

const spendLimits = object({ hourly: nullableInteger, daily: nullableInteger, total: nullableInteger }, []);

const keyProperties = {
  id: text,
  object: { const: "key" },
  account_id: text,
  name: text,
  status: { enum: ["active", "disabled"] },
  hint: text,
  rpm: nullableInteger,
  spend_limits: spendLimits,
  ip_allowlist: { type: "array", items: text },
  models: { type: "array", items: text },
  created_at: time,
};

const keySettings = {
  name: text,
  rpm: { type: ["integer", "null"], minimum: 1 },
  spend_limits: spendLimits,
  ip_allowlist: { type: "array", items: text, description: "IPv4/IPv6 addresses or CIDRs; empty allows every address" },
  models: { type: "array", items: text, description: "Catalog model ids or aliases; empty allows every model" },
};

export const SCHEMAS: Record<string, object> = {
  Error: object({ error: object({ code: text, message: text, type: text }) }),
  GoogleError: object({
    error: object({ code: integer, message: text, status: text, details: { type: "array", items: object({ "@type": text, reason: text, domain: text }) }, type: text }),
  }),
  Account: object({
    id: text,
    object: { const: "account" },
    name: text,
    status: { enum: ["active", "disabled"] },
    balance: credits,
    held: credits,
    charged: credits,
    created_at: time,
  }),
  AccountList: list("Account"),
  NewAccount: object({ name: { type: "string", minLength: 1, maxLength: 200 }, credits: { type: "integer", minimum: 0 } }, ["name"]),
  AccountChange: object({ name: { type: "string", minLength: 1, maxLength: 200 }, status: { enum: ["active", "disabled"] } }, []),
  TopUp: object({ amount: { type: "integer", not: { const: 0 }, description: "Credits to add; negative takes them back (never below zero available)" }, note: { type: "string", maxLength: 500 } }, ["amount"]),
  LedgerEntry: object({
    id: text,
    object: { const: "ledger_entry" },
    account_id: text,
    kind: { enum: ["opening", "top_up", "take_back"] },
    at: time,
    amount: integer,
    note: nullableText,
    balance_after: { type: ["integer", "null"], description: "available + held right after the entry" },
    idempotency_key: nullableText,
  }),
  Statement: object({
    object: { const: "statement" },
    account_id: text,
    from: day,
    to: { ...day, description: "Exclusive" },
    opening_balance: credits,
    credits_added: credits,
    credits_taken_back: credits,
    charged: credits,
    refunded: { ...credits, description: "What holds gave back; each task's hold = charge + refund" },
    closing_balance: credits,
  }),
  Ledger: object({ object: { const: "ledger" }, statement: { $ref: "#/components/schemas/Statement" }, data: { type: "array", items: { $ref: "#/components/schemas/LedgerEntry" } }, next_cursor: nullableText }),
  Key: object(keyProperties),
  KeyList: list("Key"),
  NewKey: object({ ...keyProperties, key: { type: "string", description: "The sk- key itself, shown this once" } }),
  KeySettings: object(keySettings, []),
  KeyChange: object({ ...keySettings, status: { enum: ["active", "disabled"] } }, []),
  Usage: object({
    object: { const: "usage" },
    account_id: text,
    from: day,
    to: day,
    group_by: { type: "array", items: { enum: ["day", "model", "key"] } },
    data: { type: "array", items: object({ day, model: text, key_id: text, ...counters }, Object.keys(counters)) },
    total: object(counters),
  }),
  Task: object({
    id: text,
    object: { const: "task" },
    status: { enum: ["held", "settled", "refunded", "failed"] },
    model: text,
    upstream_model: text,
    route: { enum: ["chat", "gemini", "responses"] },
    stream: { type: "boolean" },
    key_id: text,
    upstream_kind: nullableText,
    usage: { type: ["object", "null"] },
    hold: credits,
    charge: nullableInteger,
    refund: nullableInteger,
    error_code: nullableText,
    created_at: time,
    settled_at: { type: ["string", "null"], format: "date-time" },
  }),
  TaskList: list("Task"),
  Credits: object({ object: { const: "credits" }, account_id: text, unit: text, credits_per_usd: integer, balance: credits, held: credits, charged: credits, key: { type: "object" } }),
  ModelList: external("The OpenAI model list, with limits, thinking levels and prices", "https://platform.openai.com/docs/api-reference/models/list"),
  Model: external("One model, with limits, thinking levels and prices", "https://platform.openai.com/docs/api-reference/models/object"),
  ChatCompletionRequest: external("An OpenAI Chat Completions request; README: Translation decisions", "https://platform.openai.com/docs/api-reference/chat/create"),
  ChatCompletion: external("An OpenAI chat.completion (or, streamed, chat.completion.chunk events) with usage.credits", "https://platform.openai.com/docs/api-reference/chat/object"),
  ResponseRequest: external("An OpenAI Responses request, stateless; README: Responses API decisions", "https://platform.openai.com/docs/api-reference/responses/create"),
  Response: external("An OpenAI response object (or, streamed, its events) with usage.credits", "https://platform.openai.com/docs/api-reference/responses/object"),
  GenerateContentRequest: external("Google's native request, passed through", "https://ai.google.dev/api/generate-content#request-body"),
  GenerateContentResponse: external("Google's native response (or, streamed, its chunks)", "https://ai.google.dev/api/generate-content#generatecontentresponse"),
  CountTokensRequest: external("Google's countTokens request", "https://ai.google.dev/api/tokens#request-body"),
  CountTokensResponse: external("Google's countTokens response", "https://ai.google.dev/api/tokens#response-body"),
  GoogleModelList: external("Google's model list", "https://ai.google.dev/api/models#method:-models.list"),
  GoogleModel: external("One model, as Google describes it", "https://ai.google.dev/api/models#Model"),
  OpenApiDocument: external("This document", "https://spec.openapis.org/oas/v3.1.0"),
};
