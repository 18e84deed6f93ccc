import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Principal } from '../src/core/access/principal.ts';
import { SYSTEM_ACTOR } from '../src/core/events/append-events.ts';
import {
  createArticle,
  publishArticle,
  saveDraft,
  submitForReview,
} from '../src/core/knowledge/manage-articles.ts';
import { REMIND_DAYS, remindReviewers } from '../src/core/knowledge/review-reminders.ts';
import { readSeedArticles } from '../src/core/knowledge/seed-articles.ts';
import { createStaffUser } from '../src/core/staff/create-staff-user.ts';
import { updateStaffUser } from '../src/core/staff/manage-staff.ts';
import type { StaffRole } from '../src/db/schema.ts';
import { type Jobs, startJobs } from '../src/jobs/start-jobs.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { articleContent } from './helpers/knowledge.ts';

/*
 * Knowledge-base articles fall due for review (issue 8): their owner, or the agency's reviewers
 * when nobody owns them, get one e-mail a day listing what is due within two weeks or overdue,
 * told once per review-by date, and never anyone at another agency.
 */

const ZONE = 'Africa/Nairobi';
const SITE = 'https://baraza.example';
const quiet = { error() {}, info() {} };

const content = articleContent;

interface Person {
  email: string;
  principal: Principal & { kind: 'staff' };
}

/** The parts of a test that make staff and articles through the real core functions. */
function workshop(ctx: TestContext) {
  const deps = { db: ctx.database.db, reference: ctx.reference, now: () => ctx.clock.now };
  let made = 0;
  return {
    deps,
    /** The Nairobi date `offset` days from the test clock's. */
    day: (offset = 0) =>
      DateTime.fromJSDate(ctx.clock.now, { zone: ZONE }).plus({ days: offset }).toISODate() ?? '',
    async person(role: StaffRole, agencyCode: string): Promise<Person> {
      const email = `${role}.${agencyCode}.${randomBytes(4).toString('hex')}@example.go.ke`.toLowerCase();
      const user = await createStaffUser(deps, SYSTEM_ACTOR, {
        email,
        name: `${role} of ${agencyCode}`,
        role,
        agencyCode,
        password: 'correct horse battery staple',
      });
      const agencyId = ctx.reference.requireAgency(agencyCode).id;
      return {
        email,
        principal: { kind: 'staff', userId: user.id, name: email, role, agencyId, agencyCode },
      };
    },
    /** An article written by `author`, sent for review and published by `reviewer`. */
    async article(
      author: Principal,
      reviewer: Person,
      title: string,
      reviewBy?: string,
    ): Promise<{ id: string; title: string }> {
      made += 1;
      const id = await createArticle(deps, author, {
        agencyId: author.agencyId ?? '',
        serviceId: null,
        slug: `review-test-${made}-${randomBytes(3).toString('hex')}`,
        content: content(title),
      });
      await submitForReview(deps, author, id);
      await publishArticle(deps, reviewer.principal, id, reviewBy === undefined ? {} : { reviewBy });
      return { id, title };
    },
    /** The review reminders e-mailed to someone, oldest first. */
    remindersTo: (email: string) =>
      ctx.database.db
        .selectFrom('outboundMessages')
        .select(['channel', 'subject', 'body', 'dedupeKey', 'language'])
        .where('purpose', '=', 'knowledge_review')
        .where('recipient', '=', email)
        .orderBy('createdAt')
        .orderBy('id')
        .execute(),
    marker: async (articleId: string) =>
      ctx.database.db
        .selectFrom('knowledgeArticles')
        .select([
          sql<string>`to_char(review_by, 'YYYY-MM-DD')`.as('reviewBy'),
          sql<string | null>`to_char(review_reminded_for, 'YYYY-MM-DD')`.as('remindedFor'),
        ])
        .where('id', '=', articleId)
        .executeTakeFirstOrThrow(),
  };
}

describe('review-by reminders', () => {
  let ctx: TestContext;
  let jobs: Jobs;
  let w: ReturnType<typeof workshop>;
  /** A run of the daily job, as its schedule runs it. */
  const run = () => jobs.remindReviewers();

  before(async () => {
    ctx = await createTestContext();
    // Morning in Nairobi, today: the shipped articles (installed just now) are due in a year.
    ctx.clock.now = DateTime.now().setZone(ZONE).set({ hour: 7, minute: 0 }).toJSDate();
    w = workshop(ctx);
    jobs = await startJobs(
      ctx.database,
      { ...w.deps, sla: ctx.sla, log: quiet, publicUrl: SITE },
      { work: false },
    );
  });
  after(async () => {
    await jobs?.stop();
    await ctx?.close();
  });

  test('the reminders run every day at 06:00 in Nairobi', async () => {
    const schedule = await sql<{ cron: string; timezone: string }>`
      SELECT cron, timezone FROM pgboss.schedule WHERE name = 'knowledge-review'`.execute(ctx.database.db);
    assert.deepEqual(schedule.rows, [{ cron: '0 6 * * *', timezone: ZONE }]);
  });

  test("a due article's owner gets one e-mail listing it with its date and console link; a second run that day sends nothing", async () => {
    const owner = await w.person('officer', 'KRA');
    const reviewer = await w.person('supervisor', 'KRA');
    const soon = await w.article(owner.principal, reviewer, 'Fishing licence renewal', w.day(10));
    const late = await w.article(owner.principal, reviewer, 'Boat registration', w.day(-3));
    const later = await w.article(owner.principal, reviewer, 'Fish export permits', w.day(REMIND_DAYS + 16));

    const first = await run();
    assert.ok(first.messages >= 1 && first.articles >= 2);
    const [mail, ...more] = await w.remindersTo(owner.email);
    assert.ok(mail);
    assert.deepEqual(more, [], 'one e-mail for both articles');
    assert.equal(mail.channel, 'email');
    assert.equal(mail.language, 'en');
    assert.equal(mail.subject, 'Baraza: 2 articles are due for review');
    assert.equal(mail.dedupeKey, `knowledge-review:staff:${owner.principal.userId}:${w.day()}`);
    // Most overdue first, each with its date and its page in the console.
    const date = (iso: string) =>
      new Intl.DateTimeFormat('en-KE', { dateStyle: 'medium', timeZone: 'UTC' }).format(
        new Date(`${iso}T00:00:00Z`),
      );
    assert.ok(
      mail.body.includes(
        `Boat registration\nReview by ${date(w.day(-3))}: overdue\n${SITE}/console/knowledge/${late.id}`,
      ),
      mail.body,
    );
    assert.ok(
      mail.body.includes(
        `Fishing licence renewal\nReview by ${date(w.day(10))}\n${SITE}/console/knowledge/${soon.id}`,
      ),
      mail.body,
    );
    assert.ok(mail.body.indexOf('Boat registration') < mail.body.indexOf('Fishing licence renewal'));
    assert.ok(!mail.body.includes(later.title), 'an article due in a month is not mentioned');
    assert.deepEqual(await w.marker(soon.id), { reviewBy: w.day(10), remindedFor: w.day(10) });
    assert.equal((await w.marker(later.id)).remindedFor, null);
    assert.deepEqual(
      await w.remindersTo(reviewer.email),
      [],
      'the reviewers are not told of an owned article',
    );

    const second = await run();
    assert.equal(second.messages, 0);
    assert.equal(second.articles, 0);
    assert.equal((await w.remindersTo(owner.email)).length, 1);
    // Nor the next day, nor the one after: the owner was told about these dates.
    ctx.clock.now = DateTime.fromJSDate(ctx.clock.now).plus({ days: 1 }).toJSDate();
    await run();
    assert.equal((await w.remindersTo(owner.email)).length, 1);
  });

  test('an article not yet due gets nothing until it is two weeks away, and then one reminder', async () => {
    const owner = await w.person('officer', 'DIS');
    const reviewer = await w.person('supervisor', 'DIS');
    const article = await w.article(owner.principal, reviewer, 'Visa on arrival', w.day(REMIND_DAYS + 6));
    await run();
    assert.deepEqual(await w.remindersTo(owner.email), []);
    ctx.clock.now = DateTime.fromJSDate(ctx.clock.now).plus({ days: 5 }).toJSDate();
    await run();
    assert.deepEqual(await w.remindersTo(owner.email), [], 'fifteen days away');
    ctx.clock.now = DateTime.fromJSDate(ctx.clock.now).plus({ days: 1 }).toJSDate();
    await run();
    const mails = await w.remindersTo(owner.email);
    assert.equal(mails.length, 1);
    assert.equal(mails[0]?.subject, 'Baraza: an article is due for review');
    assert.match(
      mails[0]?.body ?? '',
      new RegExp(`Visa on arrival\\nReview by .+\\n${SITE}/console/knowledge/${article.id}`),
    );
  });

  test("an article nobody owns goes to its agency's supervisors, never to another agency's staff", async () => {
    const supervisor = await w.person('supervisor', 'BRS');
    const another = await w.person('supervisor', 'BRS');
    const administrator = await w.person('agency_admin', 'BRS');
    const officer = await w.person('officer', 'BRS');
    const elsewhere = [
      await w.person('supervisor', 'DIS'),
      await w.person('agency_admin', 'KRA'),
      await w.person('clearing_house', 'CLR'),
    ];
    // A shipped article (nobody owns those), edited and published again with a near date.
    const shipped = readSeedArticles().find((a) => a.agencyCode === 'BRS');
    assert.ok(shipped);
    const row = await ctx.database.db
      .selectFrom('knowledgeArticles')
      .select(['id', 'ownerId'])
      .where('slug', '=', shipped.slug)
      .executeTakeFirstOrThrow();
    assert.equal(row.ownerId, null);
    const article = { id: row.id };
    await saveDraft(w.deps, officer.principal, article.id, shipped.content);
    await submitForReview(w.deps, officer.principal, article.id);
    await publishArticle(w.deps, supervisor.principal, article.id, { reviewBy: w.day(7) });

    await run();
    for (const reviewer of [supervisor, another]) {
      const mails = await w.remindersTo(reviewer.email);
      assert.equal(mails.length, 1, reviewer.email);
      assert.ok(mails[0]?.body.includes(`${SITE}/console/knowledge/${article.id}`));
    }
    // Supervisors there are, so the administrator is not troubled; nor the officer.
    assert.deepEqual(await w.remindersTo(administrator.email), []);
    assert.deepEqual(await w.remindersTo(officer.email), []);
    for (const person of elsewhere) assert.deepEqual(await w.remindersTo(person.email), [], person.email);
    const anyElsewhere = await ctx.database.db
      .selectFrom('outboundMessages')
      .select('recipient')
      .where('purpose', '=', 'knowledge_review')
      .where('body', 'like', `%${article.id}%`)
      .execute();
    assert.deepEqual(anyElsewhere.map((m) => m.recipient).sort(), [supervisor.email, another.email].sort());
  });

  test("a switched-off owner's article goes to the agency's administrator when it has no supervisor", async () => {
    const owner = await w.person('officer', 'MOH');
    const administrator = await w.person('agency_admin', 'MOH');
    const article = await w.article(owner.principal, administrator, 'Hospital waiver', w.day(2));
    await updateStaffUser(w.deps, administrator.principal, owner.principal.userId, { active: false });
    await run();
    assert.deepEqual(await w.remindersTo(owner.email), []);
    const mails = await w.remindersTo(administrator.email);
    assert.equal(mails.length, 1);
    assert.ok(mails[0]?.body.includes(article.id));
  });

  test('republishing moves the date a year on and clears the reminder: nothing until the new date is near', async () => {
    const owner = await w.person('officer', 'NPS');
    const reviewer = await w.person('supervisor', 'NPS');
    const article = await w.article(owner.principal, reviewer, 'Police clearance certificate', w.day(5));
    await run();
    assert.equal((await w.remindersTo(owner.email)).length, 1);

    // The owner checks it, changes a word and a reviewer publishes it again.
    await saveDraft(
      w.deps,
      owner.principal,
      article.id,
      content('Police clearance certificate (good conduct)'),
    );
    await submitForReview(w.deps, owner.principal, article.id);
    await publishArticle(w.deps, reviewer.principal, article.id);
    const republished = await w.marker(article.id);
    assert.equal(republished.remindedFor, null);
    assert.equal(republished.reviewBy, DateTime.fromISO(w.day()).plus({ years: 1 }).toISODate());

    ctx.clock.now = DateTime.fromJSDate(ctx.clock.now).plus({ days: 1 }).toJSDate();
    await run();
    assert.equal((await w.remindersTo(owner.email)).length, 1, 'a year away: nothing');
    // Fifteen days before the new date, still nothing; fourteen, the second reminder.
    const near = (days: number) =>
      DateTime.fromISO(republished.reviewBy, { zone: ZONE }).minus({ days }).set({ hour: 7 }).toJSDate();
    ctx.clock.now = near(REMIND_DAYS + 1);
    await run();
    assert.equal((await w.remindersTo(owner.email)).length, 1);
    ctx.clock.now = near(REMIND_DAYS);
    await run();
    const mails = await w.remindersTo(owner.email);
    assert.equal(mails.length, 2);
    assert.ok(mails[1]?.body.includes('Police clearance certificate (good conduct)'));
    assert.deepEqual(await w.marker(article.id), {
      reviewBy: republished.reviewBy,
      remindedFor: republished.reviewBy,
    });
  });
});

describe('review-by reminders for the shipped articles', () => {
  let ctx: TestContext;
  let w: ReturnType<typeof workshop>;
  before(async () => {
    ctx = await createTestContext();
    w = workshop(ctx);
  });
  after(() => ctx?.close());

  test("a year after install each agency's reviewers get one e-mail listing its shipped articles; an agency with nobody to tell waits", async () => {
    const shipped = readSeedArticles();
    const kra = await w.person('supervisor', 'KRA');
    const clearingHouse = await w.person('supervisor', 'CLR');
    const police = await w.person('officer', 'NPS');
    const db = ctx.database.db;
    const installed = await db
      .selectFrom('knowledgeArticles')
      .select(sql<string>`to_char(max(review_by), 'YYYY-MM-DD')`.as('reviewBy'))
      .executeTakeFirstOrThrow();
    const remind = (at: Date) => remindReviewers({ db, publicUrl: SITE }, at);

    const early = await remind(
      DateTime.fromISO(installed.reviewBy, { zone: ZONE })
        .minus({ days: REMIND_DAYS + 1 })
        .toJSDate(),
    );
    assert.deepEqual(early, { articles: 0, messages: 0, unaddressed: 0, deferred: 0 });

    const due = await remind(
      DateTime.fromISO(installed.reviewBy, { zone: ZONE }).minus({ days: 3 }).set({ hour: 6 }).toJSDate(),
    );
    const kraMails = await w.remindersTo(kra.email);
    assert.equal(kraMails.length, 1);
    const kraCount = shipped.filter((a) => a.agencyCode === 'KRA').length;
    assert.equal(kraMails[0]?.subject, `Baraza: ${kraCount} articles are due for review`);
    assert.equal(kraMails[0]?.body.match(/\/console\/knowledge\//g)?.length, kraCount);
    const clrMails = await w.remindersTo(clearingHouse.email);
    assert.equal(clrMails[0]?.body.match(/\/console\/knowledge\//g)?.length, 15, "eCitizen's FAQs");
    assert.deepEqual(await w.remindersTo(police.email), [], 'an officer does not review');
    // DIS, BRS, NPS and MOH have no reviewer here: their articles stay unmarked, for when they do.
    const waiting = shipped.filter((a) => !['KRA', 'CLR'].includes(a.agencyCode)).length;
    assert.deepEqual(due, { articles: kraCount + 15, messages: 2, unaddressed: waiting, deferred: 0 });
    const unmarked = await db
      .selectFrom('knowledgeArticles')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('reviewRemindedFor', 'is', null)
      .executeTakeFirstOrThrow();
    assert.equal(Number(unmarked.n), waiting);
  });
});
