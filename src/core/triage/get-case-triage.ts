import type { Db } from '../../db/open-database.ts';
import type { Language } from '../../db/schema.ts';
import { translator } from '../../i18n/index.ts';
import { can } from '../access/case-policy.ts';
import type { Principal } from '../access/principal.ts';
import type { ReferenceCache } from '../agencies/reference-cache.ts';
import { parseReference } from '../cases/reference.ts';
import { notFound } from '../errors.ts';
import type { TriageDecision } from './decide-triage.ts';
import { describeReasons } from './describe-reasons.ts';
import type { DirectoryIndex, DirectoryMatch } from './directory-index.ts';

export interface CaseTriage {
  reference: string;
  modelVersion: string | null;
  decidedAt: Date | null;
  decision: TriageDecision | null;
  /** The decision's reasons as sentences in the reader's language. */
  reasons: string[];
  /** The model's best agencies, with names and whether each is on Baraza (route) or not (refer). */
  suggestions: { code: string; name: string; confidence: number; onboarded: boolean }[];
  /** Agencies not on Baraza that the message reads like, for a referral. */
  directory: DirectoryMatch[];
}

/**
 * How a case was triaged when it arrived, for staff who may read it: the decision with its
 * confidences, model version and reasons, and, for a case with the clearing house, the
 * suggestions to route or refer it with.
 */
export async function getCaseTriage(
  deps: { db: Db; reference: ReferenceCache; directory: DirectoryIndex },
  principal: Principal,
  reference: string,
  language: Language = 'en',
): Promise<CaseTriage> {
  const ref = parseReference(reference);
  const row = await deps.db
    .selectFrom('cases as c')
    .leftJoin('caseTriage as t', 't.caseId', 'c.id')
    .select([
      'c.agencyId',
      'c.sealed',
      'c.title',
      'c.description',
      't.modelVersion',
      't.decision',
      't.decidedAt',
    ])
    .where('c.reference', '=', ref)
    .executeTakeFirst();
  if (!row || !can(principal, 'read', row)) throw notFound('The case');
  const decision = (row.decision as TriageDecision | null) ?? null;
  const suggestions = (decision?.suggestions ?? []).map((s) => {
    const agency = deps.reference.agency(s.code);
    return {
      code: s.code,
      name: agency
        ? (language === 'sw' && agency.nameSw) || agency.name
        : s.code === 'OTHER'
          ? translator(language)('triage.other_agency')
          : s.code,
      confidence: s.confidence,
      onboarded: agency?.onboarded === true,
    };
  });
  const withClearingHouse = row.agencyId === deps.reference.clearingHouse.id;
  const text = row.title ? `${row.title}\n${row.description}` : row.description;
  return {
    reference: ref,
    modelVersion: row.modelVersion ?? null,
    decidedAt: row.decidedAt ?? null,
    decision,
    reasons: decision ? describeReasons(decision.reasons, language) : [],
    suggestions,
    directory: withClearingHouse ? deps.directory.suggest(text, 3) : [],
  };
}
