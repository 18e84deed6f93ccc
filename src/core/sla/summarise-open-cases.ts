import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import { OPEN_STATUSES } from '../cases/state-machine.ts';

/** One agency's open work against its deadlines, for the administrators' dashboard. */
export interface AgencyLoad {
  agencyId: string;
  open: number;
  /** Past their next due time. */
  overdue: number;
  /** Due within the next 24 hours. */
  dueSoon: number;
  /** Escalated above the officer level. */
  escalated: number;
  unassigned: number;
  awaitingCitizen: number;
  /** Open with no due time at all: the invariant check's business. */
  undated: number;
}

/**
 * Counts over the open cases, per owning agency. One scan of the open cases: fine for a dashboard
 * opened now and then; at national scale it belongs on a read replica (issue 10).
 */
export async function summariseOpenCases(db: Db, now: Date): Promise<AgencyLoad[]> {
  const open = sql.join(OPEN_STATUSES.map((s) => sql.lit(s)));
  const soon = new Date(now.getTime() + 86_400_000);
  const { rows } = await sql<AgencyLoad>`
    SELECT agency_id AS "agencyId",
      count(*)::int AS open,
      count(*) FILTER (WHERE next_due_at < ${now})::int AS overdue,
      count(*) FILTER (WHERE next_due_at >= ${now} AND next_due_at < ${soon})::int AS "dueSoon",
      count(*) FILTER (WHERE escalation_level <> 'officer')::int AS escalated,
      count(*) FILTER (WHERE assignee_id IS NULL)::int AS unassigned,
      count(*) FILTER (WHERE status = 'awaiting_citizen')::int AS "awaitingCitizen",
      count(*) FILTER (WHERE next_due_at IS NULL)::int AS undated
    FROM cases WHERE status IN (${open})
    GROUP BY agency_id
    ORDER BY count(*) FILTER (WHERE next_due_at < ${now}) DESC, agency_id
  `.execute(db);
  return rows;
}
