import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import type { ArticleContent } from '../../db/schema.ts';
import { LANGUAGES } from './article-content.ts';

/**
 * Makes `content` what the public reads and searches for the article: one knowledge_texts row per
 * language with its search vector, and the words of both languages added to knowledge_words (the
 * vocabulary typos are corrected to; a word an edit removed stays there, which costs nothing but
 * a correction that finds nothing more).
 */
export async function writePublishedText(db: Db, articleId: string, content: ArticleContent): Promise<void> {
  for (const language of LANGUAGES) {
    const text = content[language];
    const headline = [text.title, ...text.keywords].join(' ');
    const body = plainBody(text.body);
    const search = sql<string>`
      setweight(to_tsvector('english', ${headline}), 'A') || setweight(to_tsvector('simple', ${headline}), 'A') ||
      setweight(to_tsvector('english', ${text.summary}), 'B') || setweight(to_tsvector('simple', ${text.summary}), 'B') ||
      setweight(to_tsvector('english', ${body}), 'C') || setweight(to_tsvector('simple', ${body}), 'D')`;
    const values = {
      title: text.title,
      summary: text.summary,
      body: text.body,
      sms: text.sms,
      ussd: text.ussd,
      keywords: text.keywords,
      headline,
    };
    await db
      .insertInto('knowledgeTexts')
      .values({ articleId, language, ...values, search } as never)
      .onConflict((oc) => oc.columns(['articleId', 'language']).doUpdateSet({ ...values, search } as never))
      .execute();
    await sql`
      INSERT INTO knowledge_words (word, articles)
      SELECT word, 1 FROM unnest(tsvector_to_array(to_tsvector('simple', ${`${headline} ${text.summary} ${body}`}))) AS word
      WHERE length(word) >= 3 AND word !~ '^[0-9]+$'
      ON CONFLICT (word) DO UPDATE SET articles = knowledge_words.articles + 1`.execute(db);
  }
}

/** The body's words without its Markdown: link targets and markup say nothing about the topic. */
function plainBody(markdown: string): string {
  return markdown
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/[#*_[\]`>]/g, ' ')
    .replace(/\s+/g, ' ');
}
