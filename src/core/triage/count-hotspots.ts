import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import { visibleCases } from '../access/case-policy.ts';
import type { Principal } from '../access/principal.ts';
import { OPEN_STATUSES } from '../cases/state-machine.ts';
import { forbidden, invalidInput } from '../errors.ts';
import {
  CANDIDATE_LIMIT,
  caseText,
  cosine,
  SAME_PLACE_THRESHOLD,
  textVector,
} from './find-likely-duplicates.ts';

/*
 * Hotspots: where reports are piling up. Recent cases are grouped by county, owner agency and topic
 * (the category, or the service when there is no category); each group's count in the window is
 * set against its average over the four windows before, so a county that always sends many
 * passport complaints is not a surge and a quiet one that suddenly sends six is.
 *
 * A report is counted once per citizen (anonymous reports each count): one person writing six times
 * is a duplicate to merge, not a surge. Withdrawn reports are left out; merged ones stay in, since
 * merging the reports of many citizens into one case is how staff answer a surge, and it must not
 * hide it.
 */

export const SURGE_MIN_COUNT = 5;
export const SURGE_FACTOR = 3;
export const BASELINE_WINDOWS = 4;
/** Groups of one report are not clusters. */
const MIN_CLUSTER = 2;
const MAX_DAYS = 30;
const DAY_MS = 86_400_000;

export interface Hotspot {
  countyCode: string;
  countyName: string;
  agencyCode: string | null;
  /** The category, or the service when the cases have no category; null when they have neither. */
  topic: { kind: 'category' | 'service'; code: string | null; name: string } | null;
  /** Citizens who reported in the window (anonymous reports count one each). */
  count: number;
  /** Of those, citizens whose report is still open. */
  openCount: number;
  /** The average count per window over the previous four windows of the same length. */
  baseline: number;
  surge: boolean;
  /** Reports in the group whose text is like the group's most central report (itself included). */
  similarCount: number;
  /** Up to three references, the most central report first. */
  examples: string[];
}

export interface HotspotReport {
  from: Date;
  to: Date;
  days: number;
  clusters: Hotspot[];
}

export async function countHotspots(
  db: Db,
  principal: Principal,
  options: { days?: number; now: Date; limit?: number },
): Promise<HotspotReport> {
  const visibility = visibleCases(principal);
  if (visibility.kind === 'none') throw forbidden('Your role reads no cases');
  const days = options.days ?? 7;
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS)
    throw invalidInput('days', `give a whole number of days from 1 to ${MAX_DAYS}`);
  const limit = options.limit ?? 50;
  const to = options.now;
  const span = days * DAY_MS;
  const from = new Date(to.getTime() - span);
  const scope: HotspotScope =
    visibility.kind === 'agency'
      ? { agencyIds: [visibility.agencyId], withSealed: false }
      : { agencyIds: await ownerQueues(db), withSealed: true };
  if (scope.agencyIds.length === 0) return { from, to, days, clusters: [] };
  const groups = await hotspotGroupsQuery(db, scope, { from, to, span }).execute();

  const ranked = groups
    .map((g) => {
      const count = Number(g.count);
      const baseline = Number(g.previousTotal) / BASELINE_WINDOWS;
      return {
        group: g,
        count,
        baseline,
        surge: count >= SURGE_MIN_COUNT && count >= SURGE_FACTOR * Math.max(baseline, 1),
      };
    })
    .sort((a, b) => Number(b.surge) - Number(a.surge) || b.count - a.count || b.baseline - a.baseline)
    .slice(0, limit);

  const clusters: Hotspot[] = [];
  for (const { group: g, count, baseline, surge } of ranked) {
    let members = db
      .selectFrom('cases as c')
      .select(['c.reference', 'c.citizenId', 'c.title', 'c.description'])
      .where('c.agencyId', '=', g.agencyId)
      .where('c.createdAt', '>=', from)
      .where('c.createdAt', '<', to)
      .where('c.status', '!=', 'withdrawn')
      .where('c.countyCode', '=', g.countyCode as string)
      // The group's topic exactly as the grouping saw it: its category, else its service, else neither.
      .where((eb): Expression<SqlBool> => {
        if (g.categoryId) return eb('c.categoryId', '=', g.categoryId);
        return eb.and([
          eb('c.categoryId', 'is', null),
          g.serviceId ? eb('c.serviceId', '=', g.serviceId) : eb('c.serviceId', 'is', null),
        ]);
      });
    if (!scope.withSealed) members = members.where('c.sealed', '=', false);
    const rows = await members
      .orderBy('c.createdAt', 'desc')
      .orderBy('c.id', 'desc')
      .limit(CANDIDATE_LIMIT)
      .execute();
    const { similarCount, examples } = clusterByText(rows);
    clusters.push({
      countyCode: g.countyCode as string,
      countyName: g.countyName,
      agencyCode: g.agencyCode,
      topic: g.categoryId
        ? { kind: 'category', code: g.categoryCode, name: g.categoryName ?? '' }
        : g.serviceId
          ? { kind: 'service', code: g.serviceCode, name: g.serviceName ?? '' }
          : null,
      count,
      openCount: Number(g.openCount),
      baseline: Math.round(baseline * 100) / 100,
      surge,
      similarCount,
      examples,
    });
  }
  return { from, to, days, clusters };
}

/** Whose cases: one agency's, without sealed reports; or, for oversight, every queue's. */
export interface HotspotScope {
  agencyIds: string[];
  withSealed: boolean;
}

/**
 * Every agency that owns or has owned a queue: onboarded agencies always have a code (a CHECK on
 * agencies), and one taken off Baraza keeps its code and its cases.
 */
export async function ownerQueues(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('agencies').select('id').where('code', 'is not', null).execute();
  return rows.map((r) => r.id);
}

/**
 * Per county, agency and topic: reporters in the window and in each of the four windows before it.
 * One range scan of cases_agency_created_idx per agency. Exported for the EXPLAIN check in the tests.
 */
export function hotspotGroupsQuery(
  db: Db,
  scope: HotspotScope,
  { from, to, span }: { from: Date; to: Date; span: number },
) {
  const start = new Date(to.getTime() - (BASELINE_WINDOWS + 1) * span);
  const reporter = sql`coalesce(c.citizen_id, c.id)`;
  const reportersBetween = (lower: Date, upper: Date) =>
    sql<number>`count(distinct ${reporter}) filter (where c.created_at >= ${lower} and c.created_at < ${upper})`;
  const previous = Array.from({ length: BASELINE_WINDOWS }, (_, k) =>
    reportersBetween(new Date(from.getTime() - (k + 1) * span), new Date(from.getTime() - k * span)),
  );

  let query = db
    .selectFrom('cases as c')
    .innerJoin('agencies as a', 'a.id', 'c.agencyId')
    .innerJoin('counties as k', 'k.code', 'c.countyCode')
    .leftJoin('categories as cat', 'cat.id', 'c.categoryId')
    .leftJoin('services as s', (join) =>
      join.onRef('s.id', '=', 'c.serviceId').on('c.categoryId', 'is', null),
    )
    .select([
      'c.countyCode',
      'k.name as countyName',
      'c.agencyId',
      'a.code as agencyCode',
      'c.categoryId',
      'cat.code as categoryCode',
      'cat.name as categoryName',
      's.id as serviceId',
      's.code as serviceCode',
      's.name as serviceName',
    ])
    .select([
      sql<number>`count(distinct ${reporter}) filter (where c.created_at >= ${from})`.as('count'),
      sql<number>`count(distinct ${reporter}) filter (where c.created_at >= ${from} and c.status in (${sql.join(OPEN_STATUSES)}))`.as(
        'openCount',
      ),
      sql<number>`(${sql.join(previous, sql` + `)})`.as('previousTotal'),
    ])
    .where('c.createdAt', '>=', start)
    .where('c.createdAt', '<', to)
    .where('c.status', '!=', 'withdrawn');
  // A list of agencies, not "every case": each is then one range scan of cases_agency_created_idx.
  query = query.where('c.agencyId', 'in', scope.agencyIds);
  if (!scope.withSealed) query = query.where('c.sealed', '=', false);
  return query
    .groupBy([
      'c.countyCode',
      'k.name',
      'c.agencyId',
      'a.code',
      'c.categoryId',
      'cat.code',
      'cat.name',
      's.id',
      's.code',
      's.name',
    ])
    .having(
      sql<number>`count(distinct ${reporter}) filter (where c.created_at >= ${from})`,
      '>=',
      MIN_CLUSTER,
    );
}

/**
 * How many reports say the same thing: each citizen's newest report, compared with the group's
 * medoid (the report most like all the others), counted when at least as alike as a same-place
 * duplicate must be.
 */
function clusterByText(
  rows: { reference: string; citizenId: string | null; title: string | null; description: string }[],
) {
  const seen = new Set<string>();
  const reports = rows.filter((r) => {
    if (!r.citizenId) return true;
    if (seen.has(r.citizenId)) return false;
    seen.add(r.citizenId);
    return true;
  });
  const vectors = reports.map((r) => textVector(caseText(r)));
  const similarity = vectors.map((a, i) => vectors.map((b, j) => (i === j ? 1 : j < i ? 0 : cosine(a, b))));
  for (let i = 0; i < vectors.length; i++)
    for (let j = 0; j < i; j++) (similarity[i] as number[])[j] = (similarity[j] as number[])[i] as number;
  let centre = 0;
  let bestTotal = -1;
  similarity.forEach((row, i) => {
    const total = row.reduce((sum, s) => sum + s, 0);
    if (total > bestTotal) {
      bestTotal = total;
      centre = i;
    }
  });
  const toCentre = (similarity[centre] ?? [])
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s >= SAME_PLACE_THRESHOLD)
    .sort((a, b) => b.s - a.s);
  return {
    similarCount: toCentre.length,
    examples: toCentre.slice(0, 3).map(({ i }) => (reports[i] as { reference: string }).reference),
  };
}
