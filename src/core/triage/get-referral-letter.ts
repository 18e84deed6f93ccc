import type { Config } from '../../config.ts';
import type { Db } from '../../db/open-database.ts';
import type { Principal } from '../access/principal.ts';
import type { ReferenceCache } from '../agencies/reference-cache.ts';
import { invalidInput, notFound } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { assertClearingHouseStaff } from './referral-access.ts';
import { type ReferralLetter, type RenderedLetter, renderReferralLetter } from './referral-letter.ts';
import { hashReferralToken, normaliseReferralToken } from './referral-token.ts';

/** What the letter says, from the referral, its case and the agency; no contact details are read. */
export async function loadReferralLetter(
  db: Db,
  reference: ReferenceCache,
  referralId: string,
): Promise<(ReferralLetter & { tokenHash: string }) | undefined> {
  if (!isUuid(referralId)) return undefined;
  const row = await db
    .selectFrom('referrals as r')
    .innerJoin('cases as c', 'c.id', 'r.caseId')
    .innerJoin('agencies as a', 'a.id', 'r.agencyId')
    .innerJoin('staffUsers as u', 'u.id', 'r.createdBy')
    .leftJoin('citizens as z', 'z.id', 'c.citizenId')
    .select([
      'r.id',
      'r.note',
      'r.tokenHash',
      'r.createdAt',
      'r.acknowledgedAt',
      'r.acknowledgedBy',
      'c.reference',
      'c.type',
      'c.language',
      'c.title',
      'c.description',
      'c.countyCode',
      'a.name as agencyName',
      'u.name as officerName',
      'z.name as citizenName',
    ])
    .where('r.id', '=', referralId)
    .executeTakeFirst();
  if (!row) return undefined;
  const clearingHouse = reference.clearingHouse;
  return {
    referralId: row.id,
    reference: row.reference,
    createdAt: row.createdAt,
    agencyName: row.agencyName,
    clearingHouse: { name: clearingHouse.name, nameSw: clearingHouse.nameSw },
    officerName: row.officerName,
    caseType: row.type,
    language: row.language,
    title: row.title,
    description: row.description,
    citizenName: row.citizenName?.trim() || null,
    county: row.countyCode ? (reference.county(row.countyCode)?.name ?? null) : null,
    note: row.note,
    acknowledgedAt: row.acknowledgedAt,
    acknowledgedBy: row.acknowledgedBy,
    tokenHash: row.tokenHash,
  };
}

/**
 * The printable letter for the clearing house. The acknowledgement code is not stored, so it is
 * printed only when the caller brings it (right after referring, or after issuing a new code);
 * a reprint without it says how to get a new one.
 */
export async function getReferralLetter(
  deps: { db: Db; reference: ReferenceCache; config: Pick<Config, 'publicUrl'> },
  principal: Principal,
  referralId: string,
  tokenInput?: string,
): Promise<RenderedLetter> {
  assertClearingHouseStaff(principal, deps.reference);
  const letter = await loadReferralLetter(deps.db, deps.reference, referralId);
  if (!letter) throw notFound('The referral');
  let token: string | undefined;
  if (tokenInput !== undefined) {
    token = normaliseReferralToken(tokenInput);
    if (!token || hashReferralToken(token) !== letter.tokenHash) {
      throw invalidInput('token', 'this is not the acknowledgement code of this referral');
    }
  }
  return renderReferralLetter(letter, { publicUrl: deps.config.publicUrl, token });
}
