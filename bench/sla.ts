import { type KyselyPlugin, type RootOperationNode, sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { findDueClocks, sweepDueClocks } from '../src/core/sla/sweep-due-clocks.ts';
import type { Db } from '../src/db/open-database.ts';
import { prepare, type Started } from '../src/start.ts';
import { createBenchDatabase } from './bench-database.ts';
import {
  CONCURRENCY,
  type ProcessingFigures,
  processDirectly,
  processThroughJobs,
} from './sla-processing.ts';

/*
 * The SLA sweep for `npm run bench`, on a database of its own: open cases bulk-loaded with SQL (the
 * API would take hours for a million), a fixed number D of them due. First 10·D open cases are
 * loaded and measured, then cases that are not yet due are added up to the full count and the same
 * measurements repeated: the sweep reads only the partial index on fire_at, so its time should not
 * move, while the naive query over every running clock grows with the table. Then the due cases are
 * worked off through pg-boss as in production, and a second set of D directly (no queue), to show
 * what the queue costs.
 */

export interface PhaseFigures {
  openCases: number;
  dueCases: number;
  loadSeconds: number;
  vacuumSeconds: number;
  /** sweepDueClocks with nothing enqueued: every page of due clocks, median of five runs. */
  findDueMs: number;
  /** The naive query, `status = 'running' AND due_at <= now` over every clock, median of five runs. */
  baselineMs: number;
  usesIndex: boolean;
  /**
   * The same with the generic plan PostgreSQL falls back to for a prepared statement (Baraza
   * prepares every statement with parameters), which cannot see how few clocks are due.
   */
  genericPlanUsesIndex: boolean;
  genericPlan: string;
  /** EXPLAIN (ANALYZE, BUFFERS) of the first page findDueClocks reads, and of a later page. */
  plan: string;
  laterPagePlan: string;
}

export interface SlaFigures {
  openCases: number;
  dueCases: number;
  phases: [PhaseFigures, PhaseFigures];
  findDueRatio: number;
  baselineRatio: number;
  /** sweep() finding the due cases and inserting one pg-boss job for each. */
  enqueueSeconds: number;
  throughJobs: ProcessingFigures & { concurrency: number };
  direct: ProcessingFigures & { concurrency: number };
  /** The clock planning every submission does (policy layering, working-time arithmetic), warm. */
  planningMicrosPerCase: number;
  failures: string[];
}

const CHUNK = 100_000;
const RUNS = 5;

export async function benchSla(
  settings: { adminUrl: string; slaCases: number },
  defer: (cleanup: () => Promise<unknown>) => void,
): Promise<SlaFigures> {
  const total = settings.slaCases;
  const due = Math.floor(total / 100);
  const failures: string[] = [];
  const database = await createBenchDatabase(settings.adminUrl);
  defer(() => database.drop());
  console.log(`sla: database ${database.name}; ${total} open cases, ${due} of them due`);
  // No jobs here: they start later, once the data is loaded and measured.
  const started = await prepare(loadConfig({ DATABASE_URL: database.url, BARAZA_SEED_DEMO: 'false' }));
  defer(() => started.close());
  const loader = new pg.Client({ connectionString: database.url });
  await loader.connect();
  defer(() => loader.end());
  // Commits stay synchronous (one per 100,000 cases, so it costs nothing): VACUUM does not mark a
  // page all-visible while the asynchronous commit that filled it is not yet flushed, and the sweep's
  // index-only scan would then visit the heap for every due clock, at the first phase only.
  const shape = await describeCases(started, loader);
  const planningMicrosPerCase = timePlanning(started, shape.agencyId);

  const phaseA = await loadAndMeasure(started, loader, shape, { from: 1, to: due * 10, due }, failures);
  const phaseB = await loadAndMeasure(
    started,
    loader,
    shape,
    { from: due * 10 + 1, to: total, due },
    failures,
  );

  const throughJobs = await processThroughJobs(started, due, failures);
  const direct = await processDirectly(started, loader, due, failures);
  return {
    openCases: total,
    dueCases: due,
    phases: [phaseA, phaseB],
    findDueRatio: phaseB.findDueMs / phaseA.findDueMs,
    baselineRatio: phaseB.baselineMs / phaseA.baselineMs,
    enqueueSeconds: throughJobs.enqueueSeconds,
    throughJobs: { ...throughJobs.figures, concurrency: CONCURRENCY },
    direct: { ...direct, concurrency: CONCURRENCY },
    planningMicrosPerCase,
    failures,
  };
}

/**
 * A submission's clock planning, 20,000 times at one-second steps from a Monday morning (the
 * caches warm as in service, where submissions arrive seconds apart): microseconds per case.
 */
function timePlanning(started: Started, agencyId: string): number {
  const subject = {
    status: 'new' as const,
    agencyId,
    assigneeId: null,
    priority: 'P3' as const,
    type: 'complaint' as const,
    serviceId: null,
  };
  const from = Date.parse('2026-11-23T08:00:00+03:00');
  const plan = (i: number) => started.sla.initialClocks(subject, new Date(from + i * 1000)).clocks.length;
  for (let i = 0; i < 2000; i++) plan(i);
  const start = performance.now();
  for (let i = 0; i < 20_000; i++) plan(i);
  return ((performance.now() - start) * 1000) / 20_000;
}

export function formatSla(f: SlaFigures): string {
  const [a, b] = f.phases;
  const n = (x: number) => x.toLocaleString('en');
  const phase = (p: PhaseFigures) =>
    `  ${n(p.openCases).padStart(10)} open, ${n(p.dueCases)} due: find due ${p.findDueMs.toFixed(1)} ms ` +
    `(naive scan ${p.baselineMs.toFixed(1)} ms); loaded in ${p.loadSeconds.toFixed(1)} s, ` +
    `vacuum analyze ${p.vacuumSeconds.toFixed(1)} s; case_clocks_fire_idx ${indexUse(p)}`;
  const processed = (name: string, p: ProcessingFigures & { concurrency: number }) =>
    `  ${name}: ${n(p.cases)} cases, ${n(p.escalations)} escalations in ${p.seconds.toFixed(1)} s: ` +
    `${p.casesPerSecond.toFixed(0)} cases/s, ${p.escalationsPerSecond.toFixed(0)} escalations/s ` +
    `(${p.concurrency} at once${p.errors > 0 ? `, ${p.errors} ERRORS` : ''})`;
  return [
    `clock planning per submission: ${f.planningMicrosPerCase.toFixed(1)} µs`,
    'SLA sweep (PostgreSQL):',
    phase(a),
    phase(b),
    `  ${b.openCases / a.openCases}x the open cases: find due x${f.findDueRatio.toFixed(2)}, naive scan x${f.baselineRatio.toFixed(2)}`,
    `  sweep enqueueing ${n(f.dueCases)} jobs: ${f.enqueueSeconds.toFixed(1)} s`,
    processed('through pg-boss', f.throughJobs),
    processed('direct, no queue', f.direct),
    ...[a, b]
      .filter((p) => !p.usesIndex || !p.genericPlanUsesIndex)
      .map(
        (p) =>
          `  WARNING: at ${n(p.openCases)} open cases the due-clock query does not use the index ` +
          `(custom plan: ${p.usesIndex ? 'uses it' : 'does not'}, generic plan: ${p.genericPlanUsesIndex ? 'uses it' : 'does not'})`,
      ),
    `  plan of the first page at ${n(b.openCases)} open cases:`,
    ...b.plan.split('\n').map((line) => `    ${line}`),
  ].join('\n');
}

function indexUse(p: PhaseFigures): string {
  if (p.usesIndex && p.genericPlanUsesIndex) return 'used (custom and generic plans)';
  if (!p.usesIndex && !p.genericPlanUsesIndex) return 'NOT USED';
  return p.usesIndex ? 'used by the custom plan, NOT by the generic one' : 'NOT USED by the custom plan';
}

interface CaseShape {
  agencyId: string;
  policy: string;
}

/** The agency and policy name the loaded cases carry, from the defaults prepare() installed. */
async function describeCases(started: Started, loader: pg.Client): Promise<CaseShape> {
  const agency = started.reference.agency('DIS');
  if (!agency) throw new Error('the DIS agency is not in the reference data');
  const policy = started.sla.policyFor({
    status: 'in_progress',
    agencyId: agency.id,
    assigneeId: null,
    priority: 'P3',
    type: 'complaint',
    serviceId: null,
  });
  // Someone to escalate to, so each escalation writes its notification as it would in service.
  await loader.query(
    `INSERT INTO staff_users (id, email, name, role, agency_id, password_hash)
     VALUES (gen_random_uuid(), 'sla-bench-supervisor@example.invalid', 'Bench Supervisor', 'supervisor', $1, 'x')`,
    [agency.id],
  );
  return { agencyId: agency.id, policy: policy.sources.resolve ?? 'default' };
}

async function loadAndMeasure(
  started: Started,
  loader: pg.Client,
  shape: CaseShape,
  range: { from: number; to: number; due: number },
  failures: string[],
): Promise<PhaseFigures> {
  const loadStart = performance.now();
  for (let from = range.from; from <= range.to; from += CHUNK) {
    const to = Math.min(range.to, from + CHUNK - 1);
    await loadCases(loader, shape, from, to, range.due * 10);
    console.log(
      `sla: loaded ${to.toLocaleString('en')} open cases (${((performance.now() - loadStart) / 1000).toFixed(1)} s)`,
    );
  }
  const loadSeconds = (performance.now() - loadStart) / 1000;
  // Statistics and visibility map as a running system has them; no autovacuum mid-measurement.
  const vacuumStart = performance.now();
  await loader.query('VACUUM ANALYZE cases, case_clocks');
  const vacuumSeconds = (performance.now() - vacuumStart) / 1000;

  const { db } = started.database;
  const now = new Date();
  const found = await sweepDueClocks(db, now, async () => {});
  if (found.cases !== range.due)
    failures.push(`sla: the sweep found ${found.cases} due cases, not ${range.due}`);
  const findDueMs = await medianMs(() => sweepDueClocks(db, now, async () => {}));
  // No index serves this: it reads every clock, due or not.
  const naive = () =>
    sql`SELECT case_id FROM case_clocks WHERE status = 'running' AND due_at <= ${now}`.execute(db);
  await naive();
  const baselineMs = await medianMs(naive);
  const [first, later] = await captureDueClockQueries(db, now);
  const plan = await explain(loader, first);
  const laterPagePlan = await explain(loader, later);
  const genericPlan = await explainGeneric(loader, first);
  const usesIndex = plan.includes('case_clocks_fire_idx');
  const genericPlanUsesIndex = genericPlan.includes('case_clocks_fire_idx');
  const openCases = range.to;
  console.log(
    `sla: ${openCases.toLocaleString('en')} open cases: find due ${findDueMs.toFixed(1)} ms, naive scan ${baselineMs.toFixed(1)} ms`,
  );
  if (!usesIndex) {
    console.warn(`sla: WARNING: the due-clock query does not use case_clocks_fire_idx:\n${plan}`);
  }
  if (!genericPlanUsesIndex) {
    console.warn(
      `sla: WARNING: the generic plan of the due-clock query does not use the index:\n${genericPlan}`,
    );
  }
  return {
    openCases,
    dueCases: range.due,
    loadSeconds,
    vacuumSeconds,
    findDueMs,
    baselineMs,
    usesIndex,
    genericPlanUsesIndex,
    genericPlan,
    plan,
    laterPagePlan,
  };
}

/**
 * Cases from..to (in_progress, P3, each with first_response met and resolve and interim_update
 * running), in one statement. Among the first `dueUpTo`, every tenth is due: submitted 22 to 30 days
 * ago, its 21-day resolve clock passed, warned but not yet breached. The others were submitted in
 * the last two weeks, and every clock they have fires at least a day and a half from now, so none
 * comes due while the benchmark runs. Every case had an interim update in the last two days.
 */
async function loadCases(loader: pg.Client, shape: CaseShape, from: number, to: number, dueUpTo: number) {
  await loader.query(
    `WITH src AS MATERIALIZED (
       SELECT i, gen_random_uuid() AS id, (i <= $3::int AND i % 10 = 0) AS due, random() AS u, random() AS v
       FROM generate_series($1::int, $2::int) AS i
     ), shaped AS MATERIALIZED (
       SELECT i, id, due, created_at, greatest(created_at, $4::timestamptz - v * interval '2 days') AS updated_at
       FROM (
         SELECT *, CASE WHEN due THEN $4::timestamptz - interval '22 days' - u * interval '8 days'
                        ELSE $4::timestamptz - interval '1 hour' - u * interval '14 days' END AS created_at
         FROM src
       ) AS s
     ), new_cases AS (
       INSERT INTO cases (id, reference, type, channel, status, priority, agency_id, pin_hash, description,
                          created_at, updated_at, next_due_at)
       SELECT id, (10000000000 + i)::text, 'complaint', 'web', 'in_progress', 'P3', $5, 'bench',
              'Benchmark case ' || i, created_at, updated_at,
              least(created_at + interval '21 days', updated_at + interval '7 days')
       FROM shaped
     )
     INSERT INTO case_clocks (case_id, clock, status, mode, calendar_id, target_seconds, policy, started_at,
                              due_at, warn_at, met_at, warned_at, fire_at)
     SELECT s.id, k.clock, k.status, k.mode, 'office-hours', k.target_seconds, $6, k.started_at, k.due_at,
            k.warn_at, k.met_at, k.warned_at, k.fire_at
     FROM shaped AS s CROSS JOIN LATERAL (VALUES
       ('first_response', 'met', 'working', 144000, s.created_at, s.created_at + interval '7 days',
        s.created_at + interval '5 days', s.created_at + interval '1 day', NULL::timestamptz, NULL::timestamptz),
       ('resolve', 'running', 'wall', 1814400, s.created_at, s.created_at + interval '21 days',
        s.created_at + interval '15 days 18 hours', NULL,
        CASE WHEN s.due THEN s.created_at + interval '15 days 18 hours' END,
        CASE WHEN s.due THEN s.created_at + interval '21 days' ELSE s.created_at + interval '15 days 18 hours' END),
       ('interim_update', 'running', 'wall', 604800, s.updated_at, s.updated_at + interval '7 days',
        s.updated_at + interval '5 days 6 hours', NULL, NULL, s.updated_at + interval '5 days 6 hours')
     ) AS k (clock, status, mode, target_seconds, started_at, due_at, warn_at, met_at, warned_at, fire_at)`,
    [from, to, dueUpTo, new Date(), shape.agencyId, shape.policy],
  );
}

/**
 * The SQL findDueClocks sends for its first page and for a later one, as compiled by Kysely, so the
 * plans shown are of the query that runs, whatever it becomes.
 */
async function captureDueClockQueries(db: Db, now: Date) {
  const nodes: RootOperationNode[] = [];
  const capture: KyselyPlugin = {
    transformQuery: ({ node }) => {
      nodes.push(node);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  const capturing = db.withPlugin(capture);
  const page = await findDueClocks(capturing, now, 1000);
  const last = page[page.length - 1];
  if (last) await findDueClocks(capturing, now, 1000, last);
  const executor = capturing.getExecutor();
  return nodes.map((node) => executor.compileQuery(node, { queryId: 'explain' }));
}

async function explain(
  loader: pg.Client,
  query: { sql: string; parameters: readonly unknown[] } | undefined,
): Promise<string> {
  if (!query) return '(no query: nothing was due)';
  const result = await loader.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${query.sql}`,
    query.parameters as unknown[],
  );
  return result.rows.map((row) => row['QUERY PLAN']).join('\n');
}

async function explainGeneric(
  loader: pg.Client,
  query: { sql: string; parameters: readonly unknown[] } | undefined,
): Promise<string> {
  if (!query) return '(no query: nothing was due)';
  await loader.query(`PREPARE due_clocks_page AS ${query.sql}`);
  try {
    await loader.query('SET plan_cache_mode = force_generic_plan');
    // EXECUTE takes no bound parameters (it is a utility statement): the values go in as literals.
    const args = query.parameters
      .map((value) => loader.escapeLiteral(value instanceof Date ? value.toISOString() : String(value)))
      .join(', ');
    const result = await loader.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE due_clocks_page(${args})`,
    );
    return result.rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await loader.query('RESET plan_cache_mode');
    await loader.query('DEALLOCATE due_clocks_page');
  }
}

async function medianMs(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(RUNS / 2)] ?? Number.NaN;
}
