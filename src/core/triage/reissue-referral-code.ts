import type { Principal } from '../access/principal.ts';
import { actorOf } from '../access/principal.ts';
import { AppError, notFound } from '../errors.ts';
import { appendEvents } from '../events/append-events.ts';
import { isUuid } from '../ids.ts';
import { type EmailOutcome, emailReferral } from './email-referral.ts';
import type { ReferCaseDeps } from './refer-case.ts';
import { assertClearingHouseStaff } from './referral-access.ts';
import { generateReferralToken, hashReferralToken } from './referral-token.ts';

/**
 * Gives a referral a new acknowledgement code when the first is lost (the letter misplaced, the
 * e-mail never read). The old code stops working at once. When the referral has an address the
 * letter with the new code is e-mailed again, since the link already in that mailbox is now dead.
 */
export async function reissueReferralCode(
  deps: ReferCaseDeps,
  principal: Principal,
  referralId: string,
): Promise<{ referralId: string; token: string } & EmailOutcome> {
  assertClearingHouseStaff(principal, deps.reference);
  if (!isUuid(referralId)) throw notFound('The referral');
  const token = generateReferralToken();
  const now = deps.now();
  const referral = await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('referrals')
      .select(['id', 'caseId', 'email', 'acknowledgedAt'])
      .where('id', '=', referralId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('The referral');
    if (row.acknowledgedAt)
      throw new AppError('conflict', 'The referral is already acknowledged; it needs no code');
    await trx
      .updateTable('referrals')
      .set({ tokenHash: hashReferralToken(token) })
      .where('id', '=', row.id)
      .execute();
    await appendEvents(
      trx,
      { id: row.caseId, caseId: row.caseId },
      actorOf(principal),
      [{ kind: 'case.referral_code_reissued', public: false, data: { referralId: row.id } }],
      now,
    );
    return row;
  });
  const outcome = referral.email
    ? await emailReferral(deps, referral.id, referral.email, token)
    : { emailed: false, emailError: null };
  return { referralId: referral.id, token, ...outcome };
}
