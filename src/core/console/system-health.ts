import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import { OPEN_STATUSES } from '../cases/state-machine.ts';
import { latestCheck } from '../sla/check-nothing-falls-through.ts';

export interface SystemHealth {
  /** Jobs by queue and state; null when the job queue has never started on this database. */
  jobs: { name: string; state: string; count: number }[] | null;
  failedJobs: { id: string; name: string; failedAt: Date | null; output: string }[];
  outbox: { channel: string; status: string; count: number }[];
  failedMessages: {
    id: string;
    channel: string;
    purpose: string;
    error: string | null;
    attempts: number;
    createdAt: Date;
  }[];
  lastCheck: { ranAt: Date; openCases: number; findings: number } | null;
  openCases: number;
}

/** What a system administrator looks at when something seems wrong: jobs, outbox, the last check. */
export async function systemHealth(db: Db): Promise<SystemHealth> {
  const [jobs, failedJobs, outbox, failedMessages, check, open] = await Promise.all([
    sql<{
      name: string;
      state: string;
      count: string;
    }>`select name, state::text as state, count(*) as count from pgboss.job group by 1, 2 order by 1, 2`
      .execute(db)
      .then((r) => r.rows.map((row) => ({ ...row, count: Number(row.count) })))
      // No pgboss schema yet: the job queue has not started on this database.
      .catch(() => null),
    sql<{
      id: string;
      name: string;
      failedAt: Date | null;
      output: unknown;
    }>`select id::text as id, name, completed_on as "failedAt", output from pgboss.job where state = 'failed' order by completed_on desc nulls last limit 10`
      .execute(db)
      .then((r) =>
        r.rows.map((row) => ({ ...row, output: JSON.stringify(row.output ?? null).slice(0, 300) })),
      )
      .catch(() => []),
    db
      .selectFrom('outboundMessages')
      .select(['channel', 'status', sql<string>`count(*)`.as('count')])
      .groupBy(['channel', 'status'])
      .orderBy('channel')
      .orderBy('status')
      .execute()
      .then((rows) => rows.map((row) => ({ ...row, count: Number(row.count) }))),
    db
      .selectFrom('outboundMessages')
      .select(['id', 'channel', 'purpose', 'error', 'attempts', 'createdAt'])
      .where('status', '=', 'failed')
      .orderBy('createdAt', 'desc')
      .limit(10)
      .execute(),
    latestCheck(db),
    db
      .selectFrom('cases')
      .select(sql<string>`count(*)`.as('n'))
      .where('status', 'in', [...OPEN_STATUSES])
      .executeTakeFirstOrThrow(),
  ]);
  return {
    jobs,
    failedJobs,
    outbox,
    failedMessages,
    lastCheck: check
      ? { ranAt: check.ranAt, openCases: check.openCases, findings: check.findings.length }
      : null,
    openCases: Number(open.n),
  };
}
