import { sql } from 'kysely';
import type pg from 'pg';
import { actOnDueClocks } from '../src/core/sla/act-on-due-clocks.ts';
import type { Db } from '../src/db/open-database.ts';
import { QUEUES, startJobs } from '../src/jobs/start-jobs.ts';
import type { Started } from '../src/start.ts';

/*
 * The second half of the SLA benchmark (bench/sla.ts): working off the due cases, through pg-boss
 * as in service and directly without the queue, and counting what that did.
 */

export interface ProcessingFigures {
  cases: number;
  escalations: number;
  seconds: number;
  casesPerSecond: number;
  escalationsPerSecond: number;
  errors: number;
}

/** Due cases worked on at once, by the jobs and by the direct run alike. */
export const CONCURRENCY = 4;
/** A due set not worked off in this long means something is stuck, not slow. */
const PROCESSING_TIMEOUT_MS = 10 * 60_000;

/**
 * The due cases worked off as in service: sweep() enqueues one sla-due-case job per case and four
 * pg-boss workers in this process act on them. Timed from the sweep until no due clock is left.
 */
export async function processThroughJobs(started: Started, due: number, failures: string[]) {
  const errors: string[] = [];
  const jobs = await startJobs(
    started.database,
    {
      db: started.database.db,
      sla: started.sla,
      reference: started.reference,
      now: () => new Date(),
      log: { error: (_obj, message) => errors.push(message), info: () => {} },
    },
    { work: true, pollingIntervalSeconds: 0.5, concurrency: CONCURRENCY },
  );
  try {
    // The benchmark runs the sweep itself: the per-minute sweep would add a second one at some
    // moment, and the ten-minute check would act on late clocks too.
    await jobs.boss.unschedule(QUEUES.sweep);
    await jobs.boss.unschedule(QUEUES.check);
    const before = await countEscalations(started.database.db);
    const start = performance.now();
    const swept = await jobs.sweep();
    const enqueueSeconds = (performance.now() - start) / 1000;
    console.log(`sla: swept ${swept.cases} due cases into jobs in ${enqueueSeconds.toFixed(1)} s`);
    if (swept.cases !== due) failures.push(`sla: the sweep enqueued ${swept.cases} cases, not ${due}`);
    const now = new Date();
    await waitUntilNoneDue(started.database.db, now, failures);
    const seconds = (performance.now() - start) / 1000;
    const escalations = (await countEscalations(started.database.db)) - before;
    return {
      enqueueSeconds,
      figures: processingFigures(swept.cases, escalations, seconds, errors, failures),
    };
  } finally {
    await jobs.stop();
  }
}

/**
 * A second set of D cases, made due by moving their submission 25 days back, worked off by calling
 * actOnDueClocks directly four at a time: the same work as the jobs do, without the queue.
 */
export async function processDirectly(started: Started, loader: pg.Client, due: number, failures: string[]) {
  const { db } = started.database;
  const deps = { db, sla: started.sla };
  // The first D·10 cases held the first due set; the next D have not been touched.
  const ids = (
    await loader.query<{ id: string }>(
      `WITH picked AS (
         UPDATE cases SET created_at = created_at - interval '25 days'
         WHERE reference > $1 AND reference <= $2 RETURNING id
       ), moved AS (
         UPDATE case_clocks k SET started_at = started_at - interval '25 days', due_at = due_at - interval '25 days',
           warn_at = warn_at - interval '25 days', met_at = met_at - interval '25 days',
           warned_at = CASE WHEN k.clock = 'resolve' THEN warn_at - interval '25 days' END,
           fire_at = CASE WHEN k.clock = 'resolve' THEN due_at - interval '25 days' END
         FROM picked WHERE k.case_id = picked.id AND k.clock IN ('resolve', 'first_response')
       )
       SELECT id FROM picked`,
      [String(10000000000 + due * 10), String(10000000000 + due * 11)],
    )
  ).rows.map((row) => row.id);
  await loader.query(
    `UPDATE cases SET next_due_at = k.due_at FROM case_clocks k
     WHERE k.case_id = cases.id AND k.clock = 'resolve' AND cases.id = ANY($1::uuid[])`,
    [ids],
  );
  await loader.query('VACUUM ANALYZE cases, case_clocks');
  const errors: string[] = [];
  const before = await countEscalations(db);
  const start = performance.now();
  let next = 0;
  const work = async () => {
    for (let id = ids[next++]; id !== undefined; id = ids[next++]) {
      try {
        await actOnDueClocks(deps, id, new Date());
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, work));
  const seconds = (performance.now() - start) / 1000;
  await waitUntilNoneDue(db, new Date(), failures);
  const escalations = (await countEscalations(db)) - before;
  return processingFigures(ids.length, escalations, seconds, errors, failures);
}

function processingFigures(
  cases: number,
  escalations: number,
  seconds: number,
  errors: string[],
  failures: string[],
): ProcessingFigures {
  if (escalations !== cases) failures.push(`sla: ${cases} due cases gave ${escalations} escalations`);
  if (errors.length > 0) failures.push(`sla: ${errors.length} cases failed, the first: ${errors[0]}`);
  console.log(`sla: ${cases} cases, ${escalations} escalations in ${seconds.toFixed(1)} s`);
  return {
    cases,
    escalations,
    seconds,
    casesPerSecond: cases / seconds,
    escalationsPerSecond: escalations / seconds,
    errors: errors.length,
  };
}

async function waitUntilNoneDue(db: Db, now: Date, failures: string[]): Promise<void> {
  const deadline = Date.now() + PROCESSING_TIMEOUT_MS;
  for (;;) {
    const [row] = (
      await sql<{ due: number }>`SELECT count(*)::int AS due FROM case_clocks
        WHERE fire_at IS NOT NULL AND fire_at <= ${now}`.execute(db)
    ).rows;
    if (!row || row.due === 0) return;
    if (Date.now() > deadline) {
      failures.push(`sla: ${row.due} clocks still due after ${PROCESSING_TIMEOUT_MS / 60_000} minutes`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function countEscalations(db: Db): Promise<number> {
  const [row] = (
    await sql<{
      count: number;
    }>`SELECT count(*)::int AS count FROM events WHERE kind = 'case.escalated'`.execute(db)
  ).rows;
  return row?.count ?? 0;
}
