import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import type { ArticleContent, ArticleStatus, Language, VersionState } from '../../db/schema.ts';
import { type Principal, roleOf } from '../access/principal.ts';
import { forbidden, notFound } from '../errors.ts';
import { nameIn } from './read-article.ts';
import { articlePlainText } from './render-article.ts';
import { searchArticles } from './search-articles.ts';

/*
 * What the console shows of the knowledge base: an agency's articles with where each stands, the
 * versions waiting for a reviewer, one article with its whole history, and a published article as
 * words for a response. Staff see their own agency's articles; the system administrator every
 * agency's. Another agency's article answers as missing, as another agency's case does.
 */

/** Where an article stands for the people who keep it; the list's filter. */
export const ARTICLE_STAGES = ['draft', 'in_review', 'published', 'retired'] as const;
export type ArticleStage = (typeof ARTICLE_STAGES)[number];

export interface ArticleListing {
  id: string;
  slug: string;
  agencyName: string;
  /** The latest version's title, in the reader's language: what its keepers work on. */
  title: string;
  status: ArticleStatus;
  latestState: VersionState;
  reviewBy: string;
  ownerName: string | null;
  helpful: number;
  notHelpful: number;
  views: number;
}

export interface ArticleList {
  items: ArticleListing[];
  /** Whether there is a page after this one. */
  more: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The agency whose articles this person keeps in the console; null for the system administrator (all). */
export function keptAgency(principal: Principal): string | null {
  if (roleOf(principal) === 'sysadmin') return null;
  if (!principal.agencyId) throw forbidden('Only staff of an agency keep its articles');
  return principal.agencyId;
}

/** The latest version of each article, joined as `v`. */
const LATEST = sql<boolean>`v.version = (SELECT max(w.version) FROM knowledge_versions w WHERE w.article_id = a.id)`;

function listed(db: Db, language: Language) {
  return db
    .selectFrom('knowledgeArticles as a')
    .innerJoin('knowledgeVersions as v', (join) => join.onRef('v.articleId', '=', 'a.id').on(LATEST))
    .innerJoin('agencies as ag', 'ag.id', 'a.agencyId')
    .leftJoin('staffUsers as o', 'o.id', 'a.ownerId')
    .select([
      'a.id',
      'a.slug',
      nameIn<string>(language, 'ag').as('agencyName'),
      sql<string>`v.content -> ${sql.lit(language)} ->> 'title'`.as('title'),
      'a.status',
      'v.state as latestState',
      sql<string>`to_char(a.review_by, 'YYYY-MM-DD')`.as('reviewBy'),
      'o.name as ownerName',
      'a.helpful',
      'a.notHelpful',
      'a.views',
    ]);
}

/**
 * The articles this person keeps, newest change first, by stage and by words: full-text search over
 * what is published, and the titles of every version (a draft never published is in no search
 * index, and its author must find it).
 */
export async function listArticles(
  db: Db,
  principal: Principal,
  options: {
    language: Language;
    stage?: ArticleStage | undefined;
    query?: string | undefined;
    page?: number;
  },
): Promise<ArticleList> {
  const agencyId = keptAgency(principal);
  const size = 50;
  const page = Math.max(options.page ?? 1, 1);
  let query = listed(db, options.language);
  if (agencyId) query = query.where('a.agencyId', '=', agencyId);
  switch (options.stage) {
    case 'draft':
      query = query.where('v.state', 'in', ['draft', 'returned']).where('a.status', '!=', 'retired');
      break;
    case 'in_review':
      query = query.where('v.state', '=', 'in_review').where('a.status', '!=', 'retired');
      break;
    case 'published':
    case 'retired':
      query = query.where('a.status', '=', options.stage);
      break;
  }
  const words = options.query?.trim();
  let ranked: string[] = [];
  if (words) {
    const found = await searchArticles(db, words, {
      language: options.language,
      agencyId: agencyId ?? undefined,
      includeUnpublished: true,
      facets: false,
      limit: 50,
    });
    const pattern = `%${words.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const titled = await db
      .selectFrom('knowledgeVersions as v')
      .innerJoin('knowledgeArticles as a', 'a.id', 'v.articleId')
      .select('a.id')
      .distinct()
      .where(
        sql<boolean>`(v.content -> 'en' ->> 'title' ILIKE ${pattern} OR v.content -> 'sw' ->> 'title' ILIKE ${pattern} OR a.slug ILIKE ${pattern})`,
      )
      .$if(agencyId !== null, (q) => q.where('a.agencyId', '=', agencyId ?? ''))
      .limit(200)
      .execute();
    ranked = [...new Set([...found.hits.map((hit) => hit.id), ...titled.map((row) => row.id)])];
    if (ranked.length === 0) return { items: [], more: false };
    query = query.where('a.id', 'in', ranked);
  }
  const rows = await query
    .orderBy('a.updatedAt', 'desc')
    .orderBy('a.slug')
    .limit(words ? 250 : size + 1)
    .offset(words ? 0 : (page - 1) * size)
    .execute();
  if (words) {
    // Best match first: the search's order, then titles it did not find.
    const order = new Map(ranked.map((id, i) => [id, i]));
    rows.sort((x, y) => (order.get(x.id) ?? 0) - (order.get(y.id) ?? 0));
    const start = (page - 1) * size;
    return { items: rows.slice(start, start + size), more: rows.length > start + size };
  }
  return { items: rows.slice(0, size), more: rows.length > size };
}

export interface ReviewWaiting {
  id: string;
  title: string;
  agencyName: string;
  version: number;
  writtenBy: string | null;
  writerName: string | null;
  writtenAt: Date;
}

/** The versions in review that this person may publish or return: their agency's, or every one. */
export async function articlesInReview(
  db: Db,
  principal: Principal,
  language: Language,
): Promise<ReviewWaiting[]> {
  const agencyId = keptAgency(principal);
  return db
    .selectFrom('knowledgeArticles as a')
    .innerJoin('knowledgeVersions as v', (join) => join.onRef('v.articleId', '=', 'a.id').on(LATEST))
    .innerJoin('agencies as ag', 'ag.id', 'a.agencyId')
    .leftJoin('staffUsers as w', 'w.id', 'v.writtenBy')
    .select([
      'a.id',
      sql<string>`v.content -> ${sql.lit(language)} ->> 'title'`.as('title'),
      nameIn<string>(language, 'ag').as('agencyName'),
      'v.version',
      'v.writtenBy',
      'w.name as writerName',
      'v.writtenAt',
    ])
    .where('v.state', '=', 'in_review')
    .where('a.status', '!=', 'retired')
    .$if(agencyId !== null, (q) => q.where('a.agencyId', '=', agencyId ?? ''))
    .orderBy('v.writtenAt')
    .limit(100)
    .execute();
}

export interface VersionListing {
  version: number;
  state: VersionState;
  content: ArticleContent;
  writtenBy: string | null;
  writerName: string | null;
  writtenAt: Date;
  reviewerName: string | null;
  reviewedAt: Date | null;
  note: string | null;
}

export interface KeptArticle {
  id: string;
  slug: string;
  agencyId: string;
  agencyName: string;
  serviceId: string | null;
  serviceName: string | null;
  status: ArticleStatus;
  reviewBy: string;
  ownerName: string | null;
  publishedVersion: number | null;
  publishedAt: Date | null;
  helpful: number;
  notHelpful: number;
  views: number;
  /** Every version, newest first; the first is the one being worked on. */
  versions: VersionListing[];
}

/** One article with its history, for the people who keep it; anyone else finds nothing. */
export async function readKeptArticle(
  db: Db,
  principal: Principal,
  articleId: string,
  language: Language,
): Promise<KeptArticle> {
  if (!UUID.test(articleId)) throw notFound('The article');
  const agencyId = keptAgency(principal);
  const article = await db
    .selectFrom('knowledgeArticles as a')
    .innerJoin('agencies as ag', 'ag.id', 'a.agencyId')
    .leftJoin('services as s', 's.id', 'a.serviceId')
    .leftJoin('staffUsers as o', 'o.id', 'a.ownerId')
    .select([
      'a.id',
      'a.slug',
      'a.agencyId',
      nameIn<string>(language, 'ag').as('agencyName'),
      'a.serviceId',
      nameIn<string | null>(language, 's').as('serviceName'),
      'a.status',
      sql<string>`to_char(a.review_by, 'YYYY-MM-DD')`.as('reviewBy'),
      'o.name as ownerName',
      'a.publishedVersion',
      'a.publishedAt',
      'a.helpful',
      'a.notHelpful',
      'a.views',
    ])
    .where('a.id', '=', articleId)
    .$if(agencyId !== null, (q) => q.where('a.agencyId', '=', agencyId ?? ''))
    .executeTakeFirst();
  if (!article) throw notFound('The article');
  const versions = await db
    .selectFrom('knowledgeVersions as v')
    .leftJoin('staffUsers as w', 'w.id', 'v.writtenBy')
    .leftJoin('staffUsers as r', 'r.id', 'v.reviewedBy')
    .select([
      'v.version',
      'v.state',
      'v.content',
      'v.writtenBy',
      'w.name as writerName',
      'v.writtenAt',
      'r.name as reviewerName',
      'v.reviewedAt',
      'v.note',
    ])
    .where('v.articleId', '=', articleId)
    .orderBy('v.version', 'desc')
    .execute();
  return { ...article, versions };
}

export interface ArticleForResponse {
  id: string;
  slug: string;
  title: string;
  summary: string;
  body: string;
}

/**
 * A published article's words in one language, to answer a citizen with. Any agency's: published
 * articles are public. A draft or a retired article is not found.
 */
export async function readArticleForResponse(
  db: Db,
  articleId: string,
  language: Language,
): Promise<ArticleForResponse> {
  if (!UUID.test(articleId)) throw notFound('The article');
  const found = await db
    .selectFrom('knowledgeArticles as a')
    .innerJoin('knowledgeTexts as t', (join) =>
      join.onRef('t.articleId', '=', 'a.id').on('t.language', '=', language),
    )
    .select(['a.id', 'a.slug', 't.title', 't.summary', 't.body'])
    .where('a.id', '=', articleId)
    .where('a.status', '=', 'published')
    .executeTakeFirst();
  if (!found) throw notFound('The article');
  return found;
}

/**
 * The response an article makes: its summary, its body as plain text (a response is text on every
 * channel) and the link to read it on the portal. A body too long for one response is cut at a
 * paragraph; the link, which has the rest, is always kept.
 */
export function responseFromArticle(article: ArticleForResponse, publicUrl: string, max = 5000): string {
  const link = `${publicUrl}/help/${article.slug}`;
  const body = articlePlainText(article.body);
  const whole = `${article.summary}\n\n${body}\n\n${link}`;
  if (whole.length <= max) return whole;
  const room = max - article.summary.length - link.length - 8;
  const cut = body.slice(0, Math.max(room, 0));
  const paragraph = cut.lastIndexOf('\n\n');
  const kept = (paragraph > room / 2 ? cut.slice(0, paragraph) : cut).trimEnd();
  return `${article.summary}\n\n${kept} …\n\n${link}`;
}
