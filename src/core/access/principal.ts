import type { StaffRole } from '../../db/schema.ts';
import type { Actor } from '../events/append-events.ts';

/** Someone signed in, or an integration holding an agency's API key. */
export type Principal =
  | {
      kind: 'staff';
      userId: string;
      name: string;
      role: StaffRole;
      agencyId: string | null;
      agencyCode: string | null;
    }
  | { kind: 'api_key'; keyId: string; agencyId: string; agencyCode: string | null };

export function actorOf(principal: Principal): Actor {
  return principal.kind === 'staff'
    ? { type: 'staff', id: principal.userId }
    : { type: 'api_key', id: principal.keyId };
}

/** An API key works its agency's cases as an officer would. */
export function roleOf(principal: Principal): StaffRole {
  return principal.kind === 'staff' ? principal.role : 'officer';
}
