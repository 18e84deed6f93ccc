import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import { bumpVersion, readSetting } from '../../db/queries/settings.ts';
import type { CaseClockRow } from '../../db/schema.ts';
import type { ReferenceCache } from '../agencies/reference-cache.ts';
import type { Actor, NewEvent } from '../events/append-events.ts';
import { BusinessCalendar, type CalendarDefinition, type Closure } from './business-calendar.ts';
import type { Clock } from './clock-math.ts';
import {
  ALWAYS_OPEN,
  ALWAYS_OPEN_AGENCIES,
  DEFAULT_CALENDARS,
  DEFAULT_POLICIES,
  OFFICE_HOURS,
} from './default-sla.ts';
import { type CaseSnapshot, nextDueAt, planClocks } from './plan-clocks.ts';
import { type EffectivePolicy, resolveEffectivePolicy, type SlaPolicy } from './sla-policy.ts';

const CONFIG_VERSION_KEY = 'sla_config_version';
const SEEDED_KEY = 'sla_defaults_seeded';

interface SlaConfig {
  calendars: Map<string, BusinessCalendar>;
  agencyCalendars: Map<string, string>;
  policies: SlaPolicy[];
  version: string;
}

/*
 * What the SLA engine needs for every change to a case, held in memory: the business calendars
 * (with holidays and closures), each agency's calendar and the policies. Reloaded when an
 * administrator changes them (`sla_config_version`, checked by every process).
 */
export class SlaService {
  private constructor(
    private config: SlaConfig,
    private readonly reference: ReferenceCache,
  ) {}

  static async load(db: Db, reference: ReferenceCache): Promise<SlaService> {
    return new SlaService(await loadSlaConfig(db), reference);
  }

  async reload(db: Db, options: { ifChanged?: boolean } = {}): Promise<void> {
    if (options.ifChanged && (await readSetting(db, CONFIG_VERSION_KEY)) === this.config.version) return;
    this.config = await loadSlaConfig(db);
  }

  readonly calendar = (id: string): BusinessCalendar => {
    const calendar = this.config.calendars.get(id) ?? this.config.calendars.get(OFFICE_HOURS);
    if (!calendar) throw new Error(`business calendar ${id} is not loaded`);
    return calendar;
  };

  get calendarIds(): ReadonlySet<string> {
    return new Set(this.config.calendars.keys());
  }

  get policies(): readonly SlaPolicy[] {
    return this.config.policies;
  }

  policyFor(subject: CaseSnapshot): EffectivePolicy {
    return resolveEffectivePolicy(
      this.config.policies,
      subject,
      this.config.agencyCalendars.get(subject.agencyId) ?? OFFICE_HOURS,
    );
  }

  get clearingHouseId(): string {
    return this.reference.clearingHouse.id;
  }

  /** The clocks of a case being created (written in the same statement as the case). */
  initialClocks(subject: CaseSnapshot, now: Date): { clocks: Clock[]; nextDueAt: Date | null } {
    const clocks = planClocks(
      [],
      {
        before: null,
        after: subject,
        events: [],
        actor: { type: 'citizen', id: null },
        clearingHouseId: this.clearingHouseId,
      },
      this.policyFor(subject),
      this.calendar,
      now,
    );
    return { clocks, nextDueAt: nextDueAt(clocks) };
  }

  /**
   * Moves a case's clocks for a change being made in `trx` (the case row is locked by the caller)
   * and returns the case's next due time.
   */
  async replan(
    trx: Db,
    caseId: string,
    change: { before: CaseSnapshot | null; after: CaseSnapshot; events: readonly NewEvent[]; actor: Actor },
    now: Date,
  ): Promise<Date | null> {
    const existing = await loadClocks(trx, caseId);
    const planned = planClocks(
      existing,
      { ...change, clearingHouseId: this.clearingHouseId },
      this.policyFor(change.after),
      this.calendar,
      now,
    );
    await saveClocks(trx, caseId, existing, planned);
    return nextDueAt(planned);
  }
}

export async function loadClocks(db: Db, caseId: string): Promise<Clock[]> {
  const rows = await db.selectFrom('caseClocks').selectAll().where('caseId', '=', caseId).execute();
  return rows.map(toClock);
}

export function toClock({ caseId: _caseId, ...row }: CaseClockRow): Clock {
  return row as Clock;
}

/** Writes the clocks that changed (insert or update), and removes none: history stays. */
export async function saveClocks(
  db: Db,
  caseId: string,
  before: readonly Clock[],
  after: readonly Clock[],
): Promise<void> {
  const old = new Map(before.map((c) => [c.clock, c]));
  const changed = after.filter((c) => !sameClock(old.get(c.clock), c));
  if (changed.length === 0) return;
  const rows = changed.map((c) => ({ ...c, caseId }));
  await db
    .insertInto('caseClocks')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['caseId', 'clock']).doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'),
        mode: eb.ref('excluded.mode'),
        calendarId: eb.ref('excluded.calendarId'),
        targetSeconds: eb.ref('excluded.targetSeconds'),
        policy: eb.ref('excluded.policy'),
        startedAt: eb.ref('excluded.startedAt'),
        dueAt: eb.ref('excluded.dueAt'),
        warnAt: eb.ref('excluded.warnAt'),
        pausedAt: eb.ref('excluded.pausedAt'),
        remainingSeconds: eb.ref('excluded.remainingSeconds'),
        metAt: eb.ref('excluded.metAt'),
        warnedAt: eb.ref('excluded.warnedAt'),
        breachedAt: eb.ref('excluded.breachedAt'),
        escalations: eb.ref('excluded.escalations'),
        fireAt: eb.ref('excluded.fireAt'),
      })),
    )
    .execute();
}

const time = (d: Date | null | undefined) => (d ? d.getTime() : null);

function sameClock(a: Clock | undefined, b: Clock): boolean {
  if (!a) return false;
  return (
    a.status === b.status &&
    a.targetSeconds === b.targetSeconds &&
    a.remainingSeconds === b.remainingSeconds &&
    a.escalations === b.escalations &&
    a.policy === b.policy &&
    a.calendarId === b.calendarId &&
    (
      ['startedAt', 'dueAt', 'warnAt', 'pausedAt', 'metAt', 'warnedAt', 'breachedAt', 'fireAt'] as const
    ).every((k) => time(a[k]) === time(b[k]))
  );
}

/** Records that calendars or policies changed, so every process reloads them. */
export const bumpSlaConfig = (db: Db) => bumpVersion(db, CONFIG_VERSION_KEY);

async function loadSlaConfig(db: Db): Promise<SlaConfig> {
  const [calendarRows, closureRows, agencyRows, policyRows, version] = await Promise.all([
    db.selectFrom('businessCalendars').selectAll().execute(),
    // Closures that ended long ago cannot move a deadline any more.
    db
      .selectFrom('calendarClosures')
      .select(['calendarId', 'startsAt', 'endsAt', 'reason'])
      .where('endsAt', '>', sql<Date>`now() - interval '400 days'`)
      .execute(),
    db.selectFrom('agencies').select(['id', 'calendarId']).where('calendarId', 'is not', null).execute(),
    db.selectFrom('slaPolicies').selectAll().orderBy('id').execute(),
    readSetting(db, CONFIG_VERSION_KEY),
  ]);
  const closures = new Map<string, Closure[]>();
  for (const row of closureRows) {
    const list = closures.get(row.calendarId) ?? [];
    list.push(row);
    closures.set(row.calendarId, list);
  }
  const calendars = new Map(
    calendarRows.map((row) => [
      row.id,
      new BusinessCalendar(
        {
          id: row.id,
          name: row.name,
          nameSw: row.nameSw,
          timeZone: row.timeZone,
          alwaysOpen: row.alwaysOpen,
          workingHours: row.workingHours,
          holidayCountry: row.holidayCountry,
        },
        closures.get(row.id),
      ),
    ]),
  );
  return {
    calendars,
    agencyCalendars: new Map(agencyRows.map((row) => [row.id, row.calendarId as string])),
    policies: policyRows.map(toPolicy),
    version: version ?? '',
  };
}

export function toPolicy(row: {
  id: string;
  name: string;
  agencyId: string | null;
  serviceId: string | null;
  caseType: SlaPolicy['caseType'];
  priority: SlaPolicy['priority'];
  calendarId: string | null;
  clocks: Record<string, unknown>;
  warnAtPercent: number | null;
  breachActions: Record<string, unknown>;
  escalation: Record<string, unknown> | null;
  enabled: boolean;
}): SlaPolicy {
  return {
    id: row.id,
    name: row.name,
    agencyId: row.agencyId,
    serviceId: row.serviceId,
    caseType: row.caseType,
    priority: row.priority,
    enabled: row.enabled,
    calendarId: row.calendarId,
    clocks: row.clocks as SlaPolicy['clocks'],
    ...(row.warnAtPercent === null ? {} : { warnAtPercent: row.warnAtPercent }),
    breachActions: row.breachActions as SlaPolicy['breachActions'],
    ...(row.escalation ? { escalation: row.escalation as unknown as SlaPolicy['escalation'] } : {}),
  };
}

export function policyValues(policy: SlaPolicy) {
  return {
    name: policy.name,
    agencyId: policy.agencyId,
    serviceId: policy.serviceId,
    caseType: policy.caseType,
    priority: policy.priority,
    calendarId: policy.calendarId ?? null,
    clocks: JSON.stringify(policy.clocks ?? {}),
    warnAtPercent: policy.warnAtPercent ?? null,
    breachActions: JSON.stringify(policy.breachActions ?? {}),
    escalation: policy.escalation ? JSON.stringify(policy.escalation) : null,
    enabled: policy.enabled,
  };
}

/** On first start: the default calendars and policies, and the police on the always-open calendar. */
export async function installDefaultSla(db: Db, reference: ReferenceCache): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const seeded = await readSetting(trx, SEEDED_KEY);
    if (seeded) return;
    await trx
      .insertInto('businessCalendars')
      .values(DEFAULT_CALENDARS.map(calendarValues))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    const police = ALWAYS_OPEN_AGENCIES.map((code) => reference.agency(code)?.id).filter(
      (id): id is string => id !== undefined,
    );
    if (police.length > 0) {
      await trx.updateTable('agencies').set({ calendarId: ALWAYS_OPEN }).where('id', 'in', police).execute();
    }
    await trx
      .insertInto('slaPolicies')
      .values(DEFAULT_POLICIES.map((p) => ({ id: p.id, ...policyValues(p) })))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await trx.insertInto('settings').values({ key: SEEDED_KEY, value: 'true' }).execute();
  });
}

export function calendarValues(c: CalendarDefinition) {
  return {
    id: c.id,
    name: c.name,
    nameSw: c.nameSw,
    timeZone: c.timeZone,
    alwaysOpen: c.alwaysOpen,
    workingHours: JSON.stringify(c.workingHours),
    holidayCountry: c.holidayCountry,
  };
}
