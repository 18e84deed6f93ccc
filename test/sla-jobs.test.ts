import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { dueCaseJobId, type Jobs, startJobs } from '../src/jobs/start-jobs.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { submitCase } from './helpers/factories.ts';

/*
 * The jobs on pg-boss itself: the sweep enqueues one job per due case under a deterministic id,
 * and workers (two here, as two processes would be) act on it exactly once.
 */

let ctx: TestContext;
const workers: Jobs[] = [];
const quiet = { error() {}, info() {} };

before(async () => {
  ctx = await createTestContext();
  for (let i = 0; i < 2; i++) {
    workers.push(
      await startJobs(
        ctx.database,
        { db: ctx.database.db, sla: ctx.sla, reference: ctx.reference, now: () => ctx.clock.now, log: quiet },
        { work: true, pollingIntervalSeconds: 0.5 },
      ),
    );
  }
});
after(async () => {
  for (const worker of workers) await worker.stop();
  await ctx.close();
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('sweeping twice makes one job per due case, however many of its clocks are due, and the workers act on each once', async () => {
  ctx.clock.now = new Date('2026-11-23T08:00:00+03:00');
  const cases = [await submitCase(ctx), await submitCase(ctx), await submitCase(ctx)];
  const db = ctx.database.db;
  const ids = await db
    .selectFrom('cases')
    .select(['id', 'reference'])
    .where(
      'reference',
      'in',
      cases.map((c) => c.reference),
    )
    .execute();
  // Thursday afternoon: acknowledge (due Monday 17:00) is breached, and the first-response warning
  // (Thursday 15:00) is due too: two due clocks per case, still one job per case.
  ctx.clock.now = new Date('2026-11-26T16:00:00+03:00');
  const [first, second] = workers as [Jobs, Jobs];
  const swept = await Promise.all([first.sweep(), second.sweep()]);
  assert.ok(swept.every((s) => s.cases >= 3));

  const jobs = await sql<{ id: string; caseId: string }>`
    SELECT id, data->>'caseId' AS "caseId" FROM pgboss.job
    WHERE name = 'sla-due-case' AND data->>'caseId' = ANY(${ids.map((r) => r.id)})
  `.execute(db);
  assert.equal(jobs.rows.length, 3, 'one job per case, however many sweeps');
  const dueAt = new Date('2026-11-23T15:00:00+03:00'); // the 75% warning comes first
  for (const { id } of ids) assert.ok(jobs.rows.some((j) => j.caseId === id));
  assert.ok(jobs.rows.every((j) => j.id === dueCaseJobId({ caseId: j.caseId, fireAt: dueAt })));

  for (const { id } of ids) {
    await waitFor('the escalation', async () => {
      const row = await db
        .selectFrom('cases')
        .select('escalationLevel')
        .where('id', '=', id)
        .executeTakeFirst();
      return row?.escalationLevel === 'supervisor' ? true : undefined;
    });
    const escalations = await db
      .selectFrom('events')
      .select('seq')
      .where('streamId', '=', id)
      .where('kind', '=', 'case.escalated')
      .execute();
    assert.equal(escalations.length, 1);
    const warnings = await db
      .selectFrom('events')
      .select('data')
      .where('streamId', '=', id)
      .where('kind', '=', 'sla.warning')
      .execute();
    assert.deepEqual(
      warnings.map((w) => (w.data as { clock: string }).clock),
      ['first_response'],
    );
  }
});
