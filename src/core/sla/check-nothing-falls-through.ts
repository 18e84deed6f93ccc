import { sql } from 'kysely';
import { v7 as timeOrderedUuid } from 'uuid';
import type { Db } from '../../db/open-database.ts';
import type { ReferenceCache } from '../agencies/reference-cache.ts';
import { type MutateDeps, mutateCase, snapshot } from '../cases/mutate-case.ts';
import { OPEN_STATUSES } from '../cases/state-machine.ts';
import { SYSTEM_ACTOR } from '../events/append-events.ts';
import { actOnDueClocks } from './act-on-due-clocks.ts';
import { reconstructClocks } from './backfill-clocks.ts';
import { meetClock, startClock } from './clock-math.ts';
import { nextDueAt } from './plan-clocks.ts';
import { loadClocks, saveClocks } from './sla-service.ts';

/*
 * The invariant: every open case has an owner queue (an onboarded agency or the clearing house)
 * and a due time for its next milestone, and no clock that should have fired is left unfired.
 * This check finds every case that breaks it, repairs what it can, and records what it found for
 * the administrators' dashboard (GET /api/v1/admin/sla/health).
 */

export type Problem =
  | 'owner_not_onboarded'
  | 'no_due_time'
  | 'clock_not_fired'
  | 'clock_lost'
  | 'closed_with_running_clocks';

export interface Finding {
  problem: Problem;
  caseId: string;
  reference: string;
  clock?: string;
  repaired: boolean;
  detail?: string;
}

export interface CheckReport {
  id: string;
  ranAt: Date;
  openCases: number;
  findings: Finding[];
  repaired: number;
  unrepaired: number;
}

export interface CheckDeps extends MutateDeps {
  reference: ReferenceCache;
}

/** A clock this late has been missed: the sweep runs every minute, so five is generous. */
const GRACE_MS = 5 * 60_000;
/** Each kind of problem is looked at this many cases at a time; the next run takes the rest. */
const PER_PROBLEM = 500;

export async function checkNothingFallsThrough(deps: CheckDeps, now: Date): Promise<CheckReport> {
  const { db } = deps;
  const open = sql.join(OPEN_STATUSES.map((s) => sql.lit(s)));
  const findings: Finding[] = [];
  const attempt = async (finding: Omit<Finding, 'repaired'>, repair: () => Promise<unknown>) => {
    try {
      await repair();
      findings.push({ ...finding, repaired: true });
    } catch (error) {
      findings.push({ ...finding, repaired: false, detail: (error as Error).message });
    }
  };

  const [{ count: openCases } = { count: 0 }] = (
    await sql<{ count: number }>`SELECT count(*)::int AS count FROM cases WHERE status IN (${open})`.execute(
      db,
    )
  ).rows;

  const orphans = await sql<{ id: string; reference: string }>`
    SELECT c.id, c.reference FROM cases c JOIN agencies a ON a.id = c.agency_id
    WHERE c.status IN (${open}) AND NOT a.onboarded LIMIT ${PER_PROBLEM}`.execute(db);
  for (const row of orphans.rows) {
    await attempt({ problem: 'owner_not_onboarded', caseId: row.id, reference: row.reference }, () =>
      sendToClearingHouse(deps, row.id, now),
    );
  }

  const undated = await sql<{ id: string; reference: string }>`
    SELECT id, reference FROM cases WHERE status IN (${open}) AND next_due_at IS NULL LIMIT ${PER_PROBLEM}`.execute(
    db,
  );
  for (const row of undated.rows) {
    await attempt({ problem: 'no_due_time', caseId: row.id, reference: row.reference }, () =>
      restartClocks(deps, row.id, now),
    );
  }

  const late = await sql<{ caseId: string; reference: string; clock: string }>`
    SELECT k.case_id AS "caseId", c.reference, k.clock FROM case_clocks k JOIN cases c ON c.id = k.case_id
    WHERE k.fire_at IS NOT NULL AND k.fire_at < ${new Date(now.getTime() - GRACE_MS)}
    ORDER BY k.fire_at LIMIT ${PER_PROBLEM}`.execute(db);
  for (const row of late.rows) {
    await attempt({ problem: 'clock_not_fired', ...row }, () => actOnDueClocks(deps, row.caseId, now));
  }

  const lost = await sql<{ caseId: string; reference: string; clock: string }>`
    SELECT k.case_id AS "caseId", c.reference, k.clock FROM case_clocks k JOIN cases c ON c.id = k.case_id
    WHERE k.status = 'running' AND k.breached_at IS NULL AND k.fire_at IS NULL LIMIT ${PER_PROBLEM}`.execute(
    db,
  );
  for (const row of lost.rows) {
    await attempt({ problem: 'clock_lost', ...row }, () =>
      db
        .updateTable('caseClocks')
        .set({ fireAt: sql`CASE WHEN warned_at IS NULL THEN warn_at ELSE due_at END` })
        .where('caseId', '=', row.caseId)
        .where('clock', '=', row.clock)
        // Only if it is still lost: it may have been met or scheduled since the check read it.
        .where('status', '=', 'running')
        .where('breachedAt', 'is', null)
        .where('fireAt', 'is', null)
        .execute(),
    );
  }

  const stale = await sql<{ caseId: string; reference: string }>`
    SELECT DISTINCT k.case_id AS "caseId", c.reference FROM case_clocks k JOIN cases c ON c.id = k.case_id
    WHERE k.status IN ('running', 'paused') AND c.status NOT IN (${open}) LIMIT ${PER_PROBLEM}`.execute(db);
  for (const row of stale.rows) {
    await attempt({ problem: 'closed_with_running_clocks', ...row }, () =>
      settleClocks(deps, row.caseId, now),
    );
  }

  const repaired = findings.filter((f) => f.repaired).length;
  const report: CheckReport = {
    id: timeOrderedUuid(),
    ranAt: now,
    openCases,
    findings,
    repaired,
    unrepaired: findings.length - repaired,
  };
  await db
    .insertInto('slaChecks')
    .values({
      id: report.id,
      ranAt: now,
      openCases,
      findings: JSON.stringify(findings),
      repaired,
      unrepaired: report.unrepaired,
    })
    .execute();
  return report;
}

const repairEvent = (problem: Problem, data: Record<string, unknown> = {}) => ({
  kind: 'sla.repaired',
  public: false,
  data: { problem, ...data },
});

/** A case owned by an agency that cannot work it goes to the clearing house, which can. */
function sendToClearingHouse(deps: CheckDeps, caseId: string, now: Date) {
  const clearingHouse = deps.reference.clearingHouse;
  return mutateCase(deps, { id: caseId }, SYSTEM_ACTOR, now, (kase) => ({
    changes: { agencyId: clearingHouse.id, assigneeId: null, status: 'new', queue: 'main' },
    events: [
      repairEvent('owner_not_onboarded', {
        before: { agencyId: kase.agencyId, status: kase.status, assigneeId: kase.assigneeId },
        after: { agencyId: clearingHouse.id, status: 'new', assigneeId: null },
      }),
    ],
    result: undefined,
  }));
}

/**
 * Gives an open case without a deadline its clocks: those it never had are reconstructed from its
 * submission (so neglect shows as lateness); if every clock it has is spent, resolve starts again.
 */
function restartClocks(deps: CheckDeps, caseId: string, now: Date) {
  return mutateCase(deps, { id: caseId }, SYSTEM_ACTOR, now, async (kase, trx) => {
    const existing = await loadClocks(trx, caseId);
    const have = new Set(existing.map((c) => c.clock));
    let planned = [...existing, ...reconstructClocks(deps.sla, kase).filter((c) => !have.has(c.clock))];
    if (nextDueAt(planned) === null) {
      const resolve = startClock('resolve', deps.sla.policyFor(snapshot(kase)), deps.sla.calendar, now);
      if (resolve) planned = [...planned.filter((c) => c.clock !== 'resolve'), resolve];
    }
    const due = nextDueAt(planned);
    if (!due) throw new Error('the policy for this case sets no clock that could run');
    await saveClocks(trx, caseId, existing, planned);
    return {
      changes: { nextDueAt: due },
      events: [repairEvent('no_due_time', { nextDueAt: due.toISOString() })],
      result: undefined,
    };
  });
}

/** A case that is no longer open keeps no running clock. */
function settleClocks(deps: CheckDeps, caseId: string, now: Date) {
  return mutateCase(deps, { id: caseId }, SYSTEM_ACTOR, now, async (kase, trx) => {
    const existing = await loadClocks(trx, caseId);
    const settled = existing.map((c) =>
      c.status === 'running' || c.status === 'paused'
        ? kase.status === 'resolved' && c.clock === 'resolve'
          ? meetClock(c, kase.resolvedAt ?? now)
          : { ...c, status: 'stopped' as const, fireAt: null }
        : c,
    );
    await saveClocks(trx, caseId, existing, settled);
    return {
      changes: { nextDueAt: null },
      events: [repairEvent('closed_with_running_clocks')],
      result: undefined,
    };
  });
}

/** The latest check, for the dashboard. */
export async function latestCheck(db: Db): Promise<CheckReport | undefined> {
  const row = await db
    .selectFrom('slaChecks')
    .selectAll()
    .orderBy('ranAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { ...row, findings: row.findings as Finding[] } : undefined;
}
