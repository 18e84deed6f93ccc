import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/open-database.ts';
import type { StaffRole } from '../../db/schema.ts';
import type { ReferenceCache } from '../agencies/reference-cache.ts';
import { AppError, invalidInput } from '../errors.ts';
import { type Actor, appendEvents } from '../events/append-events.ts';
import { assertAcceptablePassword, hashPassword } from './passwords.ts';

export interface NewStaffUser {
  email: string;
  name: string;
  role: StaffRole;
  agencyCode?: string | undefined;
  password: string;
}

/** Creates a staff account. Every role but sysadmin belongs to an onboarded agency. */
export async function createStaffUser(
  deps: { db: Db; reference: ReferenceCache; now: () => Date },
  actor: Actor,
  input: NewStaffUser,
): Promise<{ id: string; email: string; role: StaffRole; agencyCode: string | null }> {
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw invalidInput('email', `"${input.email}" is not an e-mail address`);
  assertAcceptablePassword(input.password, email);
  let agencyId: string | null = null;
  if (input.role === 'sysadmin' && input.agencyCode) {
    throw invalidInput('agencyCode', 'a sysadmin runs the whole system and belongs to no agency');
  }
  if (input.role !== 'sysadmin') {
    if (!input.agencyCode)
      throw invalidInput('agencyCode', `a ${input.role} belongs to an agency: give its code`);
    const agency = deps.reference.requireAgency(input.agencyCode);
    if (!agency.onboarded) throw invalidInput('agencyCode', `${agency.name} is not onboarded on Baraza`);
    if (input.role === 'clearing_house' && agency.kind !== 'clearing_house') {
      throw invalidInput('role', 'the clearing_house role belongs to the clearing house (CLR)');
    }
    // Oversight reads every sealed report, including reports about its own colleagues: it can only
    // sit in an oversight body, never in an agency it might be asked to investigate.
    if (input.role === 'oversight' && agency.kind !== 'oversight') {
      throw invalidInput('role', 'the oversight role belongs to an oversight body such as EACC');
    }
    agencyId = agency.id;
  }
  const id = randomUUID();
  const passwordHash = await hashPassword(input.password);
  await deps.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('staffUsers')
      .values({ id, email, name: input.name.trim(), role: input.role, agencyId, passwordHash })
      .onConflict((oc) => oc.column('email').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw new AppError('conflict', `There is already a staff account for ${email}`);
    await appendEvents(
      trx,
      { id: 'system', caseId: null },
      actor,
      [{ kind: 'staff.created', public: false, data: { userId: id, email, role: input.role, agencyId } }],
      deps.now(),
    );
  });
  const agencyCode = agencyId ? (deps.reference.agencyById(agencyId)?.code ?? null) : null;
  return { id, email, role: input.role, agencyCode };
}
