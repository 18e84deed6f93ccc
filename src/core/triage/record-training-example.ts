import { v7 as timeOrderedUuid } from 'uuid';
import type { Db } from '../../db/open-database.ts';
import type { CaseRow } from '../../db/schema.ts';
import type { Principal } from '../access/principal.ts';

/**
 * Records an officer's decision about where a case belongs as a labelled example for the next
 * retraining: the case's text with the agency that took it (or OTHER, when it belongs to no agency
 * on Baraza). Written in the caller's transaction, so a routing that fails teaches nothing.
 */
export async function recordTrainingExample(
  trx: Db,
  kase: Pick<CaseRow, 'id' | 'title' | 'description'>,
  agencyCode: string,
  source: 'routing' | 'transfer' | 'referral',
  principal: Principal,
  now: Date,
): Promise<void> {
  await trx
    .insertInto('triageExamples')
    .values({
      id: timeOrderedUuid(),
      caseId: kase.id,
      text: kase.title ? `${kase.title}\n${kase.description}` : kase.description,
      agencyCode,
      source,
      createdBy: principal.kind === 'staff' ? principal.userId : null,
      createdAt: now,
    })
    .execute();
}
