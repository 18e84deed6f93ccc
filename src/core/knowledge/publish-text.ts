import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import type { ArticleContent } from '../../db/schema.ts';
import { LANGUAGES } from './article-content.ts';

/**
 * Makes each article's `content` what the public reads and searches for it: one knowledge_texts
 * row per language, with its search vector and its distinct words. One statement for them all,
 * so the shipped articles install in one round trip. Returns the words the texts held before and
 * hold now, to recount once the articles' status is set (recountWords).
 */
export async function writePublishedTexts(
  db: Db,
  texts: { articleId: string; content: ArticleContent }[],
): Promise<string[]> {
  if (texts.length === 0) return [];
  const rows = texts.flatMap(({ articleId, content }) =>
    LANGUAGES.map((language) => {
      const text = content[language];
      const headline = [text.title, ...text.keywords].join(' ');
      const body = plainBody(text.body);
      return {
        articleId,
        language,
        title: text.title,
        summary: text.summary,
        body: text.body,
        sms: text.sms,
        ussd: text.ussd,
        keywords: text.keywords,
        headline,
        search: sql<string>`
          setweight(to_tsvector('english', ${headline}), 'A') || setweight(to_tsvector('simple', ${headline}), 'A') ||
          setweight(to_tsvector('english', ${text.summary}), 'B') || setweight(to_tsvector('simple', ${text.summary}), 'B') ||
          setweight(to_tsvector('english', ${body}), 'C') || setweight(to_tsvector('simple', ${body}), 'D')`,
        words: sql<string[]>`ARRAY(
          SELECT DISTINCT w FROM unnest(tsvector_to_array(to_tsvector('simple', ${`${headline} ${text.summary} ${body}`}))) AS w
          WHERE length(w) >= 2 AND w !~ '^[0-9]+$')`,
      };
    }),
  );
  const before = await db
    .selectFrom('knowledgeTexts')
    .select(sql<string>`unnest(words)`.as('word'))
    .where(
      'articleId',
      'in',
      texts.map((t) => t.articleId),
    )
    .execute();
  const written = await db
    .insertInto('knowledgeTexts')
    .values(rows as never)
    .onConflict((oc) =>
      oc.columns(['articleId', 'language']).doUpdateSet((eb) => ({
        title: eb.ref('excluded.title'),
        summary: eb.ref('excluded.summary'),
        body: eb.ref('excluded.body'),
        sms: eb.ref('excluded.sms'),
        ussd: eb.ref('excluded.ussd'),
        keywords: eb.ref('excluded.keywords'),
        headline: eb.ref('excluded.headline'),
        search: sql`excluded.search`,
        words: sql`excluded.words`,
      })),
    )
    .returning('words')
    .execute();
  return [...new Set([...before.map((row) => row.word), ...written.flatMap((row) => row.words)])];
}

/**
 * Sets how many published texts hold each of `words` (all words when none are given): the weight
 * of a word in search, and the vocabulary a misspelt word is corrected to. A word no published
 * text holds any more leaves the vocabulary.
 */
export async function recountWords(db: Db, words?: string[]): Promise<void> {
  if (words?.length === 0) return;
  const only = words ? sql`AND w = ANY(${words}::text[])` : sql``;
  await sql`
    WITH counted AS (
      SELECT w AS word, count(*)::int AS articles
      FROM knowledge_texts t
      JOIN knowledge_articles a ON a.id = t.article_id AND a.status = 'published'
      CROSS JOIN unnest(t.words) AS w
      WHERE true ${only}
      GROUP BY w),
    gone AS (
      DELETE FROM knowledge_words k
      WHERE ${words ? sql`k.word = ANY(${words}::text[]) AND` : sql``} NOT EXISTS (SELECT 1 FROM counted c WHERE c.word = k.word))
    INSERT INTO knowledge_words (word, articles) SELECT word, articles FROM counted
    ON CONFLICT (word) DO UPDATE SET articles = excluded.articles`.execute(db);
}

/** The body's words without its Markdown: link targets and markup say nothing about the topic. */
function plainBody(markdown: string): string {
  return markdown
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/[#*_[\]`>]/g, ' ')
    .replace(/\s+/g, ' ');
}
