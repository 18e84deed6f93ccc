import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { LocalSmsProvider } from '../src/channels/sms/local-sms-provider.ts';
import { generateReference } from '../src/core/cases/reference.ts';
import { claimCase } from '../src/core/citizens/claim-case.ts';
import { endCitizenSession } from '../src/core/citizens/end-citizen-session.ts';
import { findCitizenSession } from '../src/core/citizens/find-citizen-session.ts';
import { listCitizenCases, selectCitizenCases } from '../src/core/citizens/list-citizen-cases.ts';
import { requestSignInCode } from '../src/core/citizens/request-sign-in-code.ts';
import { verifySignInCode } from '../src/core/citizens/verify-sign-in-code.ts';
import { AppError } from '../src/core/errors.ts';
import type { CitizenIdentity } from '../src/db/schema.ts';
import en from '../src/i18n/en.json' with { type: 'json' };
import { translator } from '../src/i18n/index.ts';
import sw from '../src/i18n/sw.json' with { type: 'json' };
import { createTestContext, type TestContext } from './helpers/context.ts';
import { submitCase } from './helpers/factories.ts';
import { type SmtpInbox, startSmtpInbox } from './helpers/smtp-inbox.ts';

/*
 * Citizen sign-in by one-time code, sessions, and "My cases", on the real database. Codes are read
 * where a citizen would read them: the local SMS gateway's outbox, or a real SMTP server on loopback.
 */

let ctx: TestContext;
let smtp: SmtpInbox;
let phones = 0;

before(async () => {
  smtp = await startSmtpInbox();
  ctx = await createTestContext({ BARAZA_SMTP_URL: smtp.url });
});
after(async () => {
  await smtp.close();
  await ctx?.close();
});

const deps = () => ({
  db: ctx.database.db,
  secrets: ctx.secrets,
  now: () => ctx.clock.now,
  messenger: ctx.messenger,
  reference: ctx.reference,
});

/** A Kenyan mobile number no other test uses, as a citizen would type it. */
const newPhone = () =>
  `0733 ${String(++phones)
    .padStart(6, '0')
    .replace(/(\d{3})(\d{3})/, '$1 $2')}`;
const e164 = (typed: string) => `+254${typed.replace(/\s/g, '').slice(1)}`;

const later = (minutes: number) => {
  ctx.clock.now = new Date(ctx.clock.now.getTime() + minutes * 60_000);
};

const requestCode = (destination: string, ip?: string, language: 'en' | 'sw' = 'en') =>
  requestSignInCode(deps(), { destination, language, ip });

function smsTo(phone: string): string[] {
  assert.ok(ctx.sms instanceof LocalSmsProvider, 'tests run on the local SMS gateway');
  return ctx.sms.sent.filter((s) => s.to === e164(phone)).map((s) => s.text);
}

/** The code in the last SMS this phone received. */
function smsCode(phone: string): string {
  const text = smsTo(phone).at(-1) ?? '';
  const code = /\b(\d{6})\b/.exec(text)?.[1];
  assert.ok(code, `an SMS with a code reached ${phone}: ${text}`);
  return code;
}

/** Requests a code by SMS and signs in with it. */
async function signInByPhone(phone: string) {
  await requestCode(phone);
  return verifySignInCode(deps(), { destination: phone, code: smsCode(phone) });
}

/** Asserts the promise fails with this AppError code and message key. */
async function refused(promise: Promise<unknown>, code: string, key: string): Promise<AppError> {
  let caught: unknown;
  await promise.catch((error: unknown) => {
    caught = error;
  });
  assert.ok(caught instanceof AppError, `expected an AppError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.key?.id, key, caught.message);
  return caught;
}

const GSM7 = /^[A-Za-z0-9 @£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà]*$/;

test('a code sent by SMS signs the citizen in, and My cases lists their cases across agencies, newest first', async () => {
  const phone = newPhone();
  const passport = await submitCase(ctx, { agencyCode: 'DIS', citizen: { name: 'Wanjiku', phone } });
  later(5);
  const tax = await submitCase(ctx, {
    agencyCode: 'KRA',
    description: 'My KRA PIN certificate shows the wrong name and the office will not correct it',
    citizen: { name: 'Wanjiku', phone: e164(phone) },
  });
  later(5);
  const report = await submitCase(ctx, {
    type: 'corruption_report',
    description: 'An officer at the registry asked me for kitu kidogo to release my documents',
    citizen: { name: 'Wanjiku', phone },
  });
  await submitCase(ctx, { citizen: { name: 'Someone else', phone: newPhone() } });

  const requested = await requestCode(phone, '198.51.100.1');
  assert.equal(requested.identity, `phone:${e164(phone)}`);
  assert.match(requested.maskedDestination, /^\+254 7•• ••• \d{3}$/);
  assert.ok(requested.maskedDestination.endsWith(e164(phone).slice(-3)));
  const [text] = smsTo(phone);
  assert.ok(text && text.length <= 160 && GSM7.test(text), `one GSM-7 SMS: ${text}`);

  const signedIn = await verifySignInCode(deps(), { destination: phone, code: smsCode(phone) });
  assert.equal(signedIn.identity, requested.identity);
  assert.match(signedIn.token, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(signedIn.expiresAt, new Date(ctx.clock.now.getTime() + 12 * 3_600_000));
  // Only a hash of the token is kept.
  const sessions = await ctx.database.db
    .selectFrom('citizenSessions')
    .selectAll()
    .where('identity', '=', signedIn.identity)
    .execute();
  assert.equal(sessions.length, 1);
  assert.ok(!JSON.stringify(sessions).includes(signedIn.token));

  const session = await findCitizenSession(deps(), signedIn.token);
  assert.deepEqual(session, { identity: signedIn.identity });
  const mine = await listCitizenCases(deps(), signedIn.identity, 'en');
  assert.deepEqual(
    mine.map((c) => c.reference),
    [report.reference, tax.reference, passport.reference],
  );
  assert.deepEqual(
    mine.map((c) => c.agency.code),
    [null, 'KRA', 'DIS'],
    'a sealed report does not name the body that holds it',
  );
  const sealed = mine[0];
  assert.ok(sealed);
  // A sealed report is listed with the summary and nothing more.
  assert.deepEqual(Object.keys(sealed).sort(), [
    'agency',
    'anonymous',
    'createdAt',
    'nextDueAt',
    'reference',
    'sealed',
    'status',
    'type',
    'updatedAt',
  ]);
  assert.equal(sealed.sealed, true);
  assert.equal(sealed.type, 'corruption_report');
  assert.equal(sealed.anonymous, false);
  assert.equal(sealed.status, 'new');

  const kra = ctx.reference.agency('KRA');
  assert.ok(kra?.nameSw, 'KRA has a Kiswahili name');
  const kiswahili = await listCitizenCases(deps(), signedIn.identity, 'sw');
  assert.equal(kiswahili[1]?.agency.name, kra.nameSw);
  assert.equal(mine[1]?.agency.name, kra.name);
});

test('an e-mail code reaches a real mail server, in Kiswahili when asked, and signs in to the cases sent with that address', async () => {
  const emailed = await submitCase(ctx, {
    citizen: { name: 'Akinyi Otieno', email: 'Akinyi.Otieno@Example.org' },
  });
  const before = smtp.received.length;
  const requested = await requestCode('  AKINYI.otieno@example.ORG ', '198.51.100.2', 'sw');
  assert.equal(requested.identity, 'email:akinyi.otieno@example.org');
  assert.equal(requested.maskedDestination, 'a•••@example.org');
  assert.equal(smtp.received.length, before + 1);
  const mail = smtp.received.at(-1);
  assert.deepEqual(mail?.to, ['akinyi.otieno@example.org']);
  assert.match(mail?.text ?? '', /Subject: Msimbo wako wa kuingia Baraza/);
  assert.match(mail?.text ?? '', /Msimbo wako wa kuingia Baraza ni:/);
  const code = /^ {4}(\d{6})$/m.exec(mail?.text ?? '')?.[1];
  assert.ok(code, 'the e-mail carries the code');

  const message = await ctx.database.db
    .selectFrom('outboundMessages')
    .selectAll()
    .where('recipient', '=', 'akinyi.otieno@example.org')
    .executeTakeFirstOrThrow();
  assert.equal(message.status, 'sent');
  assert.equal(message.purpose, 'sign_in_code');
  assert.equal(message.provider, 'smtp');

  const signedIn = await verifySignInCode(deps(), { destination: 'akinyi.otieno@example.org', code });
  const mine = await listCitizenCases(deps(), signedIn.identity, 'sw');
  assert.deepEqual(
    mine.map((c) => c.reference),
    [emailed.reference],
  );
});

test('a code works for ten minutes and no longer', async () => {
  const phone = newPhone();
  await requestCode(phone);
  later(9.9);
  await verifySignInCode(deps(), { destination: phone, code: smsCode(phone) });

  await requestCode(phone);
  later(10);
  const error = await refused(
    verifySignInCode(deps(), { destination: phone, code: smsCode(phone) }),
    'unauthenticated',
    'signIn.errors.expired',
  );
  assert.deepEqual(error.details, [{ field: 'code', problem: 'expired' }]);
});

test('a fourth code within fifteen minutes is refused with the minutes to wait; a new code replaces the earlier ones', async () => {
  const phone = newPhone();
  await requestCode(phone);
  const first = smsCode(phone);
  later(1);
  await requestCode(phone);
  later(1);
  await requestCode(phone);
  const third = smsCode(phone);
  later(1);
  const error = await refused(requestCode(phone), 'rate_limited', 'signIn.errors.rate_limited');
  assert.deepEqual(error.details, { retryAfterMinutes: 12 });
  assert.equal(error.key?.values?.minutes, 12);
  assert.equal(smsTo(phone).length, 3, 'no SMS for the refused request');
  assert.match(translator('en')(error.key?.id ?? '', error.key?.values), /wait 12 minutes/);
  assert.match(translator('sw')(error.key?.id ?? '', error.key?.values), /subiri dakika 12/);

  // The first code was replaced by the later ones (unless the six digits happen to repeat).
  if (first !== third) {
    await refused(
      verifySignInCode(deps(), { destination: phone, code: first }),
      'unauthenticated',
      'signIn.errors.wrong_code',
    );
  }
  later(12);
  await requestCode(phone);
  await verifySignInCode(deps(), { destination: phone, code: smsCode(phone) });
});

test('five requests for codes at the same moment send three', async () => {
  const phone = newPhone();
  const results = await Promise.allSettled(Array.from({ length: 5 }, () => requestCode(phone)));
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
  for (const r of results) {
    if (r.status === 'rejected') assert.equal((r.reason as AppError).code, 'rate_limited');
  }
  assert.equal(smsTo(phone).length, 3);
  // One code is left live, the last one served; the SMS may have gone out in another order.
  const live = await ctx.database.db
    .selectFrom('citizenLoginCodes')
    .select('id')
    .where('identity', '=', `phone:${e164(phone)}`)
    .where('expiresAt', '>', ctx.clock.now)
    .execute();
  assert.equal(live.length, 1);
  // The outbox forgot the codes once they went: which SMS holds the live one is found by trying them.
  const stored = await ctx.database.db
    .selectFrom('outboundMessages')
    .select('body')
    .where('purpose', '=', 'sign_in_code')
    .where('recipient', '=', e164(phone))
    .execute();
  assert.deepEqual(
    stored.map((m) => m.body),
    ['', '', ''],
  );
  let accepted = 0;
  for (const text of smsTo(phone)) {
    const code = /\b(\d{6})\b/.exec(text)?.[1] ?? '';
    const outcome = await verifySignInCode(deps(), { destination: phone, code }).then(
      () => 'accepted',
      (error: AppError) => error.code,
    );
    if (outcome === 'accepted') accepted += 1;
  }
  assert.equal(accepted, 1);
});

test('one address may ask for ten codes an hour, whatever the numbers', async () => {
  const ip = '203.0.113.77';
  for (let i = 0; i < 10; i++) await requestCode(newPhone(), ip);
  await refused(requestCode(newPhone(), ip), 'rate_limited', 'signIn.errors.rate_limited');
  await requestCode(newPhone(), '203.0.113.78');
  later(61);
  await requestCode(newPhone(), ip);
});

test('five wrong codes lock the code, counting guesses made at the same time, and then even the right code fails', async () => {
  const phone = newPhone();
  await requestCode(phone);
  const code = smsCode(phone);
  const wrong = code === '000000' ? '111111' : '000000';
  const guess = (c: string) => verifySignInCode(deps(), { destination: phone, code: c });

  // Two wrong guesses at once both count.
  const results = await Promise.allSettled([guess(wrong), guess(wrong)]);
  assert.ok(results.every((r) => r.status === 'rejected'));
  const left = results.map((r) => (r.status === 'rejected' ? (r.reason as AppError).key?.values?.count : -1));
  assert.deepEqual(left.sort(), [3, 4]);

  const third = await refused(guess(wrong), 'unauthenticated', 'signIn.errors.wrong_code');
  assert.equal(third.key?.values?.count, 2);
  await refused(guess(wrong), 'unauthenticated', 'signIn.errors.wrong_code');
  await refused(guess(wrong), 'locked', 'signIn.errors.locked');
  await refused(guess(code), 'locked', 'signIn.errors.locked');
  const stored = await ctx.database.db
    .selectFrom('citizenLoginCodes')
    .select(['failedAttempts', 'usedAt'])
    .where('identity', '=', `phone:${e164(phone)}`)
    .executeTakeFirstOrThrow();
  assert.deepEqual(stored, { failedAttempts: 5, usedAt: null });
});

test('a code signs in once; the second use fails', async () => {
  const phone = newPhone();
  await requestCode(phone);
  const code = smsCode(phone);
  await verifySignInCode(deps(), { destination: phone, code });
  await refused(
    verifySignInCode(deps(), { destination: phone, code }),
    'unauthenticated',
    'signIn.errors.no_code',
  );
  // The same number typed another way is the same citizen.
  await refused(
    verifySignInCode(deps(), { destination: e164(phone), code }),
    'unauthenticated',
    'signIn.errors.no_code',
  );
});

test('a session ends after twenty idle minutes, lasts at most twelve hours however busy, and ends on sign-out', async () => {
  const idle = await signInByPhone(newPhone());
  later(19);
  assert.ok(await findCitizenSession(deps(), idle.token), 'alive after 19 quiet minutes');
  later(19);
  assert.ok(await findCitizenSession(deps(), idle.token), 'being seen kept it alive');
  later(21);
  assert.equal(await findCitizenSession(deps(), idle.token), null);
  later(-21);
  assert.equal(await findCitizenSession(deps(), idle.token), null, 'an ended session stays ended');

  const busy = await signInByPhone(newPhone());
  for (let minutes = 15; minutes < 12 * 60; minutes += 15) {
    later(15);
    assert.ok(await findCitizenSession(deps(), busy.token), `alive at ${minutes} minutes`);
  }
  later(15);
  assert.equal(await findCitizenSession(deps(), busy.token), null, 'over twelve hours');

  const leaving = await signInByPhone(newPhone());
  await endCitizenSession(deps(), leaving.token);
  assert.equal(await findCitizenSession(deps(), leaving.token), null);
  assert.equal(await findCitizenSession(deps(), 'not a token'), null);
});

test('claiming an anonymous case with its reference and PIN adds it to My cases; a wrong PIN gets the same answer as an unknown reference', async () => {
  const anonymous = await submitCase(ctx, {
    anonymous: true,
    citizen: undefined,
    description: 'The water kiosk in our estate has been closed for a month',
  });
  const signedIn = await signInByPhone(newPhone());
  const caseRow = await ctx.database.db
    .selectFrom('cases')
    .select(['id', 'citizenId', 'updatedAt'])
    .where('reference', '=', anonymous.reference)
    .executeTakeFirstOrThrow();
  const eventsBefore = await ctx.database.db
    .selectFrom('events')
    .select('seq')
    .where('caseId', '=', caseRow.id)
    .execute();

  const wrongPin = anonymous.pin === '000000' ? '111111' : '000000';
  const byPin = await refused(
    claimCase(deps(), signedIn.identity, { reference: anonymous.reference, pin: wrongPin }),
    'forbidden',
    'proof_mismatch',
  );
  let unknown = generateReference();
  while (unknown === anonymous.reference) unknown = generateReference();
  const byReference = await refused(
    claimCase(deps(), signedIn.identity, { reference: unknown, pin: anonymous.pin }),
    'forbidden',
    'proof_mismatch',
  );
  assert.equal(byPin.message, byReference.message);
  assert.deepEqual(byPin.details, byReference.details);
  assert.deepEqual(await listCitizenCases(deps(), signedIn.identity, 'en'), []);

  const claimed = await claimCase(deps(), signedIn.identity, {
    reference: `${anonymous.reference.slice(0, 4)}-${anonymous.reference.slice(4, 8)}-${anonymous.reference.slice(8)}`,
    pin: anonymous.pin,
  });
  assert.deepEqual(claimed, { reference: anonymous.reference });
  await claimCase(deps(), signedIn.identity, anonymous);
  const mine = await listCitizenCases(deps(), signedIn.identity, 'en');
  assert.deepEqual(
    mine.map((c) => [c.reference, c.anonymous]),
    [[anonymous.reference, true]],
  );

  // The claim is the citizen's alone: the case and its history are as they were.
  const after = await ctx.database.db
    .selectFrom('cases')
    .select(['id', 'citizenId', 'updatedAt'])
    .where('id', '=', caseRow.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(after, caseRow);
  const eventsAfter = await ctx.database.db
    .selectFrom('events')
    .select('seq')
    .where('caseId', '=', caseRow.id)
    .execute();
  assert.deepEqual(eventsAfter, eventsBefore);
});

test("a citizen never sees another citizen's cases, not even by giving their own e-mail with someone else's phone", async () => {
  const alicePhone = newPhone();
  const bobPhone = newPhone();
  const alices = await submitCase(ctx, { citizen: { name: 'Alice', phone: alicePhone } });
  const bobs = await submitCase(ctx, { citizen: { name: 'Bob', phone: bobPhone } });
  // Mallory types Alice's number and her own address; the citizen row for Alice's phone then
  // carries Mallory's address.
  const mallorys = await submitCase(ctx, {
    citizen: { name: 'Mallory', phone: alicePhone, email: 'mallory@example.org' },
  });

  const aliceRow = await ctx.database.db
    .selectFrom('citizens')
    .select('email')
    .where('phone', '=', e164(alicePhone))
    .executeTakeFirstOrThrow();
  assert.equal(aliceRow.email, 'mallory@example.org', 'the premise: the row took the address');

  const alice = await signInByPhone(alicePhone);
  const bob = await signInByPhone(bobPhone);
  await requestCode('mallory@example.org');
  const mailed = /^ {4}(\d{6})$/m.exec(smtp.received.at(-1)?.text ?? '')?.[1] ?? '';
  const mallory = await verifySignInCode(deps(), { destination: 'mallory@example.org', code: mailed });

  const listed = async (identity: CitizenIdentity) =>
    (await listCitizenCases(deps(), identity, 'en')).map((c) => c.reference);
  assert.deepEqual(await listed(alice.identity), [mallorys.reference, alices.reference]);
  assert.deepEqual(await listed(bob.identity), [bobs.reference]);
  assert.deepEqual(await listed(mallory.identity), []);
});

test('a destination that is neither a mobile number nor an e-mail address gets an error that says so', async () => {
  const cases: [string, string][] = [
    ['', 'signIn.errors.destination'],
    ['hello', 'signIn.errors.destination'],
    ['12345', 'signIn.errors.destination'],
    ['07123456789', 'signIn.errors.destination'],
    ['jane@', 'signIn.errors.destination'],
    ['jane@example', 'signIn.errors.destination'],
    ['jane doe@example.org', 'signIn.errors.destination'],
    // A landline cannot receive the code.
    ['020 321 4000', 'signIn.errors.not_mobile'],
  ];
  for (const [destination, key] of cases) {
    const error = await refused(requestCode(destination), 'invalid_input', key);
    assert.equal((error.details as { field: string }[])[0]?.field, 'destination', destination);
  }
  await refused(
    verifySignInCode(deps(), { destination: newPhone(), code: '12ab56' }),
    'invalid_input',
    'signIn.errors.code_format',
  );
  // Asking for a code says nothing about whether the number has cases: the answer has the same shape.
  const nobody = await requestCode(newPhone());
  assert.deepEqual(Object.keys(nobody).sort(), ['identity', 'maskedDestination']);
});

test('every sign-in message reads in English and Kiswahili, and the SMS fits one GSM-7 message in both', () => {
  const keys = (tree: object, prefix: string): string[] =>
    Object.entries(tree).flatMap(([k, v]) =>
      typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
    );
  assert.deepEqual(keys(sw.signIn, 'signIn.').sort(), keys(en.signIn, 'signIn.').sort());
  const values = { code: '482913', minutes: 10, count: 12 };
  for (const language of ['en', 'sw'] as const) {
    const t = translator(language);
    for (const key of keys(en.signIn, 'signIn.')) {
      const text = t(key.replace(/_(one|other)$/, ''), values);
      assert.ok(!text.includes('{{') && !text.startsWith('signIn.'), `${language} ${key}: ${text}`);
    }
    const sms = t('signIn.sms', values);
    assert.ok(sms.length <= 160 && GSM7.test(sms), `${language}: ${sms.length} characters`);
  }
});

test('My cases reads cases through their indexes, never the whole table', async () => {
  for (const identity of ['phone:+254733000001', 'email:someone@example.org'] as const) {
    const query = selectCitizenCases(ctx.database.db, identity).compile();
    const plan = await ctx.database.db.transaction().execute(async (trx) => {
      // The test database is small enough that a sequential scan would win on cost; forbid it to
      // see whether an index path exists at all.
      await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      const explained = await trx.executeQuery<{ 'QUERY PLAN': string }>({
        ...query,
        sql: `EXPLAIN ${query.sql}`,
      });
      return explained.rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    assert.doesNotMatch(plan, /Seq Scan/, plan);
    assert.match(plan, /cases_citizen_idx/, plan);
    assert.match(plan, identity.startsWith('phone') ? /citizens_phone_key/ : /citizens_email_idx/, plan);
  }
});
