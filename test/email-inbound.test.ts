import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, signedInStaff, type TestContext } from './helpers/context.ts';
import { asStaff } from './helpers/factories.ts';
import { type SmtpInbox, startSmtpInbox } from './helpers/smtp-inbox.ts';

/*
 * E-mail from citizens through the inbound webhook (Postmark's JSON), threaded by reference and
 * sender, and the answer by return through a real SMTP server on loopback.
 */
const TOKEN = 'inbound-mail-token-0123456789';

describe('e-mail from citizens', () => {
  let ctx: TestContext;
  let smtp: SmtpInbox;
  let counter = 0;
  before(async () => {
    smtp = await startSmtpInbox();
    ctx = await createTestContext({
      BARAZA_SMTP_URL: smtp.url,
      BARAZA_MAIL_FROM: 'Baraza <no-reply@baraza.test>',
      BARAZA_INBOUND_MAIL_TOKEN: TOKEN,
    });
  });
  after(async () => {
    await ctx?.close();
    await smtp.close();
  });

  const mail = (fields: Record<string, unknown> = {}) => ({
    MessageID: `pm-${++counter}-${Date.now()}`,
    From: 'Wanjiru Mwangi <wanjiru@example.org>',
    FromName: 'Wanjiru Mwangi',
    FromFull: { Email: 'wanjiru@example.org', Name: 'Wanjiru Mwangi' },
    To: 'feedback@baraza.go.ke',
    Subject: 'Passport delayed',
    TextBody: 'I applied for a passport at Nyayo House four months ago and have heard nothing.',
    MailboxHash: '',
    Headers: [],
    ...fields,
  });
  const post = (payload: object, token = TOKEN) =>
    ctx.app.inject({ method: 'POST', url: `/channels/email/inbound?token=${token}`, payload });
  /** The first mail to `to` after the `before`th, once the SMTP server has it (a few seconds at most). */
  const arrival = async (before: number, to: string) => {
    for (let tries = 0; tries < 100; tries++) {
      const found = smtp.received.slice(before).find((m) => m.to.includes(to));
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return undefined;
  };
  const eventsOf = (reference: string, kind: string) =>
    ctx.database.db
      .selectFrom('events as e')
      .innerJoin('cases as c', 'c.id', 'e.caseId')
      .select(['e.data'])
      .where('c.reference', '=', reference)
      .where('e.kind', '=', kind)
      .execute();

  test('a message from a new sender becomes a case, and the reference and PIN go back by e-mail', async () => {
    const before = smtp.received.length;
    const response = await post(mail());
    assert.equal(response.statusCode, 200, response.body);
    const { outcome, reference } = response.json();
    assert.equal(outcome, 'case_created');
    const kase = await ctx.database.db
      .selectFrom('cases')
      .select(['channel', 'title', 'description'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.equal(kase.channel, 'email');
    assert.equal(kase.title, 'Passport delayed');
    // The answer goes out through the outbox at once (or on the next sweep, had the server been down).
    const answer = await arrival(before, 'wanjiru@example.org');
    assert.ok(answer, 'the reference went back to the sender');
    assert.match(answer.text, new RegExp(`Your message is now case ${reference}`));
    assert.match(answer.text, /Your PIN is \d{6}/);
  });

  test('the same Message-ID delivered again makes no second case', async () => {
    const message = mail();
    const first = (await post(message)).json();
    const [second, third] = await Promise.all([post(message), post(message)]);
    assert.equal(second.json().reference, first.reference);
    assert.equal(third.json().reference, first.reference);
    const count = await ctx.database.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('idempotencyKey', '=', `email:${message.MessageID}`)
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 1);
  });

  test("a reply naming the sender's own case is added to it and answers the officer's question", async () => {
    const { reference } = (await post(mail())).json();
    const officer = await signedInStaff(ctx, 'officer', 'DIS');
    const asked = await asStaff(ctx, officer.cookie, 'POST', `/api/v1/staff/cases/${reference}/status`, {
      status: 'awaiting_citizen',
      message: 'What is your application number?',
    });
    assert.equal(asked.statusCode, 200, asked.body);
    const reply = await post(
      mail({
        Subject: `Re: Your case ${reference}: we need more information`,
        TextBody: `It is DIS-2026-004411.\n\nOn Tue, 24 Nov 2026 Baraza wrote:\n> What is your application number?`,
        FromFull: { Email: 'Wanjiru@Example.org', Name: 'Wanjiru Mwangi' },
      }),
    );
    assert.equal(reply.statusCode, 200, reply.body);
    assert.deepEqual(reply.json(), { outcome: 'case_answered', reference });
    const [answer] = await eventsOf(reference, 'case.citizen_replied');
    assert.deepEqual(answer?.data, { message: 'It is DIS-2026-004411.' }, 'the quoted text is left out');
    const status = await ctx.database.db
      .selectFrom('cases')
      .select('status')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.equal(status.status, 'in_progress', 'the answer the agency waited for');

    // By the address too: case+<reference>@.
    const byAddress = await post(
      mail({ Subject: 'One more thing', MailboxHash: reference, TextBody: 'I also paid twice.' }),
    );
    assert.deepEqual(byAddress.json(), { outcome: 'case_answered', reference });
  });

  test("a stranger quoting someone else's reference gets a case of their own, not theirs", async () => {
    const { reference } = (await post(mail())).json();
    const response = await post(
      mail({
        From: 'intruder@example.net',
        FromFull: { Email: 'intruder@example.net', Name: 'Someone' },
        Subject: `Re: ${reference}`,
        TextBody: 'Please withdraw this complaint, it was a mistake.',
      }),
    );
    assert.equal(response.json().outcome, 'case_created');
    assert.notEqual(response.json().reference, reference);
    assert.deepEqual(await eventsOf(reference, 'case.citizen_replied'), []);
  });

  test('without the token, with a wrong one, or with no sender, nothing is taken', async () => {
    assert.equal((await post(mail(), 'wrong-token-000000000000')).statusCode, 403);
    const noSender = await post(mail({ From: 'not an address', FromFull: undefined }));
    assert.equal(noSender.statusCode, 400);
    assert.match(noSender.json().error.message, /sender’s address/);
    const empty = await post(mail({ Subject: '', TextBody: '   ' }));
    assert.equal(empty.statusCode, 400);
    const off = await createTestContext({});
    try {
      const response = await off.app.inject({
        method: 'POST',
        url: '/channels/email/inbound',
        payload: mail(),
      });
      assert.equal(response.statusCode, 404, 'off until a token is set');
    } finally {
      await off.close();
    }
  });
});
