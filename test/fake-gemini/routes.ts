import type { FaultAction } from "./faults.ts";

export interface Route {
  apiVersion: "v1" | "v1beta";
  model: string;
  action: FaultAction;
}

const ACTIONS: readonly FaultAction[] = ["generateContent", "streamGenerateContent", "countTokens"];
// @google/genai 3.x calls /v1 by default and /v1beta when asked; Google serves both.
const MODELS_PATH = /^\/(v1|v1beta)\/models\/(.+)$/;

function isAction(value: string): value is FaultAction {
  return (ACTIONS as readonly string[]).includes(value);
}

// Paths look like /v1beta/models/<id>:<action>; split on the last colon, as only the action follows it.
export function parseRoute(method: string | undefined, pathname: string): Route | undefined {
  if (method !== "POST") return undefined;
  const match = MODELS_PATH.exec(safeDecode(pathname));
  if (match === null) return undefined;
  const apiVersion = match[1] === "v1" ? "v1" : "v1beta";
  const resource = match[2];
  const colon = resource.lastIndexOf(":");
  if (colon <= 0) return undefined;
  const model = resource.slice(0, colon);
  const action = resource.slice(colon + 1);
  if (model.includes("/") || !isAction(action)) return undefined;
  return { apiVersion, model, action };
}

function safeDecode(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}
