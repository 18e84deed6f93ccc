import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../src/core/errors.ts';
import { BusinessCalendar } from '../src/core/sla/business-calendar.ts';
import {
  type Clock,
  clockState,
  meetClock,
  pauseClock,
  resumeClock,
  startClock,
} from '../src/core/sla/clock-math.ts';
import {
  ALWAYS_OPEN,
  DEFAULT_CALENDARS,
  DEFAULT_POLICIES,
  OFFICE_HOURS,
} from '../src/core/sla/default-sla.ts';
import {
  assertValidPolicy,
  type EffectivePolicy,
  type PolicyRules,
  type PolicySubject,
  resolveEffectivePolicy,
  type SlaPolicy,
} from '../src/core/sla/sla-policy.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const officeDefinition = DEFAULT_CALENDARS.find((c) => c.id === OFFICE_HOURS);
const alwaysOpenDefinition = DEFAULT_CALENDARS.find((c) => c.id === ALWAYS_OPEN);
assert.ok(officeDefinition && alwaysOpenDefinition);

const office = new BusinessCalendar(officeDefinition);
const alwaysOpen = new BusinessCalendar(alwaysOpenDefinition);
const calendars = (id: string): BusinessCalendar => {
  if (id === OFFICE_HOURS) return office;
  if (id === ALWAYS_OPEN) return alwaysOpen;
  throw new Error(`no calendar ${id}`);
};
const knownCalendars = new Set(DEFAULT_CALENDARS.map((c) => c.id));

/** An instant written in Nairobi local time, e.g. at('2026-11-27T16:00'). */
const at = (local: string): Date => new Date(`${local}:00+03:00`);
const iso = (d: Date | null | undefined): string | undefined => d?.toISOString();

const assertInstant = (actual: Date | null | undefined, expected: string, message?: string) =>
  assert.equal(iso(actual), new Date(expected).toISOString(), message);

describe('office-hours calendar arithmetic', () => {
  test('8 working hours from Friday 16:00 land on Monday 16:00, skipping the weekend and Monday lunch', () => {
    assertInstant(office.addWorkingTime(at('2026-11-27T16:00'), 8 * HOUR), '2026-11-30T16:00:00+03:00');
  });

  test('a deadline crosses the night: 2 working hours from Tuesday 16:30 is Wednesday 09:30', () => {
    assertInstant(office.addWorkingTime(at('2026-11-24T16:30'), 2 * HOUR), '2026-11-25T09:30:00+03:00');
  });

  test('time started on a Saturday begins counting at Monday 08:00', () => {
    assertInstant(office.addWorkingTime(at('2026-11-28T10:00'), 0), '2026-11-30T08:00:00+03:00');
    assertInstant(office.addWorkingTime(at('2026-11-28T10:00'), HOUR), '2026-11-30T09:00:00+03:00');
    assertInstant(office.addWorkingTime(at('2026-11-29T23:59'), 30 * MINUTE), '2026-11-30T08:30:00+03:00');
  });

  test('the lunch hour does not count: 1 working hour from 12:30 ends at 14:30', () => {
    assertInstant(office.addWorkingTime(at('2026-11-24T12:30'), HOUR), '2026-11-24T14:30:00+03:00');
  });

  test('a deadline that exactly uses up the morning lands at 13:00, not after lunch', () => {
    assertInstant(office.addWorkingTime(at('2026-11-24T08:00'), 5 * HOUR), '2026-11-24T13:00:00+03:00');
  });

  test('isWorkingTime is true inside opening hours and false at lunch, after hours and at weekends', () => {
    assert.equal(office.isWorkingTime(at('2026-11-24T07:59')), false);
    assert.equal(office.isWorkingTime(at('2026-11-24T08:00')), true);
    assert.equal(office.isWorkingTime(at('2026-11-24T12:59')), true);
    assert.equal(office.isWorkingTime(at('2026-11-24T13:00')), false);
    assert.equal(office.isWorkingTime(at('2026-11-24T14:00')), true);
    assert.equal(office.isWorkingTime(at('2026-11-24T17:00')), false);
    assert.equal(office.isWorkingTime(at('2026-11-28T10:00')), false);
    assert.equal(office.isWorkingTime(at('2026-11-29T10:00')), false);
  });

  test('the office-hours working day is 8 hours', () => {
    assert.equal(office.workingDayMs, 8 * HOUR);
  });
});

describe('Kenyan public holidays', () => {
  test('Christmas and Boxing Day are skipped: 8 working hours from Thursday 24 December 16:00 land on Monday 28th at 16:00', () => {
    assertInstant(office.addWorkingTime(at('2026-12-24T16:00'), 8 * HOUR), '2026-12-28T16:00:00+03:00');
    assert.equal(office.isWorkingTime(at('2026-12-25T10:00')), false);
  });

  test('Mashujaa Day on a Tuesday is skipped: 4 working hours from Monday 19 October 15:00 land on Wednesday 10:00', () => {
    assertInstant(office.addWorkingTime(at('2026-10-19T15:00'), 4 * HOUR), '2026-10-21T10:00:00+03:00');
    assert.equal(office.isWorkingTime(at('2026-10-20T10:00')), false);
  });

  test("New Year's Day is skipped across the year boundary", () => {
    assertInstant(office.addWorkingTime(at('2026-12-31T16:00'), 8 * HOUR), '2027-01-04T16:00:00+03:00');
  });

  test('Jamhuri Day on Sunday 2027-12-12 is observed on Monday 13th, which is not a working day', () => {
    const dates = office.holidays(2027).map((h) => h.date);
    assert.ok(dates.includes('2027-12-12'));
    assert.ok(dates.includes('2027-12-13'), 'the substitute Monday is a holiday');
    assert.equal(office.isWorkingTime(at('2027-12-13T10:00')), false);
    assert.equal(office.isWorkingTime(at('2027-12-14T10:00')), true);
    assertInstant(office.addWorkingTime(at('2027-12-10T16:00'), 2 * HOUR), '2027-12-14T09:00:00+03:00');
  });

  test('holidays(2026) lists Madaraka, Mashujaa and Jamhuri Days', () => {
    const holidays = office.holidays(2026);
    const byDate = new Map(holidays.map((h) => [h.date, h.name]));
    assert.match(byDate.get('2026-06-01') ?? '', /Madaraka/);
    assert.match(byDate.get('2026-10-20') ?? '', /Mashujaa/);
    assert.match(byDate.get('2026-12-12') ?? '', /Jamhuri/);
    for (const h of holidays) assert.match(h.date, /^\d{4}-\d{2}-\d{2}$/);
  });

  test('the always-open calendar has no holidays', () => {
    assert.deepEqual(alwaysOpen.holidays(2026), []);
  });
});

describe('workingTimeBetween', () => {
  const starts = [
    '2026-11-23T10:00', // Monday morning
    '2026-11-24T12:30', // Tuesday, half an hour before lunch
    '2026-11-24T13:20', // Tuesday, during lunch
    '2026-11-25T17:45', // Wednesday, after hours
    '2026-11-27T16:59', // Friday, a minute before closing
    '2026-11-28T09:00', // Saturday
    '2026-10-19T15:00', // the day before Mashujaa Day
    '2026-12-23T11:11', // before Christmas
    '2026-12-31T08:00', // New Year's Eve
  ];
  const durations = [
    0,
    MINUTE,
    37 * MINUTE,
    90 * MINUTE,
    5 * HOUR,
    8 * HOUR,
    13 * HOUR + 7 * MINUTE,
    5 * 8 * HOUR,
    21 * 8 * HOUR,
  ];

  test('is the inverse of addWorkingTime for many starts and durations', () => {
    for (const start of starts) {
      for (const duration of durations) {
        const due = office.addWorkingTime(at(start), duration);
        assert.equal(
          office.workingTimeBetween(at(start), due),
          duration,
          `${start} + ${duration / MINUTE} min -> ${due.toISOString()}`,
        );
      }
    }
  });

  test('adding back the working time between two working instants returns the later one', () => {
    const instants = ['2026-11-23T09:15', '2026-11-24T16:00', '2026-11-30T08:30', '2026-12-28T12:59'];
    for (const from of instants) {
      for (const to of instants) {
        if (at(to) <= at(from)) continue;
        const between = office.workingTimeBetween(at(from), at(to));
        assertInstant(office.addWorkingTime(at(from), between), at(to).toISOString(), `${from} -> ${to}`);
      }
    }
  });

  test('counts only opening hours: Thursday 24 to Monday 28 December is two working days', () => {
    assert.equal(office.workingTimeBetween(at('2026-12-24T08:00'), at('2026-12-28T17:00')), 16 * HOUR);
  });

  test('is 0 when to is before or equal to from', () => {
    assert.equal(office.workingTimeBetween(at('2026-11-24T10:00'), at('2026-11-23T10:00')), 0);
    assert.equal(office.workingTimeBetween(at('2026-11-24T10:00'), at('2026-11-24T10:00')), 0);
    assert.equal(alwaysOpen.workingTimeBetween(at('2026-11-24T10:00'), at('2026-11-23T10:00')), 0);
  });
});

describe('one-off closures', () => {
  test('a morning closure on Wednesday pushes 1 working hour from 07:00 to 15:00', () => {
    const closed = new BusinessCalendar(officeDefinition, [
      { startsAt: at('2026-11-25T08:00'), endsAt: at('2026-11-25T13:00'), reason: 'Staff training' },
    ]);
    assertInstant(closed.addWorkingTime(at('2026-11-25T07:00'), HOUR), '2026-11-25T15:00:00+03:00');
    assert.equal(closed.isWorkingTime(at('2026-11-25T10:00')), false);
    assert.equal(closed.isWorkingTime(at('2026-11-25T14:30')), true);
    assert.equal(closed.workingTimeBetween(at('2026-11-25T00:00'), at('2026-11-26T00:00')), 3 * HOUR);
    // The calendar without the closure is unaffected.
    assertInstant(office.addWorkingTime(at('2026-11-25T07:00'), HOUR), '2026-11-25T09:00:00+03:00');
  });

  test('a closure inside an opening span splits it and only the closed time is removed', () => {
    const closed = new BusinessCalendar(officeDefinition, [
      { startsAt: at('2026-11-25T10:00'), endsAt: at('2026-11-25T11:00'), reason: 'Power cut' },
    ]);
    assertInstant(closed.addWorkingTime(at('2026-11-25T08:00'), 3 * HOUR), '2026-11-25T12:00:00+03:00');
    assert.equal(closed.workingTimeBetween(at('2026-11-25T08:00'), at('2026-11-25T17:00')), 7 * HOUR);
  });

  test('a closure spanning several days removes all of them', () => {
    const closed = new BusinessCalendar(officeDefinition, [
      { startsAt: at('2026-11-24T12:00'), endsAt: at('2026-11-26T15:00'), reason: 'Office relocation' },
    ]);
    assertInstant(closed.addWorkingTime(at('2026-11-24T11:00'), 2 * HOUR), '2026-11-26T16:00:00+03:00');
  });
});

describe('always-open calendar', () => {
  test('adds wall time straight through weekends and holidays', () => {
    assertInstant(alwaysOpen.addWorkingTime(at('2026-12-24T10:00'), 48 * HOUR), '2026-12-26T10:00:00+03:00');
    assert.equal(alwaysOpen.isWorkingTime(at('2026-12-25T03:00')), true);
    assert.equal(alwaysOpen.workingTimeBetween(at('2026-12-24T10:00'), at('2026-12-26T10:00')), 48 * HOUR);
  });

  test('its working day is 24 hours', () => {
    assert.equal(alwaysOpen.workingDayMs, 24 * HOUR);
  });
});

const p3Subject: PolicySubject = { agencyId: 'agency-x', serviceId: null, type: 'complaint', priority: 'P3' };

describe('clock arithmetic', () => {
  const national = resolveEffectivePolicy(DEFAULT_POLICIES, p3Subject, OFFICE_HOURS);

  test('a 21-day resolve clock is due exactly 21×24 hours later and warns at 75%', () => {
    const now = at('2026-11-23T10:00');
    const clock = startClock('resolve', national, calendars, now);
    assert.ok(clock);
    assert.equal(clock.mode, 'wall');
    assert.equal(clock.status, 'running');
    assert.equal(clock.targetSeconds, 21 * 24 * 3600);
    assert.equal(clock.policy, 'National default (P3)');
    assert.equal(clock.dueAt?.getTime(), now.getTime() + 21 * DAY);
    assert.equal(clock.warnAt?.getTime(), now.getTime() + 0.75 * 21 * DAY);
    assert.equal(clock.fireAt?.getTime(), clock.warnAt?.getTime());
  });

  test('5 working days from Monday 10:00 on office hours are due the next Monday at 10:00', () => {
    const policy: EffectivePolicy = {
      ...national,
      clocks: { first_response: { amount: 5, unit: 'working_days' } },
    };
    const clock = startClock('first_response', policy, calendars, at('2026-11-23T10:00'));
    assert.ok(clock);
    assert.equal(clock.mode, 'working');
    assert.equal(clock.calendarId, OFFICE_HOURS);
    assert.equal(clock.targetSeconds, 5 * 8 * 3600);
    assertInstant(clock.dueAt, '2026-11-30T10:00:00+03:00');
    // 75% of 40 working hours is 30: Monday 6 h, Tuesday 8, Wednesday 8, Thursday 8.
    assertInstant(clock.warnAt, '2026-11-26T17:00:00+03:00');
  });

  test('a clock the policy does not set is not started', () => {
    const policy: EffectivePolicy = { ...national, clocks: {} };
    assert.equal(startClock('resolve', policy, calendars, at('2026-11-23T10:00')), undefined);
  });

  test('pausing a wall clock and resuming it 3 days later moves its deadline by exactly 3 days', () => {
    const start = at('2026-11-23T10:00');
    const running = startClock('resolve', national, calendars, start);
    assert.ok(running);
    const paused = pauseClock(running, calendars, new Date(start.getTime() + DAY));
    assert.equal(paused.status, 'paused');
    assert.equal(paused.dueAt, null);
    assert.equal(paused.fireAt, null);
    assert.equal(paused.remainingSeconds, 20 * 24 * 3600);
    const resumed = resumeClock(paused, national, calendars, new Date(start.getTime() + 4 * DAY));
    assert.equal(resumed.status, 'running');
    assert.equal(resumed.pausedAt, null);
    assert.equal(resumed.dueAt?.getTime(), (running.dueAt?.getTime() ?? 0) + 3 * DAY);
    assert.equal(resumed.warnAt?.getTime(), (running.warnAt?.getTime() ?? 0) + 3 * DAY);
    assert.equal(resumed.fireAt?.getTime(), resumed.warnAt?.getTime());
  });

  test('pausing a working clock over a weekend loses no working time', () => {
    const policy: EffectivePolicy = {
      ...national,
      clocks: { first_response: { amount: 5, unit: 'working_days' } },
    };
    const running = startClock('first_response', policy, calendars, at('2026-11-23T10:00'));
    assert.ok(running);
    const paused = pauseClock(running, calendars, at('2026-11-27T17:00'));
    assert.equal(paused.remainingSeconds, 2 * 3600);
    const resumed = resumeClock(paused, policy, calendars, at('2026-11-30T08:00'));
    assertInstant(resumed.dueAt, '2026-11-30T10:00:00+03:00');
  });

  describe('clockState', () => {
    const start = at('2026-11-23T10:00');
    const clock = startClock('resolve', national, calendars, start) as Clock;
    const later = (ms: number) => new Date(start.getTime() + ms);

    test('is running before the warning and warning after it', () => {
      assert.equal(clockState(clock, later(DAY)), 'running');
      assert.equal(clockState(clock, later(16 * DAY)), 'warning');
      assert.equal(clockState({ ...clock, warnedAt: later(DAY) }, later(2 * DAY)), 'warning');
    });

    test('is breached from the due instant on, or once a breach has been recorded', () => {
      assert.equal(clockState(clock, later(21 * DAY)), 'breached');
      assert.equal(clockState(clock, later(30 * DAY)), 'breached');
      assert.equal(clockState({ ...clock, breachedAt: later(DAY) }, later(2 * DAY)), 'breached');
    });

    test('is paused while paused, even past the original deadline', () => {
      const paused = pauseClock(clock, calendars, later(DAY));
      assert.equal(clockState(paused, later(40 * DAY)), 'paused');
    });

    test('is met when met on time and met_late when met after a breach', () => {
      assert.equal(clockState(meetClock(clock, later(2 * DAY)), later(30 * DAY)), 'met');
      const breached = { ...clock, breachedAt: later(21 * DAY) };
      assert.equal(clockState(meetClock(breached, later(22 * DAY)), later(30 * DAY)), 'met_late');
    });
  });
});

describe('assertValidPolicy', () => {
  const rejects = (policy: PolicyRules, field: string, pattern?: RegExp) =>
    assert.throws(
      () => assertValidPolicy(policy, knownCalendars),
      (error: unknown) => {
        assert.ok(error instanceof AppError, 'an AppError');
        assert.equal(error.code, 'invalid_input');
        assert.ok(error.message.includes(field), `"${error.message}" names ${field}`);
        if (pattern) assert.match(error.message, pattern);
        assert.ok(
          Array.isArray(error.details) && error.details.some((p) => p.field === field),
          `details name ${field}`,
        );
        return true;
      },
    );

  test('accepts every default policy', () => {
    for (const policy of DEFAULT_POLICIES) assertValidPolicy(policy, knownCalendars);
  });

  test('rejects a zero duration', () => {
    rejects({ clocks: { resolve: { amount: 0, unit: 'days' } } }, 'clocks.resolve.amount');
  });

  test('rejects a negative duration', () => {
    rejects({ clocks: { acknowledge: { amount: -2, unit: 'working_hours' } } }, 'clocks.acknowledge.amount');
  });

  test('rejects an unknown calendar', () => {
    rejects({ calendarId: 'lunar-calendar' }, 'calendarId', /lunar-calendar/);
  });

  test('rejects an unknown unit', () => {
    const policy = { clocks: { resolve: { amount: 2, unit: 'fortnights' } } } as unknown as PolicyRules;
    rejects(policy, 'clocks.resolve.unit');
  });

  test('rejects an escalation chain with a cycle and names the cycle', () => {
    rejects(
      {
        escalation: {
          chain: { officer: 'supervisor', supervisor: 'officer' },
          repeatAfter: { amount: 2, unit: 'working_days' },
        },
      },
      'escalation.chain',
      /officer -> supervisor -> officer/,
    );
  });

  test('rejects a close breach action on any clock but citizen_reply', () => {
    rejects({ breachActions: { resolve: ['notify', 'close'] } }, 'breachActions.resolve', /citizen_reply/);
    assertValidPolicy({ breachActions: { citizen_reply: ['close'] } }, knownCalendars);
  });
});

describe('resolveEffectivePolicy', () => {
  const base = { agencyId: null, serviceId: null, caseType: null, priority: null, enabled: true } as const;

  test('a P1 policy overrides only the clocks it sets', () => {
    const effective = resolveEffectivePolicy(
      DEFAULT_POLICIES,
      { ...p3Subject, priority: 'P1' },
      OFFICE_HOURS,
    );
    assert.deepEqual(effective.clocks.resolve, { amount: 48, unit: 'hours' });
    assert.equal(effective.sources.resolve, 'P1: life or liberty');
    assert.deepEqual(effective.clocks.acknowledge, { amount: 2, unit: 'hours' });
    // P1 does not set citizen_reply, so the national default still applies.
    assert.deepEqual(effective.clocks.citizen_reply, { amount: 14, unit: 'days' });
    assert.equal(effective.sources.citizen_reply, 'National default (P3)');
    assert.deepEqual(effective.breachActions.citizen_reply, ['close']);
    assert.equal(effective.calendarId, OFFICE_HOURS);
  });

  test('a P3 case gets the national default only', () => {
    const effective = resolveEffectivePolicy(DEFAULT_POLICIES, p3Subject, OFFICE_HOURS);
    assert.deepEqual(effective.clocks.resolve, { amount: 21, unit: 'days' });
    assert.equal(effective.warnAtPercent, 75);
    for (const source of Object.values(effective.sources)) assert.equal(source, 'National default (P3)');
  });

  test('an agency policy beats a national one, and only for its own agency', () => {
    const agencyPolicy: SlaPolicy = {
      ...base,
      id: 'agency-x-charter',
      name: 'Agency X service charter',
      agencyId: 'agency-x',
      calendarId: ALWAYS_OPEN,
      clocks: { resolve: { amount: 14, unit: 'days' } },
    };
    const policies = [...DEFAULT_POLICIES, agencyPolicy];
    const mine = resolveEffectivePolicy(policies, p3Subject, OFFICE_HOURS);
    assert.deepEqual(mine.clocks.resolve, { amount: 14, unit: 'days' });
    assert.equal(mine.sources.resolve, 'Agency X service charter');
    assert.equal(mine.calendarId, ALWAYS_OPEN);
    assert.deepEqual(mine.clocks.acknowledge, { amount: 1, unit: 'working_days' });

    const other = resolveEffectivePolicy(policies, { ...p3Subject, agencyId: 'agency-y' }, OFFICE_HOURS);
    assert.deepEqual(other.clocks.resolve, { amount: 21, unit: 'days' });
    assert.equal(other.calendarId, OFFICE_HOURS);
  });

  test('a clock set to null in a more specific policy is switched off', () => {
    const agencyPolicy: SlaPolicy = {
      ...base,
      id: 'agency-x-no-updates',
      name: 'Agency X: no interim updates',
      agencyId: 'agency-x',
      clocks: { interim_update: null },
    };
    const effective = resolveEffectivePolicy([...DEFAULT_POLICIES, agencyPolicy], p3Subject, OFFICE_HOURS);
    assert.equal(effective.clocks.interim_update, undefined);
    assert.equal(effective.sources.interim_update, undefined);
    assert.equal(startClock('interim_update', effective, calendars, at('2026-11-23T10:00')), undefined);
    assert.deepEqual(effective.clocks.resolve, { amount: 21, unit: 'days' });
  });

  test('a disabled policy is ignored', () => {
    const disabled: SlaPolicy = {
      ...base,
      id: 'agency-x-off',
      name: 'Agency X (disabled)',
      agencyId: 'agency-x',
      enabled: false,
      clocks: { resolve: { amount: 1, unit: 'days' } },
    };
    const effective = resolveEffectivePolicy([...DEFAULT_POLICIES, disabled], p3Subject, OFFICE_HOURS);
    assert.deepEqual(effective.clocks.resolve, { amount: 21, unit: 'days' });
  });
});
