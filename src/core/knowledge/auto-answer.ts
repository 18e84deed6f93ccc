import type { Db } from '../../db/open-database.ts';
import type { CaseRow, Language } from '../../db/schema.ts';
import { mutateCase, statusEvent } from '../cases/mutate-case.ts';
import { assertTransition } from '../cases/state-machine.ts';
import { AppError } from '../errors.ts';
import { type Actor, SYSTEM_ACTOR } from '../events/append-events.ts';
import type { Messenger } from '../messages/messenger.ts';
import type { SlaService } from '../sla/sla-service.ts';
import { type ArticleHit, searchArticles } from './search-articles.ts';

/*
 * Automatic answers (issue 8). An inquiry whose words match one published article confidently is
 * answered at once with that article: the case is resolved by Baraza itself, the answer is its
 * public resolution (marked automatic, with the article), and the citizen is told in the usual way
 * (a notice of kind auto_answered, which says how to say it did not help).
 *
 * "It did not help" (the tracking page, or an SMS "NO <reference>") reopens the case for a person,
 * and its clocks run again from the original submission, not from the reopening: the citizen has
 * waited since then (plan-clocks.ts revives the clocks the answer had met).
 *
 * Confidence: the best article scores at least MIN_SCORE and at least MIN_LEAD times the next. On
 * the 200 citizens' questions of the relevance tests, 124 were that confident and 123 of those
 * were right, and none of a set of questions the articles do not answer (potholes, water, noise)
 * was (docs/knowledge.md, "Automatic answers").
 */

const MIN_SCORE = 6;
const MIN_LEAD = 1.2;

export interface AutoAnswerDeps {
  db: Db;
  sla: SlaService;
  now: () => Date;
  /** The portal's address, for the link to the whole article. */
  publicUrl: string;
  /** Sends the answer's notice at once (else the outbox's next sweep sends it). */
  messenger?: Pick<Messenger, 'deliver'> | undefined;
}

export interface AutomaticAnswer {
  articleId: string;
  slug: string;
  title: string;
}

/** The article that answers the words confidently, if one does. */
export async function confidentAnswer(db: Db, words: string, language: Language): Promise<ArticleHit | null> {
  const { hits } = await searchArticles(db, words, { language, limit: 2, facets: false });
  const [best, next] = hits;
  if (!best || best.score < MIN_SCORE || best.score < MIN_LEAD * (next?.score ?? 0)) return null;
  return best;
}

/** The answer's words: the article's short answer, and where to read it all. */
export function answerText(hit: Pick<ArticleHit, 'summary' | 'slug'>, publicUrl: string): string {
  return `${hit.summary} ${publicUrl}/help/${hit.slug}`;
}

/**
 * Answers a new inquiry at once when an article answers it confidently; otherwise leaves it for
 * staff. Never for a sealed case, and only while the case is still new (nobody has taken it up).
 */
export async function answerAutomatically(
  deps: AutoAnswerDeps,
  caseId: string,
): Promise<AutomaticAnswer | null> {
  const kase = await deps.db
    .selectFrom('cases')
    .select(['type', 'status', 'sealed', 'title', 'description', 'language'])
    .where('id', '=', caseId)
    .executeTakeFirst();
  if (kase?.type !== 'inquiry' || kase.status !== 'new' || kase.sealed) return null;
  const words = [kase.title, kase.description].filter(Boolean).join(' ');
  const hit = await confidentAnswer(deps.db, words, kase.language);
  if (!hit) return null;
  const now = deps.now();
  const answered = await mutateCase(deps, { id: caseId }, SYSTEM_ACTOR, now, (current) => {
    // Taken up meanwhile (an officer acknowledged it): a person answers it, not Baraza.
    if (current.status !== 'new') return { events: [], result: null };
    assertTransition('new', 'resolved', 'system');
    const event = statusEvent('new', 'resolved', answerText(hit, deps.publicUrl));
    event.data.automatic = true;
    event.data.article = { id: hit.id, slug: hit.slug, title: hit.title };
    return {
      changes: { status: 'resolved', resolvedAt: now, autoAnswerArticleId: hit.id },
      events: [event],
      result: { articleId: hit.id, slug: hit.slug, title: hit.title },
    };
  });
  if (answered && deps.messenger) {
    const notices = await deps.db
      .selectFrom('outboundMessages')
      .select('id')
      .where('caseId', '=', caseId)
      .where('purpose', '=', 'notice_auto_answered')
      .where('status', '=', 'queued')
      .execute();
    for (const { id } of notices) void deps.messenger.deliver(id).catch(() => undefined);
  }
  return answered;
}

/** Whether the case stands answered automatically, and the citizen may still say it did not help. */
export const answeredAutomatically = (kase: Pick<CaseRow, 'status' | 'autoAnswerArticleId'>) =>
  kase.status === 'resolved' && kase.autoAnswerArticleId !== null;

/**
 * The citizen says the automatic answer did not help: the case reopens for a person, with its
 * clocks running from the submission, and the article's "not helpful" count goes up. `actor` is
 * the citizen, proven by the caller (PIN, or the phone the case came from).
 */
export async function rejectAutomaticAnswer(
  deps: Pick<AutoAnswerDeps, 'db' | 'sla' | 'now'>,
  caseId: string,
  actor: Actor,
  reason?: string,
): Promise<{ reference: string; status: 'reopened' }> {
  const now = deps.now();
  return mutateCase(deps, { id: caseId }, actor, now, async (kase, trx) => {
    if (!answeredAutomatically(kase)) {
      throw new AppError(
        'invalid_transition',
        'This case was not answered automatically, or a person has it now',
        {
          status: kase.status,
        },
      ).translatable('not_auto_answered');
    }
    await trx
      .updateTable('knowledgeArticles')
      .set((eb) => ({ notHelpful: eb('notHelpful', '+', 1) }))
      .where('id', '=', kase.autoAnswerArticleId)
      .execute();
    const message = reason?.trim() || undefined;
    return {
      changes: { status: 'reopened', resolvedAt: null, rating: null, ratingComment: null },
      events: [
        {
          kind: 'case.auto_answer_rejected',
          public: true,
          data: { articleId: kase.autoAnswerArticleId, ...(message ? { message } : {}) },
        },
        statusEvent('resolved', 'reopened', message),
      ],
      result: { reference: kase.reference, status: 'reopened' as const },
    };
  });
}
