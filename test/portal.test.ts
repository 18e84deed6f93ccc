import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import sharp from 'sharp';
import type { LocalSmsProvider } from '../src/channels/sms/local-sms-provider.ts';
import { removeAbandonedUploads } from '../src/core/attachments/read-upload.ts';
import { derivePin } from '../src/core/security/secrets.ts';
import { createTestContext, signedInStaff, type TestContext } from './helpers/context.ts';
import { asStaff, enrolTotp } from './helpers/factories.ts';
import { answer, giveFeedback, hiddenInputs, postForm, titleOf } from './helpers/portal.ts';
import { type SmtpInbox, startSmtpInbox } from './helpers/smtp-inbox.ts';

const PASSPORT = 'I applied for my passport at Nyayo House in March and it is still not ready';
/** The most common case here: an anonymous complaint to Immigration about a late passport. */
const ANONYMOUS_PASSPORT = {
  kind: 'complaint',
  text: PASSPORT,
  agency: 'DIS',
  county: '47',
  contact: { contact: 'anonymous' },
};

/** A multipart body as a browser sends it, with the form's fields and files. */
function multipart(
  fields: Record<string, string | string[]>,
  files: { name: string; type: string; bytes: Buffer }[],
) {
  const boundary = `----baraza${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    for (const v of [value].flat()) {
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${v}\r\n`),
      );
    }
  }
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** How many rows a table holds: all of them, or the cases with this description. */
async function countRows(
  ctx: TestContext,
  table: 'cases' | 'uploads',
  description?: string,
): Promise<number> {
  const row = await ctx.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .$if(description !== undefined, (q) => q.where(sql.ref('description'), '=', description))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A photo as a phone takes it: with the make, model and a note in its EXIF data. */
const phonePhoto = () =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: '#88aa66' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'SecretPhoneMaker', Model: 'Model-X9', ImageDescription: 'Kilimani -1.2921,36.8219' },
    })
    .toBuffer();

describe('citizen portal', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  test('the home page offers the three doors, the USSD code and the SMS number, and remembers the language', async () => {
    const page = await ctx.app.inject({ url: '/?lang=sw' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<html lang="sw">/);
    for (const door of ['href="/feedback"', 'href="/track"', 'href="/help"', 'action="/help"'])
      assert.ok(page.body.includes(door), door);
    assert.match(page.body, /\*384\*2020#/);
    assert.match(page.body, /20202/);
    const remembered = page.cookies.find((c) => c.name === 'baraza_lang');
    assert.equal(remembered?.value, 'sw');
    const next = await ctx.app.inject({ url: '/track', headers: { cookie: 'baraza_lang=sw' } });
    assert.match(next.body, /Fuatilia kesi/);
  });

  test('an anonymous complaint goes through one question per screen and the confirmation gives reference, PIN and deadline', async () => {
    const { pages, sent, reference, pin } = await giveFeedback(ctx, ANONYMOUS_PASSPORT);
    assert.deepEqual(
      pages.map((p) => titleOf(p.body).replace(' – Baraza', '')),
      [
        'What would you like to tell us?',
        'What is it about?',
        'Which office should handle it?',
        'Which service of Directorate of Immigration Services is it about?',
        'Where did it happen?',
        'Photos or documents (optional)',
        'How can we reach you?',
        'Check your answers',
      ],
    );
    assert.ok(pages.every((p) => p.statusCode === 200));
    assert.equal(sent.statusCode, 200);
    assert.ok(pin, 'an anonymous case shows its PIN');
    assert.match(sent.body, /should be resolved by \w+day \d+ \w+ 2026, \d\d:\d\d/);
    const row = await ctx.database.db
      .selectFrom('cases')
      .select(['type', 'channel', 'citizenId', 'countyCode', 'description'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, {
      type: 'complaint',
      channel: 'web',
      citizenId: null,
      countyCode: '47',
      description: PASSPORT,
    });
  });

  test('triage suggests the agency from the text, and "I don\'t know" sends the case to the clearing house', async () => {
    let page = await postForm(ctx, '/feedback', { step: 'kind', kind: 'complaint', action: 'next' });
    page = await answer(ctx, page, {
      text: 'Nimeshindwa kufile nil returns kwa iTax, KRA PIN yangu haifanyi kazi',
    });
    assert.match(page.body, /we think this is a matter for: Kenya Revenue Authority/);
    assert.match(page.body, /value="KRA" checked/);
    const { sent } = await giveFeedback(ctx, {
      kind: 'concern',
      text: 'The road to our village has potholes everywhere and nobody repairs it',
      agency: 'unknown',
      county: 'Kisumu',
      contact: { contact: 'anonymous' },
    });
    assert.match(sent.body, /clearing house will send your case to the right office/);
  });

  test('a step refuses a missing or wrong answer with a summary linked to the field, and keeps what was typed', async () => {
    let page = await postForm(ctx, '/feedback', { step: 'kind', action: 'next' });
    assert.equal(page.statusCode, 400);
    assert.match(page.body, /<div class="summary" role="alert"/);
    assert.match(page.body, /<a href="#f-kind">Choose what you would like to tell us<\/a>/);
    assert.match(titleOf(page.body), /^Error: /);
    page = await postForm(ctx, '/feedback', { step: 'kind', kind: 'complaint', action: 'next' });
    page = await answer(ctx, page, { text: 'abc' });
    assert.equal(page.statusCode, 400);
    assert.match(page.body, /<textarea id="f-text" name="text"[^>]*aria-invalid="true">abc<\/textarea>/);
    const contact = await postForm(
      ctx,
      '/feedback',
      {
        ...hiddenInputs(page.body),
        step: 'contact',
        contact: 'phone',
        phone: '12',
        action: 'next',
        text: PASSPORT,
      },
      'baraza_lang=sw',
    );
    assert.equal(contact.statusCode, 400);
    assert.match(contact.body, /Andika nambari ya simu ya Kenya/);
    assert.match(contact.body, /name="phone" type="tel" value="12"/);
  });

  test('hostile text is rendered inert and a 10,000-character description is refused with its length', async () => {
    const script = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    let page = await postForm(ctx, '/feedback', { step: 'kind', kind: 'complaint', action: 'next' });
    page = await answer(ctx, page, { text: `${script} my passport is late` });
    assert.equal(page.statusCode, 200);
    assert.ok(!page.body.includes('<script>alert'));
    assert.ok(!page.body.includes('<img src=x'));
    assert.match(page.body, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
    const long = await postForm(ctx, '/feedback', {
      step: 'about',
      kind: 'complaint',
      text: 'a'.repeat(10_000),
      action: 'next',
    });
    assert.equal(long.statusCode, 400);
    assert.match(
      long.body,
      /at most 5000 characters \(now 6000\)/,
      'the text is cut at 6,000 on reading, and the citizen is told',
    );
    const unknownStep = await postForm(ctx, '/feedback', {
      step: '<x>',
      key: '"><script>',
      action: 'next',
      kind: 'complaint',
    });
    assert.equal(unknownStep.statusCode, 200);
    assert.ok(!unknownStep.body.includes('"><script>'));
  });

  test('a corruption report says who will see it, goes sealed to the oversight body, and shows only with its PIN', async () => {
    const text = 'The officer at the Nakuru police station asked me for kitu kidogo to release my motorbike';
    const { pages, sent, reference, proofCookie } = await giveFeedback(ctx, {
      kind: 'corruption_report',
      text,
      agency: 'NPS',
      county: 'Nakuru',
      contact: { contact: 'phone', phone: '0700111222' },
    });
    const check = pages.at(-1)?.body ?? '';
    assert.match(check, /About which office/);
    assert.match(check, /only the Ethics and Anti-Corruption Commission \(EACC\) can read them/);
    assert.match(sent.body, /Your report is sealed and goes only to Ethics and Anti-Corruption Commission/);
    assert.match(sent.body, /PIN<strong>\d{6}<\/strong>/, 'a sealed report shows its PIN even when named');
    const kase = await ctx.database.db
      .selectFrom('cases')
      .innerJoin('agencies', 'agencies.id', 'cases.agencyId')
      .select(['cases.sealed', 'agencies.code'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.deepEqual(kase, { sealed: true, code: 'EACC' });
    const withoutPin = await ctx.app.inject({ url: `/track/${reference}` });
    assert.match(withoutPin.body, /can only be seen with its PIN/);
    const withPin = await ctx.app.inject({ url: `/track/${reference}`, headers: { cookie: proofCookie } });
    assert.match(withPin.body, /Ethics and Anti-Corruption Commission/);
    assert.ok(
      !withPin.body.includes('National Police Service –'),
      'no police service is shown under the oversight body',
    );
  });

  test('only the send address makes a case: "send" posted as a step shows the check page again', async () => {
    const { pages } = await giveFeedback(ctx, {
      kind: 'suggestion',
      text: 'Let people book passport appointments by SMS',
      agency: 'DIS',
      county: 'none',
      contact: { contact: 'anonymous' },
    });
    const before = await countRows(ctx, 'cases');
    const check = pages.at(-1) as { body: string; statusCode: number; cookies: [] };
    const asStep = await postForm(ctx, '/feedback', { ...hiddenInputs(check.body), action: 'send' });
    assert.match(titleOf(asStep.body), /^Check your answers/);
    assert.equal(await countRows(ctx, 'cases'), before);
  });

  test('sending the last step twice makes one case', async () => {
    const { pages, sent } = await giveFeedback(ctx, {
      kind: 'suggestion',
      text: 'Open Huduma centres on Saturdays',
      agency: 'unknown',
      county: 'none',
      contact: { contact: 'anonymous' },
    });
    const check = pages.at(-1) as { body: string; statusCode: number; cookies: [] };
    const again = await answer(ctx, check, { action: 'send' });
    const first = /href="\/track\/(\d{11})"/.exec(sent.body)?.[1];
    assert.equal(/href="\/track\/(\d{11})"/.exec(again.body)?.[1], first);
    assert.equal(await countRows(ctx, 'cases', 'Open Huduma centres on Saturdays'), 1);
  });

  test('a photo is stored re-encoded, without the maker, model or notes in its EXIF data', async () => {
    const photo = await phonePhoto();
    assert.ok(photo.includes('SecretPhoneMaker'), 'the test photo carries EXIF');
    let page = await postForm(ctx, '/feedback', { step: 'kind', kind: 'complaint', action: 'next' });
    const steps: Record<string, string>[] = [
      { text: PASSPORT },
      { agency: 'DIS' },
      { service: 'unknown' },
      { county: '47' },
    ];
    for (const choices of steps) page = await answer(ctx, page, choices);
    const upload = multipart({ ...hiddenInputs(page.body), action: 'upload' }, [
      { name: 'C:\\phone\\IMG_0001.jpg', type: 'image/jpeg', bytes: photo },
    ]);
    const response = await ctx.app.inject({ method: 'POST', url: '/feedback/files', ...upload });
    assert.equal(response.statusCode, 200, response.body.slice(0, 500));
    assert.match(response.body, /IMG_0001\.jpg \(\d+ KB\)/);
    const [handle] = [hiddenInputs(response.body).file].flat();
    const stored = await ctx.database.db
      .selectFrom('uploads')
      .select(['content', 'contentType', 'name'])
      .where('id', '=', String(handle).split('.')[0] as string)
      .executeTakeFirstOrThrow();
    const bytes = Buffer.from(stored.content);
    assert.equal(stored.contentType, 'image/jpeg');
    assert.equal(stored.name, 'IMG_0001.jpg');
    assert.ok(!bytes.includes('SecretPhoneMaker') && !bytes.includes('Kilimani'));
    assert.equal((await sharp(bytes).metadata()).exif, undefined);
    const sent = await answer(ctx, await answer(ctx, { ...response, body: response.body, cookies: [] }, {}), {
      contact: 'anonymous',
    });
    const done = await answer(ctx, sent, { action: 'send' });
    const reference = /href="\/track\/(\d{11})"/.exec(done.body)?.[1] as string;
    const kase = await ctx.database.db
      .selectFrom('cases')
      .select(['id', 'attachments'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      kase.attachments.map((a) => a.name),
      ['IMG_0001.jpg'],
    );
    const proof = done.cookies.find((c) => c.name === 'baraza_proof');
    const file = await ctx.app.inject({
      url: `/track/${reference}/files/${String(handle).split('.')[0]}`,
      headers: { cookie: `baraza_proof=${proof?.value}` },
    });
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'image/jpeg');
    const stranger = await ctx.app.inject({
      url: `/track/${reference}/files/${String(handle).split('.')[0]}`,
    });
    assert.equal(stranger.statusCode, 403, 'without the PIN nobody downloads the file');
  });

  test('wrong file types, huge files and too many files are refused with a message naming the file', async () => {
    const fields = {
      step: 'files',
      kind: 'complaint',
      text: PASSPORT,
      agency: 'unknown',
      county: '47',
      action: 'upload',
    };
    const exe = multipart(fields, [
      {
        name: 'photo.jpg',
        type: 'image/jpeg',
        bytes: Buffer.from('MZ\x90\x00 this is a program, not a photo'),
      },
    ]);
    let response = await ctx.app.inject({ method: 'POST', url: '/feedback/files', ...exe });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /“photo\.jpg” is not a photo \(JPEG, PNG, WebP, GIF\) or a PDF document/);
    const huge = multipart(fields, [
      {
        name: 'big.pdf',
        type: 'application/pdf',
        bytes: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(8 * 1024 * 1024, 32)]),
      },
    ]);
    response = await ctx.app.inject({ method: 'POST', url: '/feedback/files', ...huge });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /“big\.pdf” is larger than 5 MB/);
    const svg = multipart(fields, [
      {
        name: 'x.svg',
        type: 'image/svg+xml',
        bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      },
    ]);
    response = await ctx.app.inject({ method: 'POST', url: '/feedback/files', ...svg });
    assert.equal(response.statusCode, 400);
    const photo = await phonePhoto();
    const four = multipart(
      fields,
      [1, 2, 3, 4].map((n) => ({ name: `p${n}.jpg`, type: 'image/jpeg', bytes: photo })),
    );
    response = await ctx.app.inject({ method: 'POST', url: '/feedback/files', ...four });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /Choose at most 3 files/);
    const kept = await ctx.database.db
      .selectFrom('uploads')
      .select('name')
      .where('name', 'in', ['photo.jpg', 'big.pdf', 'x.svg'])
      .execute();
    assert.deepEqual(kept, []);
  });

  test('an anonymous case is tracked only with its PIN, and a named case shows its status without one', async () => {
    const anonymous = await giveFeedback(ctx, ANONYMOUS_PASSPORT);
    const bare = await ctx.app.inject({ url: `/track/${anonymous.reference}` });
    assert.match(bare.body, /can only be seen with its PIN/);
    assert.ok(!bare.body.includes(PASSPORT.slice(0, 20)) && !bare.body.includes('What has happened'));
    const wrong = await postForm(ctx, '/track', { reference: anonymous.reference, pin: '000000' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /The PIN does not match this case/);
    const right = await postForm(ctx, '/track', {
      reference: anonymous.reference,
      pin: anonymous.pin as string,
    });
    assert.equal(right.statusCode, 303);
    const proof = right.cookies.find((c) => c.name === 'baraza_proof');
    const page = await ctx.app.inject({
      url: `/track/${anonymous.reference}`,
      headers: { cookie: `baraza_proof=${proof?.value}` },
    });
    assert.match(page.body, /Directorate of Immigration Services/);
    assert.match(page.body, /Case received/);
    assert.match(page.body, /Next answer due by/);
    assert.match(page.body, /Withdraw this case/);

    const named = await giveFeedback(ctx, {
      kind: 'complaint',
      text: PASSPORT,
      agency: 'DIS',
      county: '47',
      contact: { contact: 'phone', phone: '0722000111', name: 'Achieng' },
    });
    assert.equal(named.pin, undefined, 'a named case does not show its PIN on screen');
    assert.match(named.sent.body, /sent a copy with your reference and PIN to \+254722000111/);
    const open = await ctx.app.inject({ url: `/track/${named.reference}` });
    assert.match(open.body, /<span class="status">Received, waiting to be picked up<\/span>/);
    assert.match(open.body, /Enter the PIN given with the reference to act on this case/);
    assert.ok(!open.body.includes('Withdraw this case'));
    const mistyped = await postForm(ctx, '/track', {
      reference: `${named.reference.slice(0, 10)}${(Number(named.reference[10]) % 8) + 2}`,
    });
    assert.equal(mistyped.statusCode, 400);
    assert.match(mistyped.body, /typing mistake/);
  });

  test('the citizen answers a request for information with a file, and the case goes back to work', async () => {
    const { reference, proofCookie } = await giveFeedback(ctx, ANONYMOUS_PASSPORT);
    const officer = await signedInStaff(ctx, 'officer', 'DIS');
    const asked = await asStaff(ctx, officer.cookie, 'POST', `/api/v1/staff/cases/${reference}/status`, {
      status: 'awaiting_citizen',
      message: 'Please send the receipt number of your application.',
    });
    assert.equal(asked.statusCode, 200, asked.body);
    const page = await ctx.app.inject({ url: `/track/${reference}`, headers: { cookie: proofCookie } });
    assert.match(page.body, /Answer the question/);
    assert.match(page.body, /Please send the receipt number of your application\./);
    const reply = multipart({ message: 'The receipt number is KE-PP-2026-118' }, [
      { name: 'receipt.pdf', type: 'application/pdf', bytes: Buffer.from('%PDF-1.4\n% receipt\n') },
    ]);
    const answered = await ctx.app.inject({
      method: 'POST',
      url: `/track/${reference}/reply`,
      headers: { ...reply.headers, cookie: proofCookie },
      payload: reply.payload,
    });
    assert.equal(answered.statusCode, 303, answered.body.slice(0, 300));
    const after = await ctx.app.inject({
      url: answered.headers.location as string,
      headers: { cookie: proofCookie },
    });
    assert.match(after.body, /Your message has been added/);
    assert.match(after.body, /<span class="status">Being worked on<\/span>/);
    assert.match(after.body, /receipt\.pdf/);
    const empty = await postForm(ctx, `/track/${reference}/reply`, { message: '' }, proofCookie);
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Write your message/);
  });

  test('a resolved case is rated and reopened; an appeal goes to a supervisor, then to oversight', async () => {
    const { reference, proofCookie } = await giveFeedback(ctx, ANONYMOUS_PASSPORT);
    const officer = await signedInStaff(ctx, 'officer', 'DIS');
    const supervisor = await signedInStaff(ctx, 'supervisor', 'DIS');
    const resolve = () =>
      asStaff(ctx, officer.cookie, 'POST', `/api/v1/staff/cases/${reference}/status`, {
        status: 'resolved',
        message: 'Your passport is ready for collection.',
      });
    assert.equal((await resolve()).statusCode, 200);
    const badRating = await postForm(ctx, `/track/${reference}/rate`, { rating: '9' }, proofCookie);
    assert.equal(badRating.statusCode, 400);
    assert.match(badRating.body, /Choose a rating from 1 to 5/);
    const rated = await postForm(
      ctx,
      `/track/${reference}/rate`,
      { rating: '2', comment: 'It took five months.' },
      proofCookie,
    );
    assert.equal(rated.statusCode, 303);
    const reopened = await postForm(
      ctx,
      `/track/${reference}/reopen`,
      { how: 'reopen', reason: 'The passport has a spelling mistake in my name.' },
      proofCookie,
    );
    assert.equal(reopened.statusCode, 303);
    let kase = await ctx.database.db
      .selectFrom('cases')
      .select(['status', 'rating', 'escalationLevel', 'id'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.equal(kase.status, 'reopened');
    assert.equal(kase.rating, null);

    assert.equal((await resolve()).statusCode, 200);
    const appealed = await postForm(
      ctx,
      `/track/${reference}/reopen`,
      { how: 'appeal', reason: 'Still wrong after the correction.' },
      proofCookie,
    );
    assert.equal(appealed.statusCode, 303);
    kase = await ctx.database.db
      .selectFrom('cases')
      .select(['status', 'rating', 'escalationLevel', 'id'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.deepEqual([kase.status, kase.escalationLevel], ['reopened', 'supervisor']);
    const told = await ctx.database.db
      .selectFrom('staffNotifications')
      .select('userId')
      .where('caseId', '=', kase.id)
      .where('kind', '=', 'case.appealed')
      .execute();
    assert.deepEqual(
      told.map((n) => n.userId),
      [supervisor.id],
    );

    assert.equal((await resolve()).statusCode, 200);
    await postForm(
      ctx,
      `/track/${reference}/reopen`,
      { how: 'appeal', reason: 'The supervisor did not fix it either.' },
      proofCookie,
    );
    kase = await ctx.database.db
      .selectFrom('cases')
      .select(['status', 'rating', 'escalationLevel', 'id'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.equal(kase.escalationLevel, 'oversight');
    const page = await ctx.app.inject({ url: `/track/${reference}`, headers: { cookie: proofCookie } });
    assert.match(page.body, /You appealed/);

    assert.equal((await resolve()).statusCode, 200);
    ctx.clock.now = new Date(ctx.clock.now.getTime() + 40 * 86_400_000);
    const late = await postForm(
      ctx,
      `/track/${reference}/reopen`,
      { how: 'reopen', reason: 'Too late now?' },
      proofCookie,
    );
    ctx.clock.now = new Date();
    assert.equal(
      late.statusCode,
      303,
      'the proof cookie expired after two hours: the citizen is sent to give the PIN again',
    );
  });

  test("the officer's name is shown to the citizen only when the agency allows it", async () => {
    const { reference, proofCookie } = await giveFeedback(ctx, ANONYMOUS_PASSPORT);
    const officer = await signedInStaff(ctx, 'officer', 'DIS');
    assert.equal(
      (await asStaff(ctx, officer.cookie, 'POST', `/api/v1/staff/cases/${reference}/assign`, {})).statusCode,
      200,
    );
    const before = await ctx.app.inject({ url: `/track/${reference}`, headers: { cookie: proofCookie } });
    assert.ok(!before.body.includes('Officer:'));
    const outsider = await signedInStaff(ctx, 'agency_admin', 'KRA');
    await enrolTotp(ctx, outsider.cookie);
    const refused = await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/agencies/DIS/officer-names',
      headers: { cookie: outsider.cookie },
      payload: { shown: true },
    });
    assert.equal(refused.statusCode, 403);
    const admin = await signedInStaff(ctx, 'agency_admin', 'DIS');
    await enrolTotp(ctx, admin.cookie);
    const allowed = await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/agencies/DIS/officer-names',
      headers: { cookie: admin.cookie },
      payload: { shown: true },
    });
    assert.equal(allowed.statusCode, 200, allowed.body);
    const after = await ctx.app.inject({ url: `/track/${reference}`, headers: { cookie: proofCookie } });
    assert.match(after.body, /Officer: officer of DIS/);
    await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/agencies/DIS/officer-names',
      headers: { cookie: admin.cookie },
      payload: { shown: false },
    });
  });

  test('withdrawing needs the box ticked', async () => {
    const { reference, proofCookie } = await giveFeedback(ctx, {
      kind: 'complaint',
      text: 'My passport renewal has been pending for months.',
      agency: 'DIS',
      county: 'none',
      contact: { contact: 'anonymous' },
    });
    const unticked = await postForm(ctx, `/track/${reference}/withdraw`, { reason: 'sorted' }, proofCookie);
    assert.equal(unticked.statusCode, 400);
    assert.match(unticked.body, /Tick the box to confirm/);
    const ticked = await postForm(ctx, `/track/${reference}/withdraw`, { confirm: 'yes' }, proofCookie);
    assert.equal(ticked.statusCode, 303);
    const kase = await ctx.database.db
      .selectFrom('cases')
      .select('status')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.equal(kase.status, 'withdrawn');
    const other = await giveFeedback(ctx, {
      kind: 'complaint',
      text: 'My passport renewal has been pending for months.',
      agency: 'DIS',
      county: 'none',
      contact: { contact: 'anonymous' },
    });
    const forged = await postForm(
      ctx,
      `/track/${other.reference}/withdraw`,
      { confirm: 'yes' },
      'baraza_proof=forged.value',
    );
    assert.equal(forged.statusCode, 303, 'a forged proof is sent back to give the PIN');
    const untouched = await ctx.database.db
      .selectFrom('cases')
      .select('status')
      .where('reference', '=', other.reference)
      .executeTakeFirstOrThrow();
    assert.equal(untouched.status, 'new');
  });

  test('a citizen signs in with a code by SMS, sees all their cases across agencies, and adds an anonymous one', async () => {
    const phone = '0733444555';
    const one = await giveFeedback(ctx, {
      kind: 'complaint',
      text: PASSPORT,
      agency: 'DIS',
      county: '47',
      contact: { contact: 'phone', phone },
    });
    const two = await giveFeedback(ctx, {
      kind: 'complaint',
      text: 'KRA has not paid my tax refund for 2025',
      agency: 'KRA',
      county: '01',
      contact: { contact: 'phone', phone },
    });
    const hidden = await giveFeedback(ctx, {
      kind: 'concern',
      text: 'Officers at the county clinic ask for money',
      agency: 'MOH',
      county: '01',
      contact: { contact: 'anonymous' },
    });
    const asked = await postForm(ctx, '/my-cases/code', { destination: phone });
    assert.equal(asked.statusCode, 200);
    assert.match(asked.body, /We sent a 6-digit code to \+254 7•• ••• 555/);
    const sms = (ctx.sms as LocalSmsProvider).sent.filter((m) => m.to === '+254733444555').at(-1);
    const code = /\b(\d{6})\b/.exec(sms?.text ?? '')?.[1] as string;
    const wrong = await postForm(ctx, '/my-cases/verify', {
      destination: phone,
      code: code === '111111' ? '222222' : '111111',
    });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /That code is not right/);
    const signed = await postForm(ctx, '/my-cases/verify', { destination: phone, code });
    assert.equal(signed.statusCode, 303);
    const session = signed.cookies.find((c) => c.name === 'baraza_citizen');
    const cookie = `baraza_citizen=${session?.value}`;
    let mine = await ctx.app.inject({ url: '/my-cases', headers: { cookie } });
    assert.ok(mine.body.includes(`/track/${one.reference}`) && mine.body.includes(`/track/${two.reference}`));
    assert.ok(!mine.body.includes(`/track/${hidden.reference}`));
    const claimed = await postForm(
      ctx,
      '/my-cases/claim',
      { reference: hidden.reference, pin: hidden.pin as string },
      cookie,
    );
    assert.equal(claimed.statusCode, 303);
    mine = await ctx.app.inject({ url: '/my-cases?claimed=1', headers: { cookie } });
    assert.ok(mine.body.includes(`/track/${hidden.reference}`));
    const badClaim = await postForm(
      ctx,
      '/my-cases/claim',
      { reference: hidden.reference, pin: '000000' },
      cookie,
    );
    assert.equal(badClaim.statusCode, 400);
    const owned = await ctx.app.inject({ url: `/track/${two.reference}`, headers: { cookie } });
    assert.match(
      owned.body,
      /Withdraw this case/,
      'a signed-in citizen acts on their own case without the PIN',
    );
    const other = await giveFeedback(ctx, {
      kind: 'complaint',
      text: PASSPORT,
      agency: 'DIS',
      county: '47',
      contact: { contact: 'phone', phone: '0799888777' },
    });
    const notMine = await ctx.app.inject({ url: `/track/${other.reference}`, headers: { cookie } });
    assert.ok(!notMine.body.includes('Withdraw this case'), "another citizen's case stays read-only");
    const out = await postForm(ctx, '/my-cases/sign-out', {}, cookie);
    assert.equal(out.statusCode, 303);
    const after = await ctx.app.inject({ url: '/my-cases', headers: { cookie } });
    assert.match(after.body, /Sign in to see your cases/);
  });

  test('files uploaded to a form that was never sent are removed after a day; attached ones stay', async () => {
    const photo = await phonePhoto();
    const fields = {
      step: 'files',
      kind: 'complaint',
      text: PASSPORT,
      agency: 'unknown',
      county: '47',
      action: 'upload',
    };
    const upload = multipart(fields, [{ name: 'abandoned.jpg', type: 'image/jpeg', bytes: photo }]);
    assert.equal(
      (await ctx.app.inject({ method: 'POST', url: '/feedback/files', ...upload })).statusCode,
      200,
    );
    const attached = await ctx.database.db
      .selectFrom('uploads')
      .select('id')
      .where('caseId', 'is not', null)
      .execute();
    assert.ok(attached.length > 0, 'earlier tests attached files to cases');
    assert.equal(await removeAbandonedUploads(ctx.database.db, new Date(Date.now() + 3_600_000)), 0);
    assert.ok((await removeAbandonedUploads(ctx.database.db, new Date(Date.now() + 25 * 3_600_000))) >= 1);
    const left = await ctx.database.db.selectFrom('uploads').select(['id', 'caseId']).execute();
    assert.ok(left.every((u) => u.caseId !== null));
    assert.equal(left.length, attached.length);
  });

  test('pages are compressed, carry a strict content security policy and are never cached', async () => {
    const page = await ctx.app.inject({ url: '/feedback', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(page.headers['content-encoding'], 'gzip');
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'.*script-src 'self'/);
    assert.equal(page.headers['cache-control'], 'no-store');
    const manifest = await ctx.app.inject({ url: '/manifest.webmanifest' });
    assert.equal(manifest.json().display, 'standalone');
    const worker = await ctx.app.inject({ url: '/sw.js' });
    assert.match(worker.body, /var CACHE = 'baraza-[0-9a-f]{10}'/);
    const missing = await ctx.app.inject({ url: '/portal/assets/nothing.js' });
    assert.equal(missing.statusCode, 404);
    assert.match(missing.body, /<h1>Page not found<\/h1>/);
  });
});

describe('the copy of the confirmation', () => {
  let ctx: TestContext;
  let smtp: SmtpInbox;
  before(async () => {
    smtp = await startSmtpInbox();
    ctx = await createTestContext({ BARAZA_SMTP_URL: smtp.url });
  });
  after(async () => {
    await ctx.close();
    await smtp.close();
  });

  /** The copy is sent after the page is answered: wait until the outbox says it went. */
  async function sentCopies(reference: string) {
    for (let attempt = 0; attempt < 100; attempt++) {
      const rows = await ctx.database.db
        .selectFrom('outboundMessages')
        .innerJoin('cases', 'cases.id', 'outboundMessages.caseId')
        .select([
          'outboundMessages.channel',
          'outboundMessages.status',
          'outboundMessages.body',
          'outboundMessages.recipient',
        ])
        .where('cases.reference', '=', reference)
        // The confirmation's copy, not what may follow it (an automatic answer to an inquiry).
        .where('outboundMessages.purpose', '=', 'case_submitted')
        .execute();
      if (rows.length > 0 && rows.every((r) => r.status !== 'queued')) return rows;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the copy was never delivered');
  }

  test('an SMS copy carries the reference, the PIN and the deadline in one message, and is sent once', async () => {
    const { pages, reference } = await giveFeedback(ctx, {
      kind: 'complaint',
      text: PASSPORT,
      agency: 'DIS',
      county: '47',
      contact: { contact: 'phone', phone: '0711000999' },
    });
    await answer(ctx, pages.at(-1) as { body: string; statusCode: number; cookies: [] }, { action: 'send' });
    const copies = await sentCopies(reference);
    assert.equal(copies.length, 1, 'sending again queued no second copy');
    const [copy] = copies;
    assert.equal(copy?.recipient, '+254711000999');
    assert.equal(copy?.status, 'sent');
    const kase = await ctx.database.db
      .selectFrom('cases')
      .select('id')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    const pin = derivePin(ctx.secrets, kase.id);
    assert.equal(copy?.body, '', 'the outbox keeps no PIN once the copy has gone');
    const delivered = (ctx.sms as LocalSmsProvider).sent.filter((m) => m.to === '+254711000999');
    assert.equal(delivered.length, 1);
    const text = delivered[0]?.text ?? '';
    assert.ok(text.includes(`${reference.slice(0, 4)}-${reference.slice(4, 8)}-${reference.slice(8)}`));
    assert.ok(text.includes(pin));
    assert.ok(text.length <= 160, `one SMS: ${text.length} characters`);
  });

  test('an e-mail copy in Kiswahili reaches a real mail server with the reference, PIN and tracking link', async () => {
    const { reference } = await giveFeedback(
      ctx,
      {
        kind: 'inquiry',
        text: 'Ninawezaje kupata cheti cha tabia njema kutoka polisi?',
        agency: 'NPS',
        county: 'none',
        contact: { contact: 'email', email: 'Amina@Example.org' },
      },
      'baraza_lang=sw',
    );
    const [copy] = await sentCopies(reference);
    assert.equal(copy?.status, 'sent');
    const mail = smtp.received.find((m) => m.to.includes('amina@example.org'));
    assert.ok(mail, 'the mail server received it');
    assert.match(mail.text, /Tumepokea swali lako\./);
    assert.match(mail.text, new RegExp(`/track/${reference}`));
  });
});

describe('the portal holds against misuse', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  const countCases = (description: string) => countRows(ctx, 'cases', description);

  test('ten wrong PINs lock a case for everyone, the right PIN included, but a browser that proved it earlier still sees it', async () => {
    const { reference, pin, proofCookie } = await giveFeedback(ctx, ANONYMOUS_PASSPORT);
    const wrong = pin === '000000' ? '111111' : '000000';
    for (let attempt = 1; attempt <= 10; attempt++) {
      const refused = await postForm(ctx, '/track', { reference, pin: wrong });
      assert.equal(refused.statusCode, 400, `wrong PIN ${attempt}`);
    }
    const locked = await postForm(ctx, '/track', { reference, pin: pin as string });
    assert.equal(locked.statusCode, 423);
    assert.match(locked.body, /Too many wrong PINs were tried for this case/);
    assert.ok(!locked.cookies.some((c) => c.name === 'baraza_proof'), 'no proof handed out while locked');
    const proven = await ctx.app.inject({ url: `/track/${reference}`, headers: { cookie: proofCookie } });
    assert.equal(proven.statusCode, 200);
    assert.match(proven.body, /Withdraw this case/);
    ctx.clock.now = new Date(ctx.clock.now.getTime() + 61 * 60_000);
    const later = await postForm(ctx, '/track', { reference, pin: pin as string });
    assert.equal(later.statusCode, 303, 'the lock lasts an hour');
  });

  test('wrong PINs sent all at once are each counted: no more than ten are even compared', async () => {
    const { reference, pin } = await giveFeedback(ctx, ANONYMOUS_PASSPORT);
    const wrong = pin === '000000' ? '111111' : '000000';
    const answers = await Promise.all(
      Array.from({ length: 16 }, () => postForm(ctx, '/track', { reference, pin: wrong })),
    );
    const compared = answers.filter((a) => a.statusCode === 400).length;
    assert.equal(compared, 10);
    assert.equal(answers.filter((a) => a.statusCode === 423).length, 6);
    assert.equal((await postForm(ctx, '/track', { reference, pin: pin as string })).statusCode, 423);
  });

  test('a form with thousands of fields is refused at once with a clear message', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/feedback',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=1&'.repeat(10_000),
    });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /A form has at most 300 fields/);
  });

  test('two files chosen together both reach the check page and the case', async () => {
    const text = `Two photos of the broken counter (${Date.now()})`;
    let page = await postForm(ctx, '/feedback', { step: 'kind', kind: 'complaint', action: 'next' });
    const steps: Record<string, string>[] = [
      { text },
      { agency: 'DIS' },
      { service: 'unknown' },
      { county: '47' },
    ];
    for (const choices of steps) {
      page = await answer(ctx, page, choices);
    }
    assert.match(page.body, /action="\/feedback\/files"/);
    const photo = await phonePhoto();
    const upload = multipart({ ...hiddenInputs(page.body), action: 'next' }, [
      { name: 'one.jpg', type: 'image/jpeg', bytes: photo },
      { name: 'two.jpg', type: 'image/jpeg', bytes: photo },
    ]);
    const response = await ctx.app.inject({ method: 'POST', url: '/feedback/files', ...upload });
    assert.equal(response.statusCode, 200);
    const contact = { statusCode: 200, body: response.body, cookies: [] };
    const check = await answer(ctx, contact, { contact: 'anonymous' });
    assert.match(check.body, /one\.jpg/);
    assert.match(check.body, /two\.jpg/);
    const sent = await answer(ctx, check, { action: 'send' });
    const reference = /href="\/track\/(\d{11})"/.exec(sent.body)?.[1] as string;
    const kase = await ctx.database.db
      .selectFrom('cases')
      .select('attachments')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      kase.attachments.map((a) => a.name),
      ['one.jpg', 'two.jpg'],
    );
  });

  test('files posted to the address of an ordinary step are not stored', async () => {
    const before = await countRows(ctx, 'uploads');
    const upload = multipart({ step: 'files', kind: 'complaint', text: PASSPORT, action: 'upload' }, [
      { name: 'a.jpg', type: 'image/jpeg', bytes: await phonePhoto() },
    ]);
    const response = await ctx.app.inject({ method: 'POST', url: '/feedback', ...upload });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /A file could not be read/);
    assert.equal(await countRows(ctx, 'uploads'), before);
  });

  test('a NUL character is refused with a clear message and other control characters are dropped, never a server error', async () => {
    let page = await postForm(ctx, '/feedback', { step: 'kind', kind: 'complaint', action: 'next' });
    const nul = await answer(ctx, page, { text: `Water pipes${String.fromCharCode(0)} burst on Moi Avenue` });
    assert.equal(nul.statusCode, 400);
    assert.match(nul.body, /a character that cannot be stored \(a NUL character or broken Unicode\)/);
    const text = `Water pipes burst on Moi Avenue ${Date.now()}`;
    page = await answer(ctx, page, { text: `${text}${String.fromCharCode(7)}` });
    assert.equal(page.statusCode, 200);
    const steps: Record<string, string>[] = [
      { agency: 'unknown' },
      { county: 'none' },
      {},
      { contact: 'anonymous' },
    ];
    for (const choices of steps) page = await answer(ctx, page, choices);
    const sent = await answer(ctx, page, { action: 'send' });
    assert.equal(sent.statusCode, 200, sent.body.slice(0, 300));
    assert.equal(await countCases(text), 1, 'stored without the bell character');
    const json = await ctx.app.inject({
      method: 'POST',
      url: '/track',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ reference: { $ne: null }, pin: ['1'] }),
    });
    assert.ok(json.statusCode >= 400 && json.statusCode < 500, `got ${json.statusCode}`);
    assert.match(json.headers['content-type'] as string, /text\/html/);
  });

  test('a draft changed after it was sent, and sent again, shows the case it made and makes no other', async () => {
    const text = `Please open the Huduma centre in Kisii on Saturdays (${Date.now()})`;
    const { pages, reference } = await giveFeedback(ctx, {
      kind: 'suggestion',
      text,
      agency: 'unknown',
      county: 'none',
      contact: { contact: 'anonymous' },
    });
    const check = pages.at(-1) as { body: string; statusCode: number; cookies: [] };
    // The back button, a different answer, and Send again, in the other language.
    const changed = { ...hiddenInputs(check.body), text: `${text} and Sundays`, switchLang: 'sw' };
    const switched = await postForm(ctx, '/feedback', { ...changed, action: 'next' });
    const again = await answer(ctx, switched, { action: 'send' }, 'baraza_lang=sw');
    assert.equal(again.statusCode, 200);
    assert.match(again.body, /Hii ilikwisha kutumwa/);
    assert.ok(again.body.includes(`/track/${reference}`));
    assert.ok(
      again.body.includes(`href="/track/${reference}?lang=en"`),
      'the language switch leads to the case',
    );
    assert.equal(await countCases(text), 1);
    assert.equal(await countCases(`${text} and Sundays`), 0);
  });

  test('a form posted from another website is refused; the same site and clients without the headers are not', async () => {
    const fields = { step: 'kind', kind: 'complaint', action: 'next' };
    const post = (headers: Record<string, string>) =>
      ctx.app.inject({
        method: 'POST',
        url: '/feedback',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: new URLSearchParams(fields).toString(),
      });
    const forged = await post({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    assert.equal(forged.statusCode, 403);
    assert.match(forged.body, /This form came from another website/);
    const noFetchMetadata = await post({ origin: 'https://evil.example' });
    assert.equal(noFetchMetadata.statusCode, 403, 'an Origin that is not this host is enough');
    assert.equal((await post({ origin: 'http://localhost', host: 'localhost:80' })).statusCode, 200);
    assert.equal((await post({ origin: 'http://10.0.0.5:3000', host: '10.0.0.5:3000' })).statusCode, 200);
    assert.equal((await post({ 'sec-fetch-site': 'same-origin' })).statusCode, 200);
    assert.equal(
      (await post({ 'sec-fetch-site': 'same-origin', origin: 'https://baraza.go.ke' })).statusCode,
      200,
      "behind a proxy that rewrites Host, the browser's own word decides",
    );
    assert.equal((await post({})).statusCode, 200);
  });

  test("a signed-in citizen sees their own corruption report only with its PIN, and a named case's words only with the PIN", async () => {
    const phone = '0744123456';
    const report = await giveFeedback(ctx, {
      kind: 'corruption_report',
      text: 'The clerk at the lands office asked for hongo to release my title deed',
      agency: 'unknown',
      county: '01',
      contact: { contact: 'phone', phone },
    });
    await postForm(ctx, '/my-cases/code', { destination: phone });
    const sms = (ctx.sms as LocalSmsProvider).sent.filter((m) => m.to === '+254744123456');
    assert.ok(
      sms.every((m) => !/corrupt|bribe|hongo|rushwa/i.test(m.text)),
      'no SMS to the phone names what the report is about',
    );
    const code = /\b(\d{6})\b/.exec(sms.at(-1)?.text ?? '')?.[1] as string;
    const signed = await postForm(ctx, '/my-cases/verify', { destination: phone, code });
    const cookie = `baraza_citizen=${signed.cookies.find((c) => c.name === 'baraza_citizen')?.value}`;
    const list = await ctx.app.inject({ url: '/my-cases', headers: { cookie } });
    assert.ok(list.body.includes(`/track/${report.reference}`));
    assert.match(list.body, /Report \(open it with its PIN\)/);
    assert.ok(
      !/Corruption|Ethics and Anti-Corruption/i.test(list.body),
      'the list names neither the kind nor EACC',
    );
    const sealed = await ctx.app.inject({ url: `/track/${report.reference}`, headers: { cookie } });
    assert.match(sealed.body, /can only be seen with its PIN/);
    assert.ok(!sealed.body.includes('Withdraw this case'));

    const named = await giveFeedback(ctx, {
      kind: 'complaint',
      text: PASSPORT,
      agency: 'DIS',
      county: '47',
      contact: { contact: 'phone', phone: '0744654321' },
    });
    const officer = await signedInStaff(ctx, 'officer', 'DIS');
    const asked = await asStaff(
      ctx,
      officer.cookie,
      'POST',
      `/api/v1/staff/cases/${named.reference}/status`,
      {
        status: 'awaiting_citizen',
        message: 'Please send the receipt number 7731 from your application',
      },
    );
    assert.equal(asked.statusCode, 200, asked.body);
    const bare = await ctx.app.inject({ url: `/track/${named.reference}` });
    assert.match(bare.body, /Waiting for your answer|waiting for you/i);
    assert.ok(!bare.body.includes('receipt number 7731'), 'without the PIN, no words from the case');
    const withPin = await ctx.app.inject({
      url: `/track/${named.reference}`,
      headers: { cookie: named.proofCookie },
    });
    assert.ok(withPin.body.includes('receipt number 7731'));
  });

  test('a browser asking for a page at an unknown address gets a page; an API client gets JSON', async () => {
    const page = await ctx.app.inject({ url: '/no-such-page', headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /<h1>Page not found<\/h1>/);
    const api = await ctx.app.inject({ url: '/api/v1/no-such-thing', headers: { accept: 'text/html' } });
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().error.code, 'not_found');
  });

  test('the language switch on a page answering a post leads to a page that can be opened', async () => {
    const { reference, proofCookie } = await giveFeedback(ctx, ANONYMOUS_PASSPORT);
    const wrong = await postForm(
      ctx,
      `/track/${reference}/withdraw`,
      { confirm: 'no', reason: 'Sorted out' },
      proofCookie,
    );
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /value="Sorted out"/, 'the reason typed is kept');
    assert.match(
      wrong.body,
      /name="confirm" value="yes" aria-invalid="true" aria-describedby="f-confirm-error"/,
    );
    const link = /href="([^"]+)" lang="sw"/.exec(wrong.body)?.[1];
    assert.equal(link, `/track/${reference}?lang=sw`);
    const code = await postForm(ctx, '/my-cases/code', { destination: '0755000111' });
    assert.equal(/href="([^"]+)" lang="sw"/.exec(code.body)?.[1], '/my-cases?lang=sw');
  });
});
