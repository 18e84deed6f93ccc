import { sql } from 'kysely';
import { v7 as timeOrderedUuid } from 'uuid';
import type { Db } from '../../db/open-database.ts';
import type { ArticleContent, StaffRole, VersionState } from '../../db/schema.ts';
import { actorOf, type Principal, roleOf } from '../access/principal.ts';
import { AppError, forbidden, invalidInput, notFound } from '../errors.ts';
import { appendEvents } from '../events/append-events.ts';
import { contentProblems, tidyContent } from './article-content.ts';
import { recountWords, writePublishedTexts } from './publish-text.ts';

/*
 * The knowledge base's workflow. Staff of an agency write its articles; every save is a version
 * (the history). An author sends a draft for review; a supervisor, the head or the administrator
 * of the agency publishes it (or returns it with a note), and it replaces what the public reads;
 * someone other than its author must review it, except an administrator publishing their own. An
 * article is retired rather than deleted: links to it and cases answered by it keep their meaning.
 * Every step is in the system audit stream.
 */

export interface KnowledgeDeps {
  db: Db;
  now: () => Date;
}

const WRITERS: readonly StaffRole[] = ['officer', 'supervisor', 'agency_head', 'agency_admin', 'agent'];
const REVIEWERS: readonly StaffRole[] = ['supervisor', 'agency_head', 'agency_admin'];
/** A review-by date a year after publishing, unless the reviewer sets another. */
const REVIEW_MONTHS = 12;
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export interface ArticleDraft {
  agencyId: string;
  serviceId: string | null;
  slug: string;
  content: ArticleContent;
}

/** Whether this person writes for the agency's knowledge base. */
export function writesFor(principal: Principal, agencyId: string): boolean {
  const role = roleOf(principal);
  return role === 'sysadmin' || (WRITERS.includes(role) && principal.agencyId === agencyId);
}

export function reviewsFor(principal: Principal, agencyId: string): boolean {
  const role = roleOf(principal);
  return role === 'sysadmin' || (REVIEWERS.includes(role) && principal.agencyId === agencyId);
}

function assertWrites(principal: Principal, agencyId: string): void {
  if (principal.kind !== 'staff' || !writesFor(principal, agencyId)) {
    throw forbidden("Only the agency's own staff may write its articles");
  }
}

function assertValid(content: ArticleContent): ArticleContent {
  const tidy = tidyContent(content);
  const problems = contentProblems(tidy);
  if (problems.length > 0) {
    throw new AppError(
      'invalid_input',
      `The article is not ready: ${problems.map((p) => `${p.field}: ${p.problem}`).join('; ')}`,
      problems,
    );
  }
  return tidy;
}

async function audit(db: Db, principal: Principal, kind: string, data: Record<string, unknown>, now: Date) {
  await appendEvents(
    db,
    { id: 'system', caseId: null },
    actorOf(principal),
    [{ kind, public: false, data }],
    now,
  );
}

/** A new article, as its first draft. */
export async function createArticle(
  deps: KnowledgeDeps,
  principal: Principal,
  draft: ArticleDraft,
): Promise<string> {
  assertWrites(principal, draft.agencyId);
  if (!SLUG.test(draft.slug) || draft.slug.length > 80) {
    throw invalidInput('slug', 'use lower-case letters, digits and hyphens, at most 80');
  }
  const content = assertValid(draft.content);
  if (draft.serviceId) {
    const service = await deps.db
      .selectFrom('services')
      .select('agencyId')
      .where('id', '=', draft.serviceId)
      .executeTakeFirst();
    if (service?.agencyId !== draft.agencyId) throw invalidInput('serviceId', 'not a service of this agency');
  }
  const now = deps.now();
  const id = timeOrderedUuid();
  return deps.db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('knowledgeArticles')
      .select('id')
      .where('slug', '=', draft.slug)
      .executeTakeFirst();
    if (taken)
      throw new AppError('conflict', `Another article already has the address ${draft.slug}`, [
        { field: 'slug', problem: 'already used' },
      ]);
    await trx
      .insertInto('knowledgeArticles')
      .values({
        id,
        slug: draft.slug,
        agencyId: draft.agencyId,
        serviceId: draft.serviceId,
        status: 'draft',
        reviewBy: reviewDate(now),
        ownerId: principal.kind === 'staff' ? principal.userId : null,
        customised: true,
        createdAt: now,
        updatedAt: now,
      })
      .execute();
    await trx
      .insertInto('knowledgeVersions')
      .values({
        articleId: id,
        version: 1,
        state: 'draft',
        content: JSON.stringify(content),
        writtenBy: principal.kind === 'staff' ? principal.userId : null,
        writtenAt: now,
      })
      .execute();
    await audit(
      trx,
      principal,
      'knowledge.article_created',
      { slug: draft.slug, agencyId: draft.agencyId },
      now,
    );
    return id;
  });
}

async function articleFor(db: Db, articleId: string) {
  const article = await db
    .selectFrom('knowledgeArticles')
    .selectAll()
    .where('id', '=', articleId)
    .forUpdate()
    .executeTakeFirst();
  if (!article) throw notFound('The article');
  return article;
}

async function latestVersion(db: Db, articleId: string) {
  return db
    .selectFrom('knowledgeVersions')
    .selectAll()
    .where('articleId', '=', articleId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
}

/**
 * Saves an edit: the open draft is rewritten, or a new draft version starts (after a published,
 * returned or in-review version; the published text stays live until the new one is published).
 */
export async function saveDraft(
  deps: KnowledgeDeps,
  principal: Principal,
  articleId: string,
  content: ArticleContent,
): Promise<number> {
  const tidy = assertValid(content);
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const article = await articleFor(trx, articleId);
    assertWrites(principal, article.agencyId);
    const latest = await latestVersion(trx, articleId);
    const writtenBy = principal.kind === 'staff' ? principal.userId : null;
    let version = latest.version;
    if (latest.state === 'draft') {
      await trx
        .updateTable('knowledgeVersions')
        .set({ content: JSON.stringify(tidy), writtenBy, writtenAt: now })
        .where('articleId', '=', articleId)
        .where('version', '=', version)
        .execute();
    } else {
      version += 1;
      await trx
        .insertInto('knowledgeVersions')
        .values({
          articleId,
          version,
          state: 'draft',
          content: JSON.stringify(tidy),
          writtenBy,
          writtenAt: now,
        })
        .execute();
    }
    await trx
      .updateTable('knowledgeArticles')
      .set({ updatedAt: now, customised: true })
      .where('id', '=', articleId)
      .execute();
    await audit(trx, principal, 'knowledge.draft_saved', { slug: article.slug, version }, now);
    return version;
  });
}

async function moveLatest(
  deps: KnowledgeDeps,
  principal: Principal,
  articleId: string,
  from: VersionState,
  act: (
    article: Awaited<ReturnType<typeof articleFor>>,
    version: Awaited<ReturnType<typeof latestVersion>>,
    trx: Db,
  ) => Promise<string>,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const article = await articleFor(trx, articleId);
    const latest = await latestVersion(trx, articleId);
    if (latest.state !== from) {
      throw new AppError(
        'invalid_transition',
        `The latest version is ${latest.state.replace('_', ' ')}, not ${from.replace('_', ' ')}`,
      );
    }
    const kind = await act(article, latest, trx);
    await audit(trx, principal, kind, { slug: article.slug, version: latest.version }, deps.now());
  });
}

/** The author hands the draft to a reviewer. */
export function submitForReview(deps: KnowledgeDeps, principal: Principal, articleId: string): Promise<void> {
  return moveLatest(deps, principal, articleId, 'draft', async (article, version, trx) => {
    assertWrites(principal, article.agencyId);
    await trx
      .updateTable('knowledgeVersions')
      .set({ state: 'in_review' })
      .where('articleId', '=', articleId)
      .where('version', '=', version.version)
      .execute();
    return 'knowledge.sent_for_review';
  });
}

function assertReviews(principal: Principal, agencyId: string, writtenBy: string | null): void {
  if (principal.kind !== 'staff' || !reviewsFor(principal, agencyId)) {
    throw forbidden(
      'Only a supervisor, the head or the administrator of the agency may publish its articles',
    );
  }
  const administrator = principal.role === 'agency_admin' || principal.role === 'sysadmin';
  if (writtenBy === principal.userId && !administrator) {
    throw forbidden('Someone other than its author must review an article');
  }
}

/**
 * Publishes the version in review (or, for an administrator, their own draft): it becomes what
 * the public reads, and the review-by date moves a year on (or to `reviewBy`).
 */
export async function publishArticle(
  deps: KnowledgeDeps,
  principal: Principal,
  articleId: string,
  options: { reviewBy?: string } = {},
): Promise<void> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    const article = await articleFor(trx, articleId);
    const latest = await latestVersion(trx, articleId);
    const administrator =
      principal.kind === 'staff' && (principal.role === 'agency_admin' || principal.role === 'sysadmin');
    if (!(latest.state === 'in_review' || (latest.state === 'draft' && administrator))) {
      throw new AppError(
        'invalid_transition',
        `The latest version is ${latest.state.replace('_', ' ')}: there is nothing to publish`,
      );
    }
    assertReviews(principal, article.agencyId, latest.writtenBy);
    if (options.reviewBy !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.reviewBy)) {
      throw invalidInput('reviewBy', 'a date, YYYY-MM-DD');
    }
    await putLive(
      trx,
      [
        {
          articleId,
          version: latest.version,
          content: latest.content,
          reviewBy: options.reviewBy ?? reviewDate(now),
        },
      ],
      { reviewedBy: principal.kind === 'staff' ? principal.userId : null, now },
    );
    await audit(trx, principal, 'knowledge.published', { slug: article.slug, version: latest.version }, now);
  });
}

export interface GoingLive {
  articleId: string;
  version: number;
  content: ArticleContent;
  reviewBy: string;
  position?: number;
}

/**
 * Makes versions (already written) what the public reads, a few statements for any number of
 * articles: the versions before them superseded, their text in knowledge_texts, the articles
 * published with a new review-by date, the vocabulary recounted. Shared by publishing and by the
 * shipped articles (seed-articles.ts).
 */
export async function putLive(
  trx: Db,
  lives: GoingLive[],
  review: { reviewedBy: string | null; now: Date },
): Promise<void> {
  if (lives.length === 0) return;
  const { now } = review;
  const ids = lives.map((live) => live.articleId);
  await trx
    .updateTable('knowledgeVersions')
    .set({ state: 'superseded' })
    .where('articleId', 'in', ids)
    .where('state', '=', 'published')
    .execute();
  await sql`
    UPDATE knowledge_versions v SET state = 'published', reviewed_by = ${review.reviewedBy}, reviewed_at = ${now}
    FROM unnest(${ids}::uuid[], ${lives.map((live) => live.version)}::int[]) AS l (article_id, version)
    WHERE v.article_id = l.article_id AND v.version = l.version`.execute(trx);
  const words = await writePublishedTexts(trx, lives);
  await sql`
    UPDATE knowledge_articles a SET status = 'published', published_version = l.version, published_at = ${now},
      review_by = l.review_by::date, review_reminded_for = NULL, updated_at = ${now},
      position = coalesce(l.position, a.position)
    FROM unnest(${ids}::uuid[], ${lives.map((live) => live.version)}::int[], ${lives.map((live) => live.reviewBy)}::text[],
      ${lives.map((live) => live.position ?? null)}::int[]) AS l (id, version, review_by, position)
    WHERE a.id = l.id`.execute(trx);
  await recountWords(trx, words);
}

/** The reviewer sends the version back to its author with a note. */
export function returnForChanges(
  deps: KnowledgeDeps,
  principal: Principal,
  articleId: string,
  note: string,
): Promise<void> {
  const trimmed = note.trim();
  if (trimmed.length < 3 || trimmed.length > 1000)
    throw invalidInput('note', 'say what to change, in 3 to 1000 characters');
  return moveLatest(deps, principal, articleId, 'in_review', async (article, version, trx) => {
    assertReviews(principal, article.agencyId, null);
    await trx
      .updateTable('knowledgeVersions')
      .set({
        state: 'returned',
        note: trimmed,
        reviewedBy: principal.kind === 'staff' ? principal.userId : null,
        reviewedAt: deps.now(),
      })
      .where('articleId', '=', articleId)
      .where('version', '=', version.version)
      .execute();
    return 'knowledge.returned';
  });
}

/** Takes the article off the public site and every channel; it can be published again. */
export async function retireArticle(
  deps: KnowledgeDeps,
  principal: Principal,
  articleId: string,
): Promise<void> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    const article = await articleFor(trx, articleId);
    assertReviews(principal, article.agencyId, null);
    if (article.status === 'retired') return;
    await trx
      .updateTable('knowledgeArticles')
      .set({ status: 'retired', updatedAt: now })
      .where('id', '=', articleId)
      .execute();
    const held = await trx
      .selectFrom('knowledgeTexts')
      .select(sql<string>`unnest(words)`.as('word'))
      .where('articleId', '=', articleId)
      .execute();
    await recountWords(
      trx,
      held.map((row) => row.word),
    );
    await audit(trx, principal, 'knowledge.retired', { slug: article.slug }, now);
  });
}

export function reviewDate(from: Date, months = REVIEW_MONTHS): string {
  const date = new Date(from);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.toISOString().slice(0, 10);
}
