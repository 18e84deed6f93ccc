import type { Updateable } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import type { CaseRow, CaseTable } from '../../db/schema.ts';
import { notFound } from '../errors.ts';
import { type Actor, appendEvents, type NewEvent } from '../events/append-events.ts';

export interface Mutation<T> {
  changes?: Updateable<CaseTable>;
  events: NewEvent[];
  result: T;
}

/**
 * The one way a case changes: lock the row, let `decide` check the rules and say what changes,
 * then write the change and its events in the same transaction. Locking the case first means two
 * officers acting at once are applied one after the other, each seeing the other's result.
 */
export async function mutateCase<T>(
  db: Db,
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
    if (mutation.changes && Object.keys(mutation.changes).length > 0) {
      await trx
        .updateTable('cases')
        .set({ ...mutation.changes, updatedAt: now })
        .where('id', '=', kase.id)
        .execute();
    }
    await appendEvents(trx, { id: kase.id, caseId: kase.id }, actor, mutation.events, now);
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
