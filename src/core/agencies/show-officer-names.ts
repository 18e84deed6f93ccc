import type { Db } from '../../db/open-database.ts';
import { actorOf, type Principal } from '../access/principal.ts';
import { administersAgency } from '../console/admin-access.ts';
import { forbidden } from '../errors.ts';
import { appendEvents } from '../events/append-events.ts';
import type { ReferenceCache } from './reference-cache.ts';

/**
 * An agency chooses whether citizens see the name of the officer handling their case. Its own
 * administrator or a system administrator decides; the choice is recorded in the system log.
 */
export async function setOfficerNamesShown(
  deps: { db: Db; reference: ReferenceCache; now: () => Date },
  principal: Principal,
  agencyCode: string,
  shown: boolean,
): Promise<void> {
  const agency = deps.reference.requireAgency(agencyCode);
  if (!administersAgency(principal, agency.id))
    throw forbidden('Only a system administrator or this agency’s administrator may change this');
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('agencies').set({ showOfficerNames: shown }).where('id', '=', agency.id).execute();
    await appendEvents(
      trx,
      { id: 'system', caseId: null },
      actorOf(principal),
      [{ kind: 'agency.officer_names_shown', public: false, data: { agencyCode: agency.code, shown } }],
      deps.now(),
    );
  });
}

/** The name of the officer handling a case, for its citizen: only when the agency allows it. */
export async function publicOfficerName(db: Db, caseId: string): Promise<string | null> {
  const row = await db
    .selectFrom('cases')
    .innerJoin('agencies', 'agencies.id', 'cases.agencyId')
    .innerJoin('staffUsers', 'staffUsers.id', 'cases.assigneeId')
    .select('staffUsers.name')
    .where('cases.id', '=', caseId)
    .where('agencies.showOfficerNames', '=', true)
    .where('cases.sealed', '=', false)
    .executeTakeFirst();
  return row?.name ?? null;
}
