import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import { visibleCases } from '../access/case-policy.ts';
import { type Principal, roleOf } from '../access/principal.ts';
import type { QueueFilters } from '../cases/list-queue.ts';
import { OPEN_STATUSES } from '../cases/state-machine.ts';

/**
 * The queues of the staff console, each a named set of filters over the cases a person may see
 * (core/access/case-policy.ts decides which; a clearing-house user's agency is the clearing house,
 * so "open" is the clearing house's queue for them).
 */
export const QUEUE_VIEWS = ['open', 'mine', 'unassigned', 'awaiting', 'attention', 'sealed'] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];

/** The views a role has: sealed reports only for oversight, who works nothing else. */
export function viewsFor(principal: Principal): QueueView[] {
  const role = roleOf(principal);
  if (role === 'sysadmin') return [];
  if (role === 'oversight') return ['sealed', 'mine', 'attention'];
  return ['open', 'mine', 'unassigned', 'awaiting', 'attention'];
}

const WORKING = OPEN_STATUSES.filter((s) => s !== 'awaiting_citizen');

/** The filters of a view; oversight's views hold only the sealed reports it works. */
export function viewFilters(view: QueueView, principal: Principal, now: Date): QueueFilters {
  const filters = baseFilters(view, now);
  return roleOf(principal) === 'oversight' ? { ...filters, sealed: true } : filters;
}

function baseFilters(view: QueueView, now: Date): QueueFilters {
  switch (view) {
    case 'open':
      return { status: [...OPEN_STATUSES] };
    case 'mine':
      return { status: [...OPEN_STATUSES], assignee: 'me' };
    case 'unassigned':
      return { status: [...WORKING], assignee: 'none' };
    case 'awaiting':
      return { status: ['awaiting_citizen'] };
    case 'attention':
      return { status: [...OPEN_STATUSES], needsAttentionAt: now };
    case 'sealed':
      return { status: [...OPEN_STATUSES], sealed: true };
  }
}

type Counts = Partial<Record<QueueView, number>>;

/**
 * How many cases each view holds. The counts every member of a team shares (open, unassigned,
 * awaiting, attention, sealed) come from one pass over the open cases the team may see, kept for
 * a few seconds per team and shared by requests that arrive while it runs: at 100,000 open cases
 * that pass takes ~100 ms, and every page load and every half-minute refresh asks for it. "Mine"
 * is counted per person, from the assignee index. A console action forgets its team's counts, so
 * the person who acted sees the change at once; others see it within `ttlMs`.
 */
export class ViewCounter {
  readonly #shared = new Map<string, { at: number; counts: Promise<Counts> }>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 5_000,
  ) {}

  async count(principal: Principal, now: Date): Promise<Counts> {
    const visibility = visibleCases(principal);
    const views = viewsFor(principal);
    if (visibility.kind === 'none' || views.length === 0) return {};
    const key = teamKey(principal);
    const clock = Date.now();
    let entry = this.#shared.get(key);
    if (!entry || clock - entry.at > this.ttlMs) {
      const counts = countShared(this.db, principal, now);
      entry = { at: clock, counts };
      this.#shared.set(key, entry);
      // A failed count is not kept.
      counts.catch(() => this.#shared.delete(key));
    }
    const [shared, mine] = await Promise.all([
      entry.counts,
      views.includes('mine') ? countMine(this.db, principal) : undefined,
    ]);
    const all: Counts = { ...shared, ...(mine === undefined ? {} : { mine }) };
    return Object.fromEntries(views.map((view) => [view, all[view] ?? 0]));
  }

  /** Forget the counts of the team this person belongs to (after they changed a case). */
  forget(principal: Principal): void {
    this.#shared.delete(teamKey(principal));
  }
}

/** People who see the same cases share counts: an agency's staff, oversight, or everyone. */
function teamKey(principal: Principal): string {
  const visibility = visibleCases(principal);
  if (visibility.kind === 'agency') return `agency:${visibility.agencyId}`;
  return roleOf(principal) === 'oversight' ? 'oversight' : visibility.kind;
}

async function countMine(db: Db, principal: Principal): Promise<number> {
  if (principal.kind !== 'staff') return 0;
  let query = db
    .selectFrom('cases as c')
    .select(sql<string>`count(*)`.as('n'))
    .where('c.assigneeId', '=', principal.userId)
    .where('c.status', 'in', [...OPEN_STATUSES]);
  query = scoped(query, principal);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

// biome-ignore lint/suspicious/noExplicitAny: the two count queries select different columns
function scoped<Q extends { where: (...args: any[]) => any }>(query: Q, principal: Principal): Q {
  const visibility = visibleCases(principal);
  if (visibility.kind === 'agency') {
    return query.where('c.agencyId', '=', visibility.agencyId).where('c.sealed', '=', false);
  }
  // Oversight works sealed reports; its other views count those too.
  if (roleOf(principal) === 'oversight') return query.where('c.sealed', '=', true);
  return query;
}

/** One pass over the open cases the team may see (the partial index on open cases keeps it to those rows). */
async function countShared(db: Db, principal: Principal, now: Date): Promise<Counts> {
  const query = scoped(
    db
      .selectFrom('cases as c')
      .where('c.status', 'in', [...OPEN_STATUSES])
      .select([
        sql<string>`count(*)`.as('open'),
        sql<string>`count(*) filter (where c.assignee_id is null and c.status <> 'awaiting_citizen')`.as(
          'unassigned',
        ),
        sql<string>`count(*) filter (where c.status = 'awaiting_citizen')`.as('awaiting'),
        sql<string>`count(*) filter (where c.escalation_level <> 'officer' or c.next_due_at < ${now})`.as(
          'attention',
        ),
        sql<string>`count(*) filter (where c.sealed)`.as('sealed'),
      ]),
    principal,
  );
  const row = await query.executeTakeFirstOrThrow();
  return {
    open: Number(row.open),
    unassigned: Number(row.unassigned),
    awaiting: Number(row.awaiting),
    attention: Number(row.attention),
    sealed: Number(row.sealed),
  };
}
