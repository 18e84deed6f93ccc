import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readSms } from '../src/channels/sms/read-sms.ts';
import { formatReference } from '../src/core/cases/reference.ts';
import { createTestContext, signedInStaff, type TestContext } from './helpers/context.ts';
import { submitCase } from './helpers/factories.ts';
import { postForm } from './helpers/portal.ts';

/*
 * Automatic answers (issue 8): an inquiry a knowledge-base article answers confidently is answered
 * at once, marked automatic, and the citizen is told how to say it did not help; saying so (on the
 * portal, or NO <reference> by SMS) gives the question to an officer with its clocks running from
 * the submission.
 */

const GOOD_CONDUCT = {
  type: 'inquiry',
  description:
    'How do I get a certificate of good conduct from the police? I need police clearance for a new job.',
  agencyCode: 'NPS',
  citizen: { name: 'Achieng Otieno', phone: '0722000111' },
};

describe('automatic answers', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  const caseRow = (reference: string) =>
    ctx.database.db
      .selectFrom('cases')
      .select(['id', 'status', 'autoAnswerArticleId', 'createdAt', 'resolvedAt', 'nextDueAt'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
  const clock = (caseId: string, name: string) =>
    ctx.database.db
      .selectFrom('caseClocks')
      .selectAll()
      .where('caseId', '=', caseId)
      .where('clock', '=', name)
      .executeTakeFirstOrThrow();

  test('an inquiry an article answers confidently is resolved at once with it, marked automatic, and the citizen is told how to refuse it', async () => {
    const submitted = (await submitCase(ctx, GOOD_CONDUCT)) as unknown as {
      reference: string;
      status: string;
    };
    assert.equal(submitted.status, 'resolved');
    const kase = await caseRow(submitted.reference);
    assert.equal(kase.status, 'resolved');
    const article = await ctx.database.db
      .selectFrom('knowledgeArticles')
      .select('id')
      .where('slug', '=', 'nps-certificate-good-conduct')
      .executeTakeFirstOrThrow();
    assert.equal(kase.autoAnswerArticleId, article.id);

    const events = await ctx.database.db
      .selectFrom('events')
      .select(['kind', 'public', 'actorType', 'data'])
      .where('streamId', '=', kase.id)
      .orderBy('seq')
      .execute();
    const answer = events.find((e) => e.kind === 'case.status_changed');
    assert.ok(answer);
    assert.equal(answer.actorType, 'system');
    assert.equal(answer.public, true);
    const data = answer.data as { automatic?: boolean; message?: string };
    assert.equal(data.automatic, true);
    assert.match(String(data.message), /\/help\/nps-certificate-good-conduct/);

    const notice = await ctx.database.db
      .selectFrom('outboundMessages')
      .select(['channel', 'recipient', 'body', 'purpose'])
      .where('caseId', '=', kase.id)
      .where('purpose', '=', 'notice_auto_answered')
      .executeTakeFirstOrThrow();
    assert.equal(notice.channel, 'sms');
    assert.equal(notice.recipient, '+254722000111');
    assert.match(notice.body, new RegExp(`Reply NO ${submitted.reference}`));

    // The tracking page and the console's case page mark the answer automatic.
    const page = await ctx.app.inject({ url: `/track/${submitted.reference}` });
    assert.match(page.body, /automatic answer/);
    const officer = await signedInStaff(ctx, 'officer', 'NPS');
    const staffPage = await ctx.app.inject({
      url: `/console/cases/${submitted.reference}`,
      headers: { cookie: officer.cookie },
    });
    assert.equal(staffPage.statusCode, 200);
    assert.match(staffPage.body, /automatic answer from the knowledge base/);
  });

  test('a complaint in the same words, and an inquiry no article answers, wait for an officer', async () => {
    const complaint = await submitCase(ctx, { ...GOOD_CONDUCT, type: 'complaint' });
    assert.equal((await caseRow(complaint.reference)).status, 'new');
    const vague = await submitCase(ctx, {
      ...GOOD_CONDUCT,
      description: 'Where can I buy a good pair of shoes in town for my new job?',
    });
    const row = await caseRow(vague.reference);
    assert.equal(row.status, 'new');
    assert.equal(row.autoAnswerArticleId, null);
  });

  test('"It did not help" on the portal reopens the question for an officer, its clocks running from the submission', async () => {
    const submitted = await submitCase(ctx, GOOD_CONDUCT);
    const before = await caseRow(submitted.reference);
    const resolveBefore = await clock(before.id, 'resolve');
    assert.equal(resolveBefore.status, 'met');

    // Prove the PIN as the citizen does, then say it did not help.
    const unlocked = await postForm(ctx, '/track', { reference: submitted.reference, pin: submitted.pin });
    const proof = unlocked.cookies.find((c) => c.name === 'baraza_proof');
    assert.ok(proof, 'the PIN was accepted');
    const cookie = `baraza_proof=${proof.value}`;
    const page = await ctx.app.inject({ url: `/track/${submitted.reference}`, headers: { cookie } });
    assert.match(page.body, new RegExp(`action="/track/${submitted.reference}/not-helped"`));
    const said = await postForm(
      ctx,
      `/track/${submitted.reference}/not-helped`,
      { reason: 'I am abroad and cannot go to a Huduma centre.' },
      cookie,
    );
    assert.equal(said.statusCode, 303);

    const after = await caseRow(submitted.reference);
    assert.equal(after.status, 'reopened');
    const resolve = await clock(after.id, 'resolve');
    assert.equal(resolve.status, 'running');
    assert.equal(
      resolve.startedAt.getTime(),
      resolveBefore.startedAt.getTime(),
      'the clock started at the submission',
    );
    assert.equal(resolve.dueAt?.getTime(), resolveBefore.dueAt?.getTime(), 'with its first deadline');
    assert.equal((await clock(after.id, 'acknowledge')).status, 'running');
    assert.ok(after.nextDueAt && after.nextDueAt.getTime() <= (resolve.dueAt?.getTime() ?? 0));
    const counted = await ctx.database.db
      .selectFrom('knowledgeArticles')
      .select('notHelpful')
      .where('slug', '=', 'nps-certificate-good-conduct')
      .executeTakeFirstOrThrow();
    assert.ok(counted.notHelpful >= 1);

    // Said twice: the second time there is nothing automatic left to refuse.
    const again = await postForm(ctx, `/track/${submitted.reference}/not-helped`, { reason: '' }, cookie);
    assert.equal(again.statusCode, 409);
  });

  test('NO <reference> by SMS from the phone the question came from gives it to an officer; from another phone it does not', async () => {
    const submitted = await submitCase(ctx, GOOD_CONDUCT);
    const sms = (from: string, text: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/channels/sms/africastalking/inbound',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          date: '2026-11-25 10:30:45',
          from,
          to: '20202',
          text,
          id: `ATXid_${Math.random().toString(36).slice(2)}`,
          linkId: '',
          networkCode: '63902',
        }).toString(),
      });
    const stranger = await sms('+254733999888', `NO ${formatReference(submitted.reference)}`);
    assert.equal(stranger.statusCode, 200);
    assert.equal((await caseRow(submitted.reference)).status, 'resolved');
    const owner = await sms('+254722000111', `hapana ${submitted.reference}`);
    assert.equal(owner.statusCode, 200);
    assert.equal((await caseRow(submitted.reference)).status, 'reopened');
  });
});

test('NO or HAPANA is a keyword only before a whole reference: "No water for three days" is a report', () => {
  assert.deepEqual(readSms('NO 226 8242 2839'), {
    kind: 'not_helped',
    reference: '226 8242 2839',
    language: 'en',
  });
  assert.equal(readSms('Hapana 22682422839.').kind, 'not_helped');
  assert.equal(readSms('No water for three days in Kibera').kind, 'text');
  assert.equal(readSms('No').kind, 'text');
  assert.equal(readSms('hapana 2268').kind, 'text');
});
