import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Db } from '../../db/open-database.ts';
import type { Language, StaffRole } from '../../db/schema.ts';
import { translator } from '../../i18n/index.ts';
import { queueMessage } from '../messages/queue-message.ts';

/*
 * Review-by reminders (issue 8). Once a day, every published article whose review-by date is at
 * most REMIND_DAYS away (or past) and whose owner has not been told about that date is told about,
 * in one e-mail per person per day listing all their articles: to its owner, or, when it has none
 * or the owner's account is switched off, to the agency's reviewers (its supervisors; its head or
 * administrator where it has no supervisor on Baraza).
 *
 * An article is told about once per review-by date: `review_reminded_for = review_by` is its marker
 * (the key "knowledge-review:<article>:<review_by>"), set in the transaction that queues the
 * e-mail, and publishing clears it and moves the date a year on (manage-articles.ts, putLive). The
 * e-mail's outbox key is the person and the Nairobi day, so a second run on the same day sends
 * nothing twice. An article due for someone who has had today's e-mail already (its date was
 * changed since the morning's run) waits for tomorrow's, rather than being marked and told nobody.
 */

/** How many days before its review-by date an article's owner is first told. */
export const REMIND_DAYS = 14;
/** Articles looked at per run, most overdue first; the rest are the next day's. */
const PER_RUN = 2000;
/** One run at a time: a run reads who has been told today, then tells them. */
const REMIND_LOCK = 7366213;
const ZONE = 'Africa/Nairobi';
/** Who reviews an ownerless article, in order of preference (as notify-staff.ts's recipientsAt). */
const REVIEWER_ROLES: readonly StaffRole[] = ['supervisor', 'agency_head', 'agency_admin'];
/**
 * Staff have no language of their own on Baraza yet (the console follows the browser): the e-mail
 * and the titles in it are English. The words are in both catalogues for when they have one.
 */
const STAFF_LANGUAGE: Language = 'en';

export interface ReminderDeps {
  db: Db;
  /** The site's address, for the links to the console. */
  publicUrl: string;
}

export interface ReminderRun {
  /** Articles told about in this run. */
  articles: number;
  /** E-mails queued. */
  messages: number;
  /** Due articles with nobody to tell: no active owner, and no reviewer at the agency. */
  unaddressed: number;
  /** Due articles left for tomorrow: someone to tell about them has had today's e-mail. */
  deferred: number;
}

interface Person {
  id: string;
  email: string;
  name: string;
}

interface DueArticle {
  id: string;
  agencyId: string;
  reviewBy: string;
  title: string;
  recipients: Person[];
}

export async function remindReviewers(deps: ReminderDeps, now: Date): Promise<ReminderRun> {
  const local = DateTime.fromJSDate(now, { zone: ZONE });
  const today = local.toISODate() ?? '';
  const horizon = local.plus({ days: REMIND_DAYS }).toISODate() ?? '';
  return deps.db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${REMIND_LOCK})`.execute(trx);
    const due = await dueArticles(trx, horizon);
    const run: ReminderRun = { articles: 0, messages: 0, unaddressed: 0, deferred: 0 };
    if (due.length === 0) return run;

    const keyOf = (person: Person) => `knowledge-review:staff:${person.id}:${today}`;
    const keys = [...new Set(due.flatMap((a) => a.recipients.map(keyOf)))];
    const toldToday = new Set(
      keys.length === 0
        ? []
        : (
            await trx
              .selectFrom('outboundMessages')
              .select('dedupeKey')
              .where('dedupeKey', 'in', keys)
              .execute()
          ).map((row) => row.dedupeKey),
    );
    const sendable: DueArticle[] = [];
    for (const article of due) {
      if (article.recipients.length === 0) run.unaddressed += 1;
      else if (article.recipients.some((p) => toldToday.has(keyOf(p)))) run.deferred += 1;
      else sendable.push(article);
    }
    if (sendable.length === 0) return run;

    // The claim: only what is still due and untold now (a reviewer may have republished it since
    // it was read above) is marked, and only what was marked is told.
    const claimed = await trx
      .updateTable('knowledgeArticles')
      .set((eb) => ({ reviewRemindedFor: eb.ref('reviewBy') }))
      .where(
        'id',
        'in',
        sendable.map((a) => a.id),
      )
      .where('status', '=', 'published')
      .where('reviewBy', '<=', horizon)
      .where(sql<boolean>`review_reminded_for IS DISTINCT FROM review_by`)
      .returning('id')
      .execute();
    const claimedIds = new Set(claimed.map((row) => row.id));

    const byPerson = new Map<string, { person: Person; articles: DueArticle[] }>();
    for (const article of sendable) {
      if (!claimedIds.has(article.id)) continue;
      run.articles += 1;
      for (const person of article.recipients) {
        const entry = byPerson.get(person.id) ?? { person, articles: [] };
        entry.articles.push(article);
        byPerson.set(person.id, entry);
      }
    }
    for (const { person, articles } of byPerson.values()) {
      const language = STAFF_LANGUAGE;
      const words = reminderWords(language, person, articles, { today, publicUrl: deps.publicUrl });
      await queueMessage(trx, {
        channel: 'email',
        recipient: person.email,
        subject: words.subject,
        body: words.body,
        language,
        purpose: 'knowledge_review',
        dedupeKey: keyOf(person),
        now,
      });
      run.messages += 1;
    }
    return run;
  });
}

/** The due, untold published articles, most overdue first, each with whom to tell. */
async function dueArticles(db: Db, horizon: string): Promise<DueArticle[]> {
  const rows = await db
    .selectFrom('knowledgeArticles as a')
    .innerJoin('knowledgeTexts as t', (join) =>
      join.onRef('t.articleId', '=', 'a.id').on('t.language', '=', STAFF_LANGUAGE),
    )
    .leftJoin('staffUsers as o', 'o.id', 'a.ownerId')
    .select([
      'a.id',
      'a.agencyId',
      sql<string>`to_char(a.review_by, 'YYYY-MM-DD')`.as('reviewBy'),
      't.title',
      'o.id as ownerId',
      'o.email as ownerEmail',
      'o.name as ownerName',
      'o.active as ownerActive',
      'o.agencyId as ownerAgencyId',
      'o.role as ownerRole',
    ])
    .where('a.status', '=', 'published')
    .where('a.reviewBy', '<=', horizon)
    .where(sql<boolean>`a.review_reminded_for IS DISTINCT FROM a.review_by`)
    .orderBy('a.reviewBy')
    .orderBy('a.id')
    .limit(PER_RUN)
    .execute();

  // An owner is told while their account is active and (whatever else changes) of the agency.
  const owned = (row: (typeof rows)[number]) =>
    row.ownerId !== null &&
    row.ownerActive === true &&
    (row.ownerAgencyId === row.agencyId || row.ownerRole === 'sysadmin');
  const agencies = [...new Set(rows.filter((row) => !owned(row)).map((row) => row.agencyId))];
  const reviewers = await reviewersOf(db, agencies);

  return rows.map((row) => ({
    id: row.id,
    agencyId: row.agencyId,
    reviewBy: row.reviewBy,
    title: row.title,
    recipients: owned(row)
      ? [{ id: row.ownerId ?? '', email: row.ownerEmail ?? '', name: row.ownerName ?? '' }]
      : (reviewers.get(row.agencyId) ?? []),
  }));
}

/** Each agency's active reviewers: its supervisors, else its head, else its administrators. */
async function reviewersOf(db: Db, agencyIds: string[]): Promise<Map<string, Person[]>> {
  const found = new Map<string, Person[]>();
  if (agencyIds.length === 0) return found;
  const staff = await db
    .selectFrom('staffUsers')
    .select(['id', 'email', 'name', 'role', 'agencyId'])
    .where('active', '=', true)
    .where('agencyId', 'in', agencyIds)
    .where('role', 'in', REVIEWER_ROLES)
    .orderBy('name')
    .execute();
  for (const agencyId of agencyIds) {
    const people = staff.filter((s) => s.agencyId === agencyId);
    for (const role of REVIEWER_ROLES) {
      const holding = people.filter((p) => p.role === role);
      if (holding.length > 0) {
        found.set(
          agencyId,
          holding.map(({ id, email, name }) => ({ id, email, name })),
        );
        break;
      }
    }
  }
  return found;
}

/** The e-mail: every article with its review-by date and its page in the console. */
export function reminderWords(
  language: Language,
  person: Pick<Person, 'name'>,
  articles: readonly Pick<DueArticle, 'id' | 'title' | 'reviewBy'>[],
  context: { today: string; publicUrl: string },
): { subject: string; body: string } {
  const t = translator(language);
  const key = (name: string) => `console.notifications.knowledge_review.${name}`;
  const dates = new Intl.DateTimeFormat(language === 'sw' ? 'sw-KE' : 'en-KE', {
    dateStyle: 'medium',
    timeZone: 'UTC',
  });
  const lines = articles.map((article) =>
    t(key(article.reviewBy < context.today ? 'article_overdue' : 'article'), {
      title: article.title,
      date: dates.format(new Date(`${article.reviewBy}T00:00:00Z`)),
      link: `${context.publicUrl}/console/knowledge/${article.id}`,
    }),
  );
  return {
    subject: t(key('subject'), { count: articles.length }),
    body: [t(key('greeting'), { name: person.name }), t(key('intro')), ...lines, t(key('why'))].join('\n\n'),
  };
}
