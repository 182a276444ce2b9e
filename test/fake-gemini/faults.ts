export type Fault =
  | { kind: "status"; status: number; message?: string }
  | { kind: "delay"; ms: number }
  // Holds the request until the promise settles, so a test decides exactly when Google answers.
  | { kind: "gate"; open: Promise<void> }
  | { kind: "cut"; afterChunks: number }
  | { kind: "reset" };

export type FaultAction = "generateContent" | "streamGenerateContent" | "countTokens";

export interface FaultRule {
  fault: Fault;
  apiKey?: string;
  model?: string;
  action?: FaultAction;
  // Only requests to the Gemini API ("ai-studio") or to Vertex AI ("vertex").
  platform?: "ai-studio" | "vertex";
  // Only Vertex requests whose bearer token was issued to this service account (its client_email).
  serviceAccount?: string;
  // How many matching requests the rule affects; default 1, Infinity for every one.
  times?: number;
}

export interface FaultTarget {
  apiKey: string | undefined;
  model: string;
  action: string;
  platform: "ai-studio" | "vertex";
  serviceAccount: string | undefined;
}

interface ArmedRule {
  rule: FaultRule;
  remaining: number;
}

export class FaultRules {
  #armed: ArmedRule[] = [];

  add(rule: FaultRule): void {
    this.#armed.push({ rule, remaining: rule.times ?? 1 });
  }

  clear(): void {
    this.#armed = [];
  }

  // Rules are checked in the order they were added; each use consumes one of the rule's `times`.
  take(target: FaultTarget): Fault | undefined {
    const armed = this.#armed.find(({ rule, remaining }) => remaining > 0 && matches(rule, target));
    if (armed === undefined) return undefined;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.#armed = this.#armed.filter((candidate) => candidate !== armed);
    return armed.rule.fault;
  }
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  return (
    (rule.apiKey === undefined || rule.apiKey === target.apiKey) &&
    (rule.model === undefined || rule.model === target.model) &&
    (rule.action === undefined || rule.action === target.action) &&
    (rule.platform === undefined || rule.platform === target.platform) &&
    (rule.serviceAccount === undefined || rule.serviceAccount === target.serviceAccount)
  );
}
