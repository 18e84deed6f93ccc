import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { prepare } from '../src/start.ts';
import { buildBaselineApp, createBaselineTable } from './baseline-app.ts';
import {
  type BenchDatabase,
  benchConfig,
  createBenchDatabase,
  DatabaseUnreachable,
  redact,
} from './bench-database.ts';
import { type BenchSettings, readSettings, SettingsError } from './bench-settings.ts';
import { benchConsole, formatConsole } from './console.ts';
import { benchKnowledge, knowledgeRows } from './knowledge.ts';
import { formatKnowledge } from './knowledge-report.ts';
import type { Target } from './load-job.ts';
import { measureScenario } from './measure-scenario.ts';
import { benchNotifications, formatNotifications } from './notifications.ts';
import { benchPortal, formatPortal } from './portal.ts';
import { failuresOf, formatTable, type Ratio, ratio, type ScenarioResult } from './report.ts';
import { runLoad, stopLoad } from './run-load.ts';
import { benchSla, formatSla } from './sla.ts';
import { benchSms, formatSms } from './sms.ts';
import { benchTriage, formatTriage, timeTriageInSubmissions } from './triage.ts';
import { benchUssd, formatUssd } from './ussd.ts';

/*
 * `npm run bench`: Baraza's submit and track endpoints against a bare Fastify + pg baseline doing
 * one INSERT and one primary-key SELECT, on the same fresh PostgreSQL database in the same run.
 * The servers run in this process; autocannon runs in a child process (run-load.ts) so that it
 * does not compete for this event loop. Figures go to the terminal and to .bench/results.json.
 * Exits 1 when any request failed; missing a target is reported, not a failure.
 * Then the SLA sweep on a database of its own (bench/sla.ts; BENCH_SLA_CASES, 0 skips it).
 * BENCH_ONLY=sla runs the SLA sweep section alone: the HTTP and triage sections take minutes and
 * the sweep needs nothing from them. The citizen portal's section (bench/portal.ts) runs after
 * track on the same server; BENCH_ONLY=portal runs it alone, on a fresh database of its own.
 * Last, the staff console's queue and case pages on a database of its own with
 * BENCH_CONSOLE_CASES open cases of one agency (bench/console.ts; 0 skips it, BENCH_ONLY=console
 * runs it alone). Then the USSD channel at BENCH_USSD_SESSIONS concurrent sessions, on PostgreSQL
 * and on PGlite, each on a database of its own (bench/ussd.ts; 0 skips it, BENCH_ONLY=ussd runs it
 * alone). Then SMS inbound messages per second against the baseline insert, on PostgreSQL on a
 * database of its own (bench/sms.ts; BENCH_ONLY=sms runs it alone). Then BENCH_NOTICES citizen
 * notices delivered through the outbox and the local provider (bench/notifications.ts; 0 skips
 * it, BENCH_ONLY=notifications runs it alone). Last, the knowledge base (bench/knowledge.ts): the
 * knowledge search with BENCH_KNOWLEDGE_ARTICLES articles on PostgreSQL and on PGlite, and the
 * console's case search with BENCH_CASE_SEARCH_CASES cases on PostgreSQL, each on a database of
 * its own (0 skips either; BENCH_ONLY=knowledge runs both alone); their rows join the table.
 */

const RESULTS_FILE = path.join(import.meta.dirname, '..', '.bench', 'results.json');
const SUBMIT_TARGET = 0.5;
const TRACK_TARGET = 0.7;

const cleanups: Array<() => Promise<unknown>> = [];
let cleaning: Promise<void> | undefined;
let interrupted = false;

/** Undoes everything in reverse order, once, whether the run ended, failed or was interrupted. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    stopLoad();
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        console.error('cleanup failed:', error);
      }
    }
  })();
  return cleaning;
}

async function main(): Promise<number> {
  let settings: BenchSettings;
  try {
    settings = readSettings(process.env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(error.message);
    return 1;
  }
  // The figures are only worth comparing on an otherwise idle machine.
  const loadAtStart = os.loadavg()[0] ?? 0;
  if (loadAtStart > 0.5) {
    console.warn(
      `warning: load average ${loadAtStart.toFixed(2)}: other work is running, figures will be low and noisy`,
    );
  }
  if (settings.only === 'sla') return runSectionOnly('sla', settings, loadAtStart, benchSla, formatSla);
  if (settings.only === 'portal') return runPortalOnly(settings, loadAtStart);
  if (settings.only === 'console')
    return runSectionOnly('console', settings, loadAtStart, benchConsole, formatConsole);
  if (settings.only === 'ussd') return runSectionOnly('ussd', settings, loadAtStart, benchUssd, formatUssd);
  if (settings.only === 'sms') return runSectionOnly('sms', settings, loadAtStart, benchSms, formatSms);
  if (settings.only === 'notifications')
    return runSectionOnly('notifications', settings, loadAtStart, benchNotifications, formatNotifications);
  if (settings.only === 'knowledge')
    return runSectionOnly('knowledge', settings, loadAtStart, benchKnowledge, formatKnowledge);
  let database: BenchDatabase;
  try {
    database = await createBenchDatabase(settings.adminUrl);
  } catch (error) {
    if (!(error instanceof DatabaseUnreachable)) throw error;
    console.error(`PostgreSQL is not reachable: ${error.message}
Start the local cluster with
  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
or point BENCH_DATABASE_URL at a server where this role may create databases.`);
    return 1;
  }
  cleanups.push(() => database.drop());
  console.log(`database ${database.name} on ${redact(settings.adminUrl)}`);

  const config = benchConfig({ DATABASE_URL: database.url });
  const started = await prepare(config);
  cleanups.push(() => started.close());
  const barazaUrl = await started.app.listen({ port: 0, host: '127.0.0.1' });

  const poolSize = started.database.pool.options.max ?? 10;
  const { pool, url: baselineUrl } = await startBaseline(database.url, poolSize, settings.seedCases);

  const rss: Record<string, number> = { afterStart: rssMb() };
  const failures: string[] = [];

  console.log(`seeding ${settings.seedCases} cases through POST /api/v1/cases...`);
  const seedStart = performance.now();
  const seed =
    settings.seedCases > 0
      ? await runLoad({
          target: { kind: 'submit', url: barazaUrl, path: '/api/v1/cases' },
          connections: settings.connections,
          amount: settings.seedCases,
        })
      : undefined;
  const seedSeconds = (performance.now() - seedStart) / 1000;
  if (seed && failuresOf(seed) > 0) {
    failures.push(
      `seeding: ${seed.errors} errors, ${seed.non2xx} non-2xx ${JSON.stringify(seed.statusCodes)}`,
    );
  }
  // Statistics and visibility map as a running system would have them, and no autovacuum
  // catching up on the bulk load in the middle of a measurement.
  await pool.query('VACUUM ANALYZE');
  rss.afterSeed = rssMb();

  const measure = (name: string, description: string, target: Target): Promise<ScenarioResult> =>
    measureScenario(settings, { name, description, target }, failures);

  // Each Baraza scenario right after its baseline, so both meet the database in the same state.
  const baselineInsert = await measure('baseline insert', 'bare Fastify + pg: one INSERT', {
    kind: 'submit',
    url: baselineUrl,
    path: '/baseline',
  });
  const triageTimes = timeTriageInSubmissions(started.triage);
  const submit = await measure('submit', 'POST /api/v1/cases', {
    kind: 'submit',
    url: barazaUrl,
    path: '/api/v1/cases',
  });
  const baselineIds = (await pool.query<{ id: string }>('SELECT id FROM bench_baseline')).rows.map(
    (r) => r.id,
  );
  const references = (await pool.query<{ reference: string }>('SELECT reference FROM cases')).rows.map(
    (r) => r.reference,
  );
  const baselineSelect = await measureScenario(
    settings,
    baselineSelectScenario(baselineUrl, baselineIds),
    failures,
  );
  const track = await measure('track', 'GET /api/v1/cases/{reference}', {
    kind: 'read',
    url: barazaUrl,
    pathPrefix: '/api/v1/cases/',
    keys: references,
  });
  const portal = await benchPortal(started, config, barazaUrl, settings, baselineSelect);
  failures.push(...portal.failures);
  rss.atEnd = rssMb();
  console.log('triage: predict throughput, CLI end to end, training on 10,000 examples...');
  const triage = await benchTriage(triageTimes);
  const sla = settings.slaCases > 0 ? await benchSla(settings, (step) => cleanups.push(step)) : null;
  if (sla) failures.push(...sla.failures);
  const staffConsole =
    settings.consoleCases > 0 ? await benchConsole(settings, (step) => cleanups.push(step)) : null;
  if (staffConsole) failures.push(...staffConsole.failures);
  const ussd = settings.ussdSessions > 0 ? await benchUssd(settings, (step) => cleanups.push(step)) : null;
  if (ussd) failures.push(...ussd.failures);
  const sms = await benchSms(settings, (step) => cleanups.push(step));
  failures.push(...sms.failures);
  const notifications =
    settings.notices > 0 ? await benchNotifications(settings, (step) => cleanups.push(step)) : null;
  if (notifications) failures.push(...notifications.failures);
  const knowledge =
    settings.knowledgeArticles > 0 || settings.caseSearchCases > 0
      ? await benchKnowledge(settings, (step) => cleanups.push(step))
      : null;
  if (knowledge) failures.push(...knowledge.failures);

  const scenarios = [
    baselineInsert,
    submit,
    baselineSelect,
    track,
    ...(knowledge ? knowledgeRows(knowledge) : []),
  ];
  const ratios: Ratio[] = [
    ratio('submit / baseline insert', submit, baselineInsert, SUBMIT_TARGET),
    ratio('track / baseline select', track, baselineSelect, TRACK_TARGET),
  ];
  const postgres = (await pool.query<{ server_version: string }>('SHOW server_version')).rows[0]
    ?.server_version;

  console.log(`\n${formatTable(scenarios, ratios)}`);
  console.log(
    `\nserver process RSS: ${rss.afterStart} MB after start, ${rss.afterSeed} MB after seeding, ${rss.atEnd} MB at the end`,
  );
  console.log(`\n${formatPortal(portal)}`);
  console.log(`\n${formatTriage(triage)}`);
  if (sla) console.log(`\n${formatSla(sla)}`);
  if (staffConsole) console.log(`\n${formatConsole(staffConsole)}`);
  if (ussd) console.log(`\n${formatUssd(ussd)}`);
  console.log(`\n${formatSms(sms)}`);
  if (notifications) console.log(`\n${formatNotifications(notifications)}`);
  if (knowledge) console.log(`\n${formatKnowledge(knowledge)}`);
  console.log(
    `seeded ${settings.seedCases} cases in ${seedSeconds.toFixed(1)} s; tracked among ${references.length} cases, ` +
      `baseline selected among ${baselineIds.length} rows`,
  );

  writeResults({
    date: new Date().toISOString(),
    machine: describeMachine(postgres, loadAtStart),
    settings: { ...settings, adminUrl: redact(settings.adminUrl), poolSize },
    seed: seed ? { cases: settings.seedCases, seconds: seedSeconds, ...seed } : null,
    scenarios,
    ratios,
    portal,
    triage,
    sla,
    console: staffConsole,
    ussd,
    sms,
    notifications,
    knowledge,
    rssMb: rss,
    failures,
  });
  console.log(`results written to ${path.relative(process.cwd(), RESULTS_FILE)}`);

  if (failures.length > 0) {
    console.error(`\nFAILED: some requests did not succeed:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    return 1;
  }
  return 0;
}

/**
 * One section alone (BENCH_ONLY=sla, console, sms, ussd, notifications or knowledge), against its own database, with its own
 * results file: run it, print it, write it, and fail on what it says failed.
 */
async function runSectionOnly<F extends { failures: string[] }>(
  key: 'sla' | 'console' | 'sms' | 'ussd' | 'notifications' | 'knowledge',
  settings: BenchSettings,
  loadAtStart: number,
  bench: (settings: BenchSettings, defer: (cleanup: () => Promise<unknown>) => void) => Promise<F>,
  format: (figures: F) => string,
): Promise<number> {
  let figures: F;
  try {
    figures = await bench(settings, (step) => cleanups.push(step));
  } catch (error) {
    if (!(error instanceof DatabaseUnreachable)) throw error;
    console.error(`PostgreSQL is not reachable: ${error.message}`);
    return 1;
  }
  const admin = new pg.Client({ connectionString: settings.adminUrl });
  await admin.connect();
  const postgres = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]
    ?.server_version;
  await admin.end();
  console.log(`\n${format(figures)}`);
  writeResults({
    date: new Date().toISOString(),
    machine: { ...describeMachine(postgres, loadAtStart), loadAverageAtEnd: os.loadavg()[0] },
    settings: { ...settings, adminUrl: redact(settings.adminUrl) },
    [key]: figures,
    failures: figures.failures,
  });
  console.log(`results written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
  if (figures.failures.length > 0) {
    console.error(`\nFAILED:\n${figures.failures.map((f) => `  - ${f}`).join('\n')}`);
    return 1;
  }
  return 0;
}

/**
 * The citizen portal's section alone (BENCH_ONLY=portal): Baraza on a fresh database with no cases
 * but the one the journey sends, rate limits off, and the baseline select to compare its pages
 * with. The server logs at level error into a list that the report prints, so a failing page says
 * why.
 */
async function runPortalOnly(settings: BenchSettings, loadAtStart: number): Promise<number> {
  let database: BenchDatabase;
  try {
    database = await createBenchDatabase(settings.adminUrl);
  } catch (error) {
    if (!(error instanceof DatabaseUnreachable)) throw error;
    console.error(`PostgreSQL is not reachable: ${error.message}`);
    return 1;
  }
  cleanups.push(() => database.drop());
  console.log(`database ${database.name} on ${redact(settings.adminUrl)}`);
  const config = benchConfig({ DATABASE_URL: database.url });
  const serverLog: string[] = [];
  const started = await prepare(config, {
    logger: { level: 'error', stream: { write: (line: string) => serverLog.push(line) } },
  });
  cleanups.push(() => started.close());
  const url = await started.app.listen({ port: 0, host: '127.0.0.1' });

  // The yardstick, as in the full run: a primary-key SELECT through bare Fastify + pg, measured now.
  const failures: string[] = [];
  let baseline: ScenarioResult | null = null;
  if (settings.seedCases > 0) {
    const poolSize = started.database.pool.options.max ?? 10;
    const { pool, url: baselineUrl } = await startBaseline(database.url, poolSize, settings.seedCases);
    await pool.query('VACUUM ANALYZE');
    const ids = (await pool.query<{ id: string }>('SELECT id FROM bench_baseline')).rows.map((r) => r.id);
    baseline = await measureScenario(settings, baselineSelectScenario(baselineUrl, ids), failures);
  }
  const portal = await benchPortal(started, config, url, settings, baseline, serverLog);
  failures.push(...portal.failures);
  const postgres = (await started.database.pool.query<{ server_version: string }>('SHOW server_version'))
    .rows[0]?.server_version;
  console.log(`\n${formatPortal(portal)}`);
  writeResults({
    date: new Date().toISOString(),
    machine: describeMachine(postgres, loadAtStart),
    settings: { ...settings, adminUrl: redact(settings.adminUrl) },
    portal,
    rssMb: { atEnd: rssMb() },
    failures,
  });
  console.log(`results written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
  if (failures.length > 0) {
    console.error(`\nFAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    return 1;
  }
  return 0;
}

/** The baseline app on its own pg Pool (the size of Baraza's, read from its pool rather than assumed). */
async function startBaseline(databaseUrl: string, poolSize: number, rows: number) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  cleanups.push(() => pool.end());
  await createBaselineTable(pool, rows);
  const app = buildBaselineApp(pool);
  cleanups.push(() => app.close());
  return { pool, url: await app.listen({ port: 0, host: '127.0.0.1' }) };
}

function baselineSelectScenario(url: string, keys: string[]) {
  return {
    name: 'baseline select',
    description: 'bare Fastify + pg: one primary-key SELECT',
    target: { kind: 'read', url, pathPrefix: '/baseline/', keys } satisfies Target,
  };
}

function describeMachine(postgres: string | undefined, loadAverageAtStart: number) {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    postgres,
    loadAverageAtStart,
  };
}

function rssMb(): number {
  return Math.round(process.memoryUsage().rss / 1024 ** 2);
}

function writeResults(results: object): void {
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: dropping the benchmark database`);
    void cleanUp().then(() => process.exit(130));
  });
}

main()
  .then(async (code) => {
    await cleanUp();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    // After an interrupt the load generator's end surfaces here as an error: not worth reporting.
    if (!interrupted) console.error('the benchmark failed:', error);
    await cleanUp();
    process.exit(1);
  });
