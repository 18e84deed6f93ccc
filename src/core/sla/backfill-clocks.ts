import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import type { CaseRow } from '../../db/schema.ts';
import { snapshot } from '../cases/mutate-case.ts';
import { OPEN_STATUSES } from '../cases/state-machine.ts';
import { SYSTEM_ACTOR } from '../events/append-events.ts';
import type { Clock } from './clock-math.ts';
import { nextDueAt, planClocks } from './plan-clocks.ts';
import type { SlaService } from './sla-service.ts';

/**
 * The clocks an open case would have if it had had them all along: started when it was submitted,
 * then moved to its current status and assignee as of its last change. Lateness since then shows
 * as lateness. For cases written without clocks (demo data, cases from before the SLA engine).
 */
export function reconstructClocks(
  sla: Pick<SlaService, 'policyFor' | 'calendar'> & { clearingHouseId: string },
  kase: CaseRow,
): Clock[] {
  const submitted = { ...snapshot(kase), status: 'new' as const, assigneeId: null };
  const base = { events: [], actor: SYSTEM_ACTOR, clearingHouseId: sla.clearingHouseId };
  const started = planClocks(
    [],
    { ...base, before: null, after: submitted },
    sla.policyFor(submitted),
    sla.calendar,
    kase.createdAt,
  );
  const now = snapshot(kase);
  if (now.status === 'new' && !now.assigneeId) return started;
  return planClocks(
    started,
    { ...base, before: submitted, after: now },
    sla.policyFor(now),
    sla.calendar,
    kase.updatedAt,
  );
}

/** Gives every open case that has no clocks its reconstructed clocks, a page at a time. */
export async function backfillClocks(db: Db, sla: SlaService, pageSize = 1000): Promise<number> {
  const open = sql.join(OPEN_STATUSES.map((s) => sql.lit(s)));
  let total = 0;
  for (;;) {
    const cases = await sql<CaseRow>`
      SELECT * FROM cases c
      WHERE c.status IN (${open}) AND c.next_due_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM case_clocks k WHERE k.case_id = c.id)
      LIMIT ${pageSize}`.execute(db);
    if (cases.rows.length === 0) return total;
    await db.transaction().execute(async (trx) => {
      const rows = cases.rows.flatMap((kase) =>
        reconstructClocks(sla, kase).map((clock) => ({ ...clock, caseId: kase.id })),
      );
      if (rows.length === 0) return;
      await trx
        .insertInto('caseClocks')
        .values(rows)
        .onConflict((oc) => oc.doNothing())
        .execute();
      const byCase = new Map<string, Clock[]>();
      for (const row of rows) byCase.set(row.caseId, [...(byCase.get(row.caseId) ?? []), row]);
      const due = cases.rows.map((kase) => ({ id: kase.id, due: nextDueAt(byCase.get(kase.id) ?? []) }));
      await sql`
        UPDATE cases SET next_due_at = d.due
        FROM unnest(${due.map((d) => d.id)}::uuid[], ${due.map((d) => d.due)}::timestamptz[]) AS d(id, due)
        WHERE cases.id = d.id`.execute(trx);
    });
    total += cases.rows.length;
    // A policy that starts no clock at all leaves the case as it was: the invariant check reports it.
    if (cases.rows.length < pageSize || !cases.rows.some((kase) => reconstructClocks(sla, kase).length > 0)) {
      return total;
    }
  }
}
