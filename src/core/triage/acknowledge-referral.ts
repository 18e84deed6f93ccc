import type { Db } from '../../db/open-database.ts';
import { AppError, invalidInput } from '../errors.ts';
import { appendEvents } from '../events/append-events.ts';
import { hashReferralToken, normaliseReferralToken } from './referral-token.ts';

export interface ReferralAcknowledgement {
  referralId: string;
  reference: string;
  agencyName: string;
  acknowledgedAt: Date;
  acknowledgedBy: string;
  /** False when this answers a second acknowledgement of the same referral. */
  firstTime: boolean;
}

/** What the acknowledgement page shows for a code, before anyone acknowledges. */
export interface ReferralForAcknowledgement {
  referralId: string;
  reference: string;
  agencyName: string;
  createdAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
}

const unknownCode = () =>
  new AppError(
    'not_found',
    'No referral has this acknowledgement code: check it against the letter, or ask the clearing house for a new one',
  ).translatable('referral_not_found');

/** Finds the referral a code belongs to, for the page that asks who is acknowledging it. */
export async function findReferralForAcknowledgement(
  db: Db,
  tokenInput: string,
): Promise<ReferralForAcknowledgement> {
  const token = normaliseReferralToken(tokenInput);
  if (!token) throw unknownCode();
  const row = await db
    .selectFrom('referrals as r')
    .innerJoin('cases as c', 'c.id', 'r.caseId')
    .innerJoin('agencies as a', 'a.id', 'r.agencyId')
    .select([
      'r.id',
      'r.createdAt',
      'r.acknowledgedAt',
      'r.acknowledgedBy',
      'c.reference',
      'a.name as agencyName',
    ])
    .where('r.tokenHash', '=', hashReferralToken(token))
    .executeTakeFirst();
  if (!row) throw unknownCode();
  return {
    referralId: row.id,
    reference: row.reference,
    agencyName: row.agencyName,
    createdAt: row.createdAt,
    acknowledgedAt: row.acknowledgedAt,
    acknowledgedBy: row.acknowledgedBy,
  };
}

/**
 * The receiving agency confirms, with the code from the letter or e-mail, that the referral
 * reached it. The citizen's timeline says so; the case stays open with the clearing house, which
 * tells the citizen what happens next. Acknowledging again (a double click, a colleague with the
 * same letter) answers with the first acknowledgement and records nothing new.
 */
export async function acknowledgeReferral(
  deps: { db: Db; now: () => Date },
  input: { token: string; name: string; note?: string | undefined },
): Promise<ReferralAcknowledgement> {
  const token = normaliseReferralToken(input.token);
  if (!token) throw unknownCode();
  const name = input.name.trim();
  if (!name) throw invalidInput('name', 'give the name of the person acknowledging');
  const note = input.note?.trim() || null;
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    // Locked, so two acknowledgements at once are applied one after the other and only one counts.
    const referral = await trx
      .selectFrom('referrals as r')
      .innerJoin('cases as c', 'c.id', 'r.caseId')
      .innerJoin('agencies as a', 'a.id', 'r.agencyId')
      .select([
        'r.id',
        'r.caseId',
        'r.agencyId',
        'r.acknowledgedAt',
        'r.acknowledgedBy',
        'c.reference',
        'a.name as agencyName',
      ])
      .where('r.tokenHash', '=', hashReferralToken(token))
      .forUpdate('r')
      .executeTakeFirst();
    if (!referral) throw unknownCode();
    const answer = {
      referralId: referral.id,
      reference: referral.reference,
      agencyName: referral.agencyName,
    };
    if (referral.acknowledgedAt) {
      return {
        ...answer,
        acknowledgedAt: referral.acknowledgedAt,
        acknowledgedBy: referral.acknowledgedBy ?? '',
        firstTime: false,
      };
    }
    await trx
      .updateTable('referrals')
      .set({ acknowledgedAt: now, acknowledgedBy: name, acknowledgementNote: note })
      .where('id', '=', referral.id)
      .execute();
    // The case's row changes only its updatedAt, so the clearing house's queue shows the news.
    await trx.updateTable('cases').set({ updatedAt: now }).where('id', '=', referral.caseId).execute();
    // An outside agency is not staff: the event's actor is the referral itself.
    await appendEvents(
      trx,
      { id: referral.caseId, caseId: referral.caseId },
      { type: 'system', id: `referral:${referral.id}` },
      [
        {
          kind: 'case.referral_acknowledged',
          public: true,
          data: {
            referralId: referral.id,
            agencyId: referral.agencyId,
            agencyName: referral.agencyName,
            acknowledgedBy: name,
          },
        },
      ],
      now,
    );
    return { ...answer, acknowledgedAt: now, acknowledgedBy: name, firstTime: true };
  });
}
