import { DateTime } from 'luxon';
import type { Db } from '../../db/open-database.ts';
import { type Clock, type ClockState, clockState, remainingMs } from './clock-math.ts';
import { CLOCKS } from './sla-policy.ts';
import { loadClocks, type SlaService } from './sla-service.ts';

/** A clock as staff and citizens see it. Times are instants, with the local (Nairobi) rendering. */
export interface ClockView {
  clock: string;
  state: ClockState;
  /** 'wall' counts every minute; 'working' only the agency's working hours. */
  mode: 'wall' | 'working';
  policy: string;
  startedAt: Date;
  dueAt: Date | null;
  /** The due time in the calendar's time zone, e.g. 2026-11-30T16:00:00.000+03:00. */
  dueLocal: string | null;
  /** Time left until due (working time for a working clock), 0 once due; while paused, what is left. */
  remainingSeconds: number | null;
  /** How late an unmet clock is, in wall-clock seconds. */
  overdueSeconds: number | null;
  pausedAt: Date | null;
  warnedAt: Date | null;
  breachedAt: Date | null;
  metAt: Date | null;
  escalations: number;
}

export function describeClock(clock: Clock, sla: Pick<SlaService, 'calendar'>, now: Date): ClockView {
  const calendar = sla.calendar(clock.calendarId);
  const running = clock.status === 'running' && clock.dueAt;
  const remaining =
    clock.status === 'paused'
      ? clock.remainingSeconds
      : running && clock.dueAt
        ? Math.round(remainingMs(clock.mode, calendar, now, clock.dueAt) / 1000)
        : null;
  const overdue =
    running && clock.dueAt && clock.dueAt < now
      ? Math.round((now.getTime() - clock.dueAt.getTime()) / 1000)
      : null;
  return {
    clock: clock.clock,
    state: clockState(clock, now),
    mode: clock.mode,
    policy: clock.policy,
    startedAt: clock.startedAt,
    dueAt: clock.dueAt,
    dueLocal: clock.dueAt
      ? DateTime.fromJSDate(clock.dueAt, { zone: calendar.definition.timeZone }).toISO()
      : null,
    remainingSeconds: remaining,
    overdueSeconds: overdue,
    pausedAt: clock.pausedAt,
    warnedAt: clock.warnedAt,
    breachedAt: clock.breachedAt,
    metAt: clock.metAt,
    escalations: clock.escalations,
  };
}

/** Every clock of a case, in the order of CLOCKS. */
export async function describeCaseClocks(
  db: Db,
  sla: Pick<SlaService, 'calendar'>,
  caseId: string,
  now: Date,
): Promise<ClockView[]> {
  const clocks = await loadClocks(db, caseId);
  clocks.sort((a, b) => CLOCKS.indexOf(a.clock) - CLOCKS.indexOf(b.clock));
  return clocks.map((clock) => describeClock(clock, sla, now));
}
