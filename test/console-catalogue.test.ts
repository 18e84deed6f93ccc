import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ReferenceCache } from '../src/core/agencies/reference-cache.ts';
import { loadReferenceData } from '../src/db/load-reference-data.ts';
import { consoleClient } from './helpers/console.ts';
import { createTestContext, type SignedInStaff, signedInStaff, type TestContext } from './helpers/context.ts';
import { enrolTotp, submitCase } from './helpers/factories.ts';

/*
 * An agency administrator keeps their services, categories and working calendar in the console;
 * what they change reaches citizens, triage and deadlines at once, and nobody else's.
 */
describe('services, categories and calendars in the console', () => {
  let ctx: TestContext;
  let disAdmin: SignedInStaff;
  let kraAdmin: SignedInStaff;
  let sysadmin: SignedInStaff;
  before(async () => {
    ctx = await createTestContext();
    disAdmin = await signedInStaff(ctx, 'agency_admin', 'DIS');
    kraAdmin = await signedInStaff(ctx, 'agency_admin', 'KRA');
    sysadmin = await signedInStaff(ctx, 'sysadmin');
    for (const admin of [disAdmin, kraAdmin, sysadmin]) await enrolTotp(ctx, admin.cookie);
  });
  after(() => ctx.close());

  const { page, post } = consoleClient(() => ctx);
  const dis = () => ctx.reference.requireAgency('DIS');

  test('a new bilingual service is offered to citizens at once, and in every other process after its check', async () => {
    const otherProcess = await ReferenceCache.load(ctx.database.db);
    const added = await post(
      '/console/admin/catalogue',
      {
        kind: 'service',
        code: 'refugee-id',
        name: 'Refugee identity card',
        nameSw: 'Kitambulisho cha mkimbizi',
        url: 'https://example.go.ke/refugee-id',
      },
      disAdmin.cookie,
    );
    assert.equal(added.statusCode, 303, added.body);
    assert.match(added.headers.location as string, /done=catalogue_saved/);
    assert.equal(ctx.reference.service(dis().id, 'refugee-id')?.nameSw, 'Kitambulisho cha mkimbizi');
    const kase = await submitCase(ctx, { serviceCode: 'refugee-id' });
    assert.match(kase.reference, /^\d{11}$/);

    assert.equal(otherProcess.service(dis().id, 'refugee-id'), undefined);
    await otherProcess.reload(ctx.database.db, { ifChanged: true });
    assert.equal(otherProcess.service(dis().id, 'refugee-id')?.name, 'Refugee identity card');

    const listed = await page('/console/admin/catalogue', disAdmin.cookie);
    assert.equal(listed.statusCode, 200);
    assert.match(listed.body, /Refugee identity card/);
    assert.match(listed.body, /Kitambulisho cha mkimbizi/);
  });

  test('a retired service is no longer offered, and a case that named it keeps its name', async () => {
    const kase = await submitCase(ctx, { serviceCode: 'interstate-pass' });
    const retired = await post(
      '/console/admin/catalogue/service.interstate-pass',
      { name: 'East African interstate pass', nameSw: 'Pasi ya kusafiri Afrika Mashariki' },
      disAdmin.cookie,
    );
    assert.equal(retired.statusCode, 303, retired.body);
    assert.equal(ctx.reference.service(dis().id, 'interstate-pass'), undefined);
    const refused = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      payload: {
        type: 'complaint',
        description: 'My interstate pass has not been issued',
        agencyCode: 'DIS',
        serviceCode: 'interstate-pass',
        citizen: { phone: '0712345678' },
      },
    });
    assert.equal(refused.statusCode, 400, refused.body);
    const row = await ctx.database.db
      .selectFrom('cases')
      .select('serviceId')
      .where('reference', '=', kase.reference)
      .executeTakeFirstOrThrow();
    assert.equal(ctx.reference.serviceById(row.serviceId ?? '')?.name, 'East African interstate pass');
    const listed = await page('/console/admin/catalogue', disAdmin.cookie);
    assert.match(listed.body, /East African interstate pass[\s\S]*?Retired/);
  });

  test("an administrator's wording survives a newer shipped catalogue", async () => {
    const reworded = await post(
      '/console/admin/catalogue/category.border-point',
      { name: 'Treatment at a border post', nameSw: 'Huduma mpakani', active: '1' },
      disAdmin.cookie,
    );
    assert.equal(reworded.statusCode, 303, reworded.body);
    // A new release's reference data: the stored version no longer matches, so everything is upserted.
    await ctx.database.db.deleteFrom('settings').where('key', '=', 'reference_data_version').execute();
    const counts = await loadReferenceData(ctx.database.db);
    assert.ok(counts.categories > 0, 'the catalogue was loaded again');
    const category = await ctx.database.db
      .selectFrom('categories')
      .select(['name', 'nameSw'])
      .where('id', '=', 'DIS:border-point')
      .executeTakeFirstOrThrow();
    assert.deepEqual(category, { name: 'Treatment at a border post', nameSw: 'Huduma mpakani' });
    const untouched = await ctx.database.db
      .selectFrom('categories')
      .select('name')
      .where('id', '=', 'DIS:delay')
      .executeTakeFirstOrThrow();
    assert.equal(untouched.name, 'Delay in service');
  });

  test('a taken code, a bad code and a missing Kiswahili name are refused on the form', async () => {
    const taken = await post(
      '/console/admin/catalogue',
      { kind: 'service', code: 'passport', name: 'Passports again', nameSw: 'Pasipoti tena' },
      disAdmin.cookie,
    );
    assert.equal(taken.statusCode, 400);
    assert.match(
      taken.body,
      /This agency already has &quot;passport&quot;|This agency already has "passport"/,
    );
    const bad = await post(
      '/console/admin/catalogue',
      { kind: 'category', code: 'Bad Code!', name: 'Queues', nameSw: '' },
      disAdmin.cookie,
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Give a code of 2 to 40 lower-case letters/);
    assert.match(bad.body, /Give the name in Kiswahili/);
    assert.match(bad.body, /value="Queues"/, 'what was typed is kept');
  });

  test("another agency's administrator cannot reach or change DIS's catalogue, nor can an officer", async () => {
    assert.equal((await page('/console/admin/catalogue/service.passport', kraAdmin.cookie)).statusCode, 404);
    const sneaky = await post(
      '/console/admin/catalogue/service.passport',
      { name: 'Hijacked', nameSw: 'Imetekwa', active: '1' },
      kraAdmin.cookie,
    );
    assert.equal(sneaky.statusCode, 404);
    assert.equal(ctx.reference.service(dis().id, 'passport')?.name.includes('Hijacked'), false);
    const officer = await signedInStaff(ctx, 'officer', 'DIS');
    assert.equal((await page('/console/admin/catalogue', officer.cookie)).statusCode, 403);
  });

  test('an agency on the shared calendar makes its own, sets its hours and closes for a day', async () => {
    const shared = await page('/console/admin/calendar', disAdmin.cookie);
    assert.equal(shared.statusCode, 200);
    assert.match(shared.body, /Make our own calendar/);
    assert.match(shared.body, /Jamhuri Day/, 'public holidays to come are listed');
    const refused = await post(
      '/console/admin/calendar/office-hours/hours',
      { hours_mon: '07:00-19:00' },
      disAdmin.cookie,
    );
    assert.equal(refused.statusCode, 403, 'a shared calendar is the system administrator’s');

    const own = await post('/console/admin/calendar/own', {}, disAdmin.cookie);
    assert.equal(own.statusCode, 303, own.body);
    const agency = await ctx.database.db
      .selectFrom('agencies')
      .select('calendarId')
      .where('id', '=', dis().id)
      .executeTakeFirstOrThrow();
    assert.equal(agency.calendarId, 'agency-dis');

    const hours = {
      hours_mon: '07:00-13:00, 14:00-19:00',
      hours_tue: '07:00-19:00',
      hours_wed: '07:00-19:00',
      hours_thu: '07:00-19:00',
      hours_fri: '07:00-19:00',
      hours_sat: '09:00-12:00',
      holidays: '1',
    };
    const saved = await post('/console/admin/calendar/agency-dis/hours', hours, disAdmin.cookie);
    assert.equal(saved.statusCode, 303, saved.body);
    const calendar = ctx.sla.calendar('agency-dis');
    assert.deepEqual(calendar.definition.workingHours.sat, [['09:00', '12:00']]);
    assert.equal(calendar.definition.workingHours.sun, undefined);

    // Closed on Monday 7 December 2026: a deadline that would fall then moves on.
    const before = calendar.addWorkingTime(new Date('2026-12-04T18:00:00+03:00'), 5 * 3_600_000);
    const closed = await post(
      '/console/admin/calendar/agency-dis/closures',
      { from: '2026-12-07', reason: 'Office move to Nyayo House' },
      disAdmin.cookie,
    );
    assert.equal(closed.statusCode, 303, closed.body);
    const after = ctx.sla
      .calendar('agency-dis')
      .addWorkingTime(new Date('2026-12-04T18:00:00+03:00'), 5 * 3_600_000);
    // Friday 18:00–19:00, Saturday 09:00–12:00, then an hour from 07:00 on Monday, or on Tuesday.
    assert.equal(before.toISOString(), '2026-12-07T05:00:00.000Z');
    assert.equal(after.toISOString(), '2026-12-08T05:00:00.000Z');

    const listed = await page('/console/admin/calendar', disAdmin.cookie);
    assert.match(listed.body, /Office move to Nyayo House/);
    const id = /\/closures\/([0-9a-f-]{36})\/delete/.exec(listed.body)?.[1];
    assert.ok(id, 'the closure can be removed');
    // KRA's administrator cannot remove DIS's closure, nor change its hours.
    assert.equal(
      (await post(`/console/admin/calendar/agency-dis/closures/${id}/delete`, {}, kraAdmin.cookie))
        .statusCode,
      403,
    );
    assert.equal(
      (await post('/console/admin/calendar/agency-dis/hours', hours, kraAdmin.cookie)).statusCode,
      403,
    );
    const removed = await post(
      `/console/admin/calendar/agency-dis/closures/${id}/delete`,
      {},
      disAdmin.cookie,
    );
    assert.equal(removed.statusCode, 303);
    assert.equal(
      ctx.sla
        .calendar('agency-dis')
        .addWorkingTime(new Date('2026-12-04T18:00:00+03:00'), 5 * 3_600_000)
        .getTime(),
      before.getTime(),
    );
  });

  test('bad hours, a bad date and a closure ending before it starts are refused with their reasons', async () => {
    const hours = await post(
      '/console/admin/calendar/agency-dis/hours',
      { hours_mon: '9am to 5pm', hours_tue: '17:00-08:00' },
      disAdmin.cookie,
    );
    assert.equal(hours.statusCode, 400);
    assert.match(hours.body, /Give the hours as 08:00-17:00/);
    assert.match(hours.body, /value="9am to 5pm"/);
    const date = await post(
      '/console/admin/calendar/agency-dis/closures',
      { from: '2026-02-30', reason: 'Nothing' },
      disAdmin.cookie,
    );
    assert.equal(date.statusCode, 400);
    assert.match(date.body, /Give a date as year-month-day/);
    const order = await post(
      '/console/admin/calendar/agency-dis/closures',
      { from: '2026-12-10', to: '2026-12-09', reason: 'Backwards' },
      disAdmin.cookie,
    );
    assert.equal(order.statusCode, 400);
    assert.match(order.body, /must not be before the first/);
    const long = await post(
      '/console/admin/calendar/agency-dis/closures',
      { from: '2026-12-01', to: '2027-02-01', reason: 'Too long' },
      disAdmin.cookie,
    );
    assert.equal(long.statusCode, 400);
    assert.match(long.body, /at most 31 days/);
  });

  test('the system administrator keeps any calendar and adds a national closure', async () => {
    const shown = await page('/console/admin/calendar?id=always-open', sysadmin.cookie);
    assert.equal(shown.statusCode, 200);
    assert.match(shown.body, /Open every hour of every day/);
    const closed = await post(
      '/console/admin/calendar/office-hours/closures',
      { from: '2026-12-31', reason: 'National day of prayer' },
      sysadmin.cookie,
    );
    assert.equal(closed.statusCode, 303, closed.body);
    assert.match(closed.headers.location as string, /id=office-hours&done=closure_added/);
    const listed = await page('/console/admin/calendar?id=office-hours', sysadmin.cookie);
    assert.match(listed.body, /National day of prayer/);
  });
});
