import { v7 as timeOrderedUuid } from 'uuid';
import type { Config } from '../../config.ts';
import type { CaseStatus } from '../../db/schema.ts';
import type { Principal } from '../access/principal.ts';
import type { ReferenceCache } from '../agencies/reference-cache.ts';
import { statusEvent } from '../cases/mutate-case.ts';
import { asStaff, type StaffDeps } from '../cases/staff-actions.ts';
import { assertTransition, isOpen } from '../cases/state-machine.ts';
import { AppError, forbidden, invalidInput } from '../errors.ts';
import type { NewEvent } from '../events/append-events.ts';
import { emailReferral } from './email-referral.ts';
import { recordTrainingExample } from './record-training-example.ts';
import { generateReferralToken, hashReferralToken } from './referral-token.ts';

export interface ReferCaseInput {
  /** A directory agency's id (agencies not on Baraza have no code). */
  agencyId: string;
  /** Where to e-mail the letter; without it the letter is only printed. */
  email?: string | undefined;
  note: string;
}

export interface ReferralCreated {
  referralId: string;
  agency: { id: string; name: string };
  status: CaseStatus;
  /** The acknowledgement code, shown this once: only its hash is stored. */
  token: string;
  emailed: boolean;
  emailError: string | null;
}

export type ReferCaseDeps = StaffDeps & {
  reference: ReferenceCache;
  config: Pick<Config, 'mail' | 'publicUrl'>;
};

/** Statuses a referral moves on to in_progress: the clearing house is now acting on the case. */
const STARTS_WORK: readonly CaseStatus[] = ['new', 'acknowledged'];

/**
 * Refers a case held by the clearing house to an agency that is not on Baraza. The case stays
 * open with the clearing house (it is never closed as "not ours") until the agency acknowledges
 * and the citizen has been told; the citizen sees the referral on their timeline. Referring also
 * teaches the classifier that such a case belongs to no agency on Baraza (OTHER).
 */
export async function referCase(
  deps: ReferCaseDeps,
  principal: Principal,
  reference: string,
  input: ReferCaseInput,
): Promise<ReferralCreated> {
  // The letter is signed by a person (referrals.created_by), so an integration's key cannot refer.
  if (principal.kind !== 'staff')
    throw forbidden('A referral is signed by a person: sign in to refer a case');
  const note = input.note.trim();
  if (!note) throw invalidInput('note', 'say what the agency is asked to do');
  const email = input.email?.trim().toLowerCase() || undefined;
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw invalidInput('email', `"${input.email}" is not an e-mail address`);
  }
  const clearingHouse = deps.reference.clearingHouse;
  const token = generateReferralToken();
  const referralId = timeOrderedUuid();
  const now = deps.now();

  const created = await asStaff(deps, principal, reference, 'transfer', async (kase, trx) => {
    if (kase.agencyId !== clearingHouse.id) {
      throw new AppError(
        'invalid_transition',
        'Only a case with the clearing house is referred; the agency that owns it can transfer it',
      );
    }
    if (!isOpen(kase.status))
      throw new AppError('invalid_transition', `A ${kase.status} case cannot be referred`);
    const agency = await trx
      .selectFrom('agencies')
      .select(['id', 'name', 'onboarded', 'kind'])
      .where('id', '=', input.agencyId)
      .executeTakeFirst();
    if (agency?.kind !== 'agency') {
      throw invalidInput('agencyId', 'there is no agency with this id in the directory');
    }
    if (agency.onboarded) {
      throw invalidInput(
        'agencyId',
        `${agency.name} is on Baraza: route the case to it instead of referring it`,
      );
    }
    const pending = await trx
      .selectFrom('referrals')
      .select('id')
      .where('caseId', '=', kase.id)
      .where('agencyId', '=', agency.id)
      .where('acknowledgedAt', 'is', null)
      .executeTakeFirst();
    if (pending) {
      throw new AppError(
        'conflict',
        `The case is already referred to ${agency.name}, not yet acknowledged: print that letter again or issue it a new code`,
        { referralId: pending.id },
      );
    }
    await trx
      .insertInto('referrals')
      .values({
        id: referralId,
        caseId: kase.id,
        agencyId: agency.id,
        email: email ?? null,
        note,
        tokenHash: hashReferralToken(token),
        createdBy: principal.userId,
        createdAt: now,
      })
      .execute();
    await recordTrainingExample(trx, kase, 'OTHER', 'referral', principal, now);
    const events: NewEvent[] = [
      {
        kind: 'case.referred',
        public: true,
        data: { agencyId: agency.id, agencyName: agency.name, referralId },
      },
    ];
    let status = kase.status;
    if (STARTS_WORK.includes(kase.status)) {
      assertTransition(kase.status, 'in_progress', 'staff');
      status = 'in_progress';
      events.push(statusEvent(kase.status, status));
    }
    return {
      changes: status === kase.status ? {} : { status },
      events,
      result: { agency: { id: agency.id, name: agency.name }, status },
    };
  });

  // After the commit: the referral exists whatever the mail server does.
  const outcome = email
    ? await emailReferral(deps, referralId, email, token)
    : { emailed: false, emailError: null };
  return { referralId, ...created, token, ...outcome };
}
