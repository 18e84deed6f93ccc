import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import type { StaffRole } from '../../db/schema.ts';
import { type Principal, roleOf } from '../access/principal.ts';
import { assignCase, type StaffDeps } from '../cases/staff-actions.ts';
import { OPEN_STATUSES } from '../cases/state-machine.ts';
import { AppError, forbidden, invalidInput } from '../errors.ts';

/** Who supervises a team: sees its workload, reassigns in bulk, reviews closed cases. */
export const SUPERVISOR_ROLES: readonly StaffRole[] = [
  'supervisor',
  'agency_head',
  'agency_admin',
  'clearing_house',
];

/** The roles that carry cases, whose load the workload page shows. */
const CASE_WORKERS: readonly StaffRole[] = [
  'agent',
  'officer',
  'supervisor',
  'agency_head',
  'clearing_house',
];

export function assertSupervises(principal: Principal): string {
  if (!SUPERVISOR_ROLES.includes(roleOf(principal)) || !principal.agencyId)
    throw forbidden('Only a supervisor sees the team');
  return principal.agencyId;
}

export interface PersonLoad {
  id: string;
  name: string;
  role: StaffRole;
  open: number;
  /** Cases with a clock past its warning time, not yet breached. */
  warning: number;
  breached: number;
  oldestDueAt: Date | null;
}

export interface TeamWorkload {
  people: PersonLoad[];
  unassigned: number;
  unassignedBreached: number;
  casesPerOfficer: number;
}

/** Each person's open cases, warnings and breaches, from their cases' clocks. */
export async function teamWorkload(db: Db, principal: Principal, now: Date): Promise<TeamWorkload> {
  const agencyId = assertSupervises(principal);
  const [people, loads, agency] = await Promise.all([
    db
      .selectFrom('staffUsers')
      .select(['id', 'name', 'role'])
      .where('agencyId', '=', agencyId)
      .where('active', '=', true)
      .where('role', 'in', [...CASE_WORKERS])
      .orderBy('name')
      .execute(),
    db
      .selectFrom('cases as c')
      .select([
        'c.assigneeId',
        sql<string>`count(*)`.as('open'),
        sql<string>`count(*) filter (where exists (select 1 from case_clocks k where k.case_id = c.id and k.status = 'running' and k.breached_at is null and k.warn_at <= ${now}))`.as(
          'warning',
        ),
        sql<string>`count(*) filter (where c.next_due_at < ${now} or c.escalation_level <> 'officer')`.as(
          'breached',
        ),
        sql<Date | null>`min(c.next_due_at)`.as('oldestDueAt'),
      ])
      .where('c.agencyId', '=', agencyId)
      .where('c.sealed', '=', false)
      .where('c.status', 'in', [...OPEN_STATUSES])
      .groupBy('c.assigneeId')
      .execute(),
    db.selectFrom('agencies').select('casesPerOfficer').where('id', '=', agencyId).executeTakeFirstOrThrow(),
  ]);
  const byPerson = new Map(loads.map((l) => [l.assigneeId, l]));
  const none = byPerson.get(null);
  return {
    people: people.map((p) => {
      const load = byPerson.get(p.id);
      return {
        ...p,
        open: Number(load?.open ?? 0),
        warning: Number(load?.warning ?? 0),
        breached: Number(load?.breached ?? 0),
        oldestDueAt: load?.oldestDueAt ? new Date(load.oldestDueAt) : null,
      };
    }),
    unassigned: Number(none?.open ?? 0),
    unassignedBreached: Number(none?.breached ?? 0),
    casesPerOfficer: agency.casesPerOfficer,
  };
}

/** At most this many cases move in one bulk action, so one request stays short. */
export const BULK_LIMIT = 200;

export interface BulkOutcome {
  done: string[];
  refused: { reference: string; code: string }[];
}

/**
 * Runs one action on each case in turn, each in its own transaction with its own checks and its
 * own event, as if done one by one: a case someone else changed meanwhile is refused alone.
 */
export async function eachCase(
  references: readonly string[],
  act: (reference: string) => Promise<unknown>,
): Promise<BulkOutcome> {
  if (references.length === 0) throw invalidInput('references', 'choose at least one case');
  if (references.length > BULK_LIMIT)
    throw invalidInput('references', `choose at most ${BULK_LIMIT} cases at a time`);
  const outcome: BulkOutcome = { done: [], refused: [] };
  for (const reference of new Set(references)) {
    try {
      await act(reference);
      outcome.done.push(reference);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      outcome.refused.push({ reference, code: error.code });
    }
  }
  return outcome;
}

/** A person's open cases (or only the late ones) given to a colleague: when someone is away. */
export async function reassignFrom(
  deps: StaffDeps,
  principal: Principal,
  input: { fromUserId: string; toUserId: string; onlyLate: boolean },
): Promise<BulkOutcome> {
  const agencyId = assertSupervises(principal);
  if (input.fromUserId === input.toUserId)
    throw invalidInput('toUserId', 'choose someone else to give the cases to');
  let query = deps.db
    .selectFrom('cases')
    .select('reference')
    .where('agencyId', '=', agencyId)
    .where('sealed', '=', false)
    .where('assigneeId', '=', input.fromUserId)
    .where('status', 'in', [...OPEN_STATUSES]);
  if (input.onlyLate) {
    const now = deps.now();
    query = query.where((eb) => eb.or([eb('nextDueAt', '<', now), eb('escalationLevel', '<>', 'officer')]));
  }
  const rows = await query.orderBy('nextDueAt').limit(BULK_LIMIT).execute();
  if (rows.length === 0) return { done: [], refused: [] };
  return eachCase(
    rows.map((r) => r.reference),
    (reference) => assignCase(deps, principal, reference, input.toUserId),
  );
}

export interface ReviewedCase {
  reference: string;
  status: string;
  type: string;
  rating: number | null;
  ratingComment: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
  assigneeName: string | null;
}

/**
 * A sample of the agency's cases resolved or closed in the last 30 days, for a supervisor to read:
 * the same sample all day (seeded by the date), a new one tomorrow; rated cases are as likely as
 * unrated ones, so the review is not only of what citizens chose to rate.
 */
export async function qualitySample(
  db: Db,
  principal: Principal,
  now: Date,
  size = 10,
): Promise<{ cases: ReviewedCase[]; averageRating: number | null; rated: number; total: number }> {
  const agencyId = assertSupervises(principal);
  const since = new Date(now.getTime() - 30 * 86_400_000);
  const day = now.toISOString().slice(0, 10);
  const base = db
    .selectFrom('cases as c')
    .where('c.agencyId', '=', agencyId)
    .where('c.sealed', '=', false)
    .where('c.status', 'in', ['resolved', 'closed'])
    .where((eb) => eb(eb.fn.coalesce('c.resolvedAt', 'c.closedAt'), '>=', since));
  const [cases, figures] = await Promise.all([
    base
      .leftJoin('staffUsers as s', 's.id', 'c.assigneeId')
      .select([
        'c.reference',
        'c.status',
        'c.type',
        'c.rating',
        'c.ratingComment',
        'c.createdAt',
        'c.resolvedAt',
        's.name as assigneeName',
      ])
      .orderBy(sql`md5(c.id::text || ${day})`)
      .limit(size)
      .execute(),
    base
      .select([
        sql<string | null>`avg(c.rating)`.as('average'),
        sql<string>`count(c.rating)`.as('rated'),
        sql<string>`count(*)`.as('total'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  return {
    cases,
    averageRating: figures.average === null ? null : Math.round(Number(figures.average) * 10) / 10,
    rated: Number(figures.rated),
    total: Number(figures.total),
  };
}
