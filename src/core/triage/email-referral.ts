import type { Config } from '../../config.ts';
import type { Db } from '../../db/open-database.ts';
import type { ReferenceCache } from '../agencies/reference-cache.ts';
import { sendMail } from '../mail/send-mail.ts';
import { loadReferralLetter } from './get-referral-letter.ts';
import { renderReferralLetter } from './referral-letter.ts';

export interface EmailOutcome {
  emailed: boolean;
  emailError: string | null;
}

/**
 * Sends the letter to the referral's address and records how that went on the referral. Called
 * after the referral is committed: a mail server that is down or slow never undoes a referral, it
 * only leaves the error for the clearing house to see (and the letter to print instead).
 */
export async function emailReferral(
  deps: { db: Db; reference: ReferenceCache; config: Pick<Config, 'mail' | 'publicUrl'>; now: () => Date },
  referralId: string,
  to: string,
  token: string,
): Promise<EmailOutcome> {
  const letter = await loadReferralLetter(deps.db, deps.reference, referralId);
  if (!letter) throw new Error(`referral ${referralId} vanished before its e-mail was sent`);
  const rendered = renderReferralLetter(letter, { publicUrl: deps.config.publicUrl, token });
  const result = await sendMail(deps.config.mail, {
    to,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
  });
  const outcome: EmailOutcome = result.sent
    ? { emailed: true, emailError: null }
    : { emailed: false, emailError: result.error };
  await deps.db
    .updateTable('referrals')
    .set(result.sent ? { emailedAt: deps.now(), emailError: null } : { emailError: outcome.emailError })
    .where('id', '=', referralId)
    .execute();
  return outcome;
}
