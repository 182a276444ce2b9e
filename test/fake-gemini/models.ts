export type ThinkingLevel = "MINIMAL" | "LOW" | "MEDIUM" | "HIGH";

export const THINKING_LEVELS: readonly ThinkingLevel[] = ["MINIMAL", "LOW", "MEDIUM", "HIGH"];

export interface ModelRules {
  readonly id: string;
  readonly thinkingLevels: readonly ThinkingLevel[];
  readonly defaultThinkingLevel: ThinkingLevel;
}

const MODELS: readonly ModelRules[] = [
  { id: "gemini-3-flash-preview", thinkingLevels: ["MINIMAL", "LOW", "MEDIUM", "HIGH"], defaultThinkingLevel: "HIGH" },
  { id: "gemini-3.1-pro-preview", thinkingLevels: ["LOW", "MEDIUM", "HIGH"], defaultThinkingLevel: "HIGH" },
  { id: "gemini-3-pro-preview", thinkingLevels: ["LOW", "HIGH"], defaultThinkingLevel: "HIGH" },
  { id: "gemini-3.1-flash-lite", thinkingLevels: ["MINIMAL", "LOW", "MEDIUM", "HIGH"], defaultThinkingLevel: "HIGH" },
  { id: "gemini-3.5-flash", thinkingLevels: ["LOW", "MEDIUM", "HIGH"], defaultThinkingLevel: "HIGH" },
];

export const KNOWN_MODEL_IDS: readonly string[] = MODELS.map((model) => model.id);

export function findModel(id: string): ModelRules | undefined {
  return MODELS.find((model) => model.id === id);
}

export function isThinkingLevel(value: string): value is ThinkingLevel {
  return (THINKING_LEVELS as readonly string[]).includes(value);
}

export const THOUGHT_TOKENS_BY_LEVEL: Readonly<Record<ThinkingLevel, number>> = {
  MINIMAL: 8,
  LOW: 32,
  MEDIUM: 96,
  HIGH: 192,
};
