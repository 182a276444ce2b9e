/**
 * The parts of Gemini's native wire format (`v1beta` generateContent / streamGenerateContent) that the
 * gateway builds or reads, in the camelCase Google's responses use. Facts from
 * shared/reference/gemini-wire.md §1 (request), §3 (response) and §4 (streaming).
 *
 * Response types are deliberately loose (`string` beside the known enum values, every field optional):
 * they describe untrusted upstream JSON, and Google adds enum values without notice.
 */

/** JSON Schema as the client wrote it; see `openai/json-schema.ts` for what Gemini accepts. */
export type JsonSchema = { [keyword: string]: unknown } | boolean;

export interface InlineData {
  mimeType: string;
  /** Base64 bytes. */
  data: string;
}

export interface FileData {
  mimeType?: string;
  fileUri: string;
}

export interface FunctionCall {
  id?: string;
  name: string;
  args?: Record<string, unknown>;
}

export interface FunctionResponse {
  id?: string;
  name: string;
  /** Google's convention: the result under `output`, a failure under `error`. */
  response: Record<string, unknown>;
  /** Images and files the function returned (Gemini 3's multimodal function responses). */
  parts?: { inlineData?: InlineData; fileData?: FileData }[];
}

export type MediaResolutionLevel = "MEDIA_RESOLUTION_LOW" | "MEDIA_RESOLUTION_MEDIUM" | "MEDIA_RESOLUTION_HIGH" | "MEDIA_RESOLUTION_ULTRA_HIGH";

/** One piece of a turn; carries exactly one data field, plus the optional thought flags. */
export interface Part {
  text?: string;
  inlineData?: InlineData;
  fileData?: FileData;
  functionCall?: FunctionCall;
  functionResponse?: FunctionResponse;
  /** True on thought-summary parts. */
  thought?: boolean;
  /** Opaque base64 (or a documented sentinel); must go back on the exact part it came on. */
  thoughtSignature?: string;
  mediaResolution?: { level: MediaResolutionLevel };
  executableCode?: { language?: string; code?: string };
  codeExecutionResult?: { outcome?: string; output?: string };
}

export type Role = "user" | "model";

export interface Content {
  role?: Role;
  parts: Part[];
}

export interface FunctionDeclaration {
  name: string;
  description?: string;
  parametersJsonSchema?: JsonSchema;
}

export interface Tool {
  functionDeclarations?: FunctionDeclaration[];
}

export type FunctionCallingMode = "AUTO" | "ANY" | "NONE" | "VALIDATED";

export interface ToolConfig {
  functionCallingConfig: {
    mode: FunctionCallingMode;
    allowedFunctionNames?: string[];
  };
}

/** Upper-case, as `@google/genai` sends them. */
export type GeminiThinkingLevel = "MINIMAL" | "LOW" | "MEDIUM" | "HIGH";

export interface ThinkingConfig {
  thinkingLevel?: GeminiThinkingLevel;
  includeThoughts?: boolean;
}

export interface GenerationConfig {
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseJsonSchema?: JsonSchema;
  thinkingConfig?: ThinkingConfig;
}

export interface GenerateContentRequest {
  contents: Content[];
  systemInstruction?: Content;
  tools?: Tool[];
  toolConfig?: ToolConfig;
  generationConfig?: GenerationConfig;
}

export type FinishReason =
  | "FINISH_REASON_UNSPECIFIED"
  | "STOP"
  | "MAX_TOKENS"
  | "SAFETY"
  | "RECITATION"
  | "LANGUAGE"
  | "OTHER"
  | "BLOCKLIST"
  | "PROHIBITED_CONTENT"
  | "SPII"
  | "MALFORMED_FUNCTION_CALL"
  | "IMAGE_SAFETY"
  | "UNEXPECTED_TOOL_CALL"
  | "TOO_MANY_TOOL_CALLS"
  | "IMAGE_PROHIBITED_CONTENT"
  | "NO_IMAGE"
  | "IMAGE_RECITATION"
  | "IMAGE_OTHER";

export interface SafetyRating {
  category?: string;
  probability?: string;
  blocked?: boolean;
}

export interface Candidate {
  content?: Content;
  /** Absent while a stream is still generating. */
  finishReason?: FinishReason | (string & {});
  finishMessage?: string;
  index?: number;
  safetyRatings?: SafetyRating[];
  /** Present when Google Search grounded the answer; each executed query is billed. */
  groundingMetadata?: { webSearchQueries?: string[] } & Record<string, unknown>;
}

export interface ModalityTokenCount {
  modality?: string;
  tokenCount?: number;
}

/**
 * Token counts. `candidatesTokenCount` excludes thinking; `promptTokenCount` includes the cached tokens;
 * `totalTokenCount` = prompt + candidates + thoughts + toolUsePrompt. Cumulative in streams.
 */
export interface UsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
  promptTokensDetails?: ModalityTokenCount[];
  candidatesTokensDetails?: ModalityTokenCount[];
  cacheTokensDetails?: ModalityTokenCount[];
}

export interface PromptFeedback {
  /** Set only when the prompt was blocked and no candidates were produced. */
  blockReason?: string;
  safetyRatings?: SafetyRating[];
}

export interface GenerateContentResponse {
  candidates?: Candidate[];
  promptFeedback?: PromptFeedback;
  usageMetadata?: UsageMetadata;
  modelVersion?: string;
  responseId?: string;
}
