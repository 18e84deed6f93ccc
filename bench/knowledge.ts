import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Config } from '../src/config.ts';
import { recountWords } from '../src/core/knowledge/publish-text.ts';
import { searchArticles } from '../src/core/knowledge/search-articles.ts';
import { readSeedArticles } from '../src/core/knowledge/seed-articles.ts';
import type { Language } from '../src/db/schema.ts';
import { prepare, type Started } from '../src/start.ts';
import { benchConfig, createBenchDatabase } from './bench-database.ts';
import type { BenchSettings } from './bench-settings.ts';
import { benchCaseSearch, type CaseSearchFigures } from './case-search.ts';
import { closedLoop, type LoopScenario, loopScenario } from './closed-loop.ts';
import { explainQueries } from './explain-queries.ts';
import { type ArticleSource, draftArticle, publishArticles, publishOne } from './knowledge-articles.ts';
import { measureScenario } from './measure-scenario.ts';
import { type PortalScenario, serverTimer } from './portal.ts';
import type { ScenarioResult } from './report.ts';

/*
 * The knowledge base for `npm run bench` (issue 8): "knowledge search: p95 latency with 10,000
 * articles, and case full-text search with 1,000,000 cases on PostgreSQL".
 *
 * Knowledge search, on PostgreSQL and on PGlite, each Baraza on a fresh database: the 100 shipped
 * articles (installed at start) and BENCH_KNOWLEDGE_ARTICLES - 100 more (knowledge-articles.ts),
 * then VACUUM ANALYZE. The 120 questions of test/fixtures/knowledge-questions.json (English and
 * Kiswahili, typos and all) are asked in turn by CALLERS callers in closed loop, each asking again
 * the moment it has its answer, for BENCH_DURATION_SECONDS after a warm-up:
 * - searchArticles as the portal's /help calls it (20 hits, with the facets);
 * - searchArticles as USSD, SMS and the automatic answer call it (3 hits, no facets);
 * - the yardstick, on the same database: one bare SELECT per question, `search @@
 *   websearch_to_tsquery(...)` ranked by ts_rank, LIMIT 10 (all words required, no corrections);
 * - GET /help?q= over HTTP with autocannon at CALLERS connections, with the time in the server.
 * Then each question once on its own, for the slowest questions, whether the expected article
 * (or one of its numbered variants) comes first, and the plans of the slowest one's statements;
 * last, a few more articles published one at a time through putLive, as a reviewer publishes.
 *
 * Case search: case-search.ts, on PostgreSQL, with BENCH_CASE_SEARCH_CASES open cases.
 */

const CALLERS = 4;
const BATCH = 250;
const PUBLISHED_ONE_BY_ONE = 3;
const QUESTIONS_FILE = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'knowledge-questions.json');

interface Question {
  question: string;
  language: Language;
  expect: string;
}

export interface KnowledgeDatabaseFigures {
  database: 'postgres' | 'pglite';
  articles: number;
  generated: number;
  /** Texts written in batches, then the vocabulary counted once. */
  writeSeconds: number;
  /** Median time to publish one more article through putLive, as a reviewer does, at that size. */
  publishOneMs: number;
  /** Words in knowledge_words: what typos are corrected against. */
  vocabulary: number;
  textsBytes: number;
  wordsBytes: number;
  scenarios: LoopScenario[];
  http: PortalScenario | null;
  slowest: { question: string; language: Language; ms: number; hits: number; words: string[] }[];
  /** Questions whose expected article, or a numbered variant of it, is the first hit (portal form). */
  firstHit: { asked: number; found: number };
  plans: { name: string; plan: string }[];
}

export interface KnowledgeFigures {
  callers: number;
  questions: number;
  runs: KnowledgeDatabaseFigures[];
  caseSearch: CaseSearchFigures | null;
  failures: string[];
}

export async function benchKnowledge(
  settings: Pick<
    BenchSettings,
    'adminUrl' | 'knowledgeArticles' | 'caseSearchCases' | 'durationSeconds' | 'warmUpSeconds'
  >,
  defer: (cleanup: () => Promise<unknown>) => void,
): Promise<KnowledgeFigures> {
  const failures: string[] = [];
  const questions = JSON.parse(fs.readFileSync(QUESTIONS_FILE, 'utf8')) as Question[];
  const runs: KnowledgeDatabaseFigures[] = [];
  for (const kind of settings.knowledgeArticles > 0 ? (['postgres', 'pglite'] as const) : []) {
    let config: Config;
    if (kind === 'postgres') {
      const database = await createBenchDatabase(settings.adminUrl);
      defer(() => database.drop());
      config = benchConfig({ DATABASE_URL: database.url });
      console.log(`knowledge: PostgreSQL database ${database.name}`);
    } else {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baraza-bench-pglite-'));
      defer(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
      config = benchConfig({ BARAZA_DATA_DIR: dataDir });
      console.log(`knowledge: PGlite in ${dataDir}`);
    }
    const serverLog: string[] = [];
    const started = await prepare(config, {
      logger: { level: 'error', stream: { write: (line: string) => serverLog.push(line) } },
    });
    try {
      runs.push(await measureOn(kind, started, settings, questions, failures));
    } finally {
      await started.close();
    }
    failures.push(...serverLog.map((line) => `knowledge (${kind}): the server logged ${line.trim()}`));
  }
  const caseSearch = settings.caseSearchCases > 0 ? await benchCaseSearch(settings, CALLERS, defer) : null;
  if (caseSearch) failures.push(...caseSearch.failures);
  return { callers: CALLERS, questions: questions.length, runs, caseSearch, failures };
}

async function measureOn(
  kind: 'postgres' | 'pglite',
  started: Started,
  settings: Pick<BenchSettings, 'knowledgeArticles' | 'durationSeconds' | 'warmUpSeconds'>,
  questions: Question[],
  failures: string[],
): Promise<KnowledgeDatabaseFigures> {
  const { db, pool } = started.database;
  const source = await articleSource(started);
  const generated = settings.knowledgeArticles - source.shipped.length;
  console.log(
    `knowledge (${kind}): writing ${generated} articles after the ${source.shipped.length} shipped...`,
  );
  const writeStart = performance.now();
  const now = new Date();
  for (let from = 0; from < generated; from += BATCH) {
    const drafts = [];
    for (let i = from; i < Math.min(generated, from + BATCH); i++) drafts.push(draftArticle(source, i));
    await publishArticles(db, drafts, now);
    if ((from / BATCH) % 8 === 7) console.log(`knowledge (${kind}): ${from + BATCH} written`);
  }
  await recountWords(db);
  const writeSeconds = (performance.now() - writeStart) / 1000;
  await sql`VACUUM ANALYZE`.execute(db);
  const one = async (query: string) => Number((await pool.query<{ n: string }>(query)).rows[0]?.n);
  const articles = await one(`SELECT count(*) AS n FROM knowledge_articles WHERE status = 'published'`);
  const vocabulary = await one('SELECT count(*) AS n FROM knowledge_words');
  console.log(
    `knowledge (${kind}): ${articles} published articles, ${vocabulary} words, written in ${writeSeconds.toFixed(1)} s`,
  );

  const ask = (n: number) => questions[n % questions.length] as Question;
  const measure = async (name: string, description: string, call: (n: number) => Promise<unknown>) => {
    console.log(
      `${name}: ${CALLERS} callers, warm-up ${settings.warmUpSeconds} s, measure ${settings.durationSeconds} s`,
    );
    const result = await closedLoop(settings, CALLERS, call);
    if (result.errors > 0) failures.push(`${name}: ${result.errors} calls failed: ${result.firstError}`);
    return loopScenario(name, description, CALLERS, result, settings.durationSeconds);
  };
  const scenarios = [
    await measure(`${kind}: knowledge search, portal`, 'searchArticles, 20 hits and the facets', (n) =>
      searchArticles(db, ask(n).question, { language: ask(n).language, limit: 20 }),
    ),
    await measure(`${kind}: knowledge search, channels`, 'searchArticles, 3 hits, no facets', (n) =>
      searchArticles(db, ask(n).question, { language: ask(n).language, limit: 3, facets: false }),
    ),
    await measure(`${kind}: bare tsquery`, 'one SELECT: @@ websearch_to_tsquery, ts_rank, LIMIT 10', (n) =>
      pool.query(
        `SELECT t.article_id, ts_rank(t.search, q) AS rank
         FROM knowledge_texts t, websearch_to_tsquery($1::regconfig, $2) AS q
         WHERE t.search @@ q ORDER BY rank DESC LIMIT 10`,
        [ask(n).language === 'sw' ? 'simple' : 'english', ask(n).question],
      ),
    ),
  ];
  const http = await measureHelp(kind, started, settings, questions, failures);

  // Each question on its own: which are slow, and whether search still finds the right article.
  const alone = [];
  let found = 0;
  for (const q of questions) {
    const start = performance.now();
    const result = await searchArticles(db, q.question, { language: q.language, limit: 20 });
    alone.push({
      question: q.question,
      language: q.language,
      ms: performance.now() - start,
      hits: result.total,
      words: result.words,
    });
    const first = result.hits[0]?.slug ?? '';
    if (first === q.expect || first.startsWith(`${q.expect}-v`)) found += 1;
  }
  const slowest = alone.sort((a, b) => b.ms - a.ms).slice(0, 5);
  const plans: KnowledgeDatabaseFigures['plans'] = [];
  const worst = slowest[0];
  if (worst) {
    for (const mode of kind === 'postgres' ? (['custom', 'generic'] as const) : (['custom'] as const)) {
      const explained = await explainQueries(
        started.database,
        (on) => searchArticles(on, worst.question, { language: worst.language, limit: 20 }),
        mode,
      );
      explained.forEach((e, i) => {
        plans.push({ name: `"${worst.question}", statement ${i + 1}, ${mode} plan`, plan: e.plan });
      });
    }
  }
  // Last, so that search was measured with exactly the articles asked for.
  const publishMs = [];
  for (let i = generated; i < generated + PUBLISHED_ONE_BY_ONE; i++) {
    const start = performance.now();
    await publishOne(db, draftArticle(source, i), new Date());
    publishMs.push(performance.now() - start);
  }
  return {
    database: kind,
    publishOneMs: publishMs.sort((a, b) => a - b)[Math.floor(publishMs.length / 2)] ?? Number.NaN,
    articles,
    generated,
    writeSeconds,
    vocabulary,
    textsBytes: await one(`SELECT pg_total_relation_size('knowledge_texts') AS n`),
    wordsBytes: await one(`SELECT pg_total_relation_size('knowledge_words') AS n`),
    scenarios,
    http,
    slowest,
    firstHit: { asked: questions.length, found },
    plans,
  };
}

/** What the generator draws from: the shipped articles, their agencies, the catalogue, the counties. */
async function articleSource(started: Started): Promise<ArticleSource> {
  const { db } = started.database;
  const agencies = await db
    .selectFrom('agencies')
    .select(['code', 'name', 'nameSw', 'shortName'])
    .where('code', 'is not', null)
    .execute();
  const services = await db
    .selectFrom('services as s')
    .innerJoin('agencies as a', 'a.id', 's.agencyId')
    .select([
      's.id as serviceId',
      's.name as serviceName',
      's.nameSw as serviceNameSw',
      'a.id as agencyId',
      'a.name as agencyName',
      'a.nameSw as agencyNameSw',
      'a.shortName as agencyShort',
    ])
    .orderBy('s.id')
    .execute();
  const counties = await db.selectFrom('counties').select('name').orderBy('code').execute();
  return {
    shipped: readSeedArticles(),
    agencies: new Map(
      agencies.map((a) => [a.code ?? '', { name: a.name, nameSw: a.nameSw, short: a.shortName }]),
    ),
    services,
    counties: counties.map((c) => c.name),
  };
}

/** GET /help?q= for every question in turn, over HTTP (the portal's language: English). */
async function measureHelp(
  kind: 'postgres' | 'pglite',
  started: Started,
  settings: Pick<BenchSettings, 'durationSeconds' | 'warmUpSeconds'>,
  questions: Question[],
  failures: string[],
): Promise<PortalScenario> {
  const url = await started.app.listen({ port: 0, host: '127.0.0.1' });
  const timer = serverTimer(started.app.server);
  try {
    const result: ScenarioResult = await measureScenario(
      { ...settings, connections: CALLERS },
      {
        name: `${kind}: GET /help?q=`,
        description: 'the portal search page over HTTP, autocannon',
        target: {
          kind: 'read',
          url,
          pathPrefix: '/help?q=',
          keys: questions.map((q) => encodeURIComponent(q.question)),
        },
      },
      failures,
      () => timer.start(),
    );
    const server = timer.stop();
    // autocannon stops with a request in flight on each connection: let them end before closing.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return { ...result, server, ofBaseline: null };
  } finally {
    timer.remove();
  }
}

/** The section's rows in the shape of the report's table (report.ts). */
export function knowledgeRows(f: KnowledgeFigures): ScenarioResult[] {
  return [
    ...f.runs.flatMap((run) => [...run.scenarios, ...(run.http ? [run.http] : [])]),
    ...(f.caseSearch?.terms.flatMap((t) => [t.search, t.baseline]) ?? []),
  ];
}
