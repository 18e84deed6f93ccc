import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createTestContext, type SignedInStaff, signedInStaff, type TestContext } from './helpers/context.ts';
import { asStaff, clearingHouseCase, type SubmittedCase, submitCase } from './helpers/factories.ts';

/*
 * Referrals end to end: a real SMTP peer on loopback receives the letters, and the
 * acknowledgement link in the received e-mail is the one that is followed.
 */

interface ReceivedMail {
  from: string;
  to: string[];
  /** The message with its MIME parts decoded (quoted-printable and base64), for searching. */
  text: string;
}

let ctx: TestContext;
let smtp: SMTPServer;
const inbox: ReceivedMail[] = [];
let clearing: SignedInStaff;
let kraOfficer: SignedInStaff;
let directoryAgency: { id: string; name: string };
let otherDirectoryAgency: { id: string; name: string };

before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        inbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          text: decodeMime(Buffer.concat(chunks).toString('utf8')),
        });
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve) => {
    const server = smtp.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
  ctx = await createTestContext({
    BARAZA_SMTP_URL: `smtp://127.0.0.1:${port}`,
    BARAZA_MAIL_FROM: 'Baraza Clearing House <clearing@baraza.test>',
    BARAZA_PUBLIC_URL: 'https://baraza.example.go.ke/',
  });
  clearing = await signedInStaff(ctx, 'clearing_house', 'CLR');
  kraOfficer = await signedInStaff(ctx, 'officer', 'KRA');
  const outside = await ctx.database.db
    .selectFrom('agencies')
    .select(['id', 'name'])
    .where('onboarded', '=', false)
    .where('kind', '=', 'agency')
    .orderBy('name')
    .limit(2)
    .execute();
  [directoryAgency, otherDirectoryAgency] = outside as [typeof directoryAgency, typeof directoryAgency];
  assert.ok(directoryAgency && otherDirectoryAgency, 'the directory has agencies not on Baraza');
});
after(async () => {
  // The SMTP server is closed even when the context never started: it would keep the process alive.
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await ctx?.close();
});

/** A case with the clearing house, with this file's default words. */
const clearingHouseCaseHere = (fields: Record<string, unknown> = {}) =>
  clearingHouseCase(ctx, {
    description: 'I wrote to the office about my problem many weeks ago and nobody has answered me.',
    ...fields,
  });

const refer = (who: SignedInStaff, reference: string, body: Record<string, unknown>) =>
  asStaff(ctx, who.cookie, 'POST', `/api/v1/staff/cases/${reference}/referrals`, body);

const track = (submitted: SubmittedCase, lang = 'en') =>
  ctx.app.inject({
    method: 'GET',
    url: `/api/v1/cases/${submitted.reference}?lang=${lang}`,
    headers: { 'x-tracking-pin': submitted.pin },
  });

const acknowledge = (payload: Record<string, unknown>) =>
  ctx.app.inject({ method: 'POST', url: '/api/v1/referrals/acknowledge', payload });

const eventsOf = (reference: string, kind: string) =>
  ctx.database.db
    .selectFrom('events as e')
    .innerJoin('cases as c', 'c.id', 'e.caseId')
    .select(['e.kind', 'e.public', 'e.actorType', 'e.actorId', 'e.data'])
    .where('c.reference', '=', reference)
    .where('e.kind', '=', kind)
    .execute();

test('a clearing-house officer refers a case to a directory agency; it stays open with the clearing house and the citizen sees it', async () => {
  const submitted = await clearingHouseCaseHere();
  const referred = await refer(clearing, submitted.reference, {
    agencyId: directoryAgency.id,
    note: 'Please look into this and answer the citizen through us.',
  });
  assert.equal(referred.statusCode, 201, referred.body);
  const body = referred.json();
  assert.equal(body.agency.id, directoryAgency.id);
  assert.equal(body.status, 'in_progress');
  assert.equal(body.emailed, false);
  assert.match(body.token, /^[0-9A-HJKMNP-TV-Z]{16}$/);
  assert.match(body.code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  assert.equal(body.letterUrl, `/api/v1/staff/referrals/${body.referralId}/letter?token=${body.token}`);

  const kase = await ctx.database.db
    .selectFrom('cases')
    .select(['agencyId', 'status'])
    .where('reference', '=', submitted.reference)
    .executeTakeFirstOrThrow();
  assert.deepEqual(kase, { agencyId: ctx.reference.clearingHouse.id, status: 'in_progress' });

  // Only a hash of the code is kept.
  const stored = await ctx.database.db
    .selectFrom('referrals')
    .selectAll()
    .where('id', '=', body.referralId)
    .executeTakeFirstOrThrow();
  assert.notEqual(stored.tokenHash, body.token);
  assert.ok(!JSON.stringify(stored).includes(body.token));
  const [event] = await eventsOf(submitted.reference, 'case.referred');
  assert.equal(event?.public, true);
  assert.deepEqual(event?.data, {
    agencyId: directoryAgency.id,
    agencyName: directoryAgency.name,
    referralId: body.referralId,
  });

  const seen = (await track(submitted)).json();
  assert.equal(seen.status, 'in_progress');
  assert.equal(seen.agency.code, 'CLR');
  const entry = seen.timeline.find((e: { kind: string }) => e.kind === 'case.referred');
  assert.equal(entry.agency, directoryAgency.name);
  assert.match(entry.message, /referred it to them/);
  assert.match(entry.message, /stays open with the clearing house/);
  const kiswahili = (await track(submitted, 'sw')).json();
  const sw = kiswahili.timeline.find((e: { kind: string }) => e.kind === 'case.referred');
  assert.match(sw.message, /kituo cha uratibu kimeiwasilisha/);
  assert.ok(!JSON.stringify(seen).includes('answer the citizen through us'), 'the note stays internal');
});

test('referring teaches the classifier that the case belongs to no agency on Baraza (OTHER)', async () => {
  const submitted = await clearingHouseCaseHere({
    description: 'The county borehole has been broken since June.',
  });
  const referred = await refer(clearing, submitted.reference, {
    agencyId: directoryAgency.id,
    note: 'Yours.',
  });
  assert.equal(referred.statusCode, 201, referred.body);
  const examples = await ctx.database.db
    .selectFrom('triageExamples as t')
    .innerJoin('cases as c', 'c.id', 't.caseId')
    .select(['t.agencyCode', 't.source', 't.text', 't.createdBy'])
    .where('c.reference', '=', submitted.reference)
    .execute();
  assert.deepEqual(examples, [
    {
      agencyCode: 'OTHER',
      source: 'referral',
      text: 'The county borehole has been broken since June.',
      createdBy: clearing.id,
    },
  ]);
});

test('the letter is e-mailed with the acknowledgement link, which acknowledges once; a second time changes nothing', async () => {
  const submitted = await clearingHouseCaseHere();
  const before = inbox.length;
  const referred = await refer(clearing, submitted.reference, {
    agencyId: directoryAgency.id,
    email: 'Complaints@Agency.example.go.ke',
    note: 'Kindly acknowledge and act.',
  });
  assert.equal(referred.statusCode, 201, referred.body);
  const { referralId, token, emailed, emailError } = referred.json();
  assert.equal(emailed, true, emailError);
  assert.equal(emailError, null);

  assert.equal(inbox.length, before + 1);
  const mail = inbox.at(-1) as ReceivedMail;
  assert.deepEqual(mail.to, ['complaints@agency.example.go.ke']);
  assert.equal(mail.from, 'clearing@baraza.test');
  const link = `https://baraza.example.go.ke/referrals/acknowledge?token=${token}`;
  assert.ok(mail.text.includes(link), 'the e-mail carries the acknowledgement link');
  assert.ok(mail.text.includes('Kuwasilishwa kwa kesi ya mwananchi'), 'and Kiswahili');
  assert.ok(!mail.text.includes('0712345678') && !mail.text.includes('+254712345678'), 'no phone number');
  const row = await ctx.database.db
    .selectFrom('referrals')
    .select(['emailedAt', 'emailError'])
    .where('id', '=', referralId)
    .executeTakeFirstOrThrow();
  assert.ok(row.emailedAt);
  assert.equal(row.emailError, null);

  // The link opens a bilingual page with the form.
  const url = new URL(link);
  const page = await ctx.app.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
  assert.equal(page.statusCode, 200);
  assert.match(page.headers['content-type'] as string, /^text\/html/);
  assert.match(page.body, /<html lang="en">/);
  assert.match(page.body, /lang="sw"/);
  assert.match(page.body, /<label for="name">/);
  assert.ok(page.body.includes(directoryAgency.name.replaceAll('&', '&amp;')));

  const first = await acknowledge({ token, name: 'J. Otieno, Records Officer', note: 'Received, on it.' });
  assert.equal(first.statusCode, 200, first.body);
  assert.equal(first.json().alreadyAcknowledged, false);
  assert.equal(first.json().acknowledgedBy, 'J. Otieno, Records Officer');

  ctx.clock.now = new Date(ctx.clock.now.getTime() + 60_000);
  // Typed from the paper letter: lower case, with dashes.
  const typed = referred.json().code.toLowerCase();
  const second = await acknowledge({ token: typed, name: 'Someone Else' });
  assert.equal(second.statusCode, 200, second.body);
  assert.equal(second.json().alreadyAcknowledged, true);
  assert.equal(second.json().acknowledgedBy, 'J. Otieno, Records Officer');
  assert.equal(second.json().acknowledgedAt, first.json().acknowledgedAt);

  const events = await eventsOf(submitted.reference, 'case.referral_acknowledged');
  assert.equal(events.length, 1, 'one event, however often it is acknowledged');
  assert.equal(events[0]?.actorType, 'system');
  assert.equal(events[0]?.actorId, `referral:${referralId}`);
  assert.equal(events[0]?.public, true);

  // The case is still open with the clearing house, which now tells the citizen.
  const seen = (await track(submitted)).json();
  assert.equal(seen.agency.code, 'CLR');
  assert.equal(seen.status, 'in_progress');
  const entry = seen.timeline.find((e: { kind: string }) => e.kind === 'case.referral_acknowledged');
  assert.match(entry.message, /has confirmed receiving your case/);
  assert.ok(!JSON.stringify(seen).includes('Otieno'), "the officer's name is not shown to the citizen");

  const stored = await ctx.database.db
    .selectFrom('referrals')
    .select(['acknowledgedBy', 'acknowledgementNote'])
    .where('id', '=', referralId)
    .executeTakeFirstOrThrow();
  assert.deepEqual(stored, {
    acknowledgedBy: 'J. Otieno, Records Officer',
    acknowledgementNote: 'Received, on it.',
  });

  // The link now shows the acknowledgement instead of the form.
  const again = await ctx.app.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
  assert.equal(again.statusCode, 200);
  assert.match(again.body, /already acknowledged/);
  assert.doesNotMatch(again.body, /<form/);
});

test('two acknowledgements at once record one event between them', async () => {
  const submitted = await clearingHouseCaseHere();
  const { token } = (
    await refer(clearing, submitted.reference, { agencyId: otherDirectoryAgency.id, note: 'Please act.' })
  ).json();
  const answers = await Promise.all([
    acknowledge({ token, name: 'First Officer' }),
    acknowledge({ token, name: 'Second Officer' }),
  ]);
  assert.deepEqual(
    answers.map((a) => a.statusCode),
    [200, 200],
  );
  assert.deepEqual(answers.map((a) => a.json().alreadyAcknowledged).sort(), [false, true]);
  assert.equal(answers[0]?.json().acknowledgedBy, answers[1]?.json().acknowledgedBy);
  assert.equal((await eventsOf(submitted.reference, 'case.referral_acknowledged')).length, 1);
});

test('the acknowledgement page works as a plain HTML form, without any script', async () => {
  const submitted = await clearingHouseCaseHere();
  const { token } = (
    await refer(clearing, submitted.reference, { agencyId: otherDirectoryAgency.id, note: 'Please act.' })
  ).json();
  const post = (form: Record<string, string>) =>
    ctx.app.inject({
      method: 'POST',
      url: '/referrals/acknowledge',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(form).toString(),
    });
  const noName = await post({ token, name: '  ' });
  assert.equal(noName.statusCode, 400);
  assert.match(noName.body, /role="alert"/);
  assert.match(noName.body, /Give the name of the person acknowledging/);
  const done = await post({ token, name: 'A. Wanjiru', note: '' });
  assert.equal(done.statusCode, 200, done.body);
  assert.match(done.body, /Thank you\. The referral is acknowledged/);
  assert.match(done.body, /A\. Wanjiru/);
  const unknown = await post({ token: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ', name: 'A. Wanjiru' });
  assert.equal(unknown.statusCode, 404);
  assert.match(unknown.body, /No referral has this acknowledgement code/);
});

test('a wrong code is 404 with a clear message, in the API and on the page', async () => {
  const api = await acknowledge({ token: 'ABCD-EFGH-JKMN-PQRS', name: 'Nobody' });
  assert.equal(api.statusCode, 404);
  assert.equal(api.json().error.code, 'not_found');
  assert.match(api.json().error.message, /No referral has this acknowledgement code/);
  const garbage = await acknowledge({ token: 'not a code at all', name: 'Nobody' });
  assert.equal(garbage.statusCode, 404);
  const sw = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/referrals/acknowledge?lang=sw',
    payload: { token: 'ABCD-EFGH-JKMN-PQRS', name: 'Nobody' },
  });
  assert.match(sw.json().error.message, /Hakuna barua/);
  const page = await ctx.app.inject({ method: 'GET', url: '/referrals/acknowledge?token=ABCDEFGHJKMNPQRS' });
  assert.equal(page.statusCode, 404);
  assert.match(page.headers['content-type'] as string, /^text\/html/);
  assert.match(page.body, /No referral has this acknowledgement code/);
  assert.match(page.body, /<input id="token"/, 'and asks for the code again');
  const blank = await ctx.app.inject({ method: 'GET', url: '/referrals/acknowledge' });
  assert.equal(blank.statusCode, 200);
  assert.match(blank.body, /Acknowledgement code \(on the letter\)/);
});

test('referring to an agency that is on Baraza is refused: route it instead', async () => {
  const submitted = await clearingHouseCaseHere();
  const kra = ctx.reference.agency('KRA');
  const refused = await refer(clearing, submitted.reference, { agencyId: kra?.id, note: 'Yours.' });
  assert.equal(refused.statusCode, 400);
  assert.equal(refused.json().error.code, 'invalid_input');
  assert.match(refused.json().error.message, /is on Baraza: route the case/);
  const unknown = await refer(clearing, submitted.reference, { agencyId: 'no-such-agency', note: 'Yours.' });
  assert.equal(unknown.statusCode, 400);
  assert.equal(
    (
      await ctx.database.db
        .selectFrom('referrals')
        .select('id')
        .where('agencyId', '=', kra?.id as string)
        .execute()
    ).length,
    0,
  );
});

test('a case is referred to the same agency only once while that referral is unanswered', async () => {
  const submitted = await clearingHouseCaseHere();
  const first = await refer(clearing, submitted.reference, { agencyId: directoryAgency.id, note: 'Yours.' });
  assert.equal(first.statusCode, 201);
  const again = await refer(clearing, submitted.reference, { agencyId: directoryAgency.id, note: 'Yours.' });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().error.details.referralId, first.json().referralId);
  const elsewhere = await refer(clearing, submitted.reference, {
    agencyId: otherDirectoryAgency.id,
    note: 'Or yours.',
  });
  assert.equal(elsewhere.statusCode, 201, 'a second agency may be asked');
});

test('staff of another agency can neither refer a clearing-house case nor see the referrals', async () => {
  const submitted = await clearingHouseCaseHere();
  const refused = await refer(kraOfficer, submitted.reference, {
    agencyId: directoryAgency.id,
    note: 'Not ours.',
  });
  assert.equal(refused.statusCode, 404, 'a case they may not read does not exist for them');
  const list = await asStaff(ctx, kraOfficer.cookie, 'GET', '/api/v1/staff/referrals?status=all');
  assert.equal(list.statusCode, 403);
  const referred = (
    await refer(clearing, submitted.reference, { agencyId: directoryAgency.id, note: 'Yours.' })
  ).json();
  const letter = await asStaff(
    ctx,
    kraOfficer.cookie,
    'GET',
    `/api/v1/staff/referrals/${referred.referralId}/letter`,
  );
  assert.equal(letter.statusCode, 403);
  const caseList = await asStaff(
    ctx,
    kraOfficer.cookie,
    'GET',
    `/api/v1/staff/cases/${submitted.reference}/referrals`,
  );
  assert.equal(caseList.statusCode, 404);
  // And a KRA case cannot be referred even by the clearing house: the owner transfers it.
  const kraCase = await submitCase(ctx, {
    agencyCode: 'KRA',
    description: 'My PIN certificate shows the wrong name.',
  });
  const notClearing = await refer(kraOfficer, kraCase.reference, {
    agencyId: directoryAgency.id,
    note: 'Not ours.',
  });
  assert.equal(notClearing.statusCode, 409);
});

test('the letter is printable HTML in English and Kiswahili, and escapes what the citizen wrote', async () => {
  const submitted = await clearingHouseCaseHere({
    title: 'Broken <b>road</b>',
    description: 'Help <script>alert("x")</script> & thanks — "quoted" text',
    citizen: { name: 'Achieng <Odhiambo>', phone: '0722000111', email: 'achieng@example.com' },
  });
  const referred = (
    await refer(clearing, submitted.reference, {
      agencyId: directoryAgency.id,
      note: 'Note with <i>markup</i>',
    })
  ).json();
  const letter = await asStaff(ctx, clearing.cookie, 'GET', referred.letterUrl);
  assert.equal(letter.statusCode, 200);
  assert.match(letter.headers['content-type'] as string, /^text\/html; charset=utf-8/);
  assert.match(letter.headers['content-security-policy'] as string, /default-src 'none'/);
  const html = letter.body;
  assert.match(html, /^<!doctype html>\n<html lang="en">/);
  assert.ok(html.includes("Referral of a citizen's case".replaceAll("'", '&#39;')));
  assert.ok(html.includes('Kuwasilishwa kwa kesi ya mwananchi'));
  assert.match(html, /<h1>/);
  assert.match(html, /<h2 id="message">/);
  assert.match(html, /@media print/);
  assert.doesNotMatch(html, /<script/);
  assert.doesNotMatch(html, /<b>road/);
  assert.doesNotMatch(html, /<i>markup/);
  assert.ok(html.includes('Help &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; thanks'));
  assert.ok(html.includes('Achieng &lt;Odhiambo&gt;'), "the citizen's name, escaped");
  assert.ok(
    !html.includes('0722000111') && !html.includes('254722000111') && !html.includes('achieng@example.com'),
  );
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\/(?!baraza\.example)/, 'nothing loaded from elsewhere');
  assert.ok(html.includes(`https://baraza.example.go.ke/referrals/acknowledge?token=${referred.token}`));
  assert.ok(html.includes(referred.code));

  // Reprinted without the code, the letter says how to get a new one; a wrong code is refused.
  const reprint = await asStaff(
    ctx,
    clearing.cookie,
    'GET',
    `/api/v1/staff/referrals/${referred.referralId}/letter`,
  );
  assert.equal(reprint.statusCode, 200);
  assert.ok(!reprint.body.includes(referred.token));
  assert.match(reprint.body, /ask the clearing house for a new one/);
  const wrong = await asStaff(
    ctx,
    clearing.cookie,
    'GET',
    `/api/v1/staff/referrals/${referred.referralId}/letter?token=ABCDEFGHJKMNPQRS`,
  );
  assert.equal(wrong.statusCode, 400);

  // An anonymous citizen's letter names no one.
  const anonymous = await clearingHouseCaseHere({ citizen: undefined, anonymous: true });
  const anon = (
    await refer(clearing, anonymous.reference, { agencyId: directoryAgency.id, note: 'Yours.' })
  ).json();
  const anonLetter = await asStaff(ctx, clearing.cookie, 'GET', anon.letterUrl);
  assert.match(anonLetter.body, /Not given/);
});

test('a new code replaces a lost one: the old code stops working', async () => {
  const submitted = await clearingHouseCaseHere();
  const before = inbox.length;
  const referred = (
    await refer(clearing, submitted.reference, {
      agencyId: directoryAgency.id,
      email: 'desk@agency.example.go.ke',
      note: 'Yours.',
    })
  ).json();
  const reissued = await asStaff(
    ctx,
    clearing.cookie,
    'POST',
    `/api/v1/staff/referrals/${referred.referralId}/code`,
  );
  assert.equal(reissued.statusCode, 200, reissued.body);
  const { token } = reissued.json();
  assert.notEqual(token, referred.token);
  assert.equal(reissued.json().emailed, true);
  assert.equal(inbox.length, before + 2, 'the address on file gets the letter with the new code');
  assert.ok((inbox.at(-1) as ReceivedMail).text.includes(`acknowledge?token=${token}`));
  assert.equal((await acknowledge({ token: referred.token, name: 'X' })).statusCode, 404);
  assert.equal((await acknowledge({ token, name: 'X' })).statusCode, 200);
  const late = await asStaff(
    ctx,
    clearing.cookie,
    'POST',
    `/api/v1/staff/referrals/${referred.referralId}/code`,
  );
  assert.equal(late.statusCode, 409);
});

test('the clearing house lists its referrals, open ones first with the days they have waited', async () => {
  const start = ctx.clock.now;
  const older = await clearingHouseCaseHere();
  const olderReferral = (
    await refer(clearing, older.reference, { agencyId: directoryAgency.id, note: 'Old.' })
  ).json();
  // Sessions expire as the days pass: each day's work is done by a freshly signed-in officer.
  ctx.clock.now = new Date(start.getTime() + 3 * 86_400_000);
  const midweek = await signedInStaff(ctx, 'clearing_house', 'CLR');
  const answered = await clearingHouseCaseHere();
  const answeredReferral = (
    await refer(midweek, answered.reference, { agencyId: directoryAgency.id, note: 'Answered.' })
  ).json();
  await acknowledge({ token: answeredReferral.token, name: 'Quick Officer' });
  ctx.clock.now = new Date(start.getTime() + 5 * 86_400_000 + 3_600_000);
  const friday = await signedInStaff(ctx, 'clearing_house', 'CLR');

  const all = await asStaff(ctx, friday.cookie, 'GET', '/api/v1/staff/referrals?status=all');
  assert.equal(all.statusCode, 200, all.body);
  const items = all.json().items as { id: string; acknowledgedAt: string | null; daysOutstanding: number }[];
  const firstAcknowledged = items.findIndex((i) => i.acknowledgedAt !== null);
  assert.ok(firstAcknowledged > 0);
  assert.ok(
    items.slice(firstAcknowledged).every((i) => i.acknowledgedAt !== null),
    'open ones first',
  );
  const old = items.find((i) => i.id === olderReferral.referralId);
  assert.equal(old?.daysOutstanding, 5);
  assert.equal(items.find((i) => i.id === answeredReferral.referralId)?.daysOutstanding, 0);

  const open = (await asStaff(ctx, friday.cookie, 'GET', '/api/v1/staff/referrals')).json().items;
  assert.ok(open.every((i: { acknowledgedAt: string | null }) => i.acknowledgedAt === null));
  assert.ok(open.some((i: { id: string }) => i.id === olderReferral.referralId));
  const acknowledged = (
    await asStaff(ctx, friday.cookie, 'GET', '/api/v1/staff/referrals?status=acknowledged')
  ).json().items;
  assert.ok(acknowledged.some((i: { id: string }) => i.id === answeredReferral.referralId));
  assert.ok(acknowledged.every((i: { acknowledgedAt: string | null }) => i.acknowledgedAt !== null));

  const ofCase = await asStaff(
    ctx,
    friday.cookie,
    'GET',
    `/api/v1/staff/cases/${answered.reference}/referrals`,
  );
  assert.equal(ofCase.statusCode, 200);
  assert.deepEqual(
    ofCase.json().items.map((i: { id: string; acknowledgedBy: string }) => [i.id, i.acknowledgedBy]),
    [[answeredReferral.referralId, 'Quick Officer']],
  );
  ctx.clock.now = start;
});

test('the referral form finds directory agencies by name and by what they do, never onboarded ones', async () => {
  const word = directoryAgency.name.split(/\s+/).find((w) => w.length > 4) ?? directoryAgency.name;
  const found = await asStaff(
    ctx,
    clearing.cookie,
    'GET',
    `/api/v1/staff/directory?q=${encodeURIComponent(word)}`,
  );
  assert.equal(found.statusCode, 200, found.body);
  const items = found.json().items as { id: string; name: string }[];
  assert.ok(items.some((i) => i.id === directoryAgency.id));
  const onboarded = await ctx.database.db
    .selectFrom('agencies')
    .select('id')
    .where('onboarded', '=', true)
    .execute();
  const onboardedIds = new Set(onboarded.map((a) => a.id));
  const revenue = (
    await asStaff(ctx, clearing.cookie, 'GET', '/api/v1/staff/directory?q=revenue%20authority%25')
  ).json().items as { id: string }[];
  assert.ok(revenue.every((i) => !onboardedIds.has(i.id)));
  assert.ok(items.length <= 10);
});

test('with the mail server down the referral is kept, with the error, and can still be printed', async () => {
  // A port nothing listens on: take one, then let it go.
  const closedPort = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const down = await createTestContext({ BARAZA_SMTP_URL: `smtp://127.0.0.1:${closedPort}` });
  try {
    const officer = await signedInStaff(down, 'clearing_house', 'CLR');
    const submitted = await clearingHouseCase(down, { description: 'Nobody answers my letters.' });
    const referred = await down.app.inject({
      method: 'POST',
      url: `/api/v1/staff/cases/${submitted.reference}/referrals`,
      headers: { cookie: officer.cookie },
      payload: { agencyId: directoryAgency.id, email: 'desk@agency.example.go.ke', note: 'Yours.' },
    });
    assert.equal(referred.statusCode, 201, referred.body);
    assert.equal(referred.json().emailed, false);
    assert.match(referred.json().emailError, /ECONNREFUSED|connect/i);
    const row = await down.database.db
      .selectFrom('referrals')
      .select(['emailedAt', 'emailError'])
      .where('id', '=', referred.json().referralId)
      .executeTakeFirstOrThrow();
    assert.equal(row.emailedAt, null);
    assert.ok(row.emailError);
    const listed = await down.app.inject({
      method: 'GET',
      url: '/api/v1/staff/referrals?status=open',
      headers: { cookie: officer.cookie },
    });
    assert.equal(listed.json().items[0].emailError, row.emailError);
    const letter = await down.app.inject({
      method: 'GET',
      url: referred.json().letterUrl,
      headers: { cookie: officer.cookie },
    });
    assert.equal(letter.statusCode, 200);
    assert.ok(letter.body.includes(referred.json().code));
  } finally {
    await down.close();
  }
});

test('the public acknowledgement routes are rate limited per client address', async () => {
  const limited = await createTestContext({
    BARAZA_RATE_SUBMIT_PER_MINUTE: '2',
    BARAZA_RATE_TRACK_PER_MINUTE: '2',
  });
  try {
    const guess = (n: number) =>
      limited.app.inject({
        method: 'POST',
        url: '/api/v1/referrals/acknowledge',
        payload: { token: `ABCD-EFGH-JKMN-PQR${n}`, name: 'Guesser' },
      });
    const answers = [await guess(1), await guess(2), await guess(3)];
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      [404, 404, 429],
    );
    const form = (n: number) =>
      limited.app.inject({
        method: 'POST',
        url: '/referrals/acknowledge',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `token=ABCDEFGHJKMNPQR${n}&name=Guesser`,
      });
    assert.deepEqual(
      [(await form(1)).statusCode, (await form(2)).statusCode, (await form(3)).statusCode],
      [404, 404, 429],
    );
    const page = () =>
      limited.app.inject({ method: 'GET', url: '/referrals/acknowledge?token=ABCDEFGHJKMNPQRS' });
    assert.deepEqual(
      [(await page()).statusCode, (await page()).statusCode, (await page()).statusCode],
      [404, 404, 429],
    );
  } finally {
    await limited.close();
  }
});

/** Decodes the parts of a MIME message enough to search its text. */
function decodeMime(raw: string): string {
  const decoded: string[] = [raw];
  const parts = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  for (const part of parts) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const headers = part.slice(0, split).toLowerCase();
    const body = part.slice(split).trim();
    if (headers.includes('content-transfer-encoding: quoted-printable')) {
      const bytes = body
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
      decoded.push(Buffer.from(bytes, 'latin1').toString('utf8'));
    } else if (headers.includes('content-transfer-encoding: base64')) {
      decoded.push(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8'));
    }
  }
  return decoded.join('\n');
}
