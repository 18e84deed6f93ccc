import type { Db } from '../../db/open-database.ts';
import type { CaseRow } from '../../db/schema.ts';
import { can } from '../access/case-policy.ts';
import type { Principal } from '../access/principal.ts';
import { asStaff, type StaffDeps } from '../cases/staff-actions.ts';
import { notifyStaff } from '../sla/notify-staff.ts';

/** "@amina.odhiambo": the part of a colleague's e-mail address before the @. */
const MENTION = /(?<![\w.])@([a-z0-9][a-z0-9._-]{0,63})/gi;

/** The handle a colleague is mentioned by in notes. */
export const handleOf = (email: string) => email.slice(0, email.indexOf('@')).toLowerCase();

/**
 * An internal note; each colleague it mentions by handle who may read the case is told (a staff
 * notification), and the note records whom it reached. A handle that matches nobody who may read
 * the case is left as text: a note cannot be used to show a case to someone outside it.
 */
export function addNoteWithMentions(
  deps: StaffDeps,
  principal: Principal,
  reference: string,
  message: string,
): Promise<{ mentioned: { id: string; name: string }[] }> {
  return asStaff(deps, principal, reference, 'work', async (kase, trx) => {
    const mentioned = await findMentioned(trx, kase, message, principal);
    await notifyStaff(
      trx,
      mentioned.map((m) => m.id),
      {
        caseId: kase.id,
        kind: 'mentioned',
        data: { by: principal.kind === 'staff' ? principal.name : null, excerpt: message.slice(0, 200) },
        at: deps.now(),
      },
    );
    return {
      events: [
        {
          kind: 'case.note_added',
          public: false,
          data: mentioned.length > 0 ? { message, mentioned } : { message },
        },
      ],
      result: { mentioned },
    };
  });
}

async function findMentioned(
  db: Db,
  kase: Pick<CaseRow, 'agencyId' | 'sealed'>,
  message: string,
  author: Principal,
): Promise<{ id: string; name: string }[]> {
  const handles = [
    ...new Set(
      [...message.matchAll(MENTION)].map((m) => (m[1] as string).toLowerCase().replace(/[._-]+$/, '')),
    ),
  ];
  if (handles.length === 0) return [];
  // Only colleagues of the owning agency (or oversight, for sealed reports) can match.
  let query = db
    .selectFrom('staffUsers')
    .select(['id', 'name', 'email', 'role', 'agencyId'])
    .where('active', '=', true);
  query = kase.sealed ? query.where('role', '=', 'oversight') : query.where('agencyId', '=', kase.agencyId);
  const people = await query.execute();
  return people
    .filter((p) => handles.includes(handleOf(p.email)))
    .filter((p) => !(author.kind === 'staff' && p.id === author.userId))
    .filter((p) =>
      can(
        { kind: 'staff', userId: p.id, name: p.name, role: p.role, agencyId: p.agencyId, agencyCode: null },
        'read',
        kase,
      ),
    )
    .map(({ id, name }) => ({ id, name }));
}
