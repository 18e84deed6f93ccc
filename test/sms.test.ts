import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { readSms } from '../src/channels/sms/read-sms.ts';
import { renderSmsReply, type SmsReply } from '../src/channels/sms/sms-replies.ts';
import { formatReference, generateReference } from '../src/core/cases/reference.ts';
import { isOptedOut } from '../src/core/messages/opt-outs.ts';
import { queueMessage } from '../src/core/messages/queue-message.ts';
import { MAX_SMS_PARTS, smsLength } from '../src/core/messages/sms-length.ts';
import type { Language } from '../src/db/schema.ts';
import { createTestContext, signedInStaff, type TestContext } from './helpers/context.ts';
import { asStaff, submitCase } from './helpers/factories.ts';

/*
 * The SMS channel over HTTP, as Africa's Talking drives it (specs/africastalking): the fixtures'
 * payloads, keywords in English and Kiswahili, reports, answers to questions, repeated and
 * concurrent deliveries, delivery reports, and what the gateway could send that is not a message.
 * Replies go out through the outbox to the local gateway, where the tests read them.
 */

const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/africastalking/at_callback_fixtures.json', import.meta.url), 'utf8'),
) as {
  sms_incoming_message: Record<string, string>[];
  sms_delivery_report: Record<string, string>[];
  sms_bulk_opt_out_notification: Record<string, string>[];
};

const INBOUND = '/channels/sms/africastalking/inbound';
const DELIVERY = '/channels/sms/africastalking/delivery';
const OPT_OUT = '/channels/sms/africastalking/opt-out';
const SHORTCODE = '20202';
const PASSPORT = 'My passport application at Nyayo House has been pending for three months';

const freshPhone = () => `+25471${String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, '0')}`;
const freshId = () => `ATXid_${randomBytes(12).toString('hex')}`;

interface Sent {
  status: number;
  json: Record<string, unknown>;
  /** The reply the citizen got, once delivered; undefined when none was queued. */
  reply: string | undefined;
}

describe('SMS channel', () => {
  let ctx: TestContext;
  const db = () => ctx.database.db;
  const local = () => ctx.sms as unknown as { sent: { to: string; text: string }[] };

  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx?.close());

  async function post(url: string, fields: Record<string, string>) {
    return ctx.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
  }

  /** Sends as the gateway does, then waits for the reply to reach the (local) gateway. */
  async function sms(
    from: string,
    text: string,
    fields: Record<string, string> = {},
  ): Promise<Sent & { id: string }> {
    const id = fields.id ?? freshId();
    const before = local().sent.length;
    const response = await post(INBOUND, {
      date: '2024-03-06 10:30:45',
      from,
      to: SHORTCODE,
      text,
      id,
      linkId: '',
      networkCode: '63902',
      ...fields,
    });
    return { id, status: response.statusCode, json: response.json(), reply: await replyOf(id, before) };
  }

  async function replyOf(id: string, sentBefore: number): Promise<string | undefined> {
    const inbound = await db()
      .selectFrom('inboundSms')
      .select(['replyMessageId', 'sender'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!inbound?.replyMessageId) return undefined;
    for (let attempt = 0; attempt < 100; attempt++) {
      const message = await db()
        .selectFrom('outboundMessages')
        .selectAll()
        .where('id', '=', inbound.replyMessageId)
        .executeTakeFirstOrThrow();
      if (message.status === 'sent') {
        if (!message.secret) return message.body;
        // A secret's words are not kept once sent: read them where the gateway got them.
        return local()
          .sent.slice(sentBefore)
          .find((m) => m.to === message.recipient && /PIN/.test(m.text))?.text;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`the reply to ${id} was never sent`);
  }

  const casesOf = (phone: string) =>
    db()
      .selectFrom('cases')
      .innerJoin('citizens', 'citizens.id', 'cases.citizenId')
      .select(['cases.id', 'cases.reference', 'cases.status', 'cases.channel', 'cases.language'])
      .where('citizens.phone', '=', phone)
      .orderBy('cases.createdAt')
      .execute();
  const repliesTo = (id: string) =>
    db().selectFrom('outboundMessages').selectAll().where('dedupeKey', '=', `sms_reply:${id}`).execute();
  const referenceIn = (reply: string | undefined) => {
    const match = /(\d{4}-\d{4}-\d{3})/.exec(reply ?? '');
    assert.ok(match, `no reference in the reply: ${reply}`);
    return (match[1] ?? '').replaceAll('-', '');
  };

  describe("the fixtures' payloads", () => {
    test('each incoming message of the fixtures becomes a case, with or without a linkId, and its reply carries the reference', async () => {
      for (const payload of fixtures.sms_incoming_message) {
        const before = local().sent.length;
        const response = await post(INBOUND, payload);
        assert.equal(response.statusCode, 200, response.body);
        assert.deepEqual(response.json(), { outcome: 'case_created', duplicate: false });
        const reply = await replyOf(payload.id ?? '', before);
        const reference = referenceIn(reply);
        assert.match(
          reply ?? '',
          /^Baraza: thank you, we received your report\. Reference: \d{4}-\d{4}-\d{3} PIN: \d{6}/,
        );
        assert.match(reply ?? '', new RegExp(`send STATUS ${formatReference(reference)}`));
        const row = await db()
          .selectFrom('inboundSms')
          .selectAll()
          .where('id', '=', payload.id ?? '')
          .executeTakeFirstOrThrow();
        assert.equal(row.outcome, 'case_created');
        assert.equal(row.sender, payload.from);
        assert.equal(row.recipient, payload.to);
        assert.equal(row.text, payload.text);
        assert.equal(row.gatewayDate, payload.date);
        assert.equal(row.linkId, payload.linkId || null);
        assert.equal(row.networkCode, payload.networkCode);
        const kase = await db()
          .selectFrom('cases')
          .select(['reference', 'channel', 'description'])
          .where('id', '=', row.caseId ?? '')
          .executeTakeFirstOrThrow();
        assert.deepEqual(kase, { reference, channel: 'sms', description: payload.text });
      }
      assert.equal((await casesOf('+254720123123')).length, fixtures.sms_incoming_message.length);
    });

    test("the fixtures' delivery reports update the message they name; a report without a status is acknowledged", async () => {
      const [success, rejected, failed, statusless] = fixtures.sms_delivery_report;
      const messageId = await sentMessage(success?.id ?? '');
      const row = () =>
        db()
          .selectFrom('outboundMessages')
          .select(['deliveryStatus', 'deliveryFailure', 'deliveredAt', 'status'])
          .where('id', '=', messageId)
          .executeTakeFirstOrThrow();

      const delivered = await post(DELIVERY, success ?? {});
      assert.equal(delivered.statusCode, 200, delivered.body);
      assert.deepEqual(delivered.json(), { outcome: 'recorded' });
      assert.deepEqual(await row(), {
        deliveryStatus: 'Success',
        deliveryFailure: null,
        deliveredAt: ctx.clock.now,
        status: 'sent',
      });

      assert.equal((await post(DELIVERY, rejected ?? {})).statusCode, 200);
      assert.deepEqual(await row(), {
        deliveryStatus: 'Rejected',
        deliveryFailure: 'UserInBlackList',
        deliveredAt: null,
        status: 'sent',
      });
      assert.equal((await post(DELIVERY, failed ?? {})).statusCode, 200);
      assert.equal((await row()).deliveryFailure, 'DeliveryFailure');

      const blank = await post(DELIVERY, statusless ?? {});
      assert.equal(blank.statusCode, 200, blank.body);
      assert.deepEqual(blank.json(), { outcome: 'no_status' });
      assert.equal((await row()).deliveryStatus, 'Failed');
    });

    test("the fixtures' opt-out notifications stop notifications to the number", async () => {
      for (const payload of fixtures.sms_bulk_opt_out_notification) {
        const response = await post(OPT_OUT, payload);
        assert.equal(response.statusCode, 200, response.body);
        assert.deepEqual(response.json(), { outcome: 'opted_out' });
      }
      assert.equal(await isOptedOut(db(), 'sms', '+254720123123'), true);
      await post(INBOUND, { from: '+254720123123', to: SHORTCODE, text: 'START', id: freshId() });
      assert.equal(await isOptedOut(db(), 'sms', '+254720123123'), false);
    });
  });

  /** An outbox message as the gateway accepted it, under the gateway's id. */
  async function sentMessage(providerMessageId: string): Promise<string> {
    const id = await queueMessage(db(), {
      channel: 'sms',
      recipient: '+254720123123',
      body: 'Baraza: your case was acknowledged.',
      purpose: 'test',
      dedupeKey: `test:${providerMessageId}:${randomBytes(4).toString('hex')}`,
      now: ctx.clock.now,
    });
    await db()
      .updateTable('outboundMessages')
      .set({ status: 'sent', provider: 'africastalking', providerMessageId, sentAt: ctx.clock.now })
      .where('id', '=', id)
      .execute();
    return id;
  }

  describe('delivery reports', () => {
    test('a final report is not overwritten by a late "on its way", and a repeated one keeps the first time', async () => {
      const providerId = freshId();
      const id = await sentMessage(providerId);
      const report = (status: string) =>
        post(DELIVERY, { id: providerId, status, phoneNumber: '+254720123123' });
      assert.deepEqual((await report('Sent')).json(), { outcome: 'recorded' });
      assert.deepEqual((await report('Success')).json(), { outcome: 'recorded' });
      const deliveredAt = ctx.clock.now;
      ctx.clock.now = new Date(ctx.clock.now.getTime() + 60_000);
      assert.deepEqual((await report('Buffered')).json(), { outcome: 'kept_final' });
      assert.deepEqual((await report('Success')).json(), { outcome: 'recorded' });
      const row = await db()
        .selectFrom('outboundMessages')
        .select(['deliveryStatus', 'deliveredAt'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { deliveryStatus: 'Success', deliveredAt });
    });

    test('a report on a message Baraza never sent is acknowledged and ignored', async () => {
      const response = await post(DELIVERY, {
        id: freshId(),
        status: 'Success',
        phoneNumber: '+254720123123',
      });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), { outcome: 'unknown' });
    });

    test('the reply to an SMS gets its delivery report like any message', async () => {
      const sent = await sms(freshPhone(), 'HELP');
      const reply = await db()
        .selectFrom('outboundMessages')
        .select(['providerMessageId', 'provider'])
        .where('dedupeKey', '=', `sms_reply:${sent.id}`)
        .executeTakeFirstOrThrow();
      assert.equal(reply.provider, 'local');
      const response = await post(DELIVERY, {
        id: reply.providerMessageId ?? '',
        status: 'Failed',
        failureReason: 'UserIsInactive',
      });
      assert.deepEqual(response.json(), { outcome: 'recorded' });
    });
  });

  describe("reports in the citizen's own words", () => {
    test('a report becomes a triaged case from that phone, and the reply carries its reference and PIN', async () => {
      const phone = freshPhone();
      const sent = await sms(phone, PASSPORT);
      assert.deepEqual(sent.json, { outcome: 'case_created', duplicate: false });
      const [kase, ...others] = await casesOf(phone);
      assert.ok(kase);
      assert.equal(others.length, 0);
      assert.equal(kase.channel, 'sms');
      assert.equal(referenceIn(sent.reply), kase.reference);
      assert.match(sent.reply ?? '', /An answer is due by \d{1,2} \w{3} \d{4}\./);
      const triage = await db()
        .selectFrom('caseTriage')
        .select('modelVersion')
        .where('caseId', '=', kase.id)
        .executeTakeFirst();
      assert.ok(triage, 'the case was triaged');
      const [reply] = await repliesTo(sent.id);
      assert.equal(reply?.secret, true, 'the reply carries the PIN, so its words are not kept');
      assert.equal(reply?.body, '');
      assert.equal(reply?.purpose, 'sms_reply');
      assert.equal(reply?.caseId, kase.id);

      // The PIN in the reply is the case's: it opens the case on the public API.
      const pin = /PIN: (\d{6})/.exec(sent.reply ?? '')?.[1] ?? '';
      const tracked = await ctx.app.inject({
        url: `/api/v1/cases/${kase.reference}`,
        headers: { 'x-tracking-pin': pin },
      });
      assert.equal(tracked.statusCode, 200, tracked.body);
    });

    test('a report in Kiswahili is answered in Kiswahili', async () => {
      const phone = freshPhone();
      const sent = await sms(phone, 'Maji hayatoki Kibera tangu wiki iliyopita, tafadhali tusaidieni haraka');
      const [kase] = await casesOf(phone);
      assert.equal(kase?.language, 'sw');
      assert.match(sent.reply ?? '', /^Baraza: asante, tumepokea ripoti yako\. Nambari ya kumbukumbu: /);
      assert.match(sent.reply ?? '', /tuma HALI \d{4}-\d{4}-\d{3}$/);
    });

    test('a reply to a case waiting for the citizen is added to it, and the case goes back to work', async () => {
      const phone = freshPhone();
      const officer = await signedInStaff(ctx, 'officer', 'DIS');
      const { reference } = await submitCase(ctx, { citizen: { name: 'Achieng', phone } });
      const staff = (action: string, payload: object) =>
        asStaff(ctx, officer.cookie, 'POST', `/api/v1/staff/cases/${reference}/${action}`, payload);
      assert.equal((await staff('assign', {})).statusCode, 200);
      const asked = await staff('status', {
        status: 'awaiting_citizen',
        message: 'Please send your application number',
      });
      assert.equal(asked.statusCode, 200, asked.body);

      const sent = await sms(phone, 'It is DIS-2026-55123');
      assert.deepEqual(sent.json, { outcome: 'case_answered', duplicate: false });
      assert.equal(
        sent.reply,
        `Baraza: thank you, your answer was added to case ${formatReference(reference)}. The office will continue with it.`,
      );
      const cases = await casesOf(phone);
      assert.equal(cases.length, 1, 'no second case');
      assert.equal(cases[0]?.status, 'in_progress');
      const answer = await db()
        .selectFrom('events')
        .select(['data', 'actorType'])
        .where('caseId', '=', cases[0]?.id ?? '')
        .where('kind', '=', 'case.citizen_replied')
        .executeTakeFirstOrThrow();
      assert.deepEqual(answer, { data: { message: 'It is DIS-2026-55123' }, actorType: 'citizen' });
      const inbound = await db()
        .selectFrom('inboundSms')
        .select('caseId')
        .where('id', '=', sent.id)
        .executeTakeFirstOrThrow();
      assert.equal(inbound.caseId, cases[0]?.id);

      // The next message, with nothing waiting any more, is a new report.
      const next = await sms(phone, 'Also the office at Nyayo House asked me for a bribe of 2000 shillings');
      assert.equal(next.json.outcome, 'case_created');
      assert.equal((await casesOf(phone)).length, 2);
    });

    test('a message too short to be a report gets the help it needs, and no case', async () => {
      const phone = freshPhone();
      const sent = await sms(phone, 'Hi');
      assert.deepEqual(sent.json, { outcome: 'help', duplicate: false });
      assert.match(sent.reply ?? '', /say in a few more words what happened/);
      assert.equal((await casesOf(phone)).length, 0);
    });
  });

  describe('keywords', () => {
    test('HELP and MSAADA list the keywords in English and in Kiswahili', async () => {
      const english = await sms(freshPhone(), 'help');
      assert.deepEqual(english.json, { outcome: 'help', duplicate: false });
      assert.match(english.reply ?? '', /^Baraza: to report a problem, send it in your own words\. STATUS/);
      assert.match(
        english.reply ?? '',
        /STOP: no more updates by SMS\. START: updates again\. Web: localhost:3000$/,
      );
      const swahili = await sms(freshPhone(), 'Msaada!');
      assert.match(swahili.reply ?? '', /^Baraza: kuripoti tatizo, lieleze kwa maneno yako\. HALI/);
      assert.match(swahili.reply ?? '', /SITISHA: hakuna taarifa zaidi kwa SMS\. ANZA: pokea tena\./);
    });

    test('a citizen who chose Kiswahili is answered in Kiswahili whichever keyword they send', async () => {
      const phone = freshPhone();
      await sms(phone, PASSPORT);
      await db()
        .updateTable('citizens')
        .set({ preferredLanguage: 'sw' })
        .where('phone', '=', phone)
        .execute();
      const help = await sms(phone, 'HELP');
      assert.match(help.reply ?? '', /^Baraza: kuripoti tatizo/);
    });

    test("STATUS and HALI tell the case's own phone its status and next due date", async () => {
      const phone = freshPhone();
      const reference = referenceIn((await sms(phone, PASSPORT)).reply);
      const english = await sms(phone, `STATUS ${formatReference(reference)}`);
      assert.deepEqual(english.json, { outcome: 'status', duplicate: false });
      assert.match(
        english.reply ?? '',
        new RegExp(
          `^Baraza: case ${formatReference(reference)}: Received, waiting to be picked up\\. Next step due by \\d{1,2} \\w{3} \\d{4}\\. Handled by .+\\.$`,
        ),
      );
      const swahili = await sms(phone, `hali ${reference}`);
      assert.match(
        swahili.reply ?? '',
        new RegExp(
          `^Baraza: kesi ${formatReference(reference)}: Imepokelewa, inasubiri kushughulikiwa\\. Hatua inayofuata kufikia `,
        ),
      );
      // A reference and nothing else asks the same.
      const bare = await sms(phone, formatReference(reference));
      assert.equal(bare.reply, english.reply);
    });

    test('STATUS from another phone, for a sealed report or an unknown reference, shows nothing', async () => {
      const owner = freshPhone();
      const reference = referenceIn((await sms(owner, PASSPORT)).reply);
      const hidden = `Baraza: the status of case ${formatReference(reference)} cannot be shown to this number. See it at localhost:3000 with your reference and PIN.`;
      const stranger = await sms(freshPhone(), `STATUS ${reference}`);
      assert.equal(stranger.reply, hidden);

      const reporter = freshPhone();
      const sealed = await submitCase(ctx, {
        type: 'corruption_report',
        description: 'The officer at the counter asked me for 5000 shillings to process my passport',
        citizen: { name: 'Otieno', phone: reporter },
      });
      const sealedRow = await db()
        .selectFrom('cases')
        .select('sealed')
        .where('reference', '=', sealed.reference)
        .executeTakeFirstOrThrow();
      assert.equal(sealedRow.sealed, true);
      const own = await sms(reporter, `STATUS ${sealed.reference}`);
      assert.match(own.reply ?? '', /cannot be shown to this number/);
      assert.ok(!/Handled by|Received/.test(own.reply ?? ''), own.reply);

      let unknown = generateReference();
      while ((await casesOfReference(unknown)) > 0) unknown = generateReference();
      const none = await sms(owner, `STATUS ${unknown}`);
      assert.equal(
        none.reply,
        `Baraza: the status of case ${formatReference(unknown)} cannot be shown to this number. See it at localhost:3000 with your reference and PIN.`,
      );
    });

    test('STATUS without a reference, or with a mistyped one, says how to ask', async () => {
      const phone = freshPhone();
      const reference = referenceIn((await sms(phone, PASSPORT)).reply);
      const bare = await sms(phone, 'STATUS');
      assert.equal(bare.reply, 'Baraza: send STATUS and your case reference, like STATUS 4827-3925-648.');
      const mistyped = `${reference.slice(0, 10)}${(Number(reference[10]) % 8) + 2}`;
      const wrong = await sms(phone, `HALI ${mistyped}`);
      assert.equal(
        wrong.reply,
        'Baraza: Nambari hii ina kosa la kuandika: tafadhali angalia kila tarakimu. Tuma HALI na nambari ya kumbukumbu ya kesi yako, kwa mfano HALI 4827-3925-648.',
      );
    });

    test('STOP opts the number out of notifications, confirmed once; START opts it back in', async () => {
      const phone = freshPhone();
      const stop = await sms(phone, 'STOP');
      assert.deepEqual(stop.json, { outcome: 'opted_out', duplicate: false });
      assert.equal(stop.reply, 'Baraza: you will get no more updates by SMS. Send START to get them again.');
      assert.equal(await isOptedOut(db(), 'sms', phone), true);
      // Sent again: no second confirmation.
      const again = await sms(phone, 'STOP', { id: stop.id });
      assert.deepEqual(again.json, { outcome: 'opted_out', duplicate: true });
      assert.equal((await repliesTo(stop.id)).length, 1);

      const start = await sms(phone, 'Start.');
      assert.deepEqual(start.json, { outcome: 'opted_in', duplicate: false });
      assert.equal(await isOptedOut(db(), 'sms', phone), false);
      assert.match(start.reply ?? '', /you will get updates by SMS again/);

      const sitisha = await sms(phone, 'sitisha');
      assert.equal(sitisha.reply, 'Baraza: hutapokea tena taarifa kwa SMS. Tuma ANZA kuzipokea tena.');
      assert.equal(await isOptedOut(db(), 'sms', phone), true);
      await sms(phone, 'ANZA');
      assert.equal(await isOptedOut(db(), 'sms', phone), false);
    });

    /** A shipped article in a language, by its slug, with the readings counted for it. */
    const article = async (slug: string, language: Language) => {
      const found = await db()
        .selectFrom('knowledgeArticles as a')
        .innerJoin('knowledgeTexts as t', 't.articleId', 'a.id')
        .select(['a.id', 't.title', 't.sms'])
        .where('a.slug', '=', slug)
        .where('t.language', '=', language)
        .executeTakeFirstOrThrow();
      const readings = await db()
        .selectFrom('selfServiceAnswers')
        .select(['channel', 'language', 'query'])
        .where('articleId', '=', found.id)
        .execute();
      return { ...found, readings };
    };
    /** An answer's reply: title, SMS form, and the portal's link on a line each. */
    const ANSWER = /^Baraza: (.+)\n(.+)\n(?:More|Zaidi): (https?:\/\/[^/\s]+)\/help\/([a-z0-9-]+)$/;

    for (const [text, language, more] of [
      ['INFO passport', 'en', 'More'],
      ['maelezo pasipoti', 'sw', 'Zaidi'],
      ['Taarifa: pasport', 'sw', 'Zaidi'],
    ] as const) {
      test(`"${text}" answers with the best match's SMS form and a link to its page on the portal, within three parts`, async () => {
        const sent = await sms(freshPhone(), text);
        assert.deepEqual(sent.json, { outcome: 'info', duplicate: false });
        const reply = sent.reply ?? '';
        const match = ANSWER.exec(reply);
        assert.ok(match, reply);
        const [, title, answer, , slug] = match;
        assert.match(slug ?? '', /^dis-passport-/);
        assert.ok(reply.includes(`\n${more}: `));
        // The article's own title and SMS form, uncut, in the language of the keyword.
        const found = await article(slug ?? '', language);
        assert.deepEqual([title, answer], [found.title, found.sms]);
        assert.equal(smsLength(reply).encoding, 'gsm7');
        assert.ok(smsLength(reply).parts <= MAX_SMS_PARTS, reply);
        // Counted as read by SMS, with the words.
        assert.deepEqual(found.readings.at(-1), {
          channel: 'sms',
          language,
          query: text.split(/\s+/).slice(1).join(' '),
        });
      });
    }

    test('INFO alone says how to ask, with the common questions that fit; TAARIFA and MAELEZO alone in Kiswahili', async () => {
      const english = await sms(freshPhone(), 'INFO');
      assert.deepEqual(english.json, { outcome: 'info', duplicate: false });
      const reply = english.reply ?? '';
      assert.match(reply, /^Baraza: send INFO and a few words about your question, like INFO passport/);
      const questions = reply.split('\n').slice(1);
      assert.ok(questions.length >= 4, reply);
      assert.ok(questions.includes('How do I get a KRA PIN?'), reply);
      assert.ok(smsLength(reply).parts <= MAX_SMS_PARTS, reply);
      for (const keyword of ['TAARIFA', 'Maelezo.']) {
        const swahili = (await sms(freshPhone(), keyword)).reply ?? '';
        assert.match(swahili, /^Baraza: tuma MAELEZO na maneno machache kuhusu swali lako/);
        assert.ok(swahili.split('\n').includes('Nitapataje PIN ya KRA?'), swahili);
        assert.ok(smsLength(swahili).parts <= MAX_SMS_PARTS, swahili);
      }
    });

    test('INFO with words that match nothing says so in one SMS: other words to try, the portal, or a question to an office', async () => {
      const english = await sms(freshPhone(), 'INFO xyzzy qwerty');
      assert.deepEqual(english.json, { outcome: 'info', duplicate: false });
      assert.match(
        english.reply ?? '',
        /^Baraza: nothing found for "xyzzy qwerty"\. Try other words \(INFO passport\) or see \S+\/help\. Or send us your question in your own words\.$/,
      );
      const swahili = await sms(freshPhone(), 'MAELEZO zzzz');
      assert.match(swahili.reply ?? '', /^Baraza: hakuna jibu kwa "zzzz"\. Jaribu maneno mengine/);
      // One SMS, when the words are short.
      assert.equal(smsLength(english.reply ?? '').parts, 1);
      assert.equal(smsLength(swahili.reply ?? '').parts, 1);
    });

    test('a citizen who chose Kiswahili gets the answer in Kiswahili whatever the keyword', async () => {
      const phone = freshPhone();
      await sms(phone, PASSPORT);
      await db()
        .updateTable('citizens')
        .set({ preferredLanguage: 'sw' })
        .where('phone', '=', phone)
        .execute();
      const reply = (await sms(phone, 'INFO KRA PIN')).reply ?? '';
      const match = ANSWER.exec(reply);
      assert.ok(match, reply);
      const found = await article(match[4] ?? '', 'sw');
      assert.equal(match[2], found.sms);
      assert.ok(reply.includes('\nZaidi: '), reply);
    });

    test('a sentence that starts with a keyword is a report, not a keyword', async () => {
      const phone = freshPhone();
      const sent = await sms(phone, 'Stop the bribes at the Athi River weighbridge, drivers pay every day');
      assert.equal(sent.json.outcome, 'case_created');
      assert.equal(await isOptedOut(db(), 'sms', phone), false);
      const hali = await sms(phone, 'Hali ya barabara ya Thika ni mbaya sana, kuna mashimo makubwa');
      assert.equal(hali.json.outcome, 'case_created');
    });
  });

  const casesOfReference = async (reference: string) =>
    (await db().selectFrom('cases').select('id').where('reference', '=', reference).execute()).length;

  describe('the same message delivered again', () => {
    test('a message delivered twice makes one case and one reply', async () => {
      const phone = freshPhone();
      const first = await sms(phone, PASSPORT);
      const second = await sms(phone, PASSPORT, { id: first.id });
      assert.equal(second.status, 200);
      assert.deepEqual(second.json, { outcome: 'case_created', duplicate: true });
      assert.equal((await casesOf(phone)).length, 1);
      assert.equal((await repliesTo(first.id)).length, 1);
      assert.equal(local().sent.filter((m) => m.to === phone).length, 1);
    });

    test('a message delivered twice at the same moment makes one case and one reply', async () => {
      const phone = freshPhone();
      const id = freshId();
      const fields = { from: phone, to: SHORTCODE, text: PASSPORT, id, networkCode: '63902' };
      const answers = await Promise.all([
        post(INBOUND, fields),
        post(INBOUND, fields),
        post(INBOUND, fields),
      ]);
      for (const answer of answers) assert.equal(answer.statusCode, 200, answer.body);
      assert.equal(answers.filter((a) => a.json().duplicate === false).length, 1);
      await replyOf(id, 0);
      assert.equal((await casesOf(phone)).length, 1);
      assert.equal((await repliesTo(id)).length, 1);
      assert.equal(local().sent.filter((m) => m.to === phone).length, 1);
    });

    test('a message whose handler died is taken over by the next delivery, and a fresh claim is left alone', async () => {
      const phone = freshPhone();
      const claim = (id: string, minutesAgo: number) =>
        db()
          .insertInto('inboundSms')
          .values({
            id,
            sender: phone,
            recipient: SHORTCODE,
            text: PASSPORT,
            receivedAt: new Date(ctx.clock.now.getTime() - minutesAgo * 60_000),
            claimedAt: new Date(ctx.clock.now.getTime() - minutesAgo * 60_000),
          })
          .execute();
      const busy = freshId();
      await claim(busy, 0);
      const waiting = await sms(phone, PASSPORT, { id: busy });
      assert.deepEqual(waiting.json, { outcome: 'in_progress', duplicate: true });
      assert.equal(waiting.reply, undefined);
      assert.equal((await casesOf(phone)).length, 0);

      const died = freshId();
      await claim(died, 2);
      const taken = await sms(phone, PASSPORT, { id: died });
      assert.deepEqual(taken.json, { outcome: 'case_created', duplicate: false });
      assert.equal(referenceIn(taken.reply), (await casesOf(phone))[0]?.reference);
    });

    test('a handler taking over an answer that already reached the case does not add it twice', async () => {
      const phone = freshPhone();
      const officer = await signedInStaff(ctx, 'officer', 'DIS');
      const { reference } = await submitCase(ctx, { citizen: { name: 'Kiprono', phone } });
      const staff = (action: string, payload: object) =>
        asStaff(ctx, officer.cookie, 'POST', `/api/v1/staff/cases/${reference}/${action}`, payload);
      await staff('assign', {});
      await staff('status', { status: 'awaiting_citizen', message: 'Which office?' });
      const first = await sms(phone, 'Nyayo House please');
      assert.equal(first.json.outcome, 'case_answered');
      // As if the handler had stopped after the answer reached the case, before its reply was queued.
      await db()
        .updateTable('inboundSms')
        .set({ outcome: null, replyMessageId: null, handledAt: null, claimedAt: new Date(0) })
        .where('id', '=', first.id)
        .execute();
      await db().deleteFrom('outboundMessages').where('dedupeKey', '=', `sms_reply:${first.id}`).execute();
      const retried = await sms(phone, 'Nyayo House please', { id: first.id });
      assert.deepEqual(retried.json, { outcome: 'case_answered', duplicate: false });
      assert.match(retried.reply ?? '', /your answer was added to case/);
      const answers = await db()
        .selectFrom('events')
        .innerJoin('cases', 'cases.id', 'events.caseId')
        .select('events.seq')
        .where('cases.reference', '=', reference)
        .where('events.kind', '=', 'case.citizen_replied')
        .execute();
      assert.equal(answers.length, 1);
      assert.equal((await casesOf(phone)).length, 1);
    });
  });

  describe('what the gateway could send that is not a message to act on', () => {
    test('a request without an id, a sender or a shortcode is refused with a 400 that names the field', async () => {
      for (const missing of ['id', 'from', 'to']) {
        const fields: Record<string, string> = {
          id: freshId(),
          from: freshPhone(),
          to: SHORTCODE,
          text: PASSPORT,
        };
        delete fields[missing];
        const response = await post(INBOUND, fields);
        assert.equal(response.statusCode, 400, missing);
        assert.equal(response.json().error.code, 'invalid_input');
        assert.match(response.json().error.message, new RegExp(missing));
      }
      const twice = await ctx.app.inject({
        method: 'POST',
        url: INBOUND,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `id=${freshId()}&from=${encodeURIComponent(freshPhone())}&to=1&to=2&text=hello+there`,
      });
      assert.equal(twice.statusCode, 400);
      const nul = await post(INBOUND, {
        id: freshId(),
        from: freshPhone(),
        to: SHORTCODE,
        text: 'bad\u0000text',
      });
      assert.equal(nul.statusCode, 400);
      const noId = await post(DELIVERY, { status: 'Success' });
      assert.equal(noId.statusCode, 400);
    });

    test('a sender that is not a phone number is recorded and not answered', async () => {
      for (const from of ['Safaricom', '0712345678', '+25471234', '']) {
        const id = freshId();
        const response = await post(INBOUND, { id, from: from || ' ', to: SHORTCODE, text: PASSPORT });
        assert.equal(response.statusCode, 200, `${from}: ${response.body}`);
        assert.deepEqual(response.json(), { outcome: 'ignored', duplicate: false });
        assert.equal((await repliesTo(id)).length, 0);
      }
    });

    test('an empty message gets the help text, and an over-long one says so; neither makes a case', async () => {
      const phone = freshPhone();
      const empty = await sms(phone, '');
      assert.deepEqual(empty.json, { outcome: 'help', duplicate: false });
      assert.match(empty.reply ?? '', /^Baraza: to report a problem/);
      const missing = await post(INBOUND, { id: freshId(), from: phone, to: SHORTCODE });
      assert.deepEqual(missing.json(), { outcome: 'help', duplicate: false });
      const long = await sms(phone, `${PASSPORT} `.repeat(30));
      assert.deepEqual(long.json, { outcome: 'too_long', duplicate: false });
      assert.equal(long.reply, 'Baraza: your message is too long. Please send at most 1600 characters.');
      assert.equal((await casesOf(phone)).length, 0);
    });

    test('a body over the size limit is a 413, not a 500', async () => {
      const response = await post(INBOUND, {
        id: freshId(),
        from: freshPhone(),
        to: SHORTCODE,
        text: 'x'.repeat(20_000),
      });
      assert.equal(response.statusCode, 413);
    });
  });
});

describe('SMS callbacks with a token', () => {
  let ctx: TestContext;
  const TOKEN = 'sms-callback-token-0123456789';
  before(async () => {
    ctx = await createTestContext({ BARAZA_SMS_TOKEN: TOKEN });
  });
  after(() => ctx?.close());

  test('need the token in the callback URL, and are answered with it', async () => {
    const fields = new URLSearchParams({
      id: freshId(),
      from: freshPhone(),
      to: SHORTCODE,
      text: 'HELP',
    }).toString();
    const send = (url: string) =>
      ctx.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: fields,
      });
    for (const url of [INBOUND, `${INBOUND}?token=wrong-token-0123456789`, DELIVERY, OPT_OUT]) {
      const refused = await send(url);
      assert.equal(refused.statusCode, 403, url);
      assert.match(refused.json().error.message, /BARAZA_SMS_TOKEN/);
    }
    const accepted = await send(`${INBOUND}?token=${TOKEN}`);
    assert.equal(accepted.statusCode, 200, accepted.body);
    assert.deepEqual(accepted.json(), { outcome: 'help', duplicate: false });
  });
});

describe('reading an SMS', () => {
  const cases: [string, ReturnType<typeof readSms>][] = [
    ['HELP', { kind: 'help', language: 'en' }],
    ['  msaada? ', { kind: 'help', language: 'sw' }],
    ['Stop', { kind: 'stop', language: 'en' }],
    ['SITISHA.', { kind: 'stop', language: 'sw' }],
    ['start', { kind: 'start', language: 'en' }],
    ['Anza', { kind: 'start', language: 'sw' }],
    ['STATUS 4827-3925-648', { kind: 'status', reference: '4827-3925-648', language: 'en' }],
    ['status: 48273925648', { kind: 'status', reference: '48273925648', language: 'en' }],
    ['HALI', { kind: 'status', reference: '', language: 'sw' }],
    ['4827 3925 648', { kind: 'status', reference: '4827 3925 648', language: undefined }],
    ['INFO passport', { kind: 'info', words: 'passport', language: 'en' }],
    ['taarifa kitambulisho cha taifa', { kind: 'info', words: 'kitambulisho cha taifa', language: 'sw' }],
    ['Maelezo: pasipoti ya mtoto?', { kind: 'info', words: 'pasipoti ya mtoto', language: 'sw' }],
    ['MAELEZO', { kind: 'info', words: '', language: 'sw' }],
    ['INFO', { kind: 'info', words: '', language: 'en' }],
    ['Stop the bribes at the weighbridge', { kind: 'text', text: 'Stop the bribes at the weighbridge' }],
    ['Help me, no water since Monday', { kind: 'text', text: 'Help me, no water since Monday' }],
    ['Hali ya barabara ni mbaya', { kind: 'text', text: 'Hali ya barabara ni mbaya' }],
    [
      'Taarifa kuhusu wizi wa mafuta katika kituo',
      { kind: 'text', text: 'Taarifa kuhusu wizi wa mafuta katika kituo' },
    ],
    [
      'Maelezo ya wizi katika soko la Gikomba jana',
      { kind: 'text', text: 'Maelezo ya wizi katika soko la Gikomba jana' },
    ],
    ['MAJI Kibera\nno water', { kind: 'text', text: 'MAJI Kibera\nno water' }],
  ];
  for (const [text, command] of cases) {
    test(`"${text.replace('\n', '\\n')}" reads as ${command.kind}`, () => {
      assert.deepEqual(readSms(text), command);
    });
  }
});

describe('SMS length', () => {
  test('GSM-7 text fits 160 characters in one part and 153 per part after that', () => {
    assert.deepEqual(smsLength('a'.repeat(160)), { encoding: 'gsm7', units: 160, parts: 1 });
    assert.deepEqual(smsLength('a'.repeat(161)), { encoding: 'gsm7', units: 161, parts: 2 });
    assert.equal(smsLength('a'.repeat(306)).parts, 2);
    assert.equal(smsLength('a'.repeat(307)).parts, 3);
    assert.equal(smsLength('a'.repeat(459)).parts, 3);
    assert.equal(smsLength('a'.repeat(460)).parts, 4);
    // The extension characters take two septets each.
    assert.deepEqual(smsLength('€'.repeat(80)), { encoding: 'gsm7', units: 160, parts: 1 });
    assert.equal(smsLength(`${'€'.repeat(80)}a`).parts, 2);
  });

  test('any other character sends the whole text as UCS-2: 70 in one part, 67 per part after that', () => {
    assert.deepEqual(smsLength(`${'a'.repeat(69)}ŵ`), { encoding: 'ucs2', units: 70, parts: 1 });
    assert.deepEqual(smsLength(`${'a'.repeat(70)}ŵ`), { encoding: 'ucs2', units: 71, parts: 2 });
    assert.equal(smsLength('ŵ'.repeat(134)).parts, 2);
    assert.equal(smsLength('ŵ'.repeat(135)).parts, 3);
    assert.equal(smsLength('ŵ'.repeat(201)).parts, 3);
    assert.equal(smsLength('ŵ'.repeat(202)).parts, 4);
  });

  const LONG_AGENCY =
    'State Department for Immigration and Citizen Services, Directorate of Immigration Services, Nyayo House Regional Office';
  const LONG_ANSWER = `To replace a lost passport, report the loss to the police and keep the abstract. ${'Then apply on eCitizen with the abstract, two photographs and your national ID card. '.repeat(10)}`;
  const every = (reference: string): SmsReply[] => [
    { kind: 'help' },
    { kind: 'created', reference, pin: '123456', resolveBy: new Date('2026-12-24T12:00:00Z') },
    { kind: 'created', reference, pin: '123456', resolveBy: null },
    { kind: 'answered', reference },
    ...(
      [
        'new',
        'acknowledged',
        'in_progress',
        'awaiting_citizen',
        'resolved',
        'closed',
        'reopened',
        'withdrawn',
        'merged',
      ] as const
    ).map(
      (status): SmsReply => ({
        kind: 'status',
        reference,
        status,
        agency: LONG_AGENCY,
        dueAt: new Date('2026-12-24T12:00:00Z'),
      }),
    ),
    { kind: 'status', reference, status: 'new', agency: '', dueAt: null },
    { kind: 'status_hidden', reference },
    { kind: 'status_no_reference' },
    ...['reference_not_digits', 'reference_zero_one', 'reference_check'].map(
      (id): SmsReply => ({ kind: 'status_bad_reference', problem: { id } }),
    ),
    {
      kind: 'status_bad_reference',
      problem: { id: 'reference_length', values: { expected: 11, actual: 4 } },
    },
    { kind: 'opted_out' },
    { kind: 'opted_in' },
    { kind: 'info_coming' },
    {
      kind: 'info_answer',
      title: 'What should I do to replace a passport lost abroad, or one that was stolen?',
      answer: LONG_ANSWER,
      slug: 'dis-passport-lost-or-stolen-abroad-and-replacement',
    },
    {
      kind: 'info_help',
      topics: Array.from({ length: 60 }, (_, i) => `How do I do the thing number ${i + 1}?`),
    },
    { kind: 'info_unknown', words: 'w'.repeat(40) },
    { kind: 'too_short' },
    { kind: 'too_long', max: 1600 },
  ];
  const portal = { portal: 'https://baraza.example.go.ke' };

  for (const language of ['en', 'sw'] as Language[]) {
    test(`every reply the channel sends fits three parts of plain GSM-7 text, in ${language === 'en' ? 'English' : 'Kiswahili'}`, () => {
      const reference = generateReference();
      for (const reply of every(reference)) {
        const text = renderSmsReply(reply, language, portal);
        const length = smsLength(text);
        assert.equal(length.encoding, 'gsm7', `${reply.kind}: ${text}`);
        assert.ok(length.parts <= MAX_SMS_PARTS, `${reply.kind} takes ${length.parts} parts: ${text}`);
        assert.ok(!/\{\{|\}\}|sms\./.test(text), `${reply.kind} has a missing text: ${text}`);
        if ('reference' in reply && reply.reference) {
          assert.ok(text.includes(formatReference(reference)), `${reply.kind} lost its reference: ${text}`);
        }
        if (reply.kind === 'created') assert.ok(text.includes('123456'), 'the PIN is never cut');
        if (reply.kind === 'info_answer') {
          assert.ok(text.endsWith(`${portal.portal}/help/${reply.slug}`), `the link is never cut: ${text}`);
        }
        if (reply.kind === 'info_help') {
          // Whole questions only, as many as fit.
          assert.match(text, /\nHow do I do the thing number \d+\?$/);
          assert.ok(smsLength(`${text}\nHow do I do the thing number 60?`).parts > MAX_SMS_PARTS);
        }
      }
    });
  }

  test('a reply with a word outside GSM-7 still fits three parts, cutting only that word', () => {
    const text = renderSmsReply(
      {
        kind: 'info_answer',
        title: 'Pasipoti 🛂',
        answer: `Omba kwenye eCitizen 🛂 ${'na picha mbili. '.repeat(40)}`,
        slug: 'dis-passport-apply',
      },
      'sw',
      portal,
    );
    assert.equal(smsLength(text).encoding, 'ucs2');
    assert.ok(smsLength(text).parts <= MAX_SMS_PARTS, text);
    assert.match(text, /^Baraza: Pasipoti 🛂\nOmba kwenye eCitizen 🛂 na picha/);
    assert.match(text, /\.\.\.\nZaidi: https:\/\/baraza\.example\.go\.ke\/help\/dis-passport-apply$/);
  });
});
