import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { consoleClient } from './helpers/console.ts';
import { createTestContext, signedInStaff, type TestContext } from './helpers/context.ts';
import { clearingHouseCase, submitCase } from './helpers/factories.ts';

/*
 * The case page's working tools over HTTP: response templates with placeholders and a preview,
 * @mentions in internal notes, merging duplicates, and referral to an agency not on Baraza.
 */
describe('console case work', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  const { page, post } = consoleClient(() => ctx);
  const publicTimeline = async (kase: { reference: string; pin: string }) => {
    const seen = await ctx.app.inject({
      url: `/api/v1/cases/${kase.reference}`,
      headers: { 'x-tracking-pin': kase.pin },
    });
    return JSON.stringify(seen.json());
  };

  test("a template fills in the case's placeholders in the citizen's language, is previewed, then sent", async () => {
    const officer = await signedInStaff(ctx, 'officer', 'DIS');
    const kase = await submitCase(ctx, {
      language: 'sw',
      citizen: { name: 'Halima Said', phone: '0712000111' },
    });
    const path = `/console/cases/${kase.reference}`;
    const shown = await page(path, officer.cookie);
    const template = /<option value="([0-9a-f-]{36})">Received, working on it<\/option>/.exec(
      shown.body,
    )?.[1];
    assert.ok(template, 'the national templates are offered');
    const used = await page(`${path}?template=${template}`, officer.cookie);
    assert.equal(used.statusCode, 200);
    const filled = /<textarea id="f-respond-message"[^>]*>([^<]*)<\/textarea>/.exec(used.body)?.[1] ?? '';
    assert.match(filled, /^Mpendwa Halima Said, asante kwa kuwasiliana na /, "in the citizen's language");
    const formatted = kase.reference.replace(/^(\d{4})(\d{4})(\d{3})$/, '$1-$2-$3');
    assert.ok(filled.includes(`kesi ${formatted}`), filled);
    assert.doesNotMatch(filled, /\{\{/, 'every placeholder is filled');

    // Typed placeholders are filled too; "Preview" shows the words and sends nothing.
    const message = 'Dear {{citizen_name}}, your case {{reference}} is with {{agency}}.';
    const previewed = await post(`${path}/respond`, { message, preview: '1' }, officer.cookie);
    assert.equal(previewed.statusCode, 200);
    assert.match(previewed.body, /What the citizen will read/);
    assert.match(previewed.body, /Dear Halima Said, your case .+ is with /);
    assert.ok(!(await publicTimeline(kase)).includes('Dear Halima Said'), 'nothing sent by a preview');

    const sent = await post(`${path}/respond`, { message }, officer.cookie);
    assert.equal(sent.statusCode, 303);
    const timeline = await publicTimeline(kase);
    assert.ok(timeline.includes('Dear Halima Said, your case'), timeline);
    assert.ok(!timeline.includes('{{'), 'the citizen never sees a placeholder');

    const unknown = await page(`${path}?template=00000000-0000-0000-0000-000000000000`, officer.cookie);
    assert.equal(unknown.statusCode, 404);
  });

  test('a note that mentions a colleague tells them, and cannot reach anyone outside the case', async () => {
    const officer = await signedInStaff(ctx, 'officer', 'DIS');
    const colleague = await signedInStaff(ctx, 'supervisor', 'DIS');
    const outsider = await signedInStaff(ctx, 'officer', 'KRA');
    const kase = await submitCase(ctx);
    const path = `/console/cases/${kase.reference}`;
    const handle = (email: string) => email.slice(0, email.indexOf('@'));
    const noted = await post(
      `${path}/note`,
      { message: `@${handle(colleague.email)} please check the file. cc @${handle(outsider.email)}.` },
      officer.cookie,
    );
    assert.equal(noted.statusCode, 303);
    const told = await ctx.database.db
      .selectFrom('staffNotifications')
      .select(['userId', 'kind'])
      .where('kind', '=', 'mentioned')
      .where('userId', 'in', [colleague.id, outsider.id])
      .execute();
    assert.deepEqual(told, [{ userId: colleague.id, kind: 'mentioned' }]);
    const after = await page(path, officer.cookie);
    assert.match(after.body, /Told: supervisor of DIS/);
    const inbox = await page('/console/notifications', colleague.cookie);
    assert.equal(inbox.statusCode, 200);
    assert.ok(inbox.body.includes(`/console/cases/${kase.reference}`), 'the mention links to the case');
  });

  test('a duplicate is merged into the case that goes on, and a case of another agency cannot be the target', async () => {
    const officer = await signedInStaff(ctx, 'officer', 'DIS');
    const first = await submitCase(ctx, {
      description: 'My passport has not been printed after four months',
    });
    const second = await submitCase(ctx, {
      description: 'My passport has not been printed after four months!',
    });
    const shown = await page(`/console/cases/${second.reference}`, officer.cookie);
    assert.match(shown.body, /Merge this case into/);
    const kra = await submitCase(ctx, { agencyCode: 'KRA' });
    const refused = await post(
      `/console/cases/${second.reference}/merge`,
      { intoReference: kra.reference },
      officer.cookie,
    );
    assert.equal(refused.statusCode, 404, "another agency's case answers as missing");
    const bad = await post(
      `/console/cases/${second.reference}/merge`,
      { intoReference: '<x>' },
      officer.cookie,
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Give the reference of the case that goes on/);
    const merged = await post(
      `/console/cases/${second.reference}/merge`,
      { intoReference: first.reference, reason: 'Same passport application' },
      officer.cookie,
    );
    assert.equal(merged.statusCode, 303);
    const row = await ctx.database.db
      .selectFrom('cases')
      .select('status')
      .where('reference', '=', second.reference)
      .executeTakeFirstOrThrow();
    assert.equal(row.status, 'merged');
  });

  test('the clearing house refers a case to an agency not on Baraza from the case page and sees the code once', async () => {
    const clearing = await signedInStaff(ctx, 'clearing_house', 'CLR');
    const kase = await clearingHouseCase(ctx, {
      description: 'The water company has not fixed the burst pipe on our street for two weeks.',
    });
    const outside = await ctx.database.db
      .selectFrom('agencies')
      .select(['id', 'name'])
      .where('onboarded', '=', false)
      .where('kind', '=', 'agency')
      .orderBy('name')
      .limit(1)
      .executeTakeFirstOrThrow();
    const path = `/console/cases/${kase.reference}`;
    const found = await page(
      `${path}?find=${encodeURIComponent(outside.name.slice(0, 12))}`,
      clearing.cookie,
    );
    assert.equal(found.statusCode, 200);
    assert.ok(found.body.includes(`value="${outside.id}"`), 'the directory search offers the agency');
    const missing = await post(`${path}/refer`, { agencyId: outside.id, note: '' }, clearing.cookie);
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /Say what the agency is asked to do/);
    const referred = await post(
      `${path}/refer`,
      { agencyId: outside.id, note: 'Please repair the pipe and tell the citizen through us.' },
      clearing.cookie,
    );
    assert.equal(referred.statusCode, 200);
    assert.match(referred.body, /Acknowledgement code:/);
    assert.match(referred.body, /\/api\/v1\/staff\/referrals\/[0-9a-f-]{36}\/letter\?token=/);
    const row = await ctx.database.db
      .selectFrom('cases')
      .select(['status', 'agencyId'])
      .where('reference', '=', kase.reference)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { status: 'in_progress', agencyId: ctx.reference.clearingHouse.id });
    // An officer of an agency has no referral form: referral is the clearing house's.
    const officer = await signedInStaff(ctx, 'officer', 'DIS');
    const own = await submitCase(ctx);
    assert.doesNotMatch((await page(`/console/cases/${own.reference}`, officer.cookie)).body, /id="refer"/);
  });
});
