import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import type { Language } from '../../db/schema.ts';
import { nameIn } from './read-article.ts';
import { SYNONYM_WEIGHT, synonymsOf } from './search-synonyms.ts';
import { questionWords, swahiliVerbForms } from './search-words.ts';

/*
 * One search for every channel (the portal, the console, USSD, SMS, the automatic answer), in
 * PostgreSQL:
 * 1. the question's words, less the stop words of both languages (search-words.ts);
 * 2. words the question means but did not type: the infinitive and stem of a Kiswahili verb form
 *    ("nimepoteza" -> "kupoteza"), the synonyms of a word in both languages (search-synonyms.ts:
 *    "conned" -> "fraud", "bwana" -> "mume"), and for a word no published article holds, the
 *    nearest one that some article does hold, by trigram similarity ("pasport" -> "passport");
 * 3. each word weighs by how rare it is among the articles, times how well a text holds it (title
 *    and keywords, then summary, then body; English stemming and plain words); a typed word and
 *    the words it brought in count once, at their best, in either language, so a question mixing
 *    Kiswahili and English adds up across both texts of an article;
 * 4. plus how much the question reads like the article's title (trigram similarity), which
 *    separates articles that share the question's words;
 * 5. the article is shown in the reader's language.
 */

export interface ArticleHit {
  id: string;
  slug: string;
  agencyId: string;
  agencyName: string;
  serviceId: string | null;
  serviceName: string | null;
  title: string;
  summary: string;
  sms: string;
  ussd: string[];
  score: number;
}

export interface Facet {
  id: string;
  name: string;
  count: number;
}

export interface ArticleSearch {
  hits: ArticleHit[];
  total: number;
  facets: { agencies: Facet[]; services: Facet[] };
  /** The words searched for, after corrections ("pasport" became "passport"). */
  words: string[];
}

export interface SearchOptions {
  language: Language;
  agencyId?: string | undefined;
  serviceId?: string | undefined;
  limit?: number;
  offset?: number;
  /** Also drafts and retired articles: the console, for staff of the owning agency (agencyId set). */
  includeUnpublished?: boolean;
  /** Skip the facet counts (USSD, SMS and the automatic answer need only the best few). */
  facets?: boolean;
}

/** Weights of D, C, B, A: body in plain words, body stemmed, summary, title and keywords. */
const WEIGHTS = sql.lit('{0.05, 0.1, 0.4, 1.0}');
/**
 * How much the trigram similarity of the question's words to an article's title adds: a title
 * that reads like the question ("first time passport application" and "How do I apply for a
 * Kenyan passport?") separates articles that share the question's words (applying for a passport,
 * tracking the application, the waiting period).
 */
const TITLE_LIKENESS = sql.lit(5);

export async function searchArticles(
  db: Db,
  question: string,
  options: SearchOptions,
): Promise<ArticleSearch> {
  const raw = questionWords(question);
  const empty: ArticleSearch = { hits: [], total: 0, facets: { agencies: [], services: [] }, words: [] };
  if (raw.length === 0) return empty;
  const weighted = await weighWords(db, raw);
  const words = weighted.map((w) => w.word);
  const language = options.language;
  const limit = Math.min(Math.max(options.limit ?? 10, 1), 50);
  const offset = Math.max(options.offset ?? 0, 0);

  const scored = scoredArticles(db, weighted, options, raw.join(' '));

  const rows = await scored
    .selectFrom('scored')
    .innerJoin('knowledgeArticles as a', 'a.id', 'scored.id')
    .innerJoin('knowledgeTexts as t', (join) =>
      join.onRef('t.articleId', '=', 'a.id').on('t.language', '=', language),
    )
    .innerJoin('agencies as ag', 'ag.id', 'a.agencyId')
    .leftJoin('services as s', 's.id', 'a.serviceId')
    .select([
      'a.id',
      'a.slug',
      'a.agencyId',
      'ag.name as agencyName',
      'a.serviceId',
      nameIn<string | null>(language, 's').as('serviceName'),
      't.title',
      't.summary',
      't.sms',
      't.ussd',
      'scored.score',
      sql<string>`(SELECT count(DISTINCT m.id) FROM matched m)`.as('total'),
    ])
    .orderBy('scored.score', 'desc')
    .orderBy('a.position')
    .orderBy('a.slug')
    .limit(limit)
    .offset(offset)
    .execute();

  const facets = options.facets === false ? { agencies: [], services: [] } : await facetsOf(scored);
  return {
    hits: rows.map(({ total: _total, ...hit }) => ({ ...hit, score: Number(hit.score) })),
    total: Number(rows[0]?.total ?? (offset > 0 ? -1 : 0)),
    facets,
    words,
  };
}

/** How many articles the full ranking looks at: the best by the words' weights alone. */
const CANDIDATES = 200;

/**
 * The matching articles in two stages, so that a question with a common word ("pay", in most of
 * 10,000 articles) costs no more than ranking a few hundred (docs/performance.md):
 * - `matched` (id, grp, weight): every article holding any of the words (but the common ones,
 *   unless all are), found through the full-text index, with each typed word's best weight;
 *   facets and the total count these;
 * - `candidates`: the CANDIDATES articles with the most weight of words;
 * - `scored` (id, score): for each candidate and typed word, the best of it and the words it
 *   brought in, in either language: weight (rarer words say more: "tcc" more than
 *   "application") times how well the text holds it (title and keywords most); summed over the
 *   typed words, plus the likeness of the question to the title.
 * With fewer matches than CANDIDATES (the shipped 100 articles), every match is ranked in full.
 */
function scoredArticles(db: Db, words: WeightedWord[], options: SearchOptions, question: string) {
  const queriesOf = (some: WeightedWord[]) => sql<{ weight: number; query: string }>`(
    SELECT w.weight, w.grp, to_tsquery('english', quote_literal(w.word)) || to_tsquery('simple', quote_literal(w.word)) AS query
    FROM unnest(${sql.val(some.map((w) => w.word))}::text[], ${sql.val(some.map((w) => w.weight))}::float8[],
      ${sql.val(some.map((w) => w.group))}::int[]) AS w (word, weight, grp))`;
  const queries = queriesOf(words);
  // The candidates come from the words that are not common, unless all are.
  const picking = words.some((w) => !w.common) ? words.filter((w) => !w.common) : words;
  return db
    .with('matched', (qb) =>
      qb
        .selectFrom('knowledgeTexts as t')
        .innerJoin('knowledgeArticles as a', 'a.id', 't.articleId')
        .innerJoin(queriesOf(picking).as('q'), (join) => join.on(sql<boolean>`t.search @@ q.query`))
        .select(['a.id', sql<number>`q.grp`.as('grp'), sql<number>`max(q.weight)`.as('weight')])
        .$if(!options.includeUnpublished, (q) => q.where('a.status', '=', 'published'))
        .$if(options.agencyId !== undefined, (q) => q.where('a.agencyId', '=', options.agencyId ?? ''))
        .$if(options.serviceId !== undefined, (q) => q.where('a.serviceId', '=', options.serviceId ?? ''))
        .groupBy(['a.id', sql`q.grp`]),
    )
    .with('candidates', (qb) =>
      qb
        .selectFrom('matched')
        .select('id')
        .groupBy('id')
        .orderBy(sql`sum(weight)`, 'desc')
        .orderBy('id')
        .limit(CANDIDATES),
    )
    .with('per_word', (qb) =>
      qb
        .selectFrom('candidates as c')
        .innerJoin('knowledgeTexts as t', 't.articleId', 'c.id')
        .innerJoin(queries.as('q'), (join) => join.on(sql<boolean>`t.search @@ q.query`))
        .select(['c.id', sql<number>`max(q.weight * ts_rank(${WEIGHTS}, t.search, q.query, 0))`.as('score')])
        .groupBy(['c.id', sql`q.grp`]),
    )
    .with('scored', (qb) =>
      qb
        .selectFrom('per_word')
        .select([
          'id',
          sql<number>`sum(score) + ${TITLE_LIKENESS} * (SELECT max(similarity(${question}, x.title))
          FROM knowledge_texts x WHERE x.article_id = per_word.id)`.as('score'),
        ])
        .groupBy('id'),
    );
}

async function facetsOf(scored: ReturnType<typeof scoredArticles>): Promise<ArticleSearch['facets']> {
  // Every article that matched, not only the candidates ranked in full.
  const rows = await scored
    .selectFrom(sql<{ id: string }>`(SELECT DISTINCT id FROM matched)`.as('found'))
    .innerJoin('knowledgeArticles as a', 'a.id', 'found.id')
    .innerJoin('agencies as ag', 'ag.id', 'a.agencyId')
    .leftJoin('services as s', 's.id', 'a.serviceId')
    .select(['a.agencyId', 'ag.name as agencyName', 'a.serviceId', 's.name as serviceName'])
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .groupBy(['a.agencyId', 'ag.name', 'a.serviceId', 's.name'])
    .execute();
  const agencies = new Map<string, Facet>();
  const services = new Map<string, Facet>();
  for (const row of rows) {
    const n = Number(row.n);
    const agency = agencies.get(row.agencyId) ?? { id: row.agencyId, name: row.agencyName, count: 0 };
    agency.count += n;
    agencies.set(row.agencyId, agency);
    if (row.serviceId) {
      services.set(row.serviceId, { id: row.serviceId, name: row.serviceName ?? row.serviceId, count: n });
    }
  }
  const byCount = (a: Facet, b: Facet) => b.count - a.count || a.name.localeCompare(b.name);
  return { agencies: [...agencies.values()].sort(byCount), services: [...services.values()].sort(byCount) };
}

interface WeightedWord {
  word: string;
  weight: number;
  /** The typed word it stands for: its corrections, verb forms and synonyms share the group. */
  group: number;
  /** Held by so many texts that it does not pick candidates (it still counts in their ranking). */
  common: boolean;
}

/**
 * A word held by more than this share of the texts, and by more than COMMON_TEXTS of them, only
 * ranks the candidates the other words found ("pay" is in most of 10,000 articles). With the
 * shipped 100 articles no word is that common.
 */
const COMMON_SHARE = 0.1;
const COMMON_TEXTS = 500;

/** How much a correction counts: fully when close, a little when only somewhat like the word typed. */
const WEIGHT_OF = { close: 1, loose: 0.5 } as const;
const kind = (row: { similarity: number | null }) => (Number(row.similarity ?? 0) >= 0.5 ? 'close' : 'loose');

/**
 * Each word with its weight, the inverse of how many published texts hold it (a word in every
 * article tells nothing). A typed word no text holds is kept, and the most similar word that some
 * text does hold is added (trigram similarity of at least 0.4, the same first letter: a typo
 * seldom changes that, while "brother" is not "other"): "pasport", "certficate". Words shorter
 * than 4 letters are too short to correct.
 */
async function weighWords(db: Db, typed: string[]): Promise<WeightedWord[]> {
  // Words the question did not type but means: a verb form's infinitive (factor 1) and the
  // synonyms of the word and of its forms (SYNONYM_WEIGHT); the first way a word is reached wins.
  const derived = new Map<string, { from: string; factor: number }>();
  const derive = (word: string, from: string, factor: number) => {
    if (!typed.includes(word) && !derived.has(word)) derived.set(word, { from, factor });
  };
  for (const word of typed) for (const form of swahiliVerbForms(word)) derive(form, word, 1);
  for (const word of [...typed, ...derived.keys()]) {
    const from = derived.get(word)?.from ?? word;
    for (const synonym of synonymsOf(word)) derive(synonym, from, SYNONYM_WEIGHT);
  }
  const words = [...typed, ...derived.keys()];
  const { rows } = await sql<{
    word: string;
    n: number;
    known: number | null;
    nearest: string | null;
    nearestN: number | null;
    similarity: number | null;
    texts: number;
  }>`
    SELECT q.word, q.n,
      (SELECT v.articles FROM knowledge_words v WHERE v.word = q.word) AS known,
      near.word AS nearest, near.articles AS "nearestN",
      (SELECT count(*) FROM knowledge_texts)::int AS texts
    FROM unnest(${words}::text[]) WITH ORDINALITY AS q (word, n)
    LEFT JOIN LATERAL (
      SELECT v.word, v.articles, similarity(v.word, q.word) AS similarity FROM knowledge_words v
      WHERE length(q.word) >= 4 AND v.word % q.word AND similarity(v.word, q.word) >= 0.4
        AND left(v.word, 1) = left(q.word, 1)
        AND NOT EXISTS (SELECT 1 FROM knowledge_words k WHERE k.word = q.word)
      ORDER BY similarity(v.word, q.word) DESC, v.articles DESC
      LIMIT 1) AS near ON true
    ORDER BY q.n`.execute(db);
  const weight = (texts: number, holding: number) => Math.log(1 + texts / Math.max(holding, 1));
  const isCommon = (texts: number, holding: number | null) =>
    (holding ?? 0) > Math.max(COMMON_SHARE * texts, COMMON_TEXTS);
  const weighted: WeightedWord[] = [];
  for (const row of rows) {
    const from = derived.get(row.word);
    const group = typed.indexOf(from?.from ?? row.word);
    // A word the question did not type counts only where some article uses it.
    if (from) {
      if (row.known)
        weighted.push({
          word: row.word,
          weight: weight(row.texts, row.known) * from.factor,
          group,
          common: isCommon(row.texts, row.known),
        });
      continue;
    }
    // An unknown word still counts (English stemming may find it: "beats" is "beat"), as a rare one.
    weighted.push({
      word: row.word,
      weight: weight(row.texts, row.known ?? 1),
      group,
      common: isCommon(row.texts, row.known),
    });
    if (row.nearest && row.nearest !== row.word) {
      weighted.push({
        word: row.nearest,
        weight: weight(row.texts, row.nearestN ?? 1) * WEIGHT_OF[kind(row)],
        group,
        common: isCommon(row.texts, row.nearestN),
      });
    }
  }
  return weighted;
}
