import { invalidArgument } from "./google-errors.ts";
import { arrayOrEmpty, isRecord, numberOrUndefined, recordOrEmpty, stringOrUndefined } from "./json.ts";
import type { JsonRecord } from "./json.ts";
import { normaliseFieldNames } from "./normalise.ts";

// A typed view of a GenerateContentRequest after snake_case names were normalised to camelCase.

export interface MediaRef {
  mimeType: string;
  data?: string;
  fileUri?: string;
}

export interface FunctionCallData {
  id?: string;
  name: string;
  args: unknown;
}

export interface Part {
  text?: string;
  thought?: boolean;
  thoughtSignature?: unknown;
  media?: MediaRef;
  functionCall?: FunctionCallData;
  functionResponse?: { id?: string; name: string; response: unknown };
}

export interface Content {
  role: string;
  parts: Part[];
}

export interface FunctionDeclaration {
  name: string;
  description: string;
  parameters: unknown;
}

export interface ThinkingConfig {
  level?: string;
  budget?: number;
  includeThoughts: boolean;
}

export interface GenerateRequest {
  contents: Content[];
  systemInstruction?: Content;
  functionDeclarations: FunctionDeclaration[];
  usesGoogleSearch: boolean;
  functionCallingMode: string;
  allowedFunctionNames?: string[];
  includeServerSideToolInvocations: boolean;
  maxOutputTokens?: number;
  responseMimeType?: string;
  responseSchema?: unknown;
  thinking: ThinkingConfig;
  cachedContent?: string;
}

export function parseGenerateRequest(body: unknown, requestName = "GenerateContentRequest"): GenerateRequest {
  const request = recordOrEmpty(normaliseFieldNames(body));
  const contents = arrayOrEmpty(request.contents).map(readContent);
  if (contents.length === 0) {
    throw invalidArgument(`* ${requestName}.contents: contents is not specified`);
  }
  const tools = arrayOrEmpty(request.tools).map(recordOrEmpty);
  const toolConfig = recordOrEmpty(request.toolConfig);
  const callingConfig = recordOrEmpty(toolConfig.functionCallingConfig);
  const generation = recordOrEmpty(request.generationConfig);
  const thinking = recordOrEmpty(generation.thinkingConfig);
  const allowedNames = arrayOrEmpty(callingConfig.allowedFunctionNames).filter((name) => typeof name === "string");
  return {
    contents,
    systemInstruction: isRecord(request.systemInstruction) ? readContent(request.systemInstruction) : undefined,
    functionDeclarations: tools.flatMap((tool) => arrayOrEmpty(tool.functionDeclarations).map(readDeclaration)),
    usesGoogleSearch: tools.some((tool) => tool.googleSearch !== undefined),
    functionCallingMode: (stringOrUndefined(callingConfig.mode) ?? "AUTO").toUpperCase(),
    allowedFunctionNames: allowedNames.length > 0 ? allowedNames : undefined,
    includeServerSideToolInvocations: toolConfig.includeServerSideToolInvocations === true,
    maxOutputTokens: numberOrUndefined(generation.maxOutputTokens),
    responseMimeType: stringOrUndefined(generation.responseMimeType),
    responseSchema: generation.responseJsonSchema ?? generation.responseSchema,
    thinking: {
      level: stringOrUndefined(thinking.thinkingLevel),
      budget: numberOrUndefined(thinking.thinkingBudget),
      includeThoughts: thinking.includeThoughts === true,
    },
    cachedContent: stringOrUndefined(request.cachedContent),
  };
}

function readContent(value: unknown): Content {
  const content = recordOrEmpty(value);
  return {
    role: stringOrUndefined(content.role) ?? "user",
    parts: arrayOrEmpty(content.parts).map((part) => readPart(recordOrEmpty(part))),
  };
}

function readPart(part: JsonRecord): Part {
  const read: Part = {};
  if (typeof part.text === "string") read.text = part.text;
  if (part.thought === true) read.thought = true;
  if (part.thoughtSignature !== undefined) read.thoughtSignature = part.thoughtSignature;
  const media = recordOrEmpty(part.inlineData ?? part.fileData);
  if (typeof media.mimeType === "string") {
    read.media = { mimeType: media.mimeType, data: stringOrUndefined(media.data), fileUri: stringOrUndefined(media.fileUri) };
  }
  if (isRecord(part.functionCall)) {
    const call = part.functionCall;
    read.functionCall = { id: stringOrUndefined(call.id), name: stringOrUndefined(call.name) ?? "", args: call.args ?? {} };
  }
  if (isRecord(part.functionResponse)) {
    const response = part.functionResponse;
    read.functionResponse = {
      id: stringOrUndefined(response.id),
      name: stringOrUndefined(response.name) ?? "",
      response: response.response ?? {},
    };
  }
  return read;
}

function readDeclaration(value: unknown): FunctionDeclaration {
  const declaration = recordOrEmpty(value);
  return {
    name: stringOrUndefined(declaration.name) ?? "",
    description: stringOrUndefined(declaration.description) ?? "",
    parameters: declaration.parametersJsonSchema ?? declaration.parameters,
  };
}
