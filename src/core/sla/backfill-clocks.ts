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
    // Each page is locked as it is read (a case being changed right now is skipped and left to
    // the next start or to the check), so the backfill and a case change never wait on each other.
    const page = await db.transaction().execute(async (trx) => {
      const cases = await sql<CaseRow>`
        SELECT * FROM cases c
        WHERE c.status IN (${open}) AND c.next_due_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM case_clocks k WHERE k.case_id = c.id)
        ORDER BY c.id LIMIT ${pageSize}
        FOR UPDATE SKIP LOCKED`.execute(trx);
      const rows = cases.rows.flatMap((kase) =>
        reconstructClocks(sla, kase).map((clock) => ({ ...clock, caseId: kase.id })),
      );
      if (rows.length === 0) return { read: cases.rows.length, clocked: 0 };
      // PostgreSQL takes at most 65,535 parameters in one statement: a page's clocks go in slices.
      const perSlice = Math.floor(60_000 / Math.max(1, Object.keys(rows[0] ?? {}).length));
      for (let start = 0; start < rows.length; start += perSlice) {
        await trx
          .insertInto('caseClocks')
          .values(rows.slice(start, start + perSlice))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      const byCase = new Map<string, Clock[]>();
      for (const row of rows) byCase.set(row.caseId, [...(byCase.get(row.caseId) ?? []), row]);
      const due = cases.rows.map((kase) => ({ id: kase.id, due: nextDueAt(byCase.get(kase.id) ?? []) }));
      await sql`
        UPDATE cases SET next_due_at = d.due
        FROM unnest(${due.map((d) => d.id)}::uuid[], ${due.map((d) => d.due)}::timestamptz[]) AS d(id, due)
        WHERE cases.id = d.id`.execute(trx);
      return { read: cases.rows.length, clocked: byCase.size };
    });
    total += page.clocked;
    // A page that gave no case a clock (a policy that starts none) would come back the same: the
    // invariant check reports those cases.
    if (page.read < pageSize || page.clocked === 0) return total;
  }
}
