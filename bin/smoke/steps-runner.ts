/**
 * Runs a list of steps in order and prints one line per step: PASS with what it saw, FAIL with why,
 * or SKIP when a step it needs failed. Cleanup steps run whatever happened before them.
 */

export interface Step<State> {
  readonly name: string;
  /** Returns what the step saw, for its PASS line; throws (with a message saying why) to fail. */
  readonly run: (state: State) => Promise<string>;
  /** Runs even after a failure (removing what the run created). */
  readonly cleanup?: boolean;
  /** The state a step needs; a step whose needs are missing is skipped. */
  readonly needs?: ReadonlyArray<keyof State>;
}

export interface StepResult {
  readonly name: string;
  readonly outcome: "PASS" | "FAIL" | "SKIP";
  readonly detail: string;
  readonly ms: number;
}

/** @example const results = await runSteps(steps, {}, console.log); process.exitCode = results.some(failed) ? 1 : 0; */
export async function runSteps<State extends object>(steps: ReadonlyArray<Step<State>>, state: State, print: (line: string) => void): Promise<StepResult[]> {
  const results: StepResult[] = [];
  let failed = false;
  const width = Math.max(...steps.map((step) => step.name.length));
  for (const step of steps) {
    const missing = (step.needs ?? []).filter((need) => state[need] === undefined);
    let result: StepResult;
    if ((failed && !step.cleanup) || missing.length > 0) {
      result = { name: step.name, outcome: "SKIP", detail: missing.length > 0 ? `needs ${missing.join(", ")}` : "an earlier step failed", ms: 0 };
    } else {
      const started = performance.now();
      try {
        const detail = await step.run(state);
        result = { name: step.name, outcome: "PASS", detail, ms: performance.now() - started };
      } catch (error) {
        failed = true;
        result = { name: step.name, outcome: "FAIL", detail: error instanceof Error ? error.message : String(error), ms: performance.now() - started };
      }
    }
    results.push(result);
    const time = result.outcome === "SKIP" ? "" : ` (${Math.round(result.ms)} ms)`;
    print(`${result.outcome}  ${step.name.padEnd(width)}  ${result.detail}${time}`);
  }
  return results;
}
