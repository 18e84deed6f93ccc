import type { StaffRole } from '../../db/schema.ts';
import { type Principal, roleOf } from '../access/principal.ts';
import { forbidden } from '../errors.ts';

/** Who administers: an agency's administrator (their agency) and the system administrator. */
export const ADMIN_ROLES: readonly StaffRole[] = ['agency_admin', 'sysadmin'];

/** The agency an agency administrator administers; refuses everyone else. */
export function administeredAgency(principal: Principal): string {
  if (roleOf(principal) !== 'agency_admin' || !principal.agencyId)
    throw forbidden('Only the agency administrator may do this');
  return principal.agencyId;
}

/** A system administrator, or the administrator of this very agency. */
export function administersAgency(principal: Principal, agencyId: string): boolean {
  const role = roleOf(principal);
  return role === 'sysadmin' || (role === 'agency_admin' && principal.agencyId === agencyId);
}

export function assertSysadmin(principal: Principal): void {
  if (roleOf(principal) !== 'sysadmin') throw forbidden('Only the system administrator may do this');
}
