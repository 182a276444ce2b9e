/**
 * `tools` and `toolConfig` checks (gemini-wire.md §1.7). Google Search with function declarations is
 * Gemini 3's "tool combination": Google accepts it only with
 * `toolConfig.includeServerSideToolInvocations: true` (the aivideoapi seed refuses it outright), so
 * without the flag it is our 400, with the fix, instead of Google's after a round trip.
 */
import { fail, isObject, type JsonObject } from "../validate.ts";
import { readArray, readField, readObject } from "./fields.ts";

/**
 * @example
 * checkTools({ tools: [{ googleSearch: {} }, { functionDeclarations: [{ name: "f" }] }] });
 * // throws "`tools` combines googleSearch with functionDeclarations, …"
 */
export function checkTools(request: JsonObject, parent = ""): void {
  const tools = readArray(request, "tools", parent);
  if (tools === undefined) return;
  let search: string | undefined;
  let declarations: string | undefined;
  tools.value.forEach((tool, index) => {
    const path = `${tools.path}[${index}]`;
    if (!isObject(tool)) fail(path, "must be an object");
    const searchTool = readField(tool, "googleSearch", path);
    const declared = readArray(tool, "functionDeclarations", path);
    search ??= searchTool?.key;
    if (declared !== undefined && declared.value.length > 0) declarations ??= declared.key;
  });
  if (search === undefined || declarations === undefined || serverSideInvocations(request, parent)) return;
  const flag = search === "google_search" ? "tool_config.include_server_side_tool_invocations" : "toolConfig.includeServerSideToolInvocations";
  fail(
    tools.path,
    `combines ${search} with ${declarations}, which Google accepts only with \`${flag}: true\`. ` +
      "Set that flag (the answer then carries toolCall and toolResponse parts, to send back as they came), " +
      "or use Google Search and your functions in separate requests.",
  );
}

function serverSideInvocations(request: JsonObject, parent: string): boolean {
  const toolConfig = readObject(request, "toolConfig", parent);
  if (toolConfig === undefined) return false;
  return readField(toolConfig.value, "includeServerSideToolInvocations", toolConfig.path)?.value === true;
}
