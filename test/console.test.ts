import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as OTPAuth from 'otpauth';
import { SYSTEM_ACTOR } from '../src/core/events/append-events.ts';
import { createStaffUser } from '../src/core/staff/create-staff-user.ts';
import type { StaffRole } from '../src/db/schema.ts';
import { consoleClient } from './helpers/console.ts';
import { createTestContext, signedInStaff, TEST_PASSWORD, type TestContext } from './helpers/context.ts';
import { submitCase } from './helpers/factories.ts';

/*
 * The staff console over HTTP (the browser walk-through is in console.browser.test.ts): sign-in
 * with a second factor, queues, the case page and its actions, and who may see what.
 */

describe('staff console', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  /** A staff account, not signed in: its e-mail address (the password is TEST_PASSWORD). */
  async function newStaff(role: StaffRole, agencyCode: string, name: string): Promise<string> {
    const email = `${role}.${Date.now()}.${Math.random().toString(36).slice(2, 6)}@${agencyCode.toLowerCase()}.go.ke`;
    const deps = { db: ctx.database.db, reference: ctx.reference, now: () => ctx.clock.now };
    await createStaffUser(deps, SYSTEM_ACTOR, { email, name, role, agencyCode, password: TEST_PASSWORD });
    return email;
  }

  const { page, post } = consoleClient(() => ctx);

  test('a page asked for while signed out leads to sign-in, and back to it after', async () => {
    const away = await ctx.app.inject({ url: '/console/queue?view=mine' });
    assert.equal(away.statusCode, 303);
    assert.equal(
      away.headers.location,
      `/console/sign-in?next=${encodeURIComponent('/console/queue?view=mine')}`,
    );
    const email = await newStaff('officer', 'DIS', 'Otieno Officer');
    const wrong = await post('/console/sign-in', { email, password: 'not the password' });
    assert.equal(wrong.statusCode, 401);
    assert.match(wrong.body, /The e-mail address, password or authenticator code is not right/);
    assert.ok(wrong.body.includes(`value="${email}"`), 'the e-mail address is kept');
    const signed = await post('/console/sign-in', {
      email,
      password: TEST_PASSWORD,
      next: '/console/queue?view=mine',
    });
    assert.equal(signed.statusCode, 303);
    assert.equal(signed.headers.location, '/console/queue?view=mine');
    const cookie = `baraza_session=${signed.cookies.find((c) => c.name === 'baraza_session')?.value}`;
    assert.equal((await page('/console/queue?view=mine', cookie)).statusCode, 200);
    const out = await post('/console/sign-out-everywhere', {}, cookie);
    assert.equal(out.headers.location, '/console/sign-in?everywhere=1');
    assert.match(
      (await page('/console/sign-in?everywhere=1', '')).body,
      /You are signed out on every device/,
    );
    // A form sent after the session ended leads to sign-in, and back to the case after.
    const late = await post('/console/cases/23456789012/note', { message: 'hello' }, cookie);
    assert.equal(late.statusCode, 303);
    assert.equal(
      late.headers.location,
      `/console/sign-in?next=${encodeURIComponent('/console/cases/23456789012')}&expired=1`,
    );
    const elsewhere = await post('/console/sign-in', {
      email,
      password: TEST_PASSWORD,
      next: 'https://evil.example/',
    });
    assert.equal(elsewhere.headers.location, '/console', 'the sign-in page sends nobody off the console');
  });

  test('an administrator must set up a second factor before anything else, then signs in with it', async () => {
    const email = await newStaff('agency_admin', 'KRA', 'Akinyi Admin');
    const first = await post('/console/sign-in', { email, password: TEST_PASSWORD });
    assert.equal(first.headers.location, '/console/enrol');
    const cookie = `baraza_session=${first.cookies.find((c) => c.name === 'baraza_session')?.value}`;
    const queue = await page('/console/queue', cookie);
    assert.equal(queue.statusCode, 303);
    assert.equal(queue.headers.location, '/console/enrol');
    const enrol = await page('/console/enrol', cookie);
    const secret = /<code>([A-Z2-7]+)<\/code>/.exec(enrol.body)?.[1] as string;
    assert.ok(secret, 'the key to type into the app is shown');
    const bad = await post('/console/enrol', { code: '000000' }, cookie);
    assert.equal(bad.statusCode, 400);
    const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate();
    const done = await post('/console/enrol', { code }, cookie);
    assert.equal(done.headers.location, '/console');
    assert.equal((await page('/console/queue', cookie)).statusCode, 200);
    // From now on the password alone is not enough.
    const noCode = await post('/console/sign-in', { email, password: TEST_PASSWORD });
    assert.equal(noCode.statusCode, 401);
    assert.match(noCode.body, /Enter the 6-digit code from your authenticator app/);
    const withCode = await post('/console/sign-in', {
      email,
      password: TEST_PASSWORD,
      totpCode: new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate(),
    });
    assert.equal(withCode.statusCode, 303);
  });

  test("the queue lists the agency's open cases by next due time with counts, and filters refuse unknown values", async () => {
    const officer = await signedInStaff(ctx, 'officer', 'DIS');
    const urgent = await submitCase(ctx, {
      description: 'A child at risk at the Nyayo House queue, please help',
      agencyCode: 'DIS',
    });
    const other = await submitCase(ctx, { description: 'KRA refund delayed', agencyCode: 'KRA' });
    const queue = await page('/console/queue?view=open', officer.cookie);
    assert.equal(queue.statusCode, 200);
    assert.ok(queue.body.includes(`/console/cases/${urgent.reference}`));
    assert.ok(
      !queue.body.includes(`/console/cases/${other.reference}`),
      "another agency's case is not listed",
    );
    assert.match(queue.body, /data-count="open">\d+</);
    const filtered = await page(`/console/queue?view=open&q=${urgent.reference}`, officer.cookie);
    assert.ok(filtered.body.includes(`/console/cases/${urgent.reference}`));
    const bad = await page('/console/queue?view=open&priority=P9', officer.cookie);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /&quot;P9&quot; is not a value this filter knows/);
    const counts = await page('/console/counts', officer.cookie);
    assert.equal(typeof counts.json().open, 'number');
  });

  test('search finds cases by the starts of their words in any order, in English or Kiswahili', async () => {
    const officer = await signedInStaff(ctx, 'officer', 'DIS');
    const tag = `zx${Date.now().toString(36)}`;
    const english = await submitCase(ctx, {
      description: `My passport (${tag}) has waited at Nyayo House since March`,
    });
    const swahili = await submitCase(ctx, {
      description: `Pasipoti yangu (${tag}) haijatoka tangu mwezi wa tatu, Nyayo House`,
    });
    const found = async (q: string) => {
      const shown = await page(`/console/queue?view=open&q=${encodeURIComponent(q)}`, officer.cookie);
      assert.equal(shown.statusCode, 200, q);
      return [english, swahili].filter((k) => shown.body.includes(`/console/cases/${k.reference}`));
    };
    assert.deepEqual(await found(`nyayo ${tag} passp`), [english], 'any order, a word begun');
    assert.deepEqual(await found(`${tag} PASIPOTI`), [swahili], 'any case of letters');
    assert.deepEqual(await found(`${tag} nyayo`), [english, swahili]);
    assert.deepEqual(await found(`${tag} refund`), [], 'every word must be there');
    // Characters that mean something to the search syntax are only separators here.
    assert.deepEqual(await found(`${tag} & !passport | :* (`), [english]);
  });

  test("a saved view keeps a queue's filters under a name, for its owner only", async () => {
    const officer = await signedInStaff(ctx, 'officer', 'DIS');
    const colleague = await signedInStaff(ctx, 'officer', 'DIS');
    const saved = await post(
      '/console/views',
      { name: 'Urgent in Nairobi', query: 'view=open&priority=P1&county=47&cursor=abc&evil=1' },
      officer.cookie,
    );
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, '/console/queue?view=open&priority=P1&county=47&cursor=abc&evil=1');
    const queue = await page('/console/queue?view=open', officer.cookie);
    assert.match(
      queue.body,
      /<a href="\/console\/queue\?view=open&amp;priority=P1&amp;county=47" >Urgent in Nairobi<\/a>/,
    );
    assert.doesNotMatch((await page('/console/queue?view=open', colleague.cookie)).body, /Urgent in Nairobi/);
    const unnamed = await post('/console/views', { name: ' ', query: 'view=open' }, officer.cookie);
    assert.equal(unnamed.headers.location, '/console/queue?view=open&saveError=name');
    const said = await page(unnamed.headers.location as string, officer.cookie);
    assert.equal(said.statusCode, 400);
    assert.match(said.body, /Give the view a name of 2 to 60 characters/);
    const id = /action="\/console\/views\/([0-9a-f-]{36})\/delete"/.exec(queue.body)?.[1] as string;
    assert.equal((await post(`/console/views/${id}/delete`, {}, colleague.cookie)).statusCode, 404);
    const gone = await post(
      `/console/views/${id}/delete`,
      { back: '/console/queue?view=mine' },
      officer.cookie,
    );
    assert.equal(gone.headers.location, '/console/queue?view=mine');
    assert.doesNotMatch((await page('/console/queue?view=open', officer.cookie)).body, /Urgent in Nairobi/);
  });

  test('an officer takes a case, asks the citizen, responds and resolves it; the citizen sees the public part only', async () => {
    const officer = await signedInStaff(ctx, 'officer', 'DIS');
    const kase = await submitCase(ctx);
    const path = `/console/cases/${kase.reference}`;
    const view = await page(path, officer.cookie);
    assert.equal(view.statusCode, 200);
    assert.match(view.body, /\+2547•• ••• 678/, 'the phone number is masked');
    assert.ok(!view.body.includes('+254712345678'));
    const claimed = await post(`${path}/claim`, {}, officer.cookie);
    assert.equal(claimed.headers.location, `${path}?done=claim`);
    assert.match((await page(`${path}?done=claim`, officer.cookie)).body, /You have the case\./);
    const empty = await post(`${path}/request-info`, { message: '' }, officer.cookie);
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Write the message/);
    await post(
      `${path}/request-info`,
      { message: 'Please send your application receipt number.' },
      officer.cookie,
    );
    await post(
      `${path}/note`,
      { message: 'Checked the file at counter 4; receipt missing.' },
      officer.cookie,
    );
    await post(`${path}/respond`, { message: 'We have found your file.' }, officer.cookie);
    const resolved = await post(
      `${path}/status`,
      { status: 'resolved', message: 'Collect your passport at counter 4.' },
      officer.cookie,
    );
    assert.equal(resolved.statusCode, 303);
    const after = await page(path, officer.cookie);
    assert.match(after.body, /Internal – staff only/);
    assert.match(after.body, /Checked the file at counter 4/);
    const shown = await post(`${path}/contact`, {}, officer.cookie);
    assert.ok(shown.body.includes('+254712345678'), 'shown in full when asked');
    const citizen = await ctx.app.inject({
      url: `/api/v1/cases/${kase.reference}`,
      headers: { 'x-tracking-pin': kase.pin },
    });
    const seen = JSON.stringify(citizen.json());
    assert.equal(citizen.json().status, 'resolved');
    assert.ok(seen.includes('Collect your passport at counter 4.'));
    assert.ok(!seen.includes('receipt missing'), 'the internal note stays internal');
  });

  test("staff of one agency cannot open another agency's case by its address, nor act on it", async () => {
    const kra = await signedInStaff(ctx, 'officer', 'KRA');
    const kase = await submitCase(ctx, { agencyCode: 'DIS' });
    const view = await page(`/console/cases/${kase.reference}`, kra.cookie);
    assert.equal(view.statusCode, 404);
    assert.ok(!view.body.includes('passport'));
    const act = await post(
      `/console/cases/${kase.reference}/respond`,
      { message: 'Hello from KRA' },
      kra.cookie,
    );
    assert.equal(act.statusCode, 404);
    const sysadmin = await signedInStaff(ctx, 'sysadmin');
    assert.equal((await page(`/console/cases/${kase.reference}`, sysadmin.cookie)).statusCode, 303);
  });

  test('a description with HTML or script is shown as text', async () => {
    const officer = await signedInStaff(ctx, 'officer', 'DIS');
    const kase = await submitCase(ctx, {
      description: '<script>alert("x")</script><img src=x onerror=alert(1)> my passport is late',
    });
    const view = await page(`/console/cases/${kase.reference}`, officer.cookie);
    assert.ok(!view.body.includes('<script>alert'));
    assert.ok(!view.body.includes('<img src=x'));
    assert.match(view.body, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
    const queue = await page(`/console/queue?view=open&q=${kase.reference}`, officer.cookie);
    assert.ok(!queue.body.includes('<script>alert'));
  });

  test('a clearing-house user routes a misdirected case to the agency triage suggests', async () => {
    const clearing = await signedInStaff(ctx, 'clearing_house', 'CLR');
    // Sent to the clearing house, as a caller who does not know whose it is would be.
    const kase = await submitCase(ctx, {
      agencyCode: 'CLR',
      description: 'Nobody is answering about my passport application at Nyayo House',
    });
    assert.equal(kase.agency.code, 'CLR');
    const view = await page(`/console/cases/${kase.reference}`, clearing.cookie);
    assert.match(view.body, /Route to the right agency/);
    const routed = await post(
      `/console/cases/${kase.reference}/route`,
      { agencyCode: 'DIS', reason: 'Passport matter' },
      clearing.cookie,
    );
    assert.equal(routed.statusCode, 303);
    // The case has left the clearing house: its page is no longer theirs, so back to the queue.
    assert.equal(routed.headers.location, `/console/queue?moved=${kase.reference}`);
    assert.match(
      (await page(routed.headers.location, clearing.cookie)).body,
      /is now with the agency you chose/,
    );
    const moved = await ctx.database.db
      .selectFrom('cases')
      .innerJoin('agencies', 'agencies.id', 'cases.agencyId')
      .select('agencies.code')
      .where('reference', '=', kase.reference)
      .executeTakeFirstOrThrow();
    assert.equal(moved.code, 'DIS');
  });
});

describe('contact-centre desk', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  const { page, post } = consoleClient(() => ctx);

  test('an agent answers a new caller on the call, and the case is recorded as resolved at first contact', async () => {
    const agent = await signedInStaff(ctx, 'agent', 'DIS');
    const looked = await page('/console/desk?phone=0733%20111%20222', agent.cookie);
    assert.equal(looked.statusCode, 200);
    assert.match(looked.body, /Caller \+254733111222/);
    assert.match(looked.body, /A new caller/);
    const key = /name="key" value="([0-9a-f-]{36})"/.exec(looked.body)?.[1] as string;
    const fields = {
      key,
      phone: '+254733111222',
      name: 'Mutua',
      language: 'sw',
      type: 'inquiry',
      description: 'Ninawezaje kufuatilia ombi langu la pasipoti?',
      agencyCode: 'DIS',
      county: '',
      answer: 'Tuma ujumbe PASSPORT kwa 20202 au tembelea Nyayo House ukiwa na risiti.',
      action: 'create',
    };
    const taken = await post('/console/desk/cases', fields, agent.cookie);
    assert.equal(taken.statusCode, 303);
    const reference = new URL(taken.headers.location as string, 'http://x').searchParams.get('ref') as string;
    // The same form sent twice makes one case and logs one call.
    await post('/console/desk/cases', fields, agent.cookie);
    const kase = await ctx.database.db
      .selectFrom('cases')
      .select(['id', 'channel', 'status', 'language'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      { channel: kase.channel, status: kase.status, language: kase.language },
      { channel: 'phone', status: 'resolved', language: 'sw' },
    );
    const calls = await ctx.database.db
      .selectFrom('calls')
      .selectAll()
      .where('caseId', '=', kase.id)
      .execute();
    assert.deepEqual(
      calls.map((c) => [c.outcome, c.phone]),
      [['resolved_first_contact', '+254733111222']],
    );
    const after = await page(`/console/desk?done=resolved&ref=${reference}`, agent.cookie);
    assert.match(after.body, /was taken and resolved on the call/);
    assert.match(after.body, /1 calls, 1 answered on the call \(100%\), 1 cases taken/);
    // And day by day, for the last two weeks (Nairobi days).
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Nairobi' }).format(ctx.clock.now);
    assert.match(after.body, new RegExp(`<th scope="row">${today}</th><td>1</td><td>1 \\(100%\\)</td>`));
  });

  test("a returning caller is recognised with their cases; other agencies' cases are only counted", async () => {
    const agent = await signedInStaff(ctx, 'agent', 'DIS');
    const dis = await submitCase(ctx, { citizen: { name: 'Njeri', phone: '0744555666' }, agencyCode: 'DIS' });
    await submitCase(ctx, {
      citizen: { name: 'Njeri', phone: '0744555666' },
      agencyCode: 'KRA',
      description: 'KRA refund',
    });
    const looked = await page('/console/desk?phone=%2B254744555666', agent.cookie);
    assert.match(looked.body, /Njeri/);
    assert.ok(looked.body.includes(`/console/cases/${dis.reference}`));
    assert.match(looked.body, /1 more case\(s\) with other agencies or sealed/);
    const logged = await post(
      '/console/desk/calls',
      { phone: '+254744555666', outcome: 'existing_case', note: 'Asked about progress' },
      agent.cookie,
    );
    assert.equal(logged.statusCode, 303);
    const missing = await post('/console/desk/calls', { phone: '+254744555666' }, agent.cookie);
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /Choose how the call ended/);
    const [call] = await ctx.database.db
      .selectFrom('calls')
      .select(['outcome', 'note', 'citizenId'])
      .where('phone', '=', '+254744555666')
      .execute();
    assert.equal(call?.outcome, 'existing_case');
    assert.equal(call?.note, 'Asked about progress');
    assert.ok(call?.citizenId);
  });

  test('a case for another agency is taken but not resolved on the call; triage suggests the agency first', async () => {
    const agent = await signedInStaff(ctx, 'agent', 'DIS');
    const description = 'My KRA PIN certificate shows the wrong name and I cannot file my returns';
    const suggested = await post(
      '/console/desk/cases',
      { phone: '', language: 'en', description, action: 'suggest', key: '' },
      agent.cookie,
    );
    assert.equal(suggested.statusCode, 200);
    assert.match(suggested.body, /Triage suggests Kenya Revenue Authority/);
    assert.match(suggested.body, /<option value="KRA" selected>/);
    const taken = await post(
      '/console/desk/cases',
      {
        key: '',
        phone: '',
        language: 'en',
        description,
        agencyCode: 'KRA',
        answer: 'Visit iTax',
        action: 'create',
      },
      agent.cookie,
    );
    const reference = new URL(taken.headers.location as string, 'http://x').searchParams.get('ref');
    assert.equal(new URL(taken.headers.location as string, 'http://x').searchParams.get('done'), 'case');
    const kase = await ctx.database.db
      .selectFrom('cases')
      .select(['status'])
      .where('reference', '=', reference as string)
      .executeTakeFirstOrThrow();
    assert.equal(kase.status, 'new', "another agency's case is left for that agency");
  });

  test('a wrong phone number is refused with a clear message, and roles without a desk are turned away', async () => {
    const agent = await signedInStaff(ctx, 'agent', 'DIS');
    const wrong = await page('/console/desk?phone=12ab', agent.cookie);
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /That is not a phone number/);
    const oversight = await signedInStaff(ctx, 'oversight', 'EACC');
    assert.equal((await page('/console/desk', oversight.cookie)).statusCode, 403);
  });
});
