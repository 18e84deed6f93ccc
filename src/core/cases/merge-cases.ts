import { assertCan } from '../access/case-policy.ts';
import type { Principal } from '../access/principal.ts';
import { actorOf } from '../access/principal.ts';
import { AppError, invalidInput, notFound } from '../errors.ts';
import { appendEvents } from '../events/append-events.ts';
import { snapshot } from './mutate-case.ts';
import { parseReference } from './reference.ts';
import type { StaffDeps } from './staff-actions.ts';
import { isOpen } from './state-machine.ts';

/**
 * Marks a case as a duplicate of another: the duplicate ends as 'merged' and points at the case
 * that goes on, and both timelines say so. Both rows are locked in id order, so two merges
 * running at once cannot deadlock.
 */
export async function mergeCases(
  deps: StaffDeps,
  principal: Principal,
  duplicateReference: string,
  intoReference: string,
  reason?: string,
) {
  const duplicateRef = parseReference(duplicateReference);
  const intoRef = parseReference(intoReference);
  if (duplicateRef === intoRef) throw invalidInput('intoReference', 'a case cannot be merged into itself');
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('cases')
      .selectAll()
      .where('reference', 'in', [duplicateRef, intoRef])
      .orderBy('id')
      .forUpdate()
      .execute();
    const duplicate = rows.find((r) => r.reference === duplicateRef);
    const into = rows.find((r) => r.reference === intoRef);
    for (const kase of [duplicate, into]) {
      if (!kase) throw notFound('The case');
      try {
        assertCan(principal, 'read', kase);
      } catch {
        throw notFound('The case');
      }
      assertCan(principal, 'merge', kase);
    }
    if (!duplicate || !into) throw notFound('The case');
    if (!isOpen(duplicate.status))
      throw new AppError('invalid_transition', `A ${duplicate.status} case cannot be merged`);
    if (into.status === 'merged' || into.status === 'withdrawn') {
      throw new AppError('invalid_transition', `A case cannot be merged into a ${into.status} case`);
    }
    const actor = actorOf(principal);
    const merged = { ...duplicate, status: 'merged' as const, assigneeId: null };
    // The duplicate's clocks stop; the case that goes on keeps its own.
    await deps.sla.replan(
      trx,
      duplicate.id,
      { before: snapshot(duplicate), after: snapshot(merged), events: [], actor },
      now,
    );
    await trx
      .updateTable('cases')
      .set({
        status: 'merged',
        mergedIntoId: into.id,
        assigneeId: null,
        closedAt: now,
        updatedAt: now,
        nextDueAt: null,
      })
      .where('id', '=', duplicate.id)
      .execute();
    await trx.updateTable('cases').set({ updatedAt: now }).where('id', '=', into.id).execute();
    await appendEvents(
      trx,
      { id: duplicate.id, caseId: duplicate.id },
      actor,
      [
        {
          kind: 'case.merged',
          public: true,
          data: {
            before: { status: duplicate.status },
            after: { status: 'merged' },
            mergedInto: into.reference,
            reason: reason ?? null,
          },
        },
      ],
      now,
    );
    await appendEvents(
      trx,
      { id: into.id, caseId: into.id },
      actor,
      [
        {
          kind: 'case.duplicate_merged',
          public: false,
          data: { duplicate: duplicate.reference, reason: reason ?? null },
        },
      ],
      now,
    );
    return { reference: duplicate.reference, status: 'merged' as const, mergedInto: into.reference };
  });
}
