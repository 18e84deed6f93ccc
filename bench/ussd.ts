import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Config } from '../src/config.ts';
import { prepare, type Started } from '../src/start.ts';
import { buildBaselineApp, createBaselineTable } from './baseline-app.ts';
import { benchConfig, createBenchDatabase } from './bench-database.ts';
import type { BenchSettings } from './bench-settings.ts';
import type { Target } from './load-job.ts';
import { measureScenario } from './measure-scenario.ts';
import { type PortalScenario, serverTimer, table } from './portal.ts';
import type { ScenarioResult } from './report.ts';

/*
 * The USSD channel for `npm run bench` (issue 7): BENCH_USSD_SESSIONS concurrent sessions (200),
 * each an autocannon connection posting one hop after another as Africa's Talking does, a new
 * session after the last hop; on PostgreSQL and on PGlite in turn, each Baraza on a fresh database.
 * - report: first hop, English, report, "I don't know", complaint, the words, Nairobi, send: eight
 *   hops, the last one sending a case through triage;
 * - track: first hop, English, track, a reference: four hops, the last reading a case.
 * Each twice: closed loop (every session sends its next hop the moment the last is answered, which
 * finds the throughput, with every hop queued behind 199 others), and paced (each caller reads the
 * screen and thinks, BENCH_USSD_PACE_SECONDS on average, before the next hop: a fast reader at the
 * default of 2 s, where real callers take 5 to 20), which is what the per-hop latency at
 * 200 concurrent sessions means: 200 people on the line at once. Paced load comes from
 * load-worker.ts's own loop (autocannon cannot think at random), timed to the hundredth of a ms.
 * Latency is per hop (every hop of every session), from autocannon, and in the server from
 * Node's 'request' event to the response's 'finish'. The yardstick, in the same run on the same
 * database and at the same concurrency: the bare Fastify + pg baseline's INSERT (for report, whose
 * hops all write the session) and primary-key SELECT (for track).
 */

const REPORT = [
  '1',
  '1',
  '1',
  '1',
  'The water supply in our estate has been cut off for two weeks',
  '47',
  '1',
];

export interface UssdDatabaseFigures {
  database: 'postgres' | 'pglite';
  sessions: number;
  baselineInsert: ScenarioResult;
  report: PortalScenario;
  baselineSelect: ScenarioResult;
  track: PortalScenario;
  /** The same sessions, each sending one hop per `paceSeconds`. */
  pacedReport: PortalScenario;
  pacedTrack: PortalScenario;
}

export interface UssdFigures {
  sessions: number;
  paceSeconds: number;
  hopsPerReport: number;
  runs: UssdDatabaseFigures[];
  serverErrors: string[];
  failures: string[];
}

export async function benchUssd(
  settings: Pick<
    BenchSettings,
    'adminUrl' | 'ussdSessions' | 'ussdPaceSeconds' | 'durationSeconds' | 'warmUpSeconds'
  >,
  defer: (cleanup: () => Promise<unknown>) => void,
): Promise<UssdFigures> {
  const failures: string[] = [];
  const serverLog: string[] = [];
  const runs: UssdDatabaseFigures[] = [];
  for (const kind of ['postgres', 'pglite'] as const) {
    let config: Config;
    if (kind === 'postgres') {
      const database = await createBenchDatabase(settings.adminUrl);
      defer(() => database.drop());
      config = benchConfig({ DATABASE_URL: database.url });
      console.log(`ussd: PostgreSQL database ${database.name}`);
    } else {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baraza-bench-pglite-'));
      defer(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
      config = benchConfig({ BARAZA_DATA_DIR: dataDir });
      console.log(`ussd: PGlite in ${dataDir}`);
    }
    const started = await prepare(config, {
      logger: { level: 'error', stream: { write: (line: string) => serverLog.push(line) } },
    });
    try {
      runs.push(await measureOn(kind, started, config.databaseUrl, settings, failures));
    } finally {
      await started.close();
    }
  }
  return {
    sessions: settings.ussdSessions,
    paceSeconds: settings.ussdPaceSeconds,
    hopsPerReport: REPORT.length + 1,
    runs,
    serverErrors: serverLog,
    failures: [...failures, ...serverLog.map((line) => `ussd: the server logged ${line.trim()}`)],
  };
}

async function measureOn(
  kind: 'postgres' | 'pglite',
  started: Started,
  databaseUrl: string | undefined,
  settings: Pick<BenchSettings, 'ussdSessions' | 'ussdPaceSeconds' | 'durationSeconds' | 'warmUpSeconds'>,
  failures: string[],
): Promise<UssdDatabaseFigures> {
  const url = await started.app.listen({ port: 0, host: '127.0.0.1' });
  // On PGlite the one connection there is (docs/decisions/0002); on PostgreSQL a pool of Baraza's size.
  const pool =
    databaseUrl === undefined
      ? started.database.pool
      : new pg.Pool({ connectionString: databaseUrl, max: started.database.pool.options.max ?? 20 });
  const baseline = buildBaselineApp(pool);
  try {
    await createBaselineTable(pool, 20_000);
    const baselineUrl = await baseline.listen({ port: 0, host: '127.0.0.1' });
    // A case to track, sent the way callers send them.
    const reference = await sendOneReport(url);
    const load = { ...settings, connections: settings.ussdSessions };
    const timer = serverTimer(started.app.server);
    const ussd = (inputs: string[]): Target => ({
      kind: 'ussd',
      url,
      path: '/channels/ussd/africastalking',
      inputs,
    });
    const paced = { ...load, thinkSeconds: settings.ussdPaceSeconds };
    const measureUssd = async (name: string, description: string, target: Target, pace = false) => {
      const result = await measureScenario(pace ? paced : load, { name, description, target }, failures, () =>
        timer.start(),
      );
      return { ...result, server: timer.stop(), ofBaseline: null };
    };
    try {
      const baselineInsert = await measureScenario(
        load,
        {
          name: `${kind}: baseline insert`,
          description: 'bare Fastify + pg: one INSERT',
          target: { kind: 'submit', url: baselineUrl, path: '/baseline' },
        },
        failures,
      );
      const report = await measureUssd(
        `${kind}: ussd report`,
        `${REPORT.length + 1} hops per session, the last sends a case`,
        ussd(REPORT),
      );
      const ids = (await pool.query<{ id: string }>('SELECT id FROM bench_baseline LIMIT 50000')).rows.map(
        (r) => r.id,
      );
      const baselineSelect = await measureScenario(
        load,
        {
          name: `${kind}: baseline select`,
          description: 'bare Fastify + pg: one primary-key SELECT',
          target: { kind: 'read', url: baselineUrl, pathPrefix: '/baseline/', keys: ids },
        },
        failures,
      );
      const track = await measureUssd(
        `${kind}: ussd track`,
        '4 hops per session, the last reads a case',
        ussd(['1', '2', reference]),
      );
      const pacedReport = await measureUssd(
        `${kind}: ussd report, paced`,
        `report sessions, ${settings.ussdPaceSeconds} s thinking between hops`,
        ussd(REPORT),
        true,
      );
      const pacedTrack = await measureUssd(
        `${kind}: ussd track, paced`,
        `track sessions, ${settings.ussdPaceSeconds} s thinking between hops`,
        ussd(['1', '2', reference]),
        true,
      );
      // autocannon stops with a hop in flight on each connection; the server finishes them even
      // though nobody waits for the answers, so let them end before the database closes.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return {
        database: kind,
        sessions: settings.ussdSessions,
        baselineInsert,
        report: { ...report, ofBaseline: report.requestsPerSecond / baselineInsert.requestsPerSecond },
        baselineSelect,
        track: { ...track, ofBaseline: track.requestsPerSecond / baselineSelect.requestsPerSecond },
        // Paced, the hops per second are what the callers offer, not what the server can do.
        pacedReport,
        pacedTrack,
      };
    } finally {
      timer.remove();
    }
  } finally {
    await baseline.close();
    if (databaseUrl !== undefined) await pool.end();
  }
}

/** One whole report over HTTP; its reference, for the track sessions. */
async function sendOneReport(url: string): Promise<string> {
  const sessionId = `ATUid_bench_${Date.now()}`;
  let body = '';
  for (let hop = 0; hop <= REPORT.length; hop++) {
    const response = await fetch(`${url}/channels/ussd/africastalking`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        sessionId,
        serviceCode: '*384*2020#',
        phoneNumber: '+254711000111',
        text: REPORT.slice(0, hop).join('*'),
      }).toString(),
    });
    body = await response.text();
  }
  const reference = /Reference: (\d{4}-\d{4}-\d{3})/.exec(body)?.[1];
  if (!reference) throw new Error(`ussd: the first report got no reference: ${body}`);
  return reference.replaceAll('-', '');
}

export function formatUssd(f: UssdFigures): string {
  // autocannon's whole milliseconds as they are; the paced loop's to a tenth.
  const ms = (value: number) =>
    value === 0 ? '<1' : Number.isInteger(value) ? String(value) : value.toFixed(1);
  const rows = f.runs.flatMap((run) =>
    [
      { ...run.baselineInsert, server: undefined, ofBaseline: 1 },
      run.report,
      { ...run.baselineSelect, server: undefined, ofBaseline: 1 },
      run.track,
      run.pacedReport,
      run.pacedTrack,
    ].map((s) => [
      s.name,
      s.requestsPerSecond.toFixed(0),
      ms(s.latencyP50Ms),
      ms(s.latencyP99Ms),
      s.server ? (s.server.p50Us / 1000).toFixed(2) : '-',
      s.server ? (s.server.p99Us / 1000).toFixed(2) : '-',
      s.ofBaseline === null ? '-' : s.ofBaseline.toFixed(2),
      String(s.requests),
      String(s.errors),
      String(s.non2xx),
    ]),
  );
  return [
    `USSD at ${f.sessions} concurrent sessions, per hop (p50/p99: autocannon, whole ms, every hop of every session;`,
    `closed loop: each session's next hop as soon as the last is answered; paced: each caller thinks ${f.paceSeconds} s on average between hops;`,
    'server: request event to response finish; ÷ baseline: hops/s as a share of the bare Fastify + pg INSERT',
    '(report) or primary-key SELECT (track) at the same concurrency on the same database):',
    table(
      [
        'scenario',
        'hops/s',
        'p50 ms',
        'p99 ms',
        'server p50 ms',
        'server p99 ms',
        '÷ baseline',
        'requests',
        'errors',
        'non-2xx',
      ],
      rows,
    ),
  ].join('\n');
}
