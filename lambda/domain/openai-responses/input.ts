/**
 * Responses `instructions` + `input` → Gemini `contents` + `systemInstruction`.
 *
 * | Responses                                    | Gemini                                                       |
 * |----------------------------------------------|--------------------------------------------------------------|
 * | `instructions`, `system` / `developer` messages | text parts of `systemInstruction`, in that order         |
 * | `input` as a string                          | one `user` content                                           |
 * | `user` message                               | `user` content (parts per content.ts)                        |
 * | `assistant` message                          | `model` content, one text part per output part               |
 * | `function_call`                              | `functionCall { id: call_id, name, args }` in the `model` content |
 * | `function_call_output`                       | `functionResponse { id: call_id, name, response: { output } }` in a `user` content; images and files as its `parts` |
 * | `reasoning`                                  | nothing itself: its signatures go on the parts of its turn   |
 * | `item_reference`                             | the kept item it names (kept-items.ts), as if sent in full   |
 *
 * - A model turn is the run of assistant messages, calls and reasoning items between other items.
 *   Its signatures — from a reasoning item's `encrypted_content`, else from what was kept of our items
 *   with those ids — go where encrypted-content.ts says; the sentinel fills what is still missing.
 * - As OpenAI requires, every `function_call` is answered by a `function_call_output` with its
 *   `call_id` before the next message or model turn; the function name comes from the call.
 * - Thought summaries sent back are not forwarded: Gemini takes none as input.
 * - Items Gemini has no counterpart for (hosted tool calls, computer use, MCP, compaction…) are a 400.
 */
import type { Content, FunctionResponse, Part } from "../gemini/types.ts";
import { assembleConversation, parseArguments } from "../openai/messages.ts";
import type { GeminiConversation } from "../openai/messages.ts";
import { placeTextSignature } from "../openai/signatures.ts";
import { expectArray, expectName, expectObject, expectOneOf, expectString, fail, optionalArray, optionalString } from "../validate.ts";
import type { JsonObject } from "../validate.ts";
import { textContent, userContent } from "./content.ts";
import type { TurnSignatures } from "./encrypted-content.ts";
import type { KeptLookup } from "./kept-items.ts";

/** Where the input's signatures and referenced items come from; the route reads them from storage. */
export interface ItemSources {
  /** Kept items found for the ids `itemIdsToLookUp` named (this account's, not expired). */
  readonly kept: ReadonlyMap<string, KeptLookup>;
  /** False when the operator switched item keeping off. */
  readonly keeping: boolean;
  /** How long items are kept, for messages. */
  readonly retentionSeconds: number;
  /** Opens an `encrypted_content`, or throws the 400 for one this gateway did not issue. */
  readonly open: (sealed: string, path: string) => TurnSignatures;
}

const ROLES = ["user", "system", "developer", "assistant"] as const;
const FOREIGN_ITEMS = new Set([
  "file_search_call",
  "web_search_call",
  "computer_call",
  "computer_call_output",
  "image_generation_call",
  "code_interpreter_call",
  "local_shell_call",
  "local_shell_call_output",
  "shell_call",
  "shell_call_output",
  "apply_patch_call",
  "apply_patch_call_output",
  "mcp_list_tools",
  "mcp_approval_request",
  "mcp_approval_response",
  "mcp_call",
  "custom_tool_call",
  "custom_tool_call_output",
  "tool_search_call",
  "tool_search_output",
  "compaction",
  "additional_tools",
  "configuration_update",
  "program",
  "program_output",
]);

/** One model turn being read: its parts, and every set of signatures its items brought. */
interface ModelTurn {
  readonly parts: Part[];
  readonly signatures: TurnSignatures[];
}

interface OpenCall {
  readonly name: string;
  readonly path: string;
}

/**
 * @example
 * toGeminiInput({ instructions: "Be terse.", input: "Hi" }, sources, "gemini-3-flash-preview")
 * // { contents: [{ role: "user", parts: [{ text: "Hi" }] }], systemInstruction: { parts: [{ text: "Be terse." }] } }
 */
export function toGeminiInput(body: JsonObject, sources: ItemSources, upstreamModel: string): GeminiConversation {
  const system = textContent(optionalString(body.instructions, "instructions") ?? "", "instructions", "system");
  if (typeof body.input === "string") {
    if (body.input.length === 0) fail("input", "is empty; send some text or a list of items");
    return assembleConversation(system, [{ role: "user", parts: [{ text: body.input }] }], "input");
  }
  const items = expectArray(body.input, "input");
  if (items.length === 0) fail("input", "must contain at least one item");

  const contents: Content[] = [];
  let turn: ModelTurn | undefined;
  const open = new Map<string, OpenCall>();
  let answering = false;
  const closeTurn = () => {
    if (turn !== undefined && turn.parts.length > 0) contents.push({ role: "model", parts: signed(turn, upstreamModel) });
    turn = undefined;
  };

  items.forEach((raw, index) => {
    const path = `input[${index}]`;
    const { item, signatures } = resolve(expectObject(raw, path), path, sources);
    const kind = itemKind(item, path);
    if (kind === "function_call_output") {
      closeTurn();
      answering = true;
      contents.push({ role: "user", parts: [functionResponse(item, path, open)] });
      return;
    }
    if (kind === "system" || kind === "developer") {
      system.push(...textContent(item.content, `${path}.content`, "system"));
      return;
    }
    if (answering || kind === "user") requireAnswered(open);
    answering = false;
    if (kind === "user") {
      closeTurn();
      const parts = userContent(item.content, `${path}.content`);
      if (parts.length === 0) fail(`${path}.content`, "is empty; send some text or other content");
      contents.push({ role: "user", parts });
      return;
    }
    turn ??= { parts: [], signatures: [] };
    if (signatures !== undefined) turn.signatures.push(signatures);
    if (kind === "assistant") turn.parts.push(...textContent(item.content, `${path}.content`, "assistant"));
    if (kind === "function_call") turn.parts.push(functionCall(item, path, open));
    if (kind === "reasoning") readReasoning(item, path);
  });
  closeTurn();
  requireAnswered(open);
  return assembleConversation(system, contents, "input");
}

/** A reference becomes the item it names; any item of ours brings the signatures kept or sealed with it. */
function resolve(item: JsonObject, path: string, sources: ItemSources): { item: JsonObject; signatures?: TurnSignatures } {
  // OpenAI lets a reference leave out its type: an item with only an id.
  const isReference = item.type === "item_reference" || (item.type === undefined && item.role === undefined && item.id !== undefined);
  if (isReference) {
    const id = expectName(item.id, `${path}.id`);
    const found = sources.kept.get(id);
    if (found === undefined || "omitted" in found) fail(path, unresolvable(id, found === undefined ? "unknown" : "too_large", sources));
    return { item: { ...found.item }, signatures: found.signatures };
  }
  if (item.type === "reasoning" && typeof item.encrypted_content === "string" && item.encrypted_content !== "") {
    return { item, signatures: sources.open(item.encrypted_content, `${path}.encrypted_content`) };
  }
  const kept = typeof item.id === "string" ? sources.kept.get(item.id) : undefined;
  return kept !== undefined && !("omitted" in kept) ? { item, signatures: kept.signatures } : { item };
}

function unresolvable(id: string, why: "unknown" | "too_large", sources: ItemSources): string {
  const sendInstead =
    "Send the item itself instead of a reference: with `store: false` clients send full items, and `include: [\"reasoning.encrypted_content\"]` makes reasoning items carry their signatures.";
  if (!sources.keeping) return `refers to item \`${id}\`, but this gateway keeps no response items (its operator switched that off). ${sendInstead}`;
  if (why === "too_large") return `refers to item \`${id}\`, whose response was too large to keep. ${sendInstead}`;
  const hours = sources.retentionSeconds / 3600;
  const kept = hours >= 1 && Number.isInteger(hours) ? `${hours} hour${hours === 1 ? "" : "s"}` : `${sources.retentionSeconds} s`;
  return `refers to item \`${id}\`, which this gateway does not have for your account: it keeps the output items of requests that did not set \`store: false\`, for ${kept}. ${sendInstead}`;
}

type ItemKind = (typeof ROLES)[number] | "function_call" | "function_call_output" | "reasoning";

function itemKind(item: JsonObject, path: string): ItemKind {
  const type = item.type ?? "message";
  if (type === "message") return expectOneOf(item.role, `${path}.role`, ROLES);
  if (type === "function_call" || type === "function_call_output" || type === "reasoning") return type;
  if (typeof type === "string" && FOREIGN_ITEMS.has(type)) {
    return fail(`${path}.type`, `is "${type}", an item of a tool this gateway does not offer (it serves function tools only); leave it out`);
  }
  return fail(`${path}.type`, `must be one of "message", "function_call", "function_call_output", "reasoning", "item_reference"; got ${JSON.stringify(type)}`);
}

function functionCall(item: JsonObject, path: string, open: Map<string, OpenCall>): Part {
  const id = expectName(item.call_id, `${path}.call_id`);
  if (open.has(id)) fail(`${path}.call_id`, `repeats "${id}"; call ids must be unique`);
  const name = expectName(item.name, `${path}.name`);
  open.set(id, { name, path: `${path}.call_id` });
  return { functionCall: { id, name, args: parseArguments(item.arguments, `${path}.arguments`) } };
}

function functionResponse(item: JsonObject, path: string, open: Map<string, OpenCall>): Part {
  const id = expectName(item.call_id, `${path}.call_id`);
  const call = open.get(id) ?? fail(`${path}.call_id`, `("${id}") answers no function_call before it; send each output after its call`);
  open.delete(id);
  if (typeof item.output === "string") return { functionResponse: { id, name: call.name, response: { output: item.output } } };
  const parts = userContent(expectArray(item.output, `${path}.output`), `${path}.output`);
  const output = parts.flatMap((part) => (part.text === undefined ? [] : [part.text])).join("");
  const media = parts.flatMap((part): NonNullable<FunctionResponse["parts"]> => {
    if (part.inlineData !== undefined) return [{ inlineData: part.inlineData }];
    return part.fileData === undefined ? [] : [{ fileData: part.fileData }];
  });
  return { functionResponse: { id, name: call.name, response: { output }, ...(media.length > 0 && { parts: media }) } };
}

function readReasoning(item: JsonObject, path: string): void {
  (optionalArray(item.summary, `${path}.summary`) ?? []).forEach((raw, index) => {
    const summary = expectObject(raw, `${path}.summary[${index}]`);
    expectString(summary.text, `${path}.summary[${index}].text`);
  });
}

function requireAnswered(open: Map<string, OpenCall>): void {
  const [unanswered] = open.values();
  if (unanswered !== undefined) {
    fail(unanswered.path, "has no function_call_output answering it; send one output per call, after the calls and before the next message");
  }
}

/** The turn's parts with the signatures its items brought, for this model only. */
function signed(turn: ModelTurn, upstreamModel: string): Part[] {
  const ours = turn.signatures.filter((set) => set.model === upstreamModel);
  const byCall = new Map(ours.flatMap((set) => set.calls.map((call) => [call.call_id, call.signature] as const)));
  const parts = turn.parts.map((part) => {
    const signature = part.functionCall?.id === undefined ? undefined : byCall.get(part.functionCall.id);
    return signature === undefined ? part : { ...part, thoughtSignature: signature };
  });
  placeTextSignature(parts, ours.findLast((set) => set.text !== undefined)?.text);
  return parts;
}

