import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import { CLOCKS } from './sla-policy.ts';

export interface ClockReport {
  clock: string;
  /** Clocks of this kind started in the period. */
  total: number;
  metOnTime: number;
  metLate: number;
  /** Still running (or paused) and already past due. */
  breachedOpen: number;
  /** Still running (or paused) and not yet due. */
  openInTime: number;
  /** Stopped without being met: the case was withdrawn, merged or closed first. */
  stopped: number;
  /** Share of the decided clocks (met or breached) that were met on time; null with none decided. */
  onTimeRate: number | null;
  /** Median wall-clock time from start to met, in seconds; null when none was met. */
  medianSecondsToMeet: number | null;
}

/**
 * An agency's SLA performance for clocks started in [from, to): per clock, how many were met on
 * time, met late, are breached and still open, and the median time to meet them. Sealed reports
 * are left out: their handling is the oversight body's, not the agency's.
 */
export async function reportSla(db: Db, agencyId: string, from: Date, to: Date): Promise<ClockReport[]> {
  const rows = await sql<
    Omit<ClockReport, 'onTimeRate' | 'medianSecondsToMeet'> & { medianSeconds: number | null }
  >`
    SELECT k.clock,
      count(*)::int AS total,
      count(*) FILTER (WHERE k.status = 'met' AND k.breached_at IS NULL)::int AS "metOnTime",
      count(*) FILTER (WHERE k.status = 'met' AND k.breached_at IS NOT NULL)::int AS "metLate",
      count(*) FILTER (WHERE k.status IN ('running', 'paused') AND k.breached_at IS NOT NULL)::int AS "breachedOpen",
      count(*) FILTER (WHERE k.status IN ('running', 'paused') AND k.breached_at IS NULL)::int AS "openInTime",
      count(*) FILTER (WHERE k.status = 'stopped')::int AS stopped,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM k.met_at - k.started_at))
        FILTER (WHERE k.status = 'met') AS "medianSeconds"
    FROM case_clocks k JOIN cases c ON c.id = k.case_id
    WHERE c.agency_id = ${agencyId} AND NOT c.sealed AND k.started_at >= ${from} AND k.started_at < ${to}
    GROUP BY k.clock
  `.execute(db);
  const byClock = new Map(rows.rows.map((row) => [row.clock, row]));
  return CLOCKS.map((clock) => {
    const row = byClock.get(clock);
    const decided = row ? row.metOnTime + row.metLate + row.breachedOpen : 0;
    return {
      clock,
      total: row?.total ?? 0,
      metOnTime: row?.metOnTime ?? 0,
      metLate: row?.metLate ?? 0,
      breachedOpen: row?.breachedOpen ?? 0,
      openInTime: row?.openInTime ?? 0,
      stopped: row?.stopped ?? 0,
      onTimeRate: decided > 0 && row ? Math.round((row.metOnTime / decided) * 1000) / 1000 : null,
      medianSecondsToMeet: row?.medianSeconds == null ? null : Math.round(Number(row.medianSeconds)),
    };
  });
}
