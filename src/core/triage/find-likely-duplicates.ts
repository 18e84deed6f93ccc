import type { Db } from '../../db/open-database.ts';
import type { CaseStatus } from '../../db/schema.ts';
import { type CaseVisibility, can, visibleCases } from '../access/case-policy.ts';
import type { Principal } from '../access/principal.ts';
import type { ReferenceCache } from '../agencies/reference-cache.ts';
import { parseReference } from '../cases/reference.ts';
import { normalisePhone } from '../citizens/normalise-phone.ts';
import { AppError, type FieldProblem, forbidden, notFound } from '../errors.ts';
import { featurise, type SparseVector } from './text-features.ts';

/*
 * Likely duplicates: the same citizen writing again, or another citizen reporting the same thing
 * at the same place. Candidates come from two bounded index scans (one citizen's cases; one
 * agency's recent cases in one county); text similarity decides which are worth showing. Staff
 * decide whether to merge: this only suggests.
 *
 * Thresholds, from test/fixtures/duplicate-pairs.jsonl (hand-written rewrites of one problem, and
 * different problems at the same place or from the same person) and the triage corpus; the
 * numbers are in docs/duplicates-and-hotspots.md, and test/duplicates.test.ts fails if a change to
 * the triage features moves them. They depend on featurise(): retune them when it changes.
 */

/**
 * A citizen has a handful of cases in 30 days, and one writing again within a month is usually
 * chasing the same problem, so the bar is low: with the current features (character 4-5-grams)
 * 29 of 30 rewrites reach 0.25, and 1 of 10 of the same citizen's different problems does.
 */
export const SAME_CITIZEN_THRESHOLD = 0.25;
/**
 * Strangers' reports from the same place share its names ("Homa Bay County Referral Hospital"),
 * which lifts different problems there: at 0.40 one in eight of those would be suggested, at 0.42
 * one in twelve, while two rewrites in three are still found. Up to 200 candidates are compared,
 * so precision matters more than for the citizen's own few cases.
 */
export const SAME_PLACE_THRESHOLD = 0.42;
export const SAME_CITIZEN_WINDOW_DAYS = 30;
export const SAME_PLACE_WINDOW_DAYS = 14;
/** Newest first; enough for a busy county office's fortnight, and a bound on a flood. */
export const CANDIDATE_LIMIT = 200;
export const MAX_SUGGESTIONS = 5;
/** The triage classifier's feature space: the same features, so one tokeniser to maintain. */
const FEATURE_BITS = 18;
const DAY_MS = 86_400_000;

export type DuplicateReason = 'same_citizen' | 'same_place_and_service';

export interface DuplicateSuggestion {
  reference: string;
  status: CaseStatus;
  agencyCode: string | null;
  countyCode: string | null;
  createdAt: Date;
  /** Cosine similarity of the two texts, 0 to 1, to three places. */
  similarity: number;
  reason: DuplicateReason;
  summary: string;
}

export interface DuplicateDraft {
  text: string;
  phone?: string | undefined;
  county?: string | undefined;
  agencyCode?: string | undefined;
  serviceCode?: string | undefined;
}

/** Suggestions for a case staff are looking at. A case they may not read is not found. */
export async function findLikelyDuplicates(
  db: Db,
  principal: Principal,
  reference: string,
): Promise<{ reference: string; suggestions: DuplicateSuggestion[] }> {
  const ref = parseReference(reference);
  const kase = await db
    .selectFrom('cases')
    .select([
      'id',
      'agencyId',
      'sealed',
      'citizenId',
      'countyCode',
      'serviceId',
      'categoryId',
      'title',
      'description',
      'createdAt',
    ])
    .where('reference', '=', ref)
    .executeTakeFirst();
  // Not-yours answers as not-found, as for the case itself (getCaseDetail).
  if (!kase || !can(principal, 'read', kase)) throw notFound('The case');
  const at = kase.createdAt.getTime();
  const suggestions = await suggest(db, principal, {
    text: caseText(kase),
    excludeId: kase.id,
    citizen: kase.citizenId
      ? {
          citizenId: kase.citizenId,
          from: new Date(at - SAME_CITIZEN_WINDOW_DAYS * DAY_MS),
          to: new Date(at + SAME_CITIZEN_WINDOW_DAYS * DAY_MS),
        }
      : undefined,
    place: kase.countyCode
      ? {
          agencyId: kase.agencyId,
          countyCode: kase.countyCode,
          serviceId: kase.serviceId,
          categoryId: kase.categoryId,
          from: new Date(at - SAME_PLACE_WINDOW_DAYS * DAY_MS),
          to: new Date(at + SAME_PLACE_WINDOW_DAYS * DAY_MS),
        }
      : undefined,
  });
  return { reference: ref, suggestions };
}

/**
 * Suggestions for a case a contact-centre agent is about to log: the caller's own recent cases
 * (found by phone) and recent cases of the same agency, county and service. Without an agency
 * code the agent's own agency is meant. The reference data validates the codes as submission does.
 */
export async function findDuplicatesForDraft(
  deps: { db: Db; reference: ReferenceCache; now: () => Date },
  principal: Principal,
  draft: DuplicateDraft,
): Promise<DuplicateSuggestion[]> {
  const visibility = visibleCases(principal);
  if (visibility.kind === 'none') throw forbidden('Your role reads no cases');
  const { reference } = deps;
  const problems: FieldProblem[] = [];
  let phone: string | undefined;
  if (draft.phone) {
    try {
      phone = normalisePhone(draft.phone);
    } catch (error) {
      if (error instanceof AppError) problems.push(...(error.details as FieldProblem[]));
      else throw error;
    }
  }
  const named = draft.agencyCode ? reference.agency(draft.agencyCode) : undefined;
  if (draft.agencyCode && !named)
    problems.push({ field: 'agencyCode', problem: `there is no agency with code "${draft.agencyCode}"` });
  const agencyId = named?.id ?? (visibility.kind === 'agency' ? visibility.agencyId : undefined);
  const service = draft.serviceCode && agencyId ? reference.service(agencyId, draft.serviceCode) : undefined;
  if (draft.serviceCode && !service)
    problems.push({
      field: 'serviceCode',
      problem: `"${draft.serviceCode}" is not one of the agency's codes`,
    });
  const county = draft.county ? reference.requireCounty(draft.county, problems) : undefined;
  if (problems.length > 0) {
    throw new AppError('invalid_input', problems.map((p) => `${p.field}: ${p.problem}`).join('; '), problems);
  }

  const now = deps.now().getTime();
  const citizen = phone
    ? await deps.db.selectFrom('citizens').select('id').where('phone', '=', phone).executeTakeFirst()
    : undefined;
  return suggest(deps.db, principal, {
    text: draft.text,
    citizen: citizen
      ? { citizenId: citizen.id, from: new Date(now - SAME_CITIZEN_WINDOW_DAYS * DAY_MS), to: undefined }
      : undefined,
    place:
      county && agencyId
        ? {
            agencyId,
            countyCode: county.code,
            serviceId: service?.id ?? null,
            categoryId: null,
            from: new Date(now - SAME_PLACE_WINDOW_DAYS * DAY_MS),
            to: undefined,
          }
        : undefined,
  });
}

interface Window {
  from: Date;
  to: Date | undefined;
}
export type CitizenScope = Window & { citizenId: string };
export type PlaceScope = Window & {
  agencyId: string;
  countyCode: string;
  serviceId: string | null;
  categoryId: string | null;
};

async function suggest(
  db: Db,
  principal: Principal,
  search: {
    text: string;
    excludeId?: string;
    citizen: CitizenScope | undefined;
    place: PlaceScope | undefined;
  },
): Promise<DuplicateSuggestion[]> {
  const visibility = visibleCases(principal);
  const [byCitizen, byPlace] = await Promise.all([
    search.citizen ? candidateQuery(db, visibility, search.citizen, search.excludeId).execute() : [],
    search.place ? candidateQuery(db, visibility, search.place, search.excludeId).execute() : [],
  ]);
  const target = textVector(search.text);
  const best = new Map<string, DuplicateSuggestion>();
  const consider = (rows: typeof byCitizen, reason: DuplicateReason, threshold: number) => {
    for (const row of rows) {
      // The query applies the visibility rule already; the policy has the last word all the same.
      if (best.has(row.id) || !can(principal, 'read', row)) continue;
      const similarity = cosine(target, textVector(caseText(row)));
      if (similarity < threshold) continue;
      best.set(row.id, {
        reference: row.reference,
        status: row.status,
        agencyCode: row.agencyCode,
        countyCode: row.countyCode,
        createdAt: row.createdAt,
        similarity: Math.round(similarity * 1000) / 1000,
        reason,
        summary: summarise(row.description),
      });
    }
  };
  // The same citizen first: when a case is both, that is the stronger reason.
  consider(byCitizen, 'same_citizen', SAME_CITIZEN_THRESHOLD);
  consider(byPlace, 'same_place_and_service', SAME_PLACE_THRESHOLD);
  return [...best.values()]
    .sort((a, b) => b.similarity - a.similarity || b.createdAt.getTime() - a.createdAt.getTime())
    .slice(0, MAX_SUGGESTIONS);
}

/**
 * One citizen's cases (cases_citizen_idx), or one agency's cases in a time range
 * (cases_agency_created_idx, filtered by county), newest first and bounded. Exported for the
 * EXPLAIN check in the tests.
 */
export function candidateQuery(
  db: Db,
  visibility: CaseVisibility,
  scope: CitizenScope | PlaceScope,
  excludeId?: string,
) {
  let query = db
    .selectFrom('cases as c')
    .innerJoin('agencies as a', 'a.id', 'c.agencyId')
    .select([
      'c.id',
      'c.reference',
      'c.status',
      'c.agencyId',
      'a.code as agencyCode',
      'c.sealed',
      'c.countyCode',
      'c.title',
      'c.description',
      'c.createdAt',
    ])
    .where('c.status', 'not in', ['merged', 'withdrawn'])
    .where('c.createdAt', '>=', scope.from);
  if (scope.to) query = query.where('c.createdAt', '<=', scope.to);
  if (excludeId) query = query.where('c.id', '!=', excludeId);
  if (visibility.kind === 'agency') {
    query = query.where('c.agencyId', '=', visibility.agencyId).where('c.sealed', '=', false);
  } else if (visibility.kind === 'none') {
    query = query.where(({ lit }) => lit(false));
  }
  if ('citizenId' in scope) {
    query = query.where('c.citizenId', '=', scope.citizenId);
  } else {
    query = query.where('c.agencyId', '=', scope.agencyId).where('c.countyCode', '=', scope.countyCode);
    // "When known": a case that names a different service or category is about something else;
    // one that names none may well be the same thing, and the text decides.
    const { serviceId, categoryId } = scope;
    if (serviceId) {
      query = query.where((eb) => eb.or([eb('c.serviceId', '=', serviceId), eb('c.serviceId', 'is', null)]));
    }
    if (categoryId) {
      query = query.where((eb) =>
        eb.or([eb('c.categoryId', '=', categoryId), eb('c.categoryId', 'is', null)]),
      );
    }
  }
  return query.orderBy('c.createdAt', 'desc').orderBy('c.id', 'desc').limit(CANDIDATE_LIMIT);
}

export const caseText = (kase: { title: string | null; description: string }) =>
  kase.title ? `${kase.title}\n${kase.description}` : kase.description;

const summarise = (text: string) => (text.length > 140 ? `${text.slice(0, 139)}…` : text);

/** The triage features of a text with their buckets in ascending order, for cosine(). */
export function textVector(text: string): SparseVector {
  const { indices, values } = featurise(text, FEATURE_BITS);
  const order = Array.from(indices.keys()).sort((a, b) => (indices[a] as number) - (indices[b] as number));
  return {
    indices: Int32Array.from(order, (i) => indices[i] as number),
    values: Float32Array.from(order, (i) => values[i] as number),
  };
}

/** Cosine similarity of two textVector()s: they are unit length, so a sparse dot product. */
export function cosine(a: SparseVector, b: SparseVector): number {
  let sum = 0;
  let i = 0;
  let j = 0;
  while (i < a.indices.length && j < b.indices.length) {
    const x = a.indices[i] as number;
    const y = b.indices[j] as number;
    if (x === y) sum += (a.values[i++] as number) * (b.values[j++] as number);
    else if (x < y) i++;
    else j++;
  }
  return sum;
}
