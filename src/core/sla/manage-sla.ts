import Holidays from 'date-holidays';
import { IANAZone } from 'luxon';
import { v7 as timeOrderedUuid } from 'uuid';
import type { Db } from '../../db/open-database.ts';
import type { CaseType, Priority } from '../../db/schema.ts';
import type { Principal } from '../access/principal.ts';
import { actorOf, roleOf } from '../access/principal.ts';
import type { ReferenceCache } from '../agencies/reference-cache.ts';
import { administersAgency } from '../console/admin-access.ts';
import { AppError, type FieldProblem, forbidden, notFound } from '../errors.ts';
import { appendEvents, type NewEvent } from '../events/append-events.ts';
import { type CalendarDefinition, minutesOf, WEEKDAYS } from './business-calendar.ts';
import { assertValidPolicy, type PolicyRules, type SlaPolicy } from './sla-policy.ts';
import { bumpSlaConfig, calendarValues, policyValues, type SlaService, toPolicy } from './sla-service.ts';

/*
 * Administrators' changes to SLA policies, business calendars, closures and agencies' calendars.
 * System administrators change everything; an agency administrator changes only their own
 * agency's policies and which calendar it works on. Every change is recorded in the system audit
 * stream, and every process reloads (sla_config_version). New deadlines apply to clocks that start
 * or are recomputed after the change; a running clock keeps the deadline it was given.
 */

export interface ManageDeps {
  db: Db;
  sla: SlaService;
  reference: ReferenceCache;
  now: () => Date;
}

export const NATIONAL_DEFAULT = 'national-default';

export interface PolicyDraft extends PolicyRules {
  name: string;
  agencyCode?: string | null | undefined;
  serviceCode?: string | null | undefined;
  caseType?: CaseType | null | undefined;
  priority?: Priority | null | undefined;
  enabled?: boolean | undefined;
}

export async function listPolicies(db: Db): Promise<SlaPolicy[]> {
  return (await db.selectFrom('slaPolicies').selectAll().orderBy('id').execute()).map(toPolicy);
}

function assertAdministers(principal: Principal, agencyId: string | null): void {
  if (roleOf(principal) === 'sysadmin' || (agencyId && administersAgency(principal, agencyId))) return;
  throw forbidden(
    agencyId
      ? 'Only a system administrator or this agency’s administrator may change its SLA'
      : 'Only a system administrator may change national SLA policies and calendars',
  );
}

/** The calendar an agency keeps for itself, once it needs hours or closures of its own. */
export const ownCalendarId = (agencyCode: string) => `agency-${agencyCode.toLowerCase()}`;

/**
 * A system administrator keeps every calendar; an agency administrator only their agency's own
 * one (shared calendars, office hours say, would move other agencies' deadlines).
 */
function assertKeepsCalendar(deps: ManageDeps, principal: Principal, calendarId: string): void {
  const role = roleOf(principal);
  if (role === 'sysadmin') return;
  const code = principal.agencyId ? deps.reference.agencyById(principal.agencyId)?.code : null;
  if (role === 'agency_admin' && code && calendarId === ownCalendarId(code)) return;
  throw forbidden(
    'Only a system administrator may change a shared calendar; an agency administrator keeps their agency’s own',
  );
}

async function record(trx: Db, principal: Principal, event: NewEvent, now: Date): Promise<void> {
  await appendEvents(trx, { id: 'system', caseId: null }, actorOf(principal), [event], now);
  await bumpSlaConfig(trx);
}

export async function savePolicy(
  deps: ManageDeps,
  principal: Principal,
  id: string,
  draft: PolicyDraft,
): Promise<SlaPolicy> {
  const agency = draft.agencyCode ? deps.reference.requireAgency(draft.agencyCode) : null;
  let serviceId: string | null = null;
  if (draft.serviceCode) {
    if (!agency)
      throw new AppError('invalid_input', 'serviceCode: give agencyCode, the agency it belongs to');
    const service = deps.reference.service(agency.id, draft.serviceCode);
    if (!service) {
      throw new AppError(
        'invalid_input',
        `serviceCode: "${draft.serviceCode}" is not one of ${agency.code}'s services`,
      );
    }
    serviceId = service.id;
  }
  if (id === NATIONAL_DEFAULT && (agency || draft.caseType || draft.priority || draft.enabled === false)) {
    throw new AppError(
      'invalid_input',
      'The national default applies to every case and stays enabled; add a narrower policy instead',
    );
  }
  assertAdministers(principal, agency?.id ?? null);
  assertValidPolicy(draft, deps.sla.calendarIds, { everyClock: id === NATIONAL_DEFAULT });
  const policy: SlaPolicy = {
    id,
    name: draft.name.trim(),
    agencyId: agency?.id ?? null,
    serviceId,
    caseType: draft.caseType ?? null,
    priority: draft.priority ?? null,
    enabled: draft.enabled ?? true,
    calendarId: draft.calendarId ?? null,
    clocks: draft.clocks ?? {},
    warnAtPercent: draft.warnAtPercent,
    breachActions: draft.breachActions ?? {},
    escalation: draft.escalation,
  };
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('slaPolicies')
      .select('agencyId')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    // Taking over another agency's policy by reusing its id is not a way round the check above.
    if (existing) assertAdministers(principal, existing.agencyId);
    const values = { ...policyValues(policy), updatedAt: now, updatedBy: userOf(principal) };
    await trx
      .insertInto('slaPolicies')
      .values({ id, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
    await record(
      trx,
      principal,
      { kind: existing ? 'sla.policy_changed' : 'sla.policy_created', public: false, data: { ...policy } },
      now,
    );
  });
  await deps.sla.reload(deps.db);
  return policy;
}

export async function deletePolicy(deps: ManageDeps, principal: Principal, id: string): Promise<void> {
  if (id === NATIONAL_DEFAULT) {
    throw new AppError(
      'invalid_input',
      'The national default cannot be deleted: it is what every case falls back on',
    );
  }
  await deps.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('slaPolicies')
      .select(['agencyId', 'name'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!existing) throw notFound('The SLA policy');
    assertAdministers(principal, existing.agencyId);
    await trx.deleteFrom('slaPolicies').where('id', '=', id).execute();
    await record(
      trx,
      principal,
      { kind: 'sla.policy_deleted', public: false, data: { id, name: existing.name } },
      deps.now(),
    );
  });
  await deps.sla.reload(deps.db);
}

export async function listCalendars(db: Db) {
  const [calendars, closures, agencies] = await Promise.all([
    db.selectFrom('businessCalendars').selectAll().orderBy('id').execute(),
    db.selectFrom('calendarClosures').selectAll().orderBy('startsAt').execute(),
    db.selectFrom('agencies').select(['code', 'calendarId']).where('onboarded', '=', true).execute(),
  ]);
  return calendars.map((c) => ({
    ...c,
    closures: closures.filter((x) => x.calendarId === c.id),
    agencies: agencies
      .filter((a) => (a.calendarId ?? 'office-hours') === c.id)
      .map((a) => a.code as string)
      .sort(),
  }));
}

const COUNTRIES = new Holidays().getCountries();
const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export function assertValidCalendar(calendar: CalendarDefinition): void {
  const problems: FieldProblem[] = [];
  if (!IANAZone.isValidZone(calendar.timeZone)) {
    problems.push({
      field: 'timeZone',
      problem: `"${calendar.timeZone}" is not a time zone (for example Africa/Nairobi)`,
    });
  }
  if (calendar.holidayCountry && !COUNTRIES[calendar.holidayCountry]) {
    problems.push({
      field: 'holidayCountry',
      problem: `no public holidays are known for "${calendar.holidayCountry}"`,
    });
  }
  let open = 0;
  for (const [day, spans] of Object.entries(calendar.workingHours)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) {
      problems.push({ field: `workingHours.${day}`, problem: `days are ${WEEKDAYS.join(', ')}` });
      continue;
    }
    let lastClose = -1;
    for (const [from, to] of spans ?? []) {
      if (!TIME.test(from) || !TIME.test(to)) {
        problems.push({
          field: `workingHours.${day}`,
          problem: `times are HH:MM, 00:00 to 24:00 (got ${from}-${to})`,
        });
      } else if (minutesOf(to) <= minutesOf(from)) {
        problems.push({ field: `workingHours.${day}`, problem: `${from}-${to} ends before it starts` });
      } else if (minutesOf(from) < lastClose) {
        problems.push({ field: `workingHours.${day}`, problem: 'the hours overlap or are out of order' });
      } else {
        open += minutesOf(to) - minutesOf(from);
        lastClose = minutesOf(to);
      }
    }
  }
  if (!calendar.alwaysOpen && open === 0 && problems.length === 0) {
    problems.push({
      field: 'workingHours',
      problem: 'a calendar that is not always open needs some working hours',
    });
  }
  if (problems.length > 0) {
    throw new AppError('invalid_input', problems.map((p) => `${p.field}: ${p.problem}`).join('; '), problems);
  }
}

export async function saveCalendar(deps: ManageDeps, principal: Principal, calendar: CalendarDefinition) {
  assertKeepsCalendar(deps, principal, calendar.id);
  assertValidCalendar(calendar);
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    const values = { ...calendarValues(calendar), updatedAt: now };
    const existing = await trx
      .selectFrom('businessCalendars')
      .select('id')
      .where('id', '=', calendar.id)
      .executeTakeFirst();
    await trx
      .insertInto('businessCalendars')
      .values(values)
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
    await record(
      trx,
      principal,
      {
        kind: existing ? 'sla.calendar_changed' : 'sla.calendar_created',
        public: false,
        data: { ...calendar },
      },
      now,
    );
  });
  await deps.sla.reload(deps.db);
  return calendar;
}

export async function addClosure(
  deps: ManageDeps,
  principal: Principal,
  calendarId: string,
  closure: { startsAt: Date; endsAt: Date; reason: string },
) {
  assertKeepsCalendar(deps, principal, calendarId);
  if (!deps.sla.calendarIds.has(calendarId)) throw notFound('The business calendar');
  if (closure.endsAt <= closure.startsAt) {
    throw new AppError('invalid_input', 'endsAt: a closure must end after it starts', [
      { field: 'endsAt', problem: 'must be after startsAt' },
    ]);
  }
  if (closure.endsAt.getTime() - closure.startsAt.getTime() > 31 * 86_400_000) {
    throw new AppError(
      'invalid_input',
      'endsAt: a closure lasts at most 31 days; change the calendar instead',
      [{ field: 'endsAt', problem: 'at most 31 days after startsAt' }],
    );
  }
  const id = timeOrderedUuid();
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('calendarClosures')
      .values({ id, calendarId, ...closure, reason: closure.reason.trim(), createdBy: userOf(principal) })
      .execute();
    await record(
      trx,
      principal,
      {
        kind: 'sla.closure_added',
        public: false,
        data: {
          id,
          calendarId,
          startsAt: closure.startsAt.toISOString(),
          endsAt: closure.endsAt.toISOString(),
          reason: closure.reason,
        },
      },
      now,
    );
  });
  await deps.sla.reload(deps.db);
  return { id, calendarId, ...closure };
}

/** Takes a closure off its calendar again (a closure entered by mistake, a cancelled move). */
export async function removeClosure(
  deps: ManageDeps,
  principal: Principal,
  closureId: string,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const closure = await trx
      .selectFrom('calendarClosures')
      .selectAll()
      .where('id', '=', closureId)
      .forUpdate()
      .executeTakeFirst();
    if (!closure) throw notFound('The closure');
    assertKeepsCalendar(deps, principal, closure.calendarId);
    await trx.deleteFrom('calendarClosures').where('id', '=', closureId).execute();
    await record(
      trx,
      principal,
      {
        kind: 'sla.closure_removed',
        public: false,
        data: {
          id: closure.id,
          calendarId: closure.calendarId,
          startsAt: closure.startsAt.toISOString(),
          endsAt: closure.endsAt.toISOString(),
          reason: closure.reason,
        },
      },
      deps.now(),
    );
  });
  await deps.sla.reload(deps.db);
}

/**
 * Gives an agency a calendar of its own, starting as a copy of the one it works on (hours,
 * holidays and the closures still to come), and puts the agency on it. Later changes to the shared
 * calendar no longer reach it. Answers the own calendar's id; does nothing if it already has one.
 */
export async function makeOwnCalendar(deps: ManageDeps, principal: Principal, agencyCode: string) {
  const agency = deps.reference.requireAgency(agencyCode);
  assertAdministers(principal, agency.id);
  const id = ownCalendarId(agencyCode);
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('agencies')
      .select('calendarId')
      .where('id', '=', agency.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (row.calendarId === id) return;
    const kept = await trx
      .selectFrom('businessCalendars')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    // An agency that once had its own calendar goes back to it as it was left.
    const from = kept
      ? null
      : await trx
          .selectFrom('businessCalendars')
          .selectAll()
          .where('id', '=', row.calendarId ?? 'office-hours')
          .executeTakeFirstOrThrow();
    if (from) {
      await trx
        .insertInto('businessCalendars')
        .values({
          ...from,
          id,
          name: agency.name,
          nameSw: agency.nameSw ?? agency.name,
          workingHours: JSON.stringify(from.workingHours),
          updatedAt: now,
        })
        .execute();
      const closures = await trx
        .selectFrom('calendarClosures')
        .select(['startsAt', 'endsAt', 'reason'])
        .where('calendarId', '=', from.id)
        .where('endsAt', '>', now)
        .execute();
      if (closures.length > 0) {
        await trx
          .insertInto('calendarClosures')
          .values(
            closures.map((c) => ({
              id: timeOrderedUuid(),
              calendarId: id,
              ...c,
              createdBy: userOf(principal),
            })),
          )
          .execute();
      }
    }
    await trx.updateTable('agencies').set({ calendarId: id }).where('id', '=', agency.id).execute();
    await record(
      trx,
      principal,
      {
        kind: 'sla.agency_calendar_changed',
        public: false,
        data: { agencyCode: agency.code, calendarId: id, ...(from ? { copiedFrom: from.id } : {}) },
      },
      now,
    );
  });
  await deps.sla.reload(deps.db);
  return id;
}

/** Puts an agency on a calendar (the police on always-open, say). */
export async function setAgencyCalendar(
  deps: ManageDeps,
  principal: Principal,
  agencyCode: string,
  calendarId: string,
): Promise<void> {
  const agency = deps.reference.requireAgency(agencyCode);
  assertAdministers(principal, agency.id);
  if (!deps.sla.calendarIds.has(calendarId)) {
    throw new AppError('invalid_input', `calendarId: there is no business calendar "${calendarId}"`, [
      { field: 'calendarId', problem: 'unknown calendar' },
    ]);
  }
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('agencies').set({ calendarId }).where('id', '=', agency.id).execute();
    await record(
      trx,
      principal,
      { kind: 'sla.agency_calendar_changed', public: false, data: { agencyCode: agency.code, calendarId } },
      deps.now(),
    );
  });
  await deps.sla.reload(deps.db);
}

const userOf = (principal: Principal) => (principal.kind === 'staff' ? principal.userId : null);
