/** Small, dependency-free load tools: timed requests, percentiles, fixed-concurrency runs. */

export interface Timing {
  /** Until the response head arrived. */
  headMs: number;
  /** Until the first body chunk arrived. */
  firstChunkMs: number;
  totalMs: number;
  chunks: number;
  status: number;
}

/** One request, timed from send to head, first chunk and end; the body is read chunk by chunk. */
export async function timedRequest(url: string, init: RequestInit): Promise<Timing> {
  const start = performance.now();
  const response = await fetch(url, init);
  const headMs = performance.now() - start;
  let firstChunkMs = 0;
  let chunks = 0;
  const reader = response.body?.getReader();
  for (;;) {
    const next = await reader?.read();
    if (!next || next.done) break;
    if (chunks === 0) firstChunkMs = performance.now() - start;
    chunks++;
  }
  return { headMs, firstChunkMs, totalMs: performance.now() - start, chunks, status: response.status };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** Runs `count` requests, `concurrency` at a time; returns every timing and the wall time. */
export async function runLoad(count: number, concurrency: number, request: () => Promise<Timing>): Promise<{ timings: Timing[]; seconds: number }> {
  const timings: Timing[] = [];
  let started = 0;
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < count) {
        started++;
        timings.push(await request());
      }
    }),
  );
  return { timings, seconds: (performance.now() - begin) / 1000 };
}

export function ms(value: number): string {
  return value.toFixed(1);
}
