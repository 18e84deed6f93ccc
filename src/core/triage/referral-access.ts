import type { Principal } from '../access/principal.ts';
import { roleOf } from '../access/principal.ts';
import type { ReferenceCache } from '../agencies/reference-cache.ts';
import { forbidden } from '../errors.ts';

/**
 * Referrals are the clearing house's work: only its own staff (or its API key) list them and print
 * their letters. Other agencies get a plain refusal rather than an empty list, so a misconfigured
 * integration is noticed.
 */
export function assertClearingHouseStaff(principal: Principal, reference: ReferenceCache): void {
  if (roleOf(principal) === 'sysadmin' || principal.agencyId !== reference.clearingHouse.id) {
    throw forbidden('Referrals are kept by the clearing house; only its staff may see them');
  }
}
