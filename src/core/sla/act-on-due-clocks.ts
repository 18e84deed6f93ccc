import type { Updateable } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import type { CaseTable, Priority } from '../../db/schema.ts';
import { type MutateDeps, mutateCase } from '../cases/mutate-case.ts';
import { isOpen } from '../cases/state-machine.ts';
import { type NewEvent, SYSTEM_ACTOR } from '../events/append-events.ts';
import { type Clock, repeatEscalationAt } from './clock-math.ts';
import { notifyStaff, recipientsAt } from './notify-staff.ts';
import { type BreachAction, type EscalationLevel, nextLevel } from './sla-policy.ts';
import { saveClocks, toClock } from './sla-service.ts';

export interface DueClockOutcome {
  /** Clocks this run claimed (0 when another worker had already acted on them). */
  claimed: number;
  warnings: number;
  breaches: number;
  escalations: number;
}

const RAISED: Record<Priority, Priority> = { P4: 'P3', P3: 'P2', P2: 'P1', P1: 'P1' };

/**
 * Acts on one case's clocks that are due at `now`: a warning to whoever holds the case, or a breach
 * with the policy's actions (notify, escalate one level, raise priority, reassign, close for want
 * of the citizen's answer), or a repeated escalation of a breach still unmet.
 *
 * Safe to run twice at once: the case row is locked first (mutateCase), and the clocks are claimed
 * by `UPDATE ... WHERE fire_at <= now RETURNING`, so the second run finds nothing left to claim and
 * does nothing. Every action is an event on the case, in the same transaction.
 */
export function actOnDueClocks(deps: MutateDeps, caseId: string, now: Date): Promise<DueClockOutcome> {
  return mutateCase(deps, { id: caseId }, SYSTEM_ACTOR, now, async (kase, trx) => {
    const claimed = await claimDueClocks(trx, caseId, now);
    const outcome: DueClockOutcome = { claimed: claimed.length, warnings: 0, breaches: 0, escalations: 0 };
    const events: NewEvent[] = [];
    const changes: Updateable<CaseTable> = {};
    // The case as the actions leave it, so two breaches at once escalate two levels, not one twice.
    const current = { ...kase };
    const policy = deps.sla.policyFor(current);
    const updated: Clock[] = [];
    for (const clock of claimed) {
      if (!isOpen(current.status) || clock.status !== 'running' || !clock.dueAt) {
        updated.push({ ...clock, fireAt: null });
        continue;
      }
      const calendar = deps.sla.calendar(clock.calendarId);
      const breachedNow = !clock.breachedAt && clock.dueAt <= now;
      if (!clock.breachedAt && !breachedNow) {
        // Woken early (the deadline moved, or the warning was already given): wait for the next moment.
        if (clock.warnedAt || !clock.warnAt || clock.warnAt > now) {
          updated.push({ ...clock, fireAt: clock.warnedAt || !clock.warnAt ? clock.dueAt : clock.warnAt });
          continue;
        }
        // Not due yet: the warning (75% of the time gone, by default).
        outcome.warnings += 1;
        events.push({
          kind: 'sla.warning',
          public: false,
          data: { clock: clock.clock, dueAt: clock.dueAt.toISOString(), policy: clock.policy },
        });
        await notifyStaff(trx, await recipientsAt(trx, current, 'officer'), {
          caseId,
          kind: 'sla.warning',
          data: { clock: clock.clock, dueAt: clock.dueAt.toISOString() },
          at: now,
        });
        updated.push({ ...clock, warnedAt: now, fireAt: clock.dueAt });
        continue;
      }
      const actions: readonly BreachAction[] = policy.breachActions[clock.clock] ?? ['notify'];
      if (breachedNow) {
        outcome.breaches += 1;
        events.push({
          kind: 'sla.breached',
          public: false,
          data: { clock: clock.clock, dueAt: clock.dueAt.toISOString(), policy: clock.policy, actions },
        });
      }
      let escalated = false;
      // A breach runs the policy's actions; a breach still unmet later only climbs the chain.
      const repeated: readonly BreachAction[] = actions.includes('escalate') ? ['escalate'] : [];
      for (const action of breachedNow ? actions : repeated) {
        if (action === 'escalate') {
          const to = nextLevel(policy.escalation, current.escalationLevel as EscalationLevel);
          if (!to) continue;
          escalated = true;
          outcome.escalations += 1;
          events.push({
            kind: 'case.escalated',
            // The citizen sees that their case went up, not who sits there.
            public: true,
            data: {
              before: { escalationLevel: current.escalationLevel },
              after: { escalationLevel: to },
              clock: clock.clock,
            },
          });
          current.escalationLevel = to;
          changes.escalationLevel = to;
          await notifyStaff(trx, await recipientsAt(trx, current, to), {
            caseId,
            kind: 'case.escalated',
            data: { clock: clock.clock, level: to, reference: current.reference },
            at: now,
          });
        } else if (action === 'raise_priority' && current.priority !== 'P1') {
          const priority = RAISED[current.priority];
          events.push({
            kind: 'case.priority_changed',
            public: false,
            data: {
              before: { priority: current.priority },
              after: { priority },
              reason: `the ${clock.clock} deadline passed`,
            },
          });
          current.priority = priority;
          changes.priority = priority;
        } else if (action === 'reassign' && current.assigneeId) {
          events.push({
            kind: 'case.reassigned',
            public: false,
            data: {
              before: { assigneeId: current.assigneeId },
              after: { assigneeId: null },
              reason: 'the assignee did not act on the case in time',
            },
          });
          await notifyStaff(trx, await recipientsAt(trx, { ...current, assigneeId: null }, 'supervisor'), {
            caseId,
            kind: 'case.reassigned',
            data: { previousAssigneeId: current.assigneeId, reference: current.reference },
            at: now,
          });
          current.assigneeId = null;
          changes.assigneeId = null;
        } else if (action === 'close' && current.status === 'awaiting_citizen') {
          events.push({
            kind: 'case.status_changed',
            public: true,
            data: {
              before: { status: current.status },
              after: { status: 'closed' },
              reason: 'no_citizen_reply',
              waitedSeconds: clock.targetSeconds,
            },
          });
          current.status = 'closed';
          changes.status = 'closed';
          changes.closedAt = now;
        } else if (action === 'notify') {
          // Whoever held the case when the deadline passed, even if the breach just took it away.
          await notifyStaff(trx, await recipientsAt(trx, kase, 'officer'), {
            caseId,
            kind: 'sla.breached',
            data: { clock: clock.clock, dueAt: clock.dueAt.toISOString(), reference: current.reference },
            at: now,
          });
        }
      }
      const climbing =
        escalated && nextLevel(policy.escalation, current.escalationLevel as EscalationLevel) !== null;
      updated.push({
        ...clock,
        breachedAt: clock.breachedAt ?? now,
        escalations: clock.escalations + (escalated ? 1 : 0),
        // Still unmet after the interval, it goes one level further up.
        fireAt: climbing ? repeatEscalationAt(policy, calendar, now) : null,
      });
    }
    await saveClocks(trx, caseId, claimed, updated);
    return { changes, events, result: outcome };
  });
}

/**
 * Takes the clocks of a case that are due, so that no other worker acts on them: their fire_at is
 * cleared in the claiming statement, and the caller sets the next one.
 */
async function claimDueClocks(trx: Db, caseId: string, now: Date): Promise<Clock[]> {
  const rows = await trx
    .updateTable('caseClocks')
    .set({ fireAt: null })
    .where('caseId', '=', caseId)
    .where('fireAt', 'is not', null)
    .where('fireAt', '<=', now)
    .returningAll()
    .execute();
  // RETURNING gives the row as updated: fire_at is NULL now, and the caller sets the next one.
  return rows.map(toClock);
}
