import type { Db } from '../../db/open-database.ts';

export interface DueCase {
  caseId: string;
  /** The earliest due moment among its clocks: with the case id, it names the job. */
  fireAt: Date;
}

/**
 * Due clocks in order, a page at a time, from the partial index on (fire_at, case_id): the read
 * touches only clocks that are due, however many are not (docs/performance.md has the plan).
 */
export async function findDueClocks(
  db: Db,
  now: Date,
  limit: number,
  after?: { fireAt: Date; caseId: string },
): Promise<DueCase[]> {
  let query = db
    .selectFrom('caseClocks')
    .select(['caseId', 'fireAt'])
    .where('fireAt', 'is not', null)
    .where('fireAt', '<=', now);
  if (after) {
    // A row comparison, so the index bounds the scan: (fire_at, case_id) > (x, y). Spelled as an
    // OR it becomes a filter, and each page would re-read every due entry before it.
    query = query.where((eb) =>
      eb(eb.refTuple('fireAt', 'caseId'), '>', eb.tuple(after.fireAt, after.caseId)),
    );
  }
  const rows = await query.orderBy('fireAt').orderBy('caseId').limit(limit).execute();
  return rows.map((row) => ({ caseId: row.caseId, fireAt: row.fireAt as Date }));
}

/**
 * The sweep: pages through every due clock and hands each case to `enqueue` once (a case with
 * several due clocks is one job, named by its earliest). The jobs do the work; enqueueing the
 * same (case, moment) twice makes one job, so overlapping sweeps are harmless.
 */
export async function sweepDueClocks(
  db: Db,
  now: Date,
  enqueue: (cases: DueCase[]) => Promise<void>,
  options: { pageSize?: number; maxCases?: number } = {},
): Promise<{ cases: number }> {
  const pageSize = options.pageSize ?? 1000;
  const maxCases = options.maxCases ?? 100_000;
  const seen = new Set<string>();
  let after: DueCase | undefined;
  while (seen.size < maxCases) {
    const page = await findDueClocks(db, now, pageSize, after);
    const fresh: DueCase[] = [];
    for (const due of page) {
      if (seen.has(due.caseId)) continue;
      seen.add(due.caseId);
      fresh.push(due);
    }
    if (fresh.length > 0) await enqueue(fresh);
    if (page.length < pageSize) break;
    after = page[page.length - 1];
  }
  return { cases: seen.size };
}
