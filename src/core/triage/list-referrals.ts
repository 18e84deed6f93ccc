import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import type { CaseStatus } from '../../db/schema.ts';
import { assertCan } from '../access/case-policy.ts';
import type { Principal } from '../access/principal.ts';
import type { ReferenceCache } from '../agencies/reference-cache.ts';
import { parseReference } from '../cases/reference.ts';
import { notFound } from '../errors.ts';
import { assertClearingHouseStaff } from './referral-access.ts';

export interface ReferralItem {
  id: string;
  reference: string;
  caseStatus: CaseStatus;
  agency: { id: string; name: string };
  email: string | null;
  note: string;
  createdAt: Date;
  createdBy: string;
  emailedAt: Date | null;
  emailError: string | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  acknowledgementNote: string | null;
  /** Whole days from the referral until it was acknowledged or, while it is open, until now. */
  daysOutstanding: number;
}

export type ReferralStatusFilter = 'open' | 'acknowledged' | 'all';

const DAY = 24 * 60 * 60 * 1000;

function selectReferrals(db: Db) {
  return db
    .selectFrom('referrals as r')
    .innerJoin('cases as c', 'c.id', 'r.caseId')
    .innerJoin('agencies as a', 'a.id', 'r.agencyId')
    .innerJoin('staffUsers as u', 'u.id', 'r.createdBy')
    .select([
      'r.id',
      'c.reference',
      'c.status as caseStatus',
      'r.agencyId',
      'a.name as agencyName',
      'r.email',
      'r.note',
      'r.createdAt',
      'u.name as createdBy',
      'r.emailedAt',
      'r.emailError',
      'r.acknowledgedAt',
      'r.acknowledgedBy',
      'r.acknowledgementNote',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof selectReferrals>['execute']>>[number];

function toItem({ agencyId, agencyName, ...row }: Row, now: Date): ReferralItem {
  const until = row.acknowledgedAt ?? now;
  return {
    ...row,
    agency: { id: agencyId, name: agencyName },
    daysOutstanding: Math.max(0, Math.floor((until.getTime() - row.createdAt.getTime()) / DAY)),
  };
}

/**
 * The clearing house's referrals: those still waiting for the agency's acknowledgement first,
 * longest waiting at the top, then the acknowledged ones, most recent first.
 */
export async function listReferrals(
  deps: { db: Db; reference: ReferenceCache; now: () => Date },
  principal: Principal,
  options: { status: ReferralStatusFilter; limit: number },
): Promise<ReferralItem[]> {
  assertClearingHouseStaff(principal, deps.reference);
  const query = selectReferrals(deps.db);
  // The open list reads referrals_open_idx in order.
  const ordered =
    options.status === 'open'
      ? query.where('r.acknowledgedAt', 'is', null).orderBy('r.createdAt')
      : options.status === 'acknowledged'
        ? query.where('r.acknowledgedAt', 'is not', null).orderBy('r.acknowledgedAt', 'desc')
        : query
            .orderBy(sql`r.acknowledged_at IS NULL`, 'desc')
            .orderBy(sql`CASE WHEN r.acknowledged_at IS NULL THEN r.created_at END`)
            .orderBy('r.acknowledgedAt', 'desc');
  const rows = await ordered.orderBy('r.id').limit(options.limit).execute();
  const now = deps.now();
  return rows.map((row) => toItem(row, now));
}

/** The referrals of one case, oldest first, for anyone who may read the case. */
export async function listCaseReferrals(
  deps: { db: Db; now: () => Date },
  principal: Principal,
  referenceInput: string,
): Promise<ReferralItem[]> {
  const reference = parseReference(referenceInput);
  const kase = await deps.db
    .selectFrom('cases')
    .select(['id', 'agencyId', 'sealed'])
    .where('reference', '=', reference)
    .executeTakeFirst();
  if (!kase) throw notFound('The case');
  try {
    assertCan(principal, 'read', kase);
  } catch {
    throw notFound('The case');
  }
  const rows = await selectReferrals(deps.db)
    .where('r.caseId', '=', kase.id)
    .orderBy('r.createdAt')
    .orderBy('r.id')
    .execute();
  const now = deps.now();
  return rows.map((row) => toItem(row, now));
}
