import { type KnowledgeFigures, knowledgeRows } from './knowledge.ts';
import { table } from './portal.ts';
import { formatTable } from './report.ts';

/** A plan is printed when its statement took at least this long; the others only by their time. */
const PLAN_SHOWN_MS = 10;

export function formatKnowledge(f: KnowledgeFigures): string {
  const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-');
  const n = (x: number) => x.toLocaleString('en');
  const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  const lines = [formatTable(knowledgeRows(f), []).trimEnd(), ''];
  for (const run of f.runs) {
    const bare = run.scenarios.find((s) => s.name.endsWith('bare tsquery'));
    lines.push(
      `knowledge search on ${run.database}: ${n(run.articles)} published articles (${n(run.generated)} written in ` +
        `${run.writeSeconds.toFixed(1)} s), ${n(run.vocabulary)} words in knowledge_words; knowledge_texts ` +
        `${mb(run.textsBytes)}, knowledge_words ${mb(run.wordsBytes)}`,
      `${f.questions} questions in turn, ${f.callers} callers in closed loop (HTTP: autocannon, whole ms; server: request to response finish):`,
      table(
        ['scenario', 'calls/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'calls', 'errors', '÷ bare calls/s'],
        [
          ...run.scenarios.map((s) => [
            s.name,
            s.requestsPerSecond.toFixed(0),
            ms(s.latencyP50Ms),
            ms(s.latencyP95Ms),
            ms(s.latencyP99Ms),
            ms(s.latencyMaxMs),
            String(s.requests),
            String(s.errors),
            bare ? (s.requestsPerSecond / bare.requestsPerSecond).toFixed(2) : '-',
          ]),
          ...(run.http
            ? [
                [
                  run.http.name,
                  run.http.requestsPerSecond.toFixed(0),
                  `${run.http.latencyP50Ms} (server ${ms(run.http.server.p50Us / 1000)})`,
                  '-',
                  `${run.http.latencyP99Ms} (server ${ms(run.http.server.p99Us / 1000)})`,
                  ms(run.http.server.maxUs / 1000),
                  String(run.http.requests),
                  String(run.http.errors + run.http.non2xx),
                  bare ? (run.http.requestsPerSecond / bare.requestsPerSecond).toFixed(2) : '-',
                ],
              ]
            : []),
        ],
      ),
      `publishing one more article (putLive, as a reviewer publishes): ${ms(run.publishOneMs)} ms`,
      `first hit is the expected article (or a numbered variant of it): ${run.firstHit.found} of ${run.firstHit.asked}`,
      'slowest questions, each alone:',
      ...run.slowest.map(
        (s) =>
          `  ${ms(s.ms)} ms  [${s.language}] "${s.question}" -> ${s.hits} hits; words ${s.words.join(' ')}`,
      ),
      ...plans(run.plans),
      '',
    );
  }
  const c = f.caseSearch;
  if (c) {
    lines.push(
      `case search on PostgreSQL: ${n(c.cases)} open DIS cases written in ${c.seeding.insertSeconds.toFixed(1)} s, ` +
        `${n(c.seeding.clocked)} clocked in ${c.seeding.clockSeconds.toFixed(1)} s; database ${mb(c.databaseBytes)}, ` +
        `cases with its indexes ${mb(c.casesTableBytes)}, cases_text_search_idx ${mb(c.textIndexBytes)}`,
      `listQueue (open view, 50 rows by due time) and the bare SELECT over the GIN index, ${c.callers} callers in closed loop:`,
      table(
        [
          'term',
          'kind',
          'matches',
          'calls/s',
          'p50 ms',
          'p95 ms',
          'p99 ms',
          'bare calls/s',
          'bare p50',
          'bare p95',
          'bare p99',
        ],
        c.terms.map((t) => [
          t.term,
          t.kind,
          n(t.matches),
          t.search.requestsPerSecond.toFixed(0),
          ms(t.search.latencyP50Ms),
          ms(t.search.latencyP95Ms),
          ms(t.search.latencyP99Ms),
          t.baseline.requestsPerSecond.toFixed(0),
          ms(t.baseline.latencyP50Ms),
          ms(t.baseline.latencyP95Ms),
          ms(t.baseline.latencyP99Ms),
        ]),
      ),
      ...plans(c.plans),
    );
  }
  return lines.join('\n');
}

function plans(list: { name: string; plan: string }[]): string[] {
  return list.flatMap((p) => {
    const time = Number(/Execution Time: ([\d.]+) ms/.exec(p.plan)?.[1] ?? Number.NaN);
    if (time < PLAN_SHOWN_MS) return [`plan of ${p.name}: ${time.toFixed(1)} ms`];
    // The buffer counts stay in .bench/results.json; on the terminal they would double the plan.
    const shown = p.plan
      .split('\n')
      .filter((line) => !/^\s*(Buffers:|Index Searches:|Planning:$)/.test(line));
    return ['', `plan of ${p.name}:`, ...shown.map((line) => `  ${line}`), ''];
  });
}
