import { invalidArgument } from "./google-errors.ts";
import { THOUGHT_TOKENS_BY_LEVEL, isThinkingLevel } from "./models.ts";
import type { ModelRules, ThinkingLevel } from "./models.ts";
import type { Content, GenerateRequest } from "./request.ts";
import { validateThoughtSignatures } from "./signatures.ts";

// Checks Google performs before generating, with Google's messages (gemini-wire.md §1.3, §1.6, §1.7, §2).
export function validateGenerateRequest(request: GenerateRequest, model: ModelRules): void {
  resolveThoughtTokens(request, model);
  validateToolCombination(request);
  validateFunctionResponseCounts(request.contents);
  validateThoughtSignatures(request.contents, model.id);
}

// Returns how many thinking tokens the request costs; throws for settings the model rejects.
export function resolveThoughtTokens(request: GenerateRequest, model: ModelRules): number {
  const { level, budget } = request.thinking;
  if (level !== undefined && budget !== undefined) {
    throw invalidArgument("You can only set one of thinking budget and thinking level.");
  }
  if (budget === 0) throw invalidArgument("Budget 0 is invalid. This model only works in thinking mode.");
  if (budget !== undefined) {
    return budget < 0 ? THOUGHT_TOKENS_BY_LEVEL.HIGH : Math.min(budget, THOUGHT_TOKENS_BY_LEVEL.HIGH);
  }
  return THOUGHT_TOKENS_BY_LEVEL[resolveThinkingLevel(level, model)];
}

function resolveThinkingLevel(requested: string | undefined, model: ModelRules): ThinkingLevel {
  if (requested === undefined) return model.defaultThinkingLevel;
  const level = requested.toUpperCase();
  if (level === "THINKING_LEVEL_UNSPECIFIED") return model.defaultThinkingLevel;
  if (!isThinkingLevel(level)) {
    throw invalidArgument(
      "Invalid value at 'generation_config.thinking_config.thinking_level' " +
        `(type.googleapis.com/google.ai.generativelanguage.v1beta.ThinkingConfig.ThinkingLevel), "${requested}"`,
    );
  }
  if (!model.thinkingLevels.includes(level)) {
    throw invalidArgument(
      `Thinking level ${level} is not supported for model ${model.id}. ` +
        `Supported thinking levels: ${model.thinkingLevels.join(", ")}.`,
    );
  }
  return level;
}

function validateToolCombination(request: GenerateRequest): void {
  if (request.usesGoogleSearch && request.functionDeclarations.length > 0 && !request.includeServerSideToolInvocations) {
    throw invalidArgument(
      "Tool use with function calling is unsupported. To combine built-in tools with function calling, " +
        "set tool_config.include_server_side_tool_invocations to true.",
    );
  }
}

function validateFunctionResponseCounts(contents: readonly Content[]): void {
  for (let index = 0; index + 1 < contents.length; index++) {
    const calls = contents[index].parts.filter((part) => part.functionCall !== undefined).length;
    const responses = contents[index + 1].parts.filter((part) => part.functionResponse !== undefined).length;
    if (contents[index].role === "model" && calls > 0 && responses > 0 && calls !== responses) {
      throw invalidArgument(
        "Please ensure that the number of function response parts is equal to the number of function call parts " +
          "of the function call turn.",
      );
    }
  }
}
