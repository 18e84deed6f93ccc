import { sql } from 'kysely';
import type { Principal } from '../src/core/access/principal.ts';
import { CASE_TEXT, listQueue, searchQuery } from '../src/core/cases/list-queue.ts';
import { formatReference } from '../src/core/cases/reference.ts';
import { viewFilters } from '../src/core/console/queue-views.ts';
import { prepare } from '../src/start.ts';
import { benchConfig, createBenchDatabase } from './bench-database.ts';
import type { BenchSettings } from './bench-settings.ts';
import { closedLoop, type LoopScenario, loopScenario } from './closed-loop.ts';
import { type SeededConsole, seedConsoleCases } from './console-cases.ts';
import { explainQueries } from './explain-queries.ts';

/*
 * The console's case search at scale (issue 8), on PostgreSQL, on a database of its own holding
 * BENCH_CASE_SEARCH_CASES open cases of one agency (DIS), written by console-cases.ts as the console
 * section writes its 100,000. An officer of DIS searches the open queue as the console's queue page
 * does (listQueue with `q`, 50 rows, by due time) for a handful of terms: a word in most cases, one
 * in a few, a Kiswahili pair, a word in none, and a case reference typed as citizens write it. Each
 * term in closed loop with `callers` callers, then the yardstick: one bare SELECT over the same GIN
 * index (cases_text_search_idx) with the same tsquery and LIMIT 50, no visibility, no order (for the
 * reference, the unique index on the reference). Before the terms, all of them in turn for a
 * warm-up: Baraza sends listQueue's statement as a named prepared statement, which PostgreSQL plans
 * afresh five times per connection and may then keep a generic plan of, so the terms it first meets
 * decide; a mix is what a live console gives it.
 */

export interface SearchTerm {
  term: string;
  kind: string;
  /** Cases whose text matches (all agencies, all statuses). */
  matches: number;
  search: LoopScenario;
  baseline: LoopScenario;
}

export interface CaseSearchFigures {
  cases: number;
  callers: number;
  seeding: SeededConsole;
  databaseBytes: number;
  casesTableBytes: number;
  textIndexBytes: number;
  terms: SearchTerm[];
  plans: { name: string; plan: string }[];
  failures: string[];
}

export async function benchCaseSearch(
  settings: Pick<BenchSettings, 'adminUrl' | 'caseSearchCases' | 'durationSeconds' | 'warmUpSeconds'>,
  callers: number,
  defer: (cleanup: () => Promise<unknown>) => void,
): Promise<CaseSearchFigures> {
  const failures: string[] = [];
  const database = await createBenchDatabase(settings.adminUrl);
  defer(() => database.drop());
  console.log(`case search: database ${database.name}; ${settings.caseSearchCases} open cases of DIS`);
  const serverLog: string[] = [];
  const started = await prepare(benchConfig({ DATABASE_URL: database.url }), {
    logger: { level: 'error', stream: { write: (line: string) => serverLog.push(line) } },
  });
  defer(() => started.close());
  const seeding = await seedConsoleCases(started, settings.caseSearchCases, (line) =>
    console.log(line.replace(/^console: /, 'case search: ')),
  );
  console.log(
    `case search: written in ${seeding.insertSeconds.toFixed(1)} s, ${seeding.clocked} clocked in ${seeding.clockSeconds.toFixed(1)} s`,
  );
  const { db, pool } = started.database;
  const officer = await db
    .selectFrom('staffUsers')
    .select(['id', 'name'])
    .where('agencyId', '=', seeding.agencyId)
    .where('role', '=', 'officer')
    .executeTakeFirstOrThrow();
  const principal: Principal = {
    kind: 'staff',
    userId: officer.id,
    name: officer.name,
    role: 'officer',
    agencyId: seeding.agencyId,
    agencyCode: 'DIS',
  };
  const { reference } = await db
    .selectFrom('cases')
    .select('reference')
    .where('agencyId', '=', seeding.agencyId)
    .orderBy('id')
    .offset(Math.floor(settings.caseSearchCases / 2))
    .limit(1)
    .executeTakeFirstOrThrow();
  const terms = [
    { term: 'passport', kind: 'common word' },
    { term: 'namanga', kind: 'one template in ten' },
    { term: 'marsabit', kind: 'rare: one county' },
    { term: 'pasipoti nyayo', kind: 'Kiswahili, two words' },
    { term: 'tractor', kind: 'in no case' },
    { term: formatReference(reference), kind: 'a reference' },
  ];
  const search = (q: string) =>
    listQueue(
      db,
      principal,
      { ...viewFilters('open', principal, new Date()), q },
      { limit: 50, sort: 'due' },
    );
  const bare = (q: string) =>
    /^[\d-]+$/.test(q)
      ? pool.query('SELECT id, reference FROM cases WHERE reference = $1', [q.replaceAll('-', '')])
      : pool.query(
          `SELECT c.id, c.reference FROM cases c WHERE ${CASE_TEXT} @@ to_tsquery('simple', $1) LIMIT 50`,
          [searchQuery(q)],
        );

  console.log(`case search: every term in turn, ${settings.warmUpSeconds} s, not counted`);
  await closedLoop({ ...settings, warmUpSeconds: 0, durationSeconds: settings.warmUpSeconds }, callers, (n) =>
    search(terms[n % terms.length]?.term ?? ''),
  );
  const figures: SearchTerm[] = [];
  for (const { term, kind } of terms) {
    const words = searchQuery(term);
    const matches = /^[\d-]+$/.test(term)
      ? 1
      : Number(
          (
            await pool.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM cases c WHERE ${CASE_TEXT} @@ to_tsquery('simple', $1)`,
              [words],
            )
          ).rows[0]?.n,
        );
    console.log(`case search: "${term}" (${matches} matching cases): listQueue, then the bare SELECT`);
    const measure = async (name: string, description: string, call: () => Promise<unknown>) => {
      const result = await closedLoop(settings, callers, call);
      if (result.errors > 0) failures.push(`${name}: ${result.errors} calls failed: ${result.firstError}`);
      return loopScenario(name, description, callers, result, settings.durationSeconds);
    };
    figures.push({
      term,
      kind,
      matches,
      search: await measure(`case search "${term}"`, `listQueue, open view, q="${term}"`, () => search(term)),
      baseline: await measure(`bare SELECT "${term}"`, 'one SELECT over the GIN index, LIMIT 50', () =>
        bare(term),
      ),
    });
  }

  console.log('case search: plans...');
  const plans: CaseSearchFigures['plans'] = [];
  for (const { term } of terms) {
    for (const mode of ['generic', 'custom'] as const) {
      const explained = await explainQueries(
        started.database,
        (on) =>
          listQueue(on, principal, { ...viewFilters('open', principal, new Date()), q: term }, { limit: 50 }),
        mode,
      );
      explained.forEach((e, i) => {
        plans.push({
          name: `listQueue "${term}", query ${i + 1} of ${explained.length}, ${mode} plan`,
          plan: e.plan,
        });
      });
    }
  }
  const size = async (expression: string) =>
    Number((await sql<{ n: string }>`SELECT ${sql.raw(expression)} AS n`.execute(db)).rows[0]?.n);
  return {
    cases: settings.caseSearchCases,
    callers,
    seeding,
    databaseBytes: await size('pg_database_size(current_database())'),
    casesTableBytes: await size(`pg_total_relation_size('cases')`),
    textIndexBytes: await size(`pg_relation_size('cases_text_search_idx')`),
    terms: figures,
    plans,
    failures: [...failures, ...serverLog.map((line) => `case search: the server logged ${line.trim()}`)],
  };
}
