import { sql } from 'kysely';
import { v7 as timeOrderedUuid } from 'uuid';
import type { Db } from '../../db/open-database.ts';
import type { Language } from '../../db/schema.ts';
import { notFound } from '../errors.ts';

/** A directory row's name (agency, service) in the reader's language, English where it has none. */
export function nameIn<T extends string | null>(language: Language, alias: 'ag' | 's') {
  return language === 'sw'
    ? sql<T>`coalesce(${sql.ref(`${alias}.nameSw`)}, ${sql.ref(`${alias}.name`)})`
    : sql<T>`${sql.ref(`${alias}.name`)}`;
}

export interface PublishedArticle {
  id: string;
  slug: string;
  agencyId: string;
  agencyName: string;
  serviceName: string | null;
  title: string;
  summary: string;
  body: string;
  sms: string;
  publishedAt: Date | null;
  reviewBy: string;
  /** Other published articles about the same service (else the same agency), top ones first. */
  related: { slug: string; title: string }[];
}

/** A published article in one language, for anyone; drafts and retired ones are not found. */
export async function readPublishedArticle(
  db: Db,
  slug: string,
  language: Language,
): Promise<PublishedArticle> {
  const row = await db
    .selectFrom('knowledgeArticles as a')
    .innerJoin('knowledgeTexts as t', (join) =>
      join.onRef('t.articleId', '=', 'a.id').on('t.language', '=', language),
    )
    .innerJoin('agencies as ag', 'ag.id', 'a.agencyId')
    .leftJoin('services as s', 's.id', 'a.serviceId')
    .select([
      'a.id',
      'a.slug',
      'a.agencyId',
      'a.serviceId',
      nameIn<string>(language, 'ag').as('agencyName'),
      nameIn<string | null>(language, 's').as('serviceName'),
      't.title',
      't.summary',
      't.body',
      't.sms',
      'a.publishedAt',
      'a.reviewBy',
    ])
    .where('a.slug', '=', slug)
    .where('a.status', '=', 'published')
    .executeTakeFirst();
  if (!row) throw notFound('The article');
  const related = await db
    .selectFrom('knowledgeArticles as a')
    .innerJoin('knowledgeTexts as t', (join) =>
      join.onRef('t.articleId', '=', 'a.id').on('t.language', '=', language),
    )
    .select(['a.slug', 't.title'])
    .where('a.status', '=', 'published')
    .where('a.id', '!=', row.id)
    .where((eb) =>
      row.serviceId ? eb('a.serviceId', '=', row.serviceId) : eb('a.agencyId', '=', row.agencyId),
    )
    .orderBy('a.position')
    .limit(5)
    .execute();
  const { serviceId: _serviceId, ...article } = row;
  return { ...article, reviewBy: String(row.reviewBy), related };
}

export type SelfServiceKind = 'stopped_report' | 'helpful' | 'not_helpful';

/**
 * A reader's verdict on a published article: it answered them (on the article, or while they were
 * describing a problem, which they then did not send), or it did not. Kept as a row for the
 * analytics of questions answered by self-service, and as the article's counters.
 */
export async function recordVerdict(
  db: Db,
  articleId: string,
  verdict: {
    kind: SelfServiceKind;
    channel: 'web' | 'console';
    language: Language;
    query?: string | undefined;
    now: Date;
  },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('selfServiceAnswers')
      .values({
        id: timeOrderedUuid(),
        articleId,
        channel: verdict.channel,
        language: verdict.language,
        kind: verdict.kind,
        query: verdict.query?.trim().slice(0, 200) || null,
        createdAt: verdict.now,
      })
      .execute();
    await trx
      .updateTable('knowledgeArticles')
      .set((eb) =>
        verdict.kind === 'not_helpful'
          ? { notHelpful: eb('notHelpful', '+', 1) }
          : { helpful: eb('helpful', '+', 1) },
      )
      .where('id', '=', articleId)
      .execute();
  });
}

/** Counts a page view; a failure to count is not the reader's problem. */
export async function countView(db: Db, articleId: string): Promise<void> {
  await db
    .updateTable('knowledgeArticles')
    .set((eb) => ({ views: eb('views', '+', 1) }))
    .where('id', '=', articleId)
    .execute();
}
