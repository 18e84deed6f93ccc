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

/**
 * How many cases each view holds, in one pass over the open cases the person may see (the partial
 * index on open cases keeps it to those rows).
 */
export async function countViews(
  db: Db,
  principal: Principal,
  now: Date,
): Promise<Partial<Record<QueueView, number>>> {
  const visibility = visibleCases(principal);
  const views = viewsFor(principal);
  if (visibility.kind === 'none' || views.length === 0) return {};
  const userId = principal.kind === 'staff' ? principal.userId : null;
  let query = db
    .selectFrom('cases as c')
    .where('c.status', 'in', [...OPEN_STATUSES])
    .select([
      sql<string>`count(*)`.as('open'),
      sql<string>`count(*) filter (where c.assignee_id = ${userId})`.as('mine'),
      sql<string>`count(*) filter (where c.assignee_id is null and c.status <> 'awaiting_citizen')`.as(
        'unassigned',
      ),
      sql<string>`count(*) filter (where c.status = 'awaiting_citizen')`.as('awaiting'),
      sql<string>`count(*) filter (where c.escalation_level <> 'officer' or c.next_due_at < ${now})`.as(
        'attention',
      ),
      sql<string>`count(*) filter (where c.sealed)`.as('sealed'),
    ]);
  if (visibility.kind === 'agency') {
    query = query.where('c.agencyId', '=', visibility.agencyId).where('c.sealed', '=', false);
  } else if (roleOf(principal) === 'oversight') {
    // Oversight works sealed reports; its other views count those too.
    query = query.where('c.sealed', '=', true);
  }
  const row = await query.executeTakeFirstOrThrow();
  return Object.fromEntries(views.map((view) => [view, Number(row[view])]));
}
