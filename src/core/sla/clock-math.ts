import type { CaseClockRow } from '../../db/schema.ts';
import type { BusinessCalendar } from './business-calendar.ts';
import type { ClockName, Duration, EffectivePolicy } from './sla-policy.ts';

/** One clock of one case, as stored in case_clocks. */
export type Clock = Omit<CaseClockRow, 'caseId' | 'clock'> & { clock: ClockName };

export type CalendarLookup = (id: string) => BusinessCalendar;

const MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

/** A duration in milliseconds of its own kind of time: wall-clock, or the calendar's working time. */
export function durationMs(duration: Duration, calendar: BusinessCalendar): number {
  switch (duration.unit) {
    case 'minutes':
    case 'hours':
    case 'days':
      return duration.amount * MS[duration.unit];
    case 'working_hours':
      return duration.amount * MS.hours;
    case 'working_days':
      return duration.amount * calendar.workingDayMs;
  }
}

export const modeOf = (duration: Duration): Clock['mode'] =>
  duration.unit.startsWith('working_') ? 'working' : 'wall';

/** The moment `ms` of the clock's kind of time after `from`. */
export function advance(mode: Clock['mode'], calendar: BusinessCalendar, from: Date, ms: number): Date {
  return mode === 'wall' ? new Date(from.getTime() + ms) : calendar.addWorkingTime(from, ms);
}

/** How much of the clock's kind of time is left from `from` until `due`. */
export function remainingMs(mode: Clock['mode'], calendar: BusinessCalendar, from: Date, due: Date): number {
  return mode === 'wall'
    ? Math.max(0, due.getTime() - from.getTime())
    : calendar.workingTimeBetween(from, due);
}

/**
 * A clock that was met runs again with its first start and deadline, as if it had never been met:
 * the automatic answer the citizen said did not help (plan-clocks.ts). A deadline already past is
 * warned of and breached at the next sweep.
 */
export function reviveClock(clock: Clock): Clock {
  return { ...clock, status: 'running', metAt: null, fireAt: clock.warnedAt ? clock.dueAt : clock.warnAt };
}

/** Starts (or restarts) a clock at `now` with the policy's duration for it. */
export function startClock(
  name: ClockName,
  policy: EffectivePolicy,
  calendars: CalendarLookup,
  now: Date,
): Clock | undefined {
  const duration = policy.clocks[name];
  if (!duration) return undefined;
  const calendar = calendars(policy.calendarId);
  const mode = modeOf(duration);
  const target = durationMs(duration, calendar);
  const dueAt = advance(mode, calendar, now, target);
  const warnAt = advance(mode, calendar, now, (target * policy.warnAtPercent) / 100);
  return {
    clock: name,
    status: 'running',
    mode,
    calendarId: calendar.id,
    targetSeconds: Math.max(1, Math.round(target / 1000)),
    policy: policy.sources[name] ?? 'default',
    startedAt: now,
    dueAt,
    warnAt,
    pausedAt: null,
    remainingSeconds: null,
    metAt: null,
    warnedAt: null,
    breachedAt: null,
    escalations: 0,
    fireAt: warnAt,
  };
}

/**
 * Recomputes a running, unbreached clock's deadline under a new policy (a raised priority shortens
 * it; a transfer applies the receiving agency's charter). Time already used stays used, and time
 * the clock spent paused is not taken back: what is left is the new target less the time used.
 * Returns undefined when the new policy does not set this clock.
 */
export function retarget(
  clock: Clock,
  policy: EffectivePolicy,
  calendars: CalendarLookup,
  now: Date,
): Clock | undefined {
  if (clock.status !== 'running' || clock.breachedAt || !clock.dueAt) return clock;
  const fresh = startClock(clock.clock, policy, calendars, now);
  if (!fresh) return undefined;
  const calendar = calendars(fresh.calendarId);
  const used =
    clock.targetSeconds * 1000 - remainingMs(clock.mode, calendars(clock.calendarId), now, clock.dueAt);
  const target = fresh.targetSeconds * 1000;
  const dueAt = advance(fresh.mode, calendar, now, Math.max(0, target - used));
  const warnAt = clock.warnedAt
    ? null
    : advance(fresh.mode, calendar, now, Math.max(0, (target * policy.warnAtPercent) / 100 - used));
  return {
    ...clock,
    mode: fresh.mode,
    calendarId: fresh.calendarId,
    targetSeconds: fresh.targetSeconds,
    policy: fresh.policy,
    dueAt,
    warnAt: warnAt ?? clock.warnAt,
    fireAt: warnAt ?? dueAt,
  };
}

export function pauseClock(clock: Clock, calendars: CalendarLookup, now: Date): Clock {
  if (clock.status !== 'running' || !clock.dueAt) return clock;
  const left = remainingMs(clock.mode, calendars(clock.calendarId), now, clock.dueAt);
  return {
    ...clock,
    status: 'paused',
    pausedAt: now,
    remainingSeconds: Math.round(left / 1000),
    dueAt: null,
    warnAt: null,
    fireAt: null,
  };
}

/** Restarts a paused clock with the time it had left; a warning not yet given is rescheduled. */
export function resumeClock(
  clock: Clock,
  policy: EffectivePolicy,
  calendars: CalendarLookup,
  now: Date,
): Clock {
  if (clock.status !== 'paused' || clock.remainingSeconds === null) return clock;
  const calendar = calendars(clock.calendarId);
  const left = clock.remainingSeconds * 1000;
  const dueAt = advance(clock.mode, calendar, now, left);
  const warnLeft = left - (clock.targetSeconds * 1000 * (100 - policy.warnAtPercent)) / 100;
  const warnAt = clock.warnedAt ? null : advance(clock.mode, calendar, now, Math.max(0, warnLeft));
  // A clock already breached escalates again (if its policy escalates it at all) only after the
  // policy's interval, counted from now.
  const repeat =
    clock.breachedAt && escalates(policy, clock.clock) ? repeatEscalationAt(policy, calendar, now) : null;
  return {
    ...clock,
    status: 'running',
    pausedAt: null,
    remainingSeconds: null,
    dueAt,
    warnAt,
    fireAt: clock.breachedAt ? repeat : (warnAt ?? dueAt),
  };
}

/** Whether a breach of this clock escalates the case, by the policy. */
export const escalates = (policy: EffectivePolicy, clock: ClockName) =>
  policy.breachActions[clock]?.includes('escalate') ?? false;

/** When a breached clock that is still unmet escalates again. */
export function repeatEscalationAt(policy: EffectivePolicy, calendar: BusinessCalendar, now: Date): Date {
  const every = policy.escalation.repeatAfter;
  return advance(modeOf(every), calendar, now, durationMs(every, calendar));
}

export const meetClock = (clock: Clock, now: Date): Clock =>
  clock.status === 'running' || clock.status === 'paused'
    ? { ...clock, status: 'met', metAt: now, fireAt: null }
    : clock;

export const stopClock = (clock: Clock): Clock =>
  clock.status === 'running' || clock.status === 'paused'
    ? { ...clock, status: 'stopped', fireAt: null }
    : clock;

/** What a clock shows: due, remaining, paused, met (on time or late) or breached. */
export type ClockState = 'running' | 'warning' | 'breached' | 'paused' | 'met' | 'met_late' | 'stopped';

export function clockState(clock: Clock, now: Date): ClockState {
  if (clock.status === 'met') return clock.breachedAt ? 'met_late' : 'met';
  if (clock.status === 'stopped') return 'stopped';
  if (clock.status === 'paused') return 'paused';
  if (clock.breachedAt || (clock.dueAt && clock.dueAt <= now)) return 'breached';
  if (clock.warnedAt || (clock.warnAt && clock.warnAt <= now)) return 'warning';
  return 'running';
}
