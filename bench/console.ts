import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { KyselyPlugin, RootOperationNode } from 'kysely';
import type { Principal } from '../src/core/access/principal.ts';
import { getCaseDetail } from '../src/core/cases/get-case-detail.ts';
import { listQueue } from '../src/core/cases/list-queue.ts';
import { OPEN_STATUSES } from '../src/core/cases/state-machine.ts';
import { ViewCounter, viewFilters, viewsFor } from '../src/core/console/queue-views.ts';
import { SYSTEM_ACTOR } from '../src/core/events/append-events.ts';
import { createStaffUser } from '../src/core/staff/create-staff-user.ts';
import { findLikelyDuplicates } from '../src/core/triage/find-likely-duplicates.ts';
import type { Db } from '../src/db/open-database.ts';
import { prepare, type Started } from '../src/start.ts';
import { renderQueue } from '../src/web/console/queue-pages.ts';
import { benchConfig, createBenchDatabase } from './bench-database.ts';
import type { BenchSettings } from './bench-settings.ts';
import { type SeededConsole, seedConsoleCases } from './console-cases.ts';
import type { Target } from './load-job.ts';
import { measureScenario } from './measure-scenario.ts';
import { type PortalScenario, serverTimer, table } from './portal.ts';

/*
 * The staff console for `npm run bench` (issue 6), on a database of its own holding
 * BENCH_CONSOLE_CASES open cases of one agency (DIS; console-cases.ts writes them). An officer of
 * DIS signs in; then
 * - the walk: the open queue followed page by page through its "next" links, as an officer
 *   paging would, up to page DEEP_PAGE (or the middle of a smaller queue);
 * - load: the queue's first page, that deep page, and the case page of the case in the middle of
 *   the queue, each with autocannon and the time in the server (as for the portal, portal.ts);
 * - in process, no load: the functions those pages call, one at a time, median of RUNS, and the
 *   generic plans of the counts query, the queue page's query and the duplicate finder's
 *   same-place query.
 */

const DEEP_PAGE = 200;
const RUNS = 20;
const PASSWORD = `bench-${randomBytes(12).toString('hex')}`;

export interface ConsoleFigures {
  openCases: number;
  /** DIS's open cases as the queue page counts them (the background's included). */
  countedOpen: number | null;
  seeding: SeededConsole;
  deepPage: number;
  caseReference: string | null;
  /** Client-side time of each page on the way to the deep page, one request at a time. */
  walk: { pages: number; medianMs: number; maxMs: number };
  load: PortalScenario[];
  inProcess: { name: string; medianMs: number; maxMs: number }[];
  plans: { name: string; plan: string }[];
  serverErrors: string[];
  failures: string[];
}

export async function benchConsole(
  settings: Pick<
    BenchSettings,
    'adminUrl' | 'consoleCases' | 'connections' | 'durationSeconds' | 'warmUpSeconds'
  >,
  defer: (cleanup: () => Promise<unknown>) => void,
): Promise<ConsoleFigures> {
  const failures: string[] = [];
  const database = await createBenchDatabase(settings.adminUrl);
  defer(() => database.drop());
  console.log(`console: database ${database.name}; ${settings.consoleCases} open cases of DIS`);
  const config = benchConfig({ DATABASE_URL: database.url });
  const serverLog: string[] = [];
  const started = await prepare(config, {
    logger: { level: 'error', stream: { write: (line: string) => serverLog.push(line) } },
  });
  defer(() => started.close());
  const seeding = await seedConsoleCases(started, settings.consoleCases, (line) => console.log(line));
  console.log(
    `console: written in ${seeding.insertSeconds.toFixed(1)} s, ${seeding.clocked} cases clocked in ${seeding.clockSeconds.toFixed(1)} s`,
  );
  const url = await started.app.listen({ port: 0, host: '127.0.0.1' });
  const { principal, cookie } = await signInOfficer(started, url);
  const headers = { accept: 'text/html', 'accept-encoding': 'gzip', 'accept-language': 'en', cookie };

  // The walk: one page after the other, as far as DEEP_PAGE or the middle of the queue.
  const deepPage = Math.max(2, Math.min(DEEP_PAGE, Math.floor(settings.consoleCases / 50 / 2)));
  const firstPath = '/console/queue?view=open';
  let deepPath = firstPath;
  let countedOpen: number | null = null;
  const walkMs: number[] = [];
  for (let page = 1; page < deepPage; page++) {
    const start = performance.now();
    const response = await fetch(url + deepPath, { headers });
    const body = await response.text();
    walkMs.push(performance.now() - start);
    if (page === 1) countedOpen = Number(/data-count="open">(\d+)</.exec(body)?.[1] ?? Number.NaN);
    const next = /<a href="([^"]+)" rel="next">/.exec(body)?.[1];
    if (response.status !== 200 || !next) {
      failures.push(
        `console: queue page ${page} answered ${response.status} ${next ? '' : 'without a next link'}`,
      );
      break;
    }
    deepPath = next.replaceAll('&amp;', '&');
  }
  const cursor = new URLSearchParams(deepPath.split('?')[1]).get('cursor') ?? undefined;
  const middle = await middleCase(started.database.db, principal);
  if (!middle) failures.push('console: no case with a citizen and a county to show');

  const page = (path: string): Target => ({ kind: 'page', url, method: 'GET', path, headers });
  const scenarios = [
    { name: 'queue, page 1', description: `GET ${firstPath}`, target: page(firstPath) },
    {
      name: `queue, page ${deepPage}`,
      description: `GET /console/queue?view=open&cursor=... (${walkMs.length} "next" links in)`,
      target: page(deepPath),
    },
    ...(middle
      ? [
          {
            name: 'case page',
            description: 'GET /console/cases/{reference}, the middle case of the queue',
            target: page(`/console/cases/${middle.reference}`),
          },
        ]
      : []),
  ];
  const timer = serverTimer(started.app.server);
  const load: PortalScenario[] = [];
  try {
    for (const scenario of scenarios) {
      const result = await measureScenario(settings, scenario, failures, () => timer.start());
      load.push({ ...result, server: timer.stop(), ofBaseline: null });
    }
  } finally {
    timer.remove();
  }

  console.log(`console: the pages' functions alone, ${RUNS} runs each...`);
  const { db } = started.database;
  const now = () => new Date();
  const open = () => viewFilters('open', principal, now());
  // A counter that keeps nothing, so each run counts afresh (the server's keeps counts 5 s per team).
  const countViews = (on: typeof db) => new ViewCounter(on, 0).count(principal, now());
  const counter = new ViewCounter(db);
  const functions: [string, () => Promise<unknown>][] = [
    ['counts of the views, afresh', () => countViews(db)],
    ['counts of the views, kept for the team', () => counter.count(principal, now())],
    ['listQueue, page 1', () => listQueue(db, principal, open(), { limit: 50, sort: 'due' })],
    [
      'listQueue, searching "pasipoti nyayo" (full text)',
      () => listQueue(db, principal, { ...open(), q: 'pasipoti nyayo' }, { limit: 50, sort: 'due' }),
    ],
    [
      `listQueue, page ${deepPage}`,
      () => listQueue(db, principal, open(), { limit: 50, cursor, sort: 'due' }),
    ],
    ...(middle
      ? ([
          ['getCaseDetail (case, citizen, timeline)', () => getCaseDetail(db, principal, middle.reference)],
          ['findLikelyDuplicates', () => findLikelyDuplicates(db, principal, middle.reference)],
        ] as [string, () => Promise<unknown>][])
      : []),
  ];
  // The queue page's HTML from the first page's rows and counts, then gzip as sendPage does.
  const [firstRows, counts] = await Promise.all([
    listQueue(db, principal, open(), { limit: 50, sort: 'due' }),
    countViews(db),
  ]);
  const renderFirst = () =>
    renderQueue(
      {
        language: 'en',
        path: firstPath,
        user: { name: 'Bench Officer', role: 'officer', agencyName: 'DIS' },
      },
      {
        query: { view: 'open' },
        bulk: { claim: true, assign: false, prioritise: true, colleagues: [] },
        saved: [],
        views: viewsFor(principal),
        counts,
        items: firstRows.items,
        nextCursor: firstRows.nextCursor,
        now: now(),
        reference: started.reference,
        errors: [],
      },
    );
  functions.push(
    ['renderQueue, page 1 (50 rows)', async () => renderFirst()],
    ['renderQueue and gzip', async () => gzipSync(renderFirst(), { level: 6 })],
  );
  const inProcess = [];
  for (const [name, run] of functions) inProcess.push({ name, ...(await timeRuns(run)) });
  const plans = [
    {
      name: 'counts of the views',
      plan: await explain(started, (capturing) => countViews(capturing)),
    },
    {
      name: 'listQueue, page 1',
      plan: await explain(started, (capturing) => listQueue(capturing, principal, open(), { limit: 50 })),
    },
    ...(middle
      ? [
          {
            // Its last query: the agency's cases in the case's county, 14 days either side.
            name: 'findLikelyDuplicates, same place',
            plan: await explain(started, (capturing) =>
              findLikelyDuplicates(capturing, principal, middle.reference),
            ),
          },
        ]
      : []),
  ];
  const serverErrors = [...serverLog];
  return {
    openCases: settings.consoleCases,
    countedOpen,
    seeding,
    deepPage,
    caseReference: middle?.reference ?? null,
    walk: {
      pages: walkMs.length,
      medianMs: median(walkMs),
      maxMs: Math.max(...walkMs),
    },
    load,
    inProcess,
    plans,
    serverErrors,
    failures: [...failures, ...serverErrors.map((line) => `console: the server logged ${line.trim()}`)],
  };
}

/** An officer of DIS, signed in through the API as a browser would be: the session cookie. */
async function signInOfficer(started: Started, url: string) {
  const email = `bench.officer.${randomBytes(4).toString('hex')}@dis.example.go.ke`;
  const user = await createStaffUser(
    { db: started.database.db, reference: started.reference, now: () => new Date() },
    SYSTEM_ACTOR,
    { email, name: 'Bench Officer', role: 'officer', agencyCode: 'DIS', password: PASSWORD },
  );
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const session = response.headers
    .getSetCookie()
    .map((line) => /^baraza_session=([^;]+)/.exec(line)?.[1])
    .find(Boolean);
  if (response.status !== 200 || !session) {
    throw new Error(`console: the officer could not sign in (${response.status}): ${await response.text()}`);
  }
  const principal: Principal = {
    kind: 'staff',
    userId: user.id,
    name: 'Bench Officer',
    role: 'officer',
    agencyId: started.reference.agency('DIS')?.id ?? null,
    agencyCode: 'DIS',
  };
  return { principal, cookie: `baraza_session=${session}` };
}

/** The case half-way down the open queue by due time, among those with a citizen and a county. */
async function middleCase(db: Db, principal: Principal) {
  const base = db
    .selectFrom('cases')
    .where('agencyId', '=', principal.kind === 'staff' ? principal.agencyId : null)
    .where('status', 'in', [...OPEN_STATUSES])
    .where('nextDueAt', 'is not', null)
    .where('citizenId', 'is not', null)
    .where('countyCode', 'is not', null);
  const { n } = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return base
    .select('reference')
    .orderBy('nextDueAt')
    .orderBy('id')
    .offset(Math.floor(Number(n) / 2))
    .limit(1)
    .executeTakeFirst();
}

async function timeRuns(run: () => Promise<unknown>): Promise<{ medianMs: number; maxMs: number }> {
  for (let i = 0; i < 3; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return { medianMs: median(times), maxMs: Math.max(...times) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the last query `run` sends, as Kysely compiles it, with the generic
 * plan: Baraza sends every statement with parameters as a named prepared statement, and after five
 * runs PostgreSQL keeps the generic plan when it costs no more than the custom ones (for the counts
 * it is a different plan from the custom one, and the one the in-process times show).
 */
async function explain(started: Started, run: (db: Db) => Promise<unknown>): Promise<string> {
  let last: RootOperationNode | undefined;
  const capture: KyselyPlugin = {
    transformQuery: ({ node }) => {
      last = node;
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  const capturing = started.database.db.withPlugin(capture);
  await run(capturing);
  if (!last) return '(no query)';
  const query = capturing.getExecutor().compileQuery(last, { queryId: 'explain' });
  const client = await started.database.pool.connect();
  try {
    await client.query(`PREPARE bench_explain AS ${query.sql}`);
    await client.query('SET plan_cache_mode = force_generic_plan');
    // EXECUTE takes no bound parameters (it is a utility statement): the values go in as literals.
    const literal = (value: unknown) =>
      value === null
        ? 'NULL'
        : client.escapeLiteral(value instanceof Date ? value.toISOString() : String(value));
    const result = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE bench_explain(${query.parameters.map(literal).join(', ')})`,
    );
    return result.rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await client.query('RESET plan_cache_mode; DEALLOCATE bench_explain').catch(() => {});
    client.release();
  }
}

export function formatConsole(f: ConsoleFigures): string {
  const ms = (us: number) => (us / 1000).toFixed(1);
  const n = (x: number) => x.toLocaleString('en');
  const loads = table(
    [
      'scenario',
      'req/s',
      'p50 ms',
      'p99 ms',
      'server p50 ms',
      'server p99 ms',
      'server max ms',
      'requests',
      'errors',
      'non-2xx',
    ],
    f.load.map((s) => [
      s.name,
      s.requestsPerSecond.toFixed(0),
      String(s.latencyP50Ms),
      String(s.latencyP99Ms),
      ms(s.server.p50Us),
      ms(s.server.p99Us),
      ms(s.server.maxUs),
      String(s.requests),
      String(s.errors),
      String(s.non2xx),
    ]),
  );
  const alone = table(
    ['function', 'median ms', 'max ms'],
    f.inProcess.map((r) => [r.name, r.medianMs.toFixed(1), r.maxMs.toFixed(1)]),
  );
  return [
    `staff console (PostgreSQL): ${n(f.openCases)} open DIS cases written in ${f.seeding.insertSeconds.toFixed(1)} s, ` +
      `clocks for ${n(f.seeding.clocked)} open cases in ${f.seeding.clockSeconds.toFixed(1)} s; ` +
      `the queue counts ${f.countedOpen === null ? '?' : n(f.countedOpen)} open`,
    `walk to page ${f.deepPage}: ${f.walk.pages} pages one at a time, median ${f.walk.medianMs.toFixed(1)} ms, max ${f.walk.maxMs.toFixed(1)} ms`,
    `case page: ${f.caseReference ?? '-'}`,
    'under load (p50/p99: autocannon; server: request event to response finish, in the server process):',
    loads,
    '',
    "the pages' functions alone, no load:",
    alone,
    ...f.plans.flatMap((p) => [
      '',
      `generic plan of ${p.name}:`,
      ...p.plan.split('\n').map((line) => `  ${line}`),
    ]),
  ].join('\n');
}
