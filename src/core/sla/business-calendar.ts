import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Opening hours as local "HH:MM" pairs, several per day allowed (a lunch break is two). */
export type WorkingHours = Partial<Record<Weekday, [string, string][]>>;

export interface CalendarDefinition {
  id: string;
  name: string;
  nameSw: string;
  timeZone: string;
  /** Open every minute of every day (police, emergency lines): no hours, holidays or closures apply. */
  alwaysOpen: boolean;
  workingHours: WorkingHours;
  /** ISO country whose public holidays close the offices ('KE'), or null. */
  holidayCountry: string | null;
}

export interface Closure {
  startsAt: Date;
  endsAt: Date;
  reason: string;
}

export interface Holiday {
  date: string;
  name: string;
}

type Interval = [number, number];

interface Day {
  start: number;
  /** When the next local day starts (not always 24 hours later where clocks change). */
  next: number;
  intervals: Interval[];
}

const MINUTE = 60_000;
const HALF_HOUR = 30 * MINUTE;
/** Enough days and half hours for years of deadlines; past it the caches start again. */
const CACHE_LIMIT = 50_000;
/** How far the arithmetic looks ahead before deciding a calendar has no working time at all. */
const MAX_DAYS = 3 * 366;

/**
 * Working-time arithmetic for one business calendar: opening hours in the calendar's time zone,
 * minus public holidays (from the maintained `date-holidays` data, with Kenya's substitute Mondays)
 * and one-off closures. A deadline of "8 working hours" set at 16:00 on a Friday before a public
 * holiday Monday lands on Tuesday afternoon.
 */
export class BusinessCalendar {
  private readonly holidayDates = new Map<number, Map<string, string>>();
  private readonly holidaySource: Holidays | undefined;
  private readonly closures: Interval[];

  constructor(
    readonly definition: CalendarDefinition,
    closures: readonly Closure[] = [],
  ) {
    if (definition.holidayCountry) this.holidaySource = new Holidays(definition.holidayCountry);
    this.closures = closures
      .map((c): Interval => [c.startsAt.getTime(), c.endsAt.getTime()])
      .sort((a, b) => a[0] - b[0]);
  }

  get id(): string {
    return this.definition.id;
  }

  /** The public holidays of a year, as local dates with their names (English unless asked). */
  holidays(year: number, language = 'en'): Holiday[] {
    if (language === 'en') return [...this.holidaysOf(year)].map(([date, name]) => ({ date, name }));
    return (this.holidaySource?.getHolidays(year, language) ?? [])
      .filter((holiday) => holiday.type === 'public')
      .map((holiday) => ({ date: holiday.date.slice(0, 10), name: holiday.name }));
  }

  /** The moment `durationMs` of working time after `start`. */
  addWorkingTime(start: Date, durationMs: number): Date {
    if (this.definition.alwaysOpen) return new Date(start.getTime() + durationMs);
    let remaining = durationMs;
    const from = start.getTime();
    let day = this.dayOf(from);
    for (let n = 0; n < MAX_DAYS; n++, day = this.dayStarting(day.next)) {
      for (const [open, close] of day.intervals) {
        if (close <= from) continue;
        const begin = Math.max(open, from);
        if (remaining <= close - begin) return new Date(begin + remaining);
        remaining -= close - begin;
      }
    }
    // A calendar with (almost) no working time: the deadline is the horizon, years away, which the
    // case page shows for what it is, rather than an error for the citizen who submitted.
    return new Date(from + MAX_DAYS * 86_400_000);
  }

  /** Working time, in milliseconds, between two moments (0 when `to` is not after `from`). */
  workingTimeBetween(from: Date, to: Date): number {
    const a = from.getTime();
    const b = to.getTime();
    if (b <= a) return 0;
    if (this.definition.alwaysOpen) return b - a;
    let total = 0;
    for (let day = this.dayOf(a); day.start < b; day = this.dayStarting(day.next)) {
      for (const [open, close] of day.intervals) {
        total += Math.max(0, Math.min(close, b) - Math.max(open, a));
      }
    }
    return total;
  }

  isWorkingTime(at: Date): boolean {
    if (this.definition.alwaysOpen) return true;
    const t = at.getTime();
    return this.dayOf(t).intervals.some(([open, close]) => open <= t && t < close);
  }

  /**
   * The length of a typical working day, so that "5 working days" means five days' worth of
   * working time: the longest weekday in the hours (24 hours for an always-open calendar).
   */
  get workingDayMs(): number {
    this.dayLength ??= this.definition.alwaysOpen
      ? 24 * 60 * MINUTE
      : Math.max(
          ...WEEKDAYS.map((weekday) =>
            (this.definition.workingHours[weekday] ?? []).reduce(
              (sum, [open, close]) => sum + minutesOf(close) - minutesOf(open),
              0,
            ),
          ),
        ) * MINUTE;
    return this.dayLength;
  }

  private dayLength: number | undefined;

  /*
   * Every submission computes several deadlines, so local days are cached: the day an instant
   * falls in, by the half hour it is in, and each day's working intervals. Time-zone arithmetic
   * (luxon) then runs once per day and half hour seen, not several times per deadline. Where a
   * local midnight falls inside a half hour (a +05:45 zone), the cached day is checked and the
   * instant placed exactly.
   */
  private readonly daysByHalfHour = new Map<number, number>();
  private readonly days = new Map<number, Day>();

  private dayOf(at: number): Day {
    const slot = Math.floor(at / HALF_HOUR);
    const cached = this.daysByHalfHour.get(slot);
    if (cached !== undefined) {
      const day = this.dayStarting(cached);
      if (day.start <= at && at < day.next) return day;
    }
    if (this.daysByHalfHour.size > CACHE_LIMIT) this.daysByHalfHour.clear();
    const start = DateTime.fromMillis(at, { zone: this.definition.timeZone }).startOf('day').toMillis();
    this.daysByHalfHour.set(slot, start);
    return this.dayStarting(start);
  }

  /** The local day that starts at `start` (epoch milliseconds), with its working intervals. */
  private dayStarting(start: number): Day {
    let day = this.days.get(start);
    if (!day) {
      if (this.days.size > CACHE_LIMIT) this.days.clear();
      const local = DateTime.fromMillis(start, { zone: this.definition.timeZone });
      day = { start, next: local.plus({ days: 1 }).toMillis(), intervals: this.workingIntervals(local) };
      this.days.set(start, day);
    }
    return day;
  }

  /** The working intervals of one local day, in epoch milliseconds, closures cut out. */
  private workingIntervals(day: DateTime): Interval[] {
    const date = day.toISODate() as string;
    if (this.holidaysOf(day.year).has(date)) return [];
    const spans = this.definition.workingHours[WEEKDAYS[day.weekday - 1] as Weekday] ?? [];
    const intervals = spans.map(
      ([open, close]): Interval => [
        day.plus({ minutes: minutesOf(open) }).toMillis(),
        day.plus({ minutes: minutesOf(close) }).toMillis(),
      ],
    );
    return this.closures.length === 0 ? intervals : intervals.flatMap((i) => cut(i, this.closures));
  }

  private holidaysOf(year: number): Map<string, string> {
    let dates = this.holidayDates.get(year);
    if (!dates) {
      dates = new Map();
      for (const holiday of this.holidaySource?.getHolidays(year, 'en') ?? []) {
        // 'public' only: observances and optional days do not close government offices. The local
        // date is the first ten characters; the library's instants for lunar holidays use odd zones.
        if (holiday.type === 'public') dates.set(holiday.date.slice(0, 10), holiday.name);
      }
      this.holidayDates.set(year, dates);
    }
    return dates;
  }
}

/** "HH:MM" as minutes after midnight; "24:00" is the end of the day. */
export function minutesOf(time: string): number {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/** What is left of an interval once the closures are removed. */
function cut(interval: Interval, closures: readonly Interval[]): Interval[] {
  let pieces: Interval[] = [interval];
  for (const [start, end] of closures) {
    if (end <= interval[0] || start >= interval[1]) continue;
    pieces = pieces.flatMap(([a, b]): Interval[] => {
      if (end <= a || start >= b) return [[a, b]];
      const kept: Interval[] = [];
      if (start > a) kept.push([a, start]);
      if (end < b) kept.push([end, b]);
      return kept;
    });
  }
  return pieces;
}
