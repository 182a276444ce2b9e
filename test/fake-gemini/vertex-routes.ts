// Vertex AI's Gemini paths: a project and location for service accounts, or the bare publisher path
// of express mode (an API key, no project). Both serve the same three actions as the Gemini API.
import type { FaultAction } from "./faults.ts";
import type { Route } from "./routes.ts";

export interface VertexRoute extends Route {
  // Absent in express mode.
  project?: string;
  location?: string;
}

const ACTIONS: readonly string[] = ["generateContent", "streamGenerateContent", "countTokens"];
const PROJECT_PATH = /^\/(v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):([A-Za-z]+)$/;
const EXPRESS_PATH = /^\/(v1|v1beta1)\/publishers\/google\/models\/([^/:]+):([A-Za-z]+)$/;

export function parseVertexRoute(method: string | undefined, pathname: string): VertexRoute | undefined {
  if (method !== "POST") return undefined;
  const path = safeDecode(pathname);
  const project = PROJECT_PATH.exec(path);
  if (project !== null) {
    const [, , projectId, location, model, action] = project;
    return isAction(action) ? { apiVersion: "v1", model: model ?? "", action, project: projectId, location } : undefined;
  }
  const express = EXPRESS_PATH.exec(path);
  if (express === null) return undefined;
  const [, , model, action] = express;
  return isAction(action) ? { apiVersion: "v1", model: model ?? "", action } : undefined;
}

function isAction(value: string | undefined): value is FaultAction {
  return value !== undefined && ACTIONS.includes(value);
}

function safeDecode(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}
