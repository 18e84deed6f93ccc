import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, type SignedInStaff, signedInStaff, type TestContext } from './helpers/context.ts';
import { asStaff, enrolTotp, submitCase } from './helpers/factories.ts';

/*
 * Administrators edit SLA policies, calendars and closures; bad input is refused with an error that
 * names the field, and each administrator changes only what is theirs.
 */

let ctx: TestContext;
let sysadmin: SignedInStaff;
let disAdmin: SignedInStaff;
let officer: SignedInStaff;

before(async () => {
  ctx = await createTestContext();
  sysadmin = await signedInStaff(ctx, 'sysadmin');
  await enrolTotp(ctx, sysadmin.cookie);
  disAdmin = await signedInStaff(ctx, 'agency_admin', 'DIS');
  await enrolTotp(ctx, disAdmin.cookie);
  officer = await signedInStaff(ctx, 'officer', 'DIS');
});
after(() => ctx.close());

const put = (who: SignedInStaff, url: string, payload: object) =>
  ctx.app.inject({ method: 'PUT', url, headers: { cookie: who.cookie }, payload });

const disPolicy = (clocks: object, extra: object = {}) => ({
  name: 'Immigration charter',
  agencyCode: 'DIS',
  clocks,
  ...extra,
});

describe('bad policy input is refused with a clear error', () => {
  const cases: [string, object, RegExp][] = [
    [
      'a zero duration',
      disPolicy({ resolve: { amount: 0, unit: 'days' } }),
      /clocks\.resolve\.amount: must be more than zero/,
    ],
    [
      'a negative duration',
      disPolicy({ acknowledge: { amount: -4, unit: 'hours' } }),
      /clocks\.acknowledge\.amount/,
    ],
    [
      'an unknown calendar',
      disPolicy({}, { calendarId: 'moon-time' }),
      /calendarId: there is no business calendar "moon-time"/,
    ],
    [
      'a cycle in the escalation chain',
      disPolicy(
        {},
        {
          escalation: {
            chain: { officer: 'supervisor', supervisor: 'agency_head', agency_head: 'supervisor' },
            repeatAfter: { amount: 1, unit: 'working_days' },
          },
        },
      ),
      /escalation\.chain: the chain has a cycle: .*supervisor -> agency_head -> supervisor/,
    ],
    [
      'closing a case because the agency was late',
      disPolicy({}, { breachActions: { resolve: ['close'] } }),
      /only the citizen_reply clock may close a case/,
    ],
    ['an unknown unit', disPolicy({ resolve: { amount: 3, unit: 'fortnights' } }), /unit/],
    ['an unknown clock', disPolicy({ lunch: { amount: 3, unit: 'days' } }), /lunch/],
  ];
  for (const [what, body, message] of cases) {
    test(`${what} is refused`, async () => {
      const response = await put(disAdmin, '/api/v1/admin/sla/policies/dis-charter', body);
      assert.equal(response.statusCode, 400, response.body);
      assert.match(response.json().error.message, message);
    });
  }

  test('no policy may leave cases without a deadline', async () => {
    const bare = await put(sysadmin, '/api/v1/admin/sla/policies/national-default', { name: 'Default' });
    assert.equal(bare.statusCode, 400, bare.body);
    assert.match(bare.json().error.message, /the national default must set every clock/);
    const off = await put(disAdmin, '/api/v1/admin/sla/policies/dis-charter', disPolicy({ resolve: null }));
    assert.equal(off.statusCode, 400, off.body);
    assert.match(off.json().error.message, /clocks\.resolve: cannot be switched off/);
  });

  test('a duration beyond a working year is refused before it can reach a submission', async () => {
    const response = await put(
      disAdmin,
      '/api/v1/admin/sla/policies/dis-charter',
      disPolicy({ resolve: { amount: 7000, unit: 'working_hours' } }),
    );
    assert.equal(response.statusCode, 400, response.body);
    assert.match(response.json().error.message, /at most a year \(2000 working_hours\)/);
  });

  test('a leap second is refused as a time, not a server error', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/admin/sla/calendars/office-hours/closures',
      headers: { cookie: sysadmin.cookie },
      payload: { startsAt: '2026-12-31T23:59:60Z', endsAt: '2027-01-01T08:00:00Z', reason: 'Leap' },
    });
    assert.equal(response.statusCode, 400, response.body);
  });

  test('a calendar with hours that end before they start, or an unknown time zone, is refused', async () => {
    const response = await put(sysadmin, '/api/v1/admin/sla/calendars/night-shift', {
      name: 'Night shift',
      nameSw: 'Zamu ya usiku',
      timeZone: 'Africa/Atlantis',
      workingHours: { mon: [['22:00', '06:00']] },
    });
    assert.equal(response.statusCode, 400, response.body);
    const fields = response.json().error.details.map((d: { field: string }) => d.field);
    assert.deepEqual(fields.sort(), ['timeZone', 'workingHours.mon']);
  });

  test('a closure that ends before it starts is refused', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/admin/sla/calendars/office-hours/closures',
      headers: { cookie: sysadmin.cookie },
      payload: { startsAt: '2026-12-02T10:00:00+03:00', endsAt: '2026-12-02T08:00:00+03:00', reason: 'Move' },
    });
    assert.equal(response.statusCode, 400, response.body);
    assert.match(response.json().error.message, /endsAt/);
  });
});

describe('who may change what', () => {
  test('an agency administrator sets their agency’s policy, and its cases follow it', async () => {
    const saved = await put(
      disAdmin,
      '/api/v1/admin/sla/policies/dis-charter',
      disPolicy({ resolve: { amount: 10, unit: 'working_days' } }),
    );
    assert.equal(saved.statusCode, 200, saved.body);
    ctx.clock.now = new Date('2026-11-23T10:00:00+03:00');
    const { reference } = await submitCase(ctx);
    const detail = (await asStaff(ctx, officer.cookie, 'GET', `/api/v1/staff/cases/${reference}`)).json();
    const resolve = detail.clocks.find((c: { clock: string }) => c.clock === 'resolve');
    assert.equal(resolve.policy, 'Immigration charter');
    assert.equal(resolve.mode, 'working');
    assert.equal(resolve.dueLocal, '2026-12-07T10:00:00.000+03:00');
    ctx.clock.now = new Date();
  });

  test('an agency administrator cannot change another agency’s policy or the national ones', async () => {
    const other = await put(disAdmin, '/api/v1/admin/sla/policies/kra-charter', {
      name: 'KRA charter',
      agencyCode: 'KRA',
      clocks: { resolve: { amount: 60, unit: 'days' } },
    });
    assert.equal(other.statusCode, 403);
    const national = await put(disAdmin, '/api/v1/admin/sla/policies/national-default', {
      name: 'Slower everything',
      clocks: { resolve: { amount: 90, unit: 'days' } },
    });
    assert.equal(national.statusCode, 403);
    const officerTry = await put(officer, '/api/v1/admin/sla/policies/dis-charter', disPolicy({}));
    assert.equal(officerTry.statusCode, 403);
  });

  test('the national default cannot be deleted or narrowed, so every case always has a deadline', async () => {
    const deleted = await ctx.app.inject({
      method: 'DELETE',
      url: '/api/v1/admin/sla/policies/national-default',
      headers: { cookie: sysadmin.cookie },
    });
    assert.equal(deleted.statusCode, 400);
    const narrowed = await put(sysadmin, '/api/v1/admin/sla/policies/national-default', {
      name: 'Only KRA',
      agencyCode: 'KRA',
    });
    assert.equal(narrowed.statusCode, 400);
  });

  test('a one-off closure moves deadlines of cases that arrive before it', async () => {
    const closure = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/admin/sla/calendars/office-hours/closures',
      headers: { cookie: sysadmin.cookie },
      payload: {
        startsAt: '2026-12-01T08:00:00+03:00',
        endsAt: '2026-12-02T08:00:00+03:00',
        reason: 'Offices closed for the national census',
      },
    });
    assert.equal(closure.statusCode, 201, closure.body);
    ctx.clock.now = new Date('2026-11-30T16:00:00+03:00');
    const { reference } = await submitCase(ctx, {
      agencyCode: 'KRA',
      description: 'My KRA PIN certificate has the wrong name',
    });
    const kraOfficer = await signedInStaff(ctx, 'officer', 'KRA');
    const detail = (await asStaff(ctx, kraOfficer.cookie, 'GET', `/api/v1/staff/cases/${reference}`)).json();
    const acknowledge = detail.clocks.find((c: { clock: string }) => c.clock === 'acknowledge');
    // Monday 16:00-17:00, Tuesday closed, then seven hours on Wednesday.
    assert.equal(acknowledge.dueLocal, '2026-12-02T16:00:00.000+03:00');
    ctx.clock.now = new Date();
  });

  test('a clock an agency switches off is stopped on the cases that reach it, not left running', async () => {
    const saved = await put(
      disAdmin,
      '/api/v1/admin/sla/policies/dis-charter',
      disPolicy({ resolve: { amount: 10, unit: 'working_days' }, transfer: null }),
    );
    assert.equal(saved.statusCode, 200, saved.body);
    ctx.clock.now = new Date('2026-11-23T10:00:00+03:00');
    const { reference } = await submitCase(ctx, { agencyCode: 'CLR' });
    const clearing = await signedInStaff(ctx, 'clearing_house', 'CLR');
    const routed = await asStaff(ctx, clearing.cookie, 'POST', `/api/v1/staff/cases/${reference}/route`, {
      agencyCode: 'DIS',
    });
    assert.equal(routed.statusCode, 200, routed.body);
    const detail = (await asStaff(ctx, officer.cookie, 'GET', `/api/v1/staff/cases/${reference}`)).json();
    const transfer = detail.clocks.find((c: { clock: string }) => c.clock === 'transfer');
    assert.equal(transfer.state, 'stopped');
    ctx.clock.now = new Date();
  });

  test('the calendars list shows each calendar’s agencies and its public holidays for a year', async () => {
    const response = await asStaff(ctx, sysadmin.cookie, 'GET', '/api/v1/admin/sla/calendars?year=2026');
    assert.equal(response.statusCode, 200, response.body);
    const calendars = response.json().calendars;
    const office = calendars.find((c: { id: string }) => c.id === 'office-hours');
    const always = calendars.find((c: { id: string }) => c.id === 'always-open');
    assert.ok(always.agencies.includes('NPS'));
    assert.ok(office.agencies.includes('KRA'));
    assert.ok(office.holidays.some((h: { date: string }) => h.date === '2026-12-12'));
    assert.equal(office.workingDayHours, 8);
  });
});
