import type { Db } from '../../db/open-database.ts';
import type { StaffRole } from '../../db/schema.ts';
import { WORKERS } from '../access/case-policy.ts';
import { actorOf, type Principal, roleOf } from '../access/principal.ts';
import { AppError, forbidden, invalidInput, notFound } from '../errors.ts';
import { appendEvents } from '../events/append-events.ts';

/** The roles an agency administrator may give; oversight and sysadmin only a system administrator. */
export const AGENCY_ROLES: readonly StaffRole[] = WORKERS;

export interface StaffListing {
  id: string;
  name: string;
  email: string;
  role: StaffRole;
  agencyId: string | null;
  active: boolean;
  totpEnabled: boolean;
  lockedUntil: Date | null;
}

/** The accounts an administrator manages: their agency's, or every account for a system administrator. */
export function listStaff(db: Db, principal: Principal): Promise<StaffListing[]> {
  const role = roleOf(principal);
  if (role !== 'sysadmin' && role !== 'agency_admin')
    throw forbidden('Only administrators see staff accounts');
  let query = db
    .selectFrom('staffUsers')
    .select(['id', 'name', 'email', 'role', 'agencyId', 'active', 'totpEnabled', 'lockedUntil']);
  if (role === 'agency_admin') query = query.where('agencyId', '=', principal.agencyId);
  return query.orderBy('active', 'desc').orderBy('name').limit(1000).execute();
}

/**
 * Changes an account's role or switches it off. An agency administrator manages only their own
 * agency's accounts and gives only agency roles; nobody switches off or demotes themselves (an
 * agency must not lose its last administrator by accident). Switching off ends every session.
 */
export async function updateStaffUser(
  deps: { db: Db; now: () => Date },
  principal: Principal,
  userId: string,
  change: { role?: StaffRole | undefined; active?: boolean | undefined },
): Promise<void> {
  const role = roleOf(principal);
  if (role !== 'sysadmin' && role !== 'agency_admin')
    throw forbidden('Only administrators change staff accounts');
  if (!/^[0-9a-f-]{36}$/.test(userId)) throw notFound('The staff account');
  await deps.db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('staffUsers')
      .select(['id', 'role', 'agencyId', 'active'])
      .where('id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (!user || (role === 'agency_admin' && user.agencyId !== principal.agencyId)) {
      throw notFound('The staff account');
    }
    if (principal.kind === 'staff' && principal.userId === userId) {
      throw new AppError('conflict', 'You cannot change your own account here; ask another administrator');
    }
    if (change.role && change.role !== user.role) {
      const allowed =
        role === 'sysadmin'
          ? change.role !== 'sysadmin' || user.agencyId === null
          : AGENCY_ROLES.includes(change.role);
      if (!allowed || (user.agencyId !== null && change.role === 'sysadmin')) {
        throw invalidInput('role', `${change.role} is not a role you can give this account`);
      }
      if (role === 'agency_admin' && !AGENCY_ROLES.includes(user.role)) {
        throw forbidden('Only a system administrator changes this account');
      }
    }
    await trx
      .updateTable('staffUsers')
      .set({
        ...(change.role ? { role: change.role } : {}),
        ...(change.active === undefined ? {} : { active: change.active }),
      })
      .where('id', '=', userId)
      .execute();
    if (change.active === false) await trx.deleteFrom('staffSessions').where('userId', '=', userId).execute();
    await appendEvents(
      trx,
      { id: 'system', caseId: null },
      actorOf(principal),
      [
        {
          kind: 'staff.updated',
          public: false,
          data: { userId, before: { role: user.role, active: user.active }, after: change },
        },
      ],
      deps.now(),
    );
  });
}
