import type { LoadResult } from './load-job.ts';

export interface ScenarioResult extends LoadResult {
  name: string;
  description: string;
  /** The warm-up before the measurement: not in the figures, but its failures count. */
  warmUp: { requests: number; errors: number; non2xx: number };
}

export interface Ratio {
  name: string;
  value: number;
  target: number;
  verdict: 'PASS' | 'BELOW';
}

/** Baraza's throughput as a share of the baseline's: the figure the targets are about. */
export function ratio(name: string, baraza: ScenarioResult, baseline: ScenarioResult, target: number): Ratio {
  const value = baraza.requestsPerSecond / baseline.requestsPerSecond;
  return { name, value, target, verdict: value >= target ? 'PASS' : 'BELOW' };
}

export function failuresOf(result: Pick<LoadResult, 'errors' | 'non2xx'>): number {
  return result.errors + result.non2xx;
}

export function formatTable(scenarios: ScenarioResult[], ratios: Ratio[]): string {
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'errors', 'non-2xx'];
  const rows = scenarios.map((s) => [
    s.name,
    s.requestsPerSecond.toFixed(0),
    milliseconds(s.latencyP50Ms),
    milliseconds(s.latencyP99Ms),
    String(s.requests),
    String(s.errors),
    String(s.non2xx),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  const table = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  const ratioLines = ratios.map(
    (r) => `${r.name.padEnd(32)} ${r.value.toFixed(2)}  (target >= ${r.target})  ${r.verdict}`,
  );
  return [...table, '', ...ratioLines].join('\n');
}

/** autocannon's latency histogram counts whole milliseconds: 0 means under one. */
const milliseconds = (value: number): string => (value < 1 ? '<1' : value.toFixed(0));
