import type { BenchSettings } from './bench-settings.ts';
import type { Target } from './load-job.ts';
import { failuresOf, type ScenarioResult } from './report.ts';
import { runLoad } from './run-load.ts';

/**
 * One load scenario: a warm-up (not counted, but its failures are), then the measurement, both with
 * the settings' connections. Failures are added to `failures` as a line naming the scenario.
 * `beforeMeasurement` runs between the two, for figures taken in the server during the measurement.
 */
export async function measureScenario(
  settings: Pick<BenchSettings, 'connections' | 'durationSeconds' | 'warmUpSeconds'> & {
    thinkSeconds?: number;
  },
  scenario: { name: string; description: string; target: Target },
  failures: string[],
  beforeMeasurement?: () => void,
): Promise<ScenarioResult> {
  const { name, description, target } = scenario;
  process.stdout.write(
    `${name}: warm-up ${settings.warmUpSeconds} s, measure ${settings.durationSeconds} s\n`,
  );
  const common = {
    target,
    connections: settings.connections,
    ...(settings.thinkSeconds ? { thinkSeconds: settings.thinkSeconds } : {}),
  };
  const warmUp =
    settings.warmUpSeconds > 0
      ? await runLoad({ ...common, durationSeconds: settings.warmUpSeconds })
      : { requests: 0, errors: 0, non2xx: 0 };
  beforeMeasurement?.();
  const result = await runLoad({ ...common, durationSeconds: settings.durationSeconds });
  if (failuresOf(result) + failuresOf(warmUp) > 0) {
    failures.push(
      `${name}: ${result.errors + warmUp.errors} errors, ${result.non2xx + warmUp.non2xx} non-2xx ` +
        `(status codes measured: ${JSON.stringify(result.statusCodes)})`,
    );
  }
  return {
    name,
    description,
    ...result,
    warmUp: { requests: warmUp.requests, errors: warmUp.errors, non2xx: warmUp.non2xx },
  };
}
