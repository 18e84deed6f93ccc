import type { Updateable } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import type { CaseRow, CaseTable } from '../../db/schema.ts';
import { notFound } from '../errors.ts';
import { type Actor, appendEvents, type NewEvent } from '../events/append-events.ts';
import { noticesFor, queueCitizenNotices } from '../messages/notify-citizen.ts';
import type { CaseSnapshot } from '../sla/plan-clocks.ts';
import type { SlaService } from '../sla/sla-service.ts';

export interface Mutation<T> {
  changes?: Updateable<CaseTable>;
  events: NewEvent[];
  result: T;
  /** Runs in the same transaction once the events are written, with their sequence numbers. */
  afterAppend?: (trx: Db, seqs: number[]) => Promise<void>;
}

export interface MutateDeps {
  db: Db;
  sla: SlaService;
}

/**
 * The one way a case changes: lock the row, let `decide` check the rules and say what changes,
 * then move the case's SLA clocks for the change, and write the change, the clocks and the events
 * in the same transaction, with the citizen's notices of it in the outbox. Locking the case first means two officers acting at once are applied
 * one after the other, each seeing the other's result.
 */
export async function mutateCase<T>(
  { db, sla }: MutateDeps,
  key: { reference: string } | { id: string },
  actor: Actor,
  now: Date,
  decide: (kase: CaseRow, trx: Db) => Promise<Mutation<T>> | Mutation<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const query = trx.selectFrom('cases').selectAll().forUpdate();
    const kase = await ('id' in key
      ? query.where('id', '=', key.id)
      : query.where('reference', '=', key.reference)
    ).executeTakeFirst();
    if (!kase) throw notFound('The case');
    const mutation = await decide(kase, trx);
    const changes = { ...mutation.changes };
    // Escalation is within an agency: a case that moves to another, or is reopened, starts again at
    // the officer level there.
    const moved = changes.agencyId !== undefined && changes.agencyId !== kase.agencyId;
    const reopened = changes.status === 'reopened' && kase.status !== 'reopened';
    if ((moved || reopened) && kase.escalationLevel !== 'officer' && changes.escalationLevel === undefined) {
      changes.escalationLevel = 'officer';
    }
    if (Object.keys(changes).length > 0 || mutation.events.length > 0) {
      const after = snapshot({ ...kase, ...changes } as CaseRow);
      const nextDueAt = await sla.replan(
        trx,
        kase.id,
        { before: snapshot(kase), after, events: mutation.events, actor },
        now,
      );
      if (nextDueAt?.getTime() !== kase.nextDueAt?.getTime()) changes.nextDueAt = nextDueAt;
    }
    if (Object.keys(changes).length > 0) {
      await trx
        .updateTable('cases')
        .set({ ...changes, updatedAt: now })
        .where('id', '=', kase.id)
        .execute();
    }
    const seqs = await appendEvents(trx, { id: kase.id, caseId: kase.id }, actor, mutation.events, now);
    // What the citizen hears of the change is queued with it: told once if it happened, never if not.
    const notices = noticesFor(mutation.events, seqs);
    if (notices.length > 0) {
      const after = { ...kase, ...changes } as CaseRow;
      const agency = await trx
        .selectFrom('agencies')
        .select(['name', 'nameSw'])
        .where('id', '=', after.agencyId)
        .executeTakeFirstOrThrow();
      await queueCitizenNotices(trx, notices, { kase: after, agency, actor, now });
    }
    await mutation.afterAppend?.(trx, seqs);
    return mutation.result;
  });
}

/** An event recording a status change, public because citizens follow their case by it. */
export function statusEvent(from: string, to: string, message?: string): NewEvent {
  return {
    kind: 'case.status_changed',
    public: true,
    data: { before: { status: from }, after: { status: to }, ...(message ? { message } : {}) },
  };
}

export const snapshot = (kase: CaseRow): CaseSnapshot => ({
  status: kase.status,
  agencyId: kase.agencyId,
  assigneeId: kase.assigneeId,
  priority: kase.priority,
  type: kase.type,
  serviceId: kase.serviceId,
});
