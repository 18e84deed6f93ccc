import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LocalSmsProvider } from '../src/channels/sms/local-sms-provider.ts';
import { createMessenger } from '../src/core/messages/messenger.ts';
import { optIn, optOut } from '../src/core/messages/opt-outs.ts';
import { MAX_SMS_PARTS, smsLength } from '../src/core/messages/sms-length.ts';
import { actOnDueClocks } from '../src/core/sla/act-on-due-clocks.ts';
import { sweepDueClocks } from '../src/core/sla/sweep-due-clocks.ts';
import { createTestContext, type SignedInStaff, signedInStaff, type TestContext } from './helpers/context.ts';
import { asStaff, enrolTotp, submitCase } from './helpers/factories.ts';
import { type SmtpInbox, startSmtpInbox } from './helpers/smtp-inbox.ts';

/*
 * Citizens hear of what happens to their case through the outbox: once per event, in their
 * language, on their channel, never after they opted out, never for what they did themselves.
 */
describe('notifications to citizens', () => {
  let ctx: TestContext;
  let smtp: SmtpInbox;
  let officer: SignedInStaff;
  let phoneCounter = 100;
  before(async () => {
    smtp = await startSmtpInbox();
    ctx = await createTestContext({
      BARAZA_SMTP_URL: smtp.url,
      BARAZA_MAIL_FROM: 'Baraza <no-reply@baraza.test>',
    });
    officer = await signedInStaff(ctx, 'officer', 'DIS');
  });
  after(async () => {
    await ctx?.close();
    await smtp.close();
  });

  const newPhone = () => `0712${String(++phoneCounter).padStart(6, '0')}`;
  const e164 = (local: string) => `+254${local.slice(1)}`;
  const act = (reference: string, path: string, payload: object) =>
    asStaff(ctx, officer.cookie, 'POST', `/api/v1/staff/cases/${reference}/${path}`, payload);
  const notices = (reference: string) =>
    ctx.database.db
      .selectFrom('outboundMessages as m')
      .innerJoin('cases as c', 'c.id', 'm.caseId')
      .select([
        'm.purpose',
        'm.channel',
        'm.recipient',
        'm.body',
        'm.subject',
        'm.status',
        'm.eventSeq',
        'm.language',
      ])
      .where('c.reference', '=', reference)
      .where('m.purpose', 'like', 'notice_%')
      .orderBy('m.createdAt')
      .execute();

  test('a case worked from acknowledgement to closure tells the citizen each step by SMS, once each', async () => {
    const phone = newPhone();
    const { reference, pin } = await submitCase(ctx, { citizen: { name: 'Otieno', phone } });
    for (const [path, payload] of [
      ['status', { status: 'acknowledged' }],
      ['assign', {}],
      ['notes', { message: 'Checked the file; it is at the printing unit' }],
      ['responses', { message: 'Your passport is printed and will be at Nyayo House on Friday.' }],
      ['status', { status: 'awaiting_citizen', message: 'Which office do you want to collect it from?' }],
    ] as const) {
      const response = await act(reference, path, payload);
      assert.equal(response.statusCode, 200, response.body);
    }
    const found = await notices(reference);
    assert.deepEqual(
      found.map((n) => n.purpose),
      ['notice_acknowledged', 'notice_responded', 'notice_info_requested'],
      'a claim and an internal note tell the citizen nothing',
    );
    assert.ok(found.every((n) => n.channel === 'sms' && n.recipient === e164(phone) && n.language === 'en'));
    assert.match(found[1]?.body ?? '', new RegExp(`^Baraza ${reference}: .* says: Your passport is printed`));
    assert.match(found[2]?.body ?? '', /Which office do you want to collect it from\? Reply to this SMS/);
    assert.equal(new Set(found.map((n) => n.eventSeq)).size, 3, 'each is about its own event');

    const sms = ctx.sms as LocalSmsProvider;
    const before = sms.sent.length;
    await ctx.messenger.deliverQueued();
    await ctx.messenger.deliverQueued();
    const sent = sms.sent.slice(before).filter((m) => m.to === e164(phone));
    assert.equal(sent.length, 3, 'sent once each, however often the sweep runs');
    assert.ok((await notices(reference)).every((n) => n.status === 'sent'));

    // The citizen answers (their own act: no notice), the officer resolves and closes.
    const answer = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${reference}/replies`,
      payload: { pin, message: 'Nyayo House, please' },
    });
    assert.equal(answer.statusCode, 200, answer.body);
    assert.equal((await notices(reference)).length, 3, 'the citizen is not told of their own answer');
    await act(reference, 'status', { status: 'resolved', message: 'Collected on Friday.' });
    await act(reference, 'status', { status: 'closed' });
    const all = (await notices(reference)).map((n) => n.purpose);
    assert.deepEqual(all.slice(3), ['notice_resolved', 'notice_closed']);
  });

  test('a Kiswahili speaker hears in Kiswahili, and a long reply still fits three SMS parts with the reference whole', async () => {
    const phone = newPhone();
    const { reference } = await submitCase(ctx, {
      description: 'Pasipoti yangu imechelewa kwa miezi mitatu, naomba msaada',
      language: 'sw',
      citizen: { name: 'Achieng', phone, language: 'sw' },
    });
    const long = `${'Tumepokea ombi lako na tunalishughulikia kwa makini sana. '.repeat(12)}Asante.`;
    assert.equal((await act(reference, 'responses', { message: long })).statusCode, 200);
    const [notice] = await notices(reference);
    assert.equal(notice?.language, 'sw');
    assert.match(notice?.body ?? '', new RegExp(`^Baraza ${reference}: .* inasema: Tumepokea`));
    assert.ok(smsLength(notice?.body ?? '').parts <= MAX_SMS_PARTS, notice?.body);
    assert.match(notice?.body ?? '', /\.\.\.$/, 'the officer’s words are shortened, visibly');
  });

  test('a citizen who wrote from the web with an e-mail address gets an e-mail with text and HTML parts', async () => {
    const { reference } = await submitCase(ctx, { citizen: { name: 'Njeri', email: 'njeri@example.org' } });
    assert.equal(
      (
        await act(reference, 'status', {
          status: 'resolved',
          message: 'Your passport is ready for collection.',
        })
      ).statusCode,
      200,
    );
    const [notice] = await notices(reference);
    assert.equal(notice?.channel, 'email');
    assert.equal(notice?.subject, `Your case ${reference} has been resolved`);
    const before = smtp.received.length;
    await ctx.messenger.deliverQueued();
    const mail = smtp.received.slice(before).find((m) => m.to.includes('njeri@example.org'));
    assert.ok(mail, 'the e-mail reached the SMTP server');
    assert.match(mail.text, /Your passport is ready for collection\./);
    assert.match(mail.text, /Content-Type: text\/html/i);
    assert.match(mail.text, /<html lang="en">/);
  });

  test('after STOP nothing more is queued on SMS; a notice queued before it is skipped, not sent', async () => {
    const phone = newPhone();
    const { reference } = await submitCase(ctx, { citizen: { phone } });
    await act(reference, 'responses', { message: 'We are looking into it.' });
    await optOut(ctx.database.db, 'sms', e164(phone), ctx.clock.now);
    await act(reference, 'responses', { message: 'A second reply.' });
    const found = await notices(reference);
    assert.equal(found.length, 1, 'nothing is queued once the number opted out');
    const sms = ctx.sms as LocalSmsProvider;
    const before = sms.sent.length;
    await ctx.messenger.deliverQueued();
    assert.equal(sms.sent.slice(before).filter((m) => m.to === e164(phone)).length, 0);
    assert.equal((await notices(reference))[0]?.status, 'skipped');
    await optIn(ctx.database.db, 'sms', e164(phone));
    await act(reference, 'responses', { message: 'A third reply.' });
    assert.equal((await notices(reference)).length, 2);
  });

  test('a sealed corruption report and a refused change tell nobody anything', async () => {
    const phone = newPhone();
    const sealed = await submitCase(ctx, {
      type: 'corruption_report',
      description: 'An officer at the border asked me for a bribe to stamp my passport',
      citizen: { phone },
    });
    const oversight = await signedInStaff(ctx, 'oversight', 'EACC');
    await asStaff(ctx, oversight.cookie, 'POST', `/api/v1/staff/cases/${sealed.reference}/status`, {
      status: 'acknowledged',
    });
    assert.deepEqual(await notices(sealed.reference), []);
    const open = await submitCase(ctx, { citizen: { phone: newPhone() } });
    const refused = await act(open.reference, 'status', { status: 'resolved' });
    assert.equal(refused.statusCode, 400, 'resolving needs words for the citizen');
    assert.deepEqual(await notices(open.reference), []);
  });

  test('the interim update the SLA owes a citizen is sent when that clock runs out', async () => {
    const phone = newPhone();
    const { reference } = await submitCase(ctx, { citizen: { phone } });
    const start = ctx.clock.now;
    try {
      ctx.clock.now = new Date(start.getTime() + 8 * 86_400_000);
      await sweepDueClocks(ctx.database.db, ctx.clock.now, async (cases) => {
        for (const due of cases)
          await actOnDueClocks({ db: ctx.database.db, sla: ctx.sla }, due.caseId, ctx.clock.now);
      });
    } finally {
      ctx.clock.now = start;
    }
    const purposes = (await notices(reference)).map((n) => n.purpose);
    assert.ok(purposes.includes('notice_interim_update'), purposes.join());
    const update = (await notices(reference)).find((n) => n.purpose === 'notice_interim_update');
    assert.match(update?.body ?? '', /is still working on your case\. Expected by /);
  });

  test('one notice is sent once when two workers sweep the outbox at the same moment', async () => {
    const phone = newPhone();
    const { reference } = await submitCase(ctx, { citizen: { phone } });
    await act(reference, 'responses', { message: 'Raced reply' });
    const gateways = [new LocalSmsProvider(), new LocalSmsProvider()];
    const workers = gateways.map((sms) =>
      createMessenger({
        db: ctx.database.db,
        config: { mail: { smtpUrl: smtp.url, from: 'Baraza <no-reply@baraza.test>' } },
        sms,
        now: () => ctx.clock.now,
      }),
    );
    await Promise.all(workers.map((w) => w.deliverQueued()));
    const sent = gateways.flatMap((g) => g.sent).filter((m) => m.to === e164(phone));
    assert.equal(sent.length, 1);
    assert.equal((await notices(reference))[0]?.status, 'sent');
  });

  test('the system administrator sees the outbox masked and sends a given-up message again; nobody else sees it', async () => {
    const phone = newPhone();
    const { reference } = await submitCase(ctx, { citizen: { phone } });
    await act(reference, 'responses', { message: 'A reply the gateway refused' });
    const [notice] = await ctx.database.db
      .selectFrom('outboundMessages as m')
      .innerJoin('cases as c', 'c.id', 'm.caseId')
      .select('m.id')
      .where('c.reference', '=', reference)
      .execute();
    assert.ok(notice);
    // As the outbox leaves a message after its last failed attempt.
    await ctx.database.db
      .updateTable('outboundMessages')
      .set({ status: 'failed', attempts: 5, error: 'gateway said 401 Unauthorized' })
      .where('id', '=', notice.id)
      .execute();
    const sysadmin = await signedInStaff(ctx, 'sysadmin');
    await enrolTotp(ctx, sysadmin.cookie);
    const page = await ctx.app.inject({
      url: '/console/admin/outbox?status=failed',
      headers: { cookie: sysadmin.cookie },
    });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /gateway said 401 Unauthorized/);
    assert.match(page.body, new RegExp(`\\${e164(phone).slice(0, 7)}\\*\\*\\*${e164(phone).slice(-3)}`));
    assert.doesNotMatch(
      page.body,
      new RegExp(e164(phone).replace('+', '\\+')),
      'the whole number is not shown',
    );
    const retried = await ctx.app.inject({
      method: 'POST',
      url: `/console/admin/outbox/${notice.id}/retry`,
      headers: { cookie: sysadmin.cookie },
    });
    assert.equal(retried.statusCode, 303, retried.body);
    const row = await ctx.database.db
      .selectFrom('outboundMessages')
      .select(['status', 'attempts'])
      .where('id', '=', notice.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { status: 'queued', attempts: 0 });
    const again = await ctx.app.inject({
      method: 'POST',
      url: `/console/admin/outbox/${notice.id}/retry`,
      headers: { cookie: sysadmin.cookie },
    });
    assert.equal(again.statusCode, 409, 'only a given-up message is sent again');

    const admin = await signedInStaff(ctx, 'agency_admin', 'DIS');
    await enrolTotp(ctx, admin.cookie);
    const refused = await ctx.app.inject({ url: '/console/admin/outbox', headers: { cookie: admin.cookie } });
    assert.equal(refused.statusCode, 403);
  });
});
