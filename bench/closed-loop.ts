import type { BenchSettings } from './bench-settings.ts';
import type { ScenarioResult } from './report.ts';

/*
 * Closed-loop load in this process, for functions rather than HTTP endpoints (the knowledge search,
 * the console's case search): `callers` loops, each calling again the moment its last call
 * returned, for the settings' warm-up (not counted) and then their duration. Every call is timed
 * with performance.now(), so the percentiles are exact to a microsecond, where autocannon's are in
 * whole milliseconds.
 */

export interface LoopFigures {
  calls: number;
  callsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  /** The first failure's message, so that a run that failed says why. */
  firstError: string | null;
}

/** One row of the section: ScenarioResult's shape, for the report's table, and the p95 besides. */
export interface LoopScenario extends ScenarioResult {
  latencyP95Ms: number;
  latencyMaxMs: number;
  callers: number;
}

/**
 * Runs `call` in `callers` closed loops; `call` gets a running number (for picking its input) and
 * the caller's number.
 */
export async function closedLoop(
  settings: Pick<BenchSettings, 'durationSeconds' | 'warmUpSeconds'>,
  callers: number,
  call: (n: number, caller: number) => Promise<unknown>,
): Promise<LoopFigures> {
  let n = 0;
  let errors = 0;
  let firstError: string | null = null;
  const run = async (seconds: number, times: number[] | null) => {
    const end = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: callers }, async (_, caller) => {
        while (performance.now() < end) {
          const start = performance.now();
          try {
            await call(n++, caller);
          } catch (error) {
            errors += 1;
            firstError ??= (error as Error).message;
          }
          times?.push(performance.now() - start);
        }
      }),
    );
  };
  if (settings.warmUpSeconds > 0) await run(settings.warmUpSeconds, null);
  const times: number[] = [];
  const start = performance.now();
  await run(settings.durationSeconds, times);
  const seconds = (performance.now() - start) / 1000;
  times.sort((a, b) => a - b);
  return {
    calls: times.length,
    callsPerSecond: times.length / seconds,
    p50Ms: percentile(times, 0.5),
    p95Ms: percentile(times, 0.95),
    p99Ms: percentile(times, 0.99),
    maxMs: times.at(-1) ?? Number.NaN,
    errors,
    firstError,
  };
}

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

export function loopScenario(
  name: string,
  description: string,
  callers: number,
  figures: LoopFigures,
  durationSeconds: number,
): LoopScenario {
  return {
    name,
    description,
    callers,
    requests: figures.calls,
    requestsPerSecond: figures.callsPerSecond,
    latencyP50Ms: figures.p50Ms,
    latencyP95Ms: figures.p95Ms,
    latencyP99Ms: figures.p99Ms,
    latencyMaxMs: figures.maxMs,
    errors: figures.errors,
    timeouts: 0,
    non2xx: 0,
    statusCodes: {},
    durationSeconds,
    // In process: there is no separate load generator.
    generatorCpuSeconds: 0,
    warmUp: { requests: 0, errors: 0, non2xx: 0 },
  };
}
