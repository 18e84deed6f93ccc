import type { CaseRow, StaffRole } from '../../db/schema.ts';
import { forbidden } from '../errors.ts';
import { type Principal, roleOf } from './principal.ts';

/*
 * Who may see and work which case. One place, used by every route, export and search:
 * - staff see and work only their own agency's cases (the clearing house is an agency too);
 * - sealed reports (corruption) are seen and worked only by the oversight role;
 * - oversight may read any case, for audit, but works only sealed ones;
 * - system administrators run the system and read no cases.
 */
export type CaseAction = 'read' | 'work' | 'assign_others' | 'transfer' | 'merge' | 'prioritise';

type CaseScope = Pick<CaseRow, 'agencyId' | 'sealed'>;

/** The roles that work an agency's cases (and that an agency administrator may give). */
export const WORKERS: readonly StaffRole[] = [
  'agent',
  'officer',
  'supervisor',
  'agency_head',
  'agency_admin',
  'clearing_house',
];
const ROLES_FOR: Record<Exclude<CaseAction, 'read' | 'work'>, readonly StaffRole[]> = {
  assign_others: ['supervisor', 'agency_head', 'agency_admin', 'clearing_house', 'oversight'],
  transfer: ['officer', 'supervisor', 'agency_head', 'agency_admin', 'clearing_house', 'oversight'],
  merge: ['officer', 'supervisor', 'agency_head', 'agency_admin', 'clearing_house', 'oversight'],
  prioritise: ['officer', 'supervisor', 'agency_head', 'agency_admin', 'clearing_house', 'oversight'],
};

export function can(principal: Principal, action: CaseAction, kase: CaseScope): boolean {
  const role = roleOf(principal);
  if (action === 'read') {
    if (kase.sealed || role === 'oversight') return role === 'oversight';
    return role !== 'sysadmin' && principal.agencyId === kase.agencyId;
  }
  const works = kase.sealed
    ? role === 'oversight'
    : WORKERS.includes(role) && principal.agencyId === kase.agencyId;
  if (!works) return false;
  return action === 'work' || ROLES_FOR[action].includes(role);
}

export function assertCan(principal: Principal, action: CaseAction, kase: CaseScope): void {
  if (!can(principal, action, kase))
    throw forbidden(`Your role may not ${action.replace('_', ' ')} this case`);
}

/** The rows a principal may list: the same rule as can(read), as a filter. */
export type CaseVisibility = { kind: 'agency'; agencyId: string } | { kind: 'all' } | { kind: 'none' };

export function visibleCases(principal: Principal): CaseVisibility {
  const role = roleOf(principal);
  if (role === 'oversight') return { kind: 'all' };
  if (role === 'sysadmin' || !principal.agencyId) return { kind: 'none' };
  return { kind: 'agency', agencyId: principal.agencyId };
}
