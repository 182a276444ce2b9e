import type { FunctionCallData, FunctionDeclaration, GenerateRequest } from "./request.ts";
import { objectPlaceholder } from "./schema-placeholder.ts";
import { currentTurnStart } from "./signatures.ts";

const CHAIN_DIRECTIVE = "[[chain]]";

// The fake "decides" to call tools like this:
// - after a fresh user message: one call per callable declaration (two declarations → two parallel calls);
// - after function responses: declarations marked [[chain]] that were called exactly once in this turn are
//   called again (a second sequential step); otherwise the model answers with text.
export function planFunctionCalls(request: GenerateRequest, nextSerial: () => number): FunctionCallData[] {
  const callable = callableDeclarations(request);
  const last = request.contents[request.contents.length - 1];
  if (callable.length === 0 || last.role !== "user") return [];
  const answersCalls = last.parts.length > 0 && last.parts.every((part) => part.functionResponse !== undefined);
  const chosen = answersCalls ? declarationsToCallAgain(request, callable) : callable;
  return chosen.map((declaration) => ({
    id: `fc_${nextSerial()}`,
    name: declaration.name,
    args: objectPlaceholder(declaration.parameters),
  }));
}

function callableDeclarations(request: GenerateRequest): FunctionDeclaration[] {
  if (request.functionCallingMode === "NONE") return [];
  const allowed = request.allowedFunctionNames;
  return request.functionDeclarations.filter((declaration) => allowed === undefined || allowed.includes(declaration.name));
}

function declarationsToCallAgain(request: GenerateRequest, callable: FunctionDeclaration[]): FunctionDeclaration[] {
  const callsInTurn = request.contents
    .slice(currentTurnStart(request.contents))
    .filter((content) => content.role === "model")
    .flatMap((content) => content.parts.flatMap((part) => (part.functionCall ? [part.functionCall.name] : [])));
  return callable.filter(
    (declaration) =>
      declaration.description.includes(CHAIN_DIRECTIVE) &&
      callsInTurn.filter((name) => name === declaration.name).length === 1,
  );
}
