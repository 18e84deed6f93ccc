import { Type } from 'typebox';
import type { Principal } from '../../core/access/principal.ts';
import { roleOf } from '../../core/access/principal.ts';
import { AppError } from '../../core/errors.ts';
import { UUID_PATTERN } from '../../core/ids.ts';
import { checkNothingFallsThrough, latestCheck } from '../../core/sla/check-nothing-falls-through.ts';
import type { ClockView } from '../../core/sla/describe-clocks.ts';
import {
  addClosure,
  deletePolicy,
  listCalendars,
  listPolicies,
  type PolicyDraft,
  saveCalendar,
  savePolicy,
  setAgencyCalendar,
} from '../../core/sla/manage-sla.ts';
import { reportSla } from '../../core/sla/report-sla.ts';
import {
  BREACH_ACTIONS,
  CLOCKS,
  DURATION_UNITS,
  ESCALATION_LEVELS,
  type SlaPolicy,
} from '../../core/sla/sla-policy.ts';
import { listNotifications, markNotificationRead } from '../../core/staff/list-notifications.ts';
import { CASE_TYPES, type StaffRole } from '../../db/schema.ts';
import type { App, AppDeps } from '../build-app.ts';
import { closed, literals, Nullable, PrioritySchema, Text, withErrors } from '../schemas.ts';

/*
 * SLA visibility and administration: the clocks on the case page (staff-cases.ts uses ClockSchema),
 * the per-agency report, staff notifications, and the policies, calendars and closures that
 * administrators edit, with the "nothing falls through" health check.
 */

const DateTime = Type.String({ format: 'date-time' });

export const ClockSchema = Type.Object({
  clock: Type.String(),
  state: literals(['running', 'warning', 'breached', 'paused', 'met', 'met_late', 'stopped'] as const),
  mode: literals(['wall', 'working'] as const),
  policy: Type.String(),
  startedAt: DateTime,
  dueAt: Nullable(DateTime),
  dueLocal: Nullable(Type.String({ description: 'the due time in the calendar’s zone (Africa/Nairobi)' })),
  remainingSeconds: Nullable(Type.Integer()),
  overdueSeconds: Nullable(Type.Integer()),
  pausedAt: Nullable(DateTime),
  warnedAt: Nullable(DateTime),
  breachedAt: Nullable(DateTime),
  metAt: Nullable(DateTime),
  escalations: Type.Integer(),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const clockOut = (c: ClockView) => ({
  ...c,
  startedAt: c.startedAt.toISOString(),
  dueAt: iso(c.dueAt),
  pausedAt: iso(c.pausedAt),
  warnedAt: iso(c.warnedAt),
  breachedAt: iso(c.breachedAt),
  metAt: iso(c.metAt),
});

const DurationSchema = Type.Object(
  { amount: Type.Number({ description: 'more than zero' }), unit: literals(DURATION_UNITS) },
  closed,
);
const ClockDurations = Type.Object(
  Object.fromEntries(CLOCKS.map((c) => [c, Type.Optional(Nullable(DurationSchema))])),
  {
    ...closed,
    description: 'a duration per clock; null switches a clock off for the cases this policy covers',
  },
);
const BreachActionsSchema = Type.Object(
  Object.fromEntries(
    CLOCKS.map((c) => [c, Type.Optional(Type.Array(literals(BREACH_ACTIONS), { maxItems: 5 }))]),
  ),
  closed,
);
const EscalationSchema = Type.Object(
  {
    chain: Type.Object(
      Object.fromEntries(ESCALATION_LEVELS.map((l) => [l, Type.Optional(literals(ESCALATION_LEVELS))])),
      { ...closed, description: 'who takes over from whom, e.g. {"officer": "supervisor", ...}' },
    ),
    repeatAfter: DurationSchema,
  },
  closed,
);
const PolicyId = Type.String({
  pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
  description: 'lower-case letters, digits and dashes',
});
const PolicyBody = Type.Object(
  {
    name: Text(200),
    agencyCode: Type.Optional(Nullable(Text(20))),
    serviceCode: Type.Optional(Nullable(Text(120))),
    caseType: Type.Optional(Nullable(literals(CASE_TYPES))),
    priority: Type.Optional(Nullable(PrioritySchema)),
    calendarId: Type.Optional(Nullable(Text(64))),
    clocks: Type.Optional(ClockDurations),
    warnAtPercent: Type.Optional(Type.Integer({ description: '1 to 99' })),
    breachActions: Type.Optional(BreachActionsSchema),
    escalation: Type.Optional(EscalationSchema),
    enabled: Type.Optional(Type.Boolean()),
  },
  closed,
);
const PolicySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  agencyCode: Nullable(Type.String()),
  serviceId: Nullable(Type.String()),
  caseType: Nullable(Type.String()),
  priority: Nullable(Type.String()),
  enabled: Type.Boolean(),
  calendarId: Nullable(Type.String()),
  clocks: Type.Any(),
  warnAtPercent: Nullable(Type.Integer()),
  breachActions: Type.Any(),
  escalation: Nullable(Type.Any()),
});
const Hours = Type.Array(Type.Tuple([Text(5), Text(5)]), { maxItems: 6 });
const CalendarBody = Type.Object(
  {
    name: Text(120),
    nameSw: Text(120),
    timeZone: Type.Optional(Text(64)),
    alwaysOpen: Type.Optional(Type.Boolean()),
    workingHours: Type.Optional(
      Type.Object(
        Object.fromEntries(
          ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, Type.Optional(Hours)]),
        ),
        {
          ...closed,
          description:
            'local opening hours per weekday, e.g. {"mon": [["08:00", "13:00"], ["14:00", "17:00"]]}',
        },
      ),
    ),
    holidayCountry: Type.Optional(Nullable(Type.String({ pattern: '^[A-Z]{2}$' }))),
  },
  closed,
);

const MANAGERS: readonly StaffRole[] = ['supervisor', 'agency_head', 'agency_admin', 'clearing_house'];

/** Whose SLA report a principal may read: their own agency's (managers), any (oversight, sysadmin). */
function reportAgency(deps: AppDeps, principal: Principal, agencyCode: string | undefined): string {
  const role = roleOf(principal);
  if (role === 'oversight' || role === 'sysadmin') {
    if (!agencyCode) throw new AppError('invalid_input', 'agencyCode: say whose report you want');
    return deps.reference.requireAgency(agencyCode).id;
  }
  if (principal.kind !== 'staff' || !MANAGERS.includes(role) || !principal.agencyId) {
    throw new AppError('forbidden', 'SLA reports are for supervisors, agency heads and administrators');
  }
  if (agencyCode && deps.reference.agency(agencyCode)?.id !== principal.agencyId) {
    throw new AppError('forbidden', 'You may read only your own agency’s SLA report');
  }
  return principal.agencyId;
}

const policyOut = (deps: AppDeps, p: SlaPolicy) => ({
  id: p.id,
  name: p.name,
  agencyCode: p.agencyId ? (deps.reference.agencyById(p.agencyId)?.code ?? null) : null,
  serviceId: p.serviceId,
  caseType: p.caseType,
  priority: p.priority,
  enabled: p.enabled,
  calendarId: p.calendarId ?? null,
  clocks: p.clocks ?? {},
  warnAtPercent: p.warnAtPercent ?? null,
  breachActions: p.breachActions ?? {},
  escalation: p.escalation ?? null,
});

export function slaRoutes(app: App, deps: AppDeps, guards: AppDeps['guards']): void {
  const staff = guards.requireStaff();
  const people = guards.requireStaff({ people: true });
  const admins = guards.requireStaff({ roles: ['sysadmin', 'agency_admin'], people: true });
  const who = (principal: Principal | null): Principal => {
    if (!principal) throw new Error('unreachable: guarded route');
    return principal;
  };
  const userId = (principal: Principal | null): string => {
    const p = who(principal);
    if (p.kind !== 'staff') throw new Error('unreachable: people-only route');
    return p.userId;
  };

  app.get(
    '/api/v1/staff/sla/report',
    {
      preHandler: staff,
      schema: {
        tags: ['sla'],
        summary:
          'An agency’s SLA performance: per clock, met on time, met late, breached, median time to meet',
        querystring: Type.Object(
          {
            agencyCode: Type.Optional(Text(20)),
            from: Type.Optional(DateTime),
            to: Type.Optional(DateTime),
          },
          closed,
        ),
        response: withErrors({
          200: Type.Object({
            agencyCode: Nullable(Type.String()),
            from: DateTime,
            to: DateTime,
            clocks: Type.Array(
              Type.Object({
                clock: Type.String(),
                total: Type.Integer(),
                metOnTime: Type.Integer(),
                metLate: Type.Integer(),
                breachedOpen: Type.Integer(),
                openInTime: Type.Integer(),
                stopped: Type.Integer(),
                onTimeRate: Nullable(Type.Number()),
                medianSecondsToMeet: Nullable(Type.Integer()),
              }),
            ),
          }),
        }),
      },
    },
    async (request) => {
      const agencyId = reportAgency(deps, who(request.principal), request.query.agencyCode);
      const to = request.query.to ? new Date(request.query.to) : deps.now();
      const from = request.query.from
        ? new Date(request.query.from)
        : new Date(to.getTime() - 30 * 86_400_000);
      if (from >= to) throw new AppError('invalid_input', 'from: must be before to');
      return {
        agencyCode: deps.reference.agencyById(agencyId)?.code ?? null,
        from: from.toISOString(),
        to: to.toISOString(),
        clocks: await reportSla(deps.db, agencyId, from, to),
      };
    },
  );

  app.get(
    '/api/v1/staff/notifications',
    {
      preHandler: people,
      schema: {
        tags: ['sla'],
        summary: 'Your notifications: SLA warnings, breaches, escalations and reassignments, newest first',
        querystring: Type.Object(
          {
            unread: Type.Optional(Type.Boolean()),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          },
          closed,
        ),
        response: withErrors({
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                kind: Type.String(),
                caseReference: Nullable(Type.String()),
                data: Type.Any(),
                createdAt: DateTime,
                readAt: Nullable(DateTime),
              }),
            ),
          }),
        }),
      },
    },
    async (request) => ({
      items: (
        await listNotifications(deps.db, userId(request.principal), {
          unreadOnly: request.query.unread ?? false,
          limit: request.query.limit,
        })
      ).map((n) => ({ ...n, createdAt: n.createdAt.toISOString(), readAt: iso(n.readAt) })),
    }),
  );

  app.post(
    '/api/v1/staff/notifications/:id/read',
    {
      preHandler: people,
      schema: {
        tags: ['sla'],
        summary: 'Mark one of your notifications read',
        params: Type.Object({ id: Type.String({ pattern: `^${UUID_PATTERN}$` }) }, closed),
        response: withErrors({ 200: Type.Object({ id: Type.String() }) }),
      },
    },
    async (request) => {
      await markNotificationRead(deps.db, userId(request.principal), request.params.id, deps.now());
      return { id: request.params.id };
    },
  );

  const tags = ['sla administration'];

  app.get(
    '/api/v1/admin/sla/policies',
    {
      preHandler: admins,
      schema: {
        tags,
        summary: 'Every SLA policy, national and per agency',
        response: withErrors({ 200: Type.Object({ policies: Type.Array(PolicySchema) }) }),
      },
    },
    async () => ({ policies: (await listPolicies(deps.db)).map((p) => policyOut(deps, p)) }),
  );

  app.put(
    '/api/v1/admin/sla/policies/:id',
    {
      preHandler: admins,
      schema: {
        tags,
        summary: 'Create or replace an SLA policy (agency administrators: their agency’s only)',
        params: Type.Object({ id: PolicyId }, closed),
        body: PolicyBody,
        response: withErrors({ 200: PolicySchema }),
      },
    },
    async (request) => {
      const policy = await savePolicy(
        deps,
        who(request.principal),
        request.params.id,
        request.body as PolicyDraft,
      );
      return policyOut(deps, policy);
    },
  );

  app.delete(
    '/api/v1/admin/sla/policies/:id',
    {
      preHandler: admins,
      schema: {
        tags,
        summary: 'Delete an SLA policy (never the national default)',
        params: Type.Object({ id: PolicyId }, closed),
        response: withErrors({ 200: Type.Object({ id: Type.String() }) }),
      },
    },
    async (request) => {
      await deletePolicy(deps, who(request.principal), request.params.id);
      return { id: request.params.id };
    },
  );

  app.get(
    '/api/v1/admin/sla/calendars',
    {
      preHandler: admins,
      schema: {
        tags,
        summary: 'Business calendars, their closures, the agencies on each, and a year of public holidays',
        querystring: Type.Object(
          { year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })) },
          closed,
        ),
        response: withErrors({ 200: Type.Object({ calendars: Type.Array(Type.Any()) }) }),
      },
    },
    async (request) => {
      const year = request.query.year ?? deps.now().getUTCFullYear();
      const calendars = await listCalendars(deps.db);
      return {
        calendars: calendars.map((c) => ({
          ...c,
          holidays: deps.sla.calendar(c.id).holidays(year),
          workingDayHours: deps.sla.calendar(c.id).workingDayMs / 3_600_000,
        })),
      };
    },
  );

  app.put(
    '/api/v1/admin/sla/calendars/:id',
    {
      preHandler: admins,
      schema: {
        tags,
        summary: 'Create or replace a business calendar (system administrators)',
        params: Type.Object({ id: PolicyId }, closed),
        body: CalendarBody,
        response: withErrors({ 200: Type.Object({ id: Type.String() }) }),
      },
    },
    async (request) => {
      const body = request.body;
      await saveCalendar(deps, who(request.principal), {
        id: request.params.id,
        name: body.name,
        nameSw: body.nameSw,
        timeZone: body.timeZone ?? 'Africa/Nairobi',
        alwaysOpen: body.alwaysOpen ?? false,
        workingHours: (body.workingHours ?? {}) as Record<string, [string, string][]>,
        holidayCountry: body.holidayCountry === undefined ? 'KE' : body.holidayCountry,
      });
      return { id: request.params.id };
    },
  );

  app.post(
    '/api/v1/admin/sla/calendars/:id/closures',
    {
      preHandler: admins,
      schema: {
        tags,
        summary: 'Add a one-off closure (an extra gazetted holiday, an office move) to a calendar',
        params: Type.Object({ id: PolicyId }, closed),
        body: Type.Object({ startsAt: DateTime, endsAt: DateTime, reason: Text(300) }, closed),
        response: withErrors({ 201: Type.Object({ id: Type.String() }) }),
      },
    },
    async (request, reply) => {
      const closure = await addClosure(deps, who(request.principal), request.params.id, {
        startsAt: new Date(request.body.startsAt),
        endsAt: new Date(request.body.endsAt),
        reason: request.body.reason,
      });
      return reply.status(201).send({ id: closure.id });
    },
  );

  app.put(
    '/api/v1/admin/sla/agencies/:code/calendar',
    {
      preHandler: admins,
      schema: {
        tags,
        summary: 'Choose the calendar an agency works on',
        params: Type.Object({ code: Text(20) }, closed),
        body: Type.Object({ calendarId: Text(64) }, closed),
        response: withErrors({ 200: Type.Object({ agencyCode: Type.String(), calendarId: Type.String() }) }),
      },
    },
    async (request) => {
      await setAgencyCalendar(deps, who(request.principal), request.params.code, request.body.calendarId);
      return { agencyCode: request.params.code.toUpperCase(), calendarId: request.body.calendarId };
    },
  );

  const HealthSchema = Type.Object({
    check: Nullable(
      Type.Object({
        id: Type.String(),
        ranAt: DateTime,
        openCases: Type.Integer(),
        repaired: Type.Integer(),
        unrepaired: Type.Integer(),
        findings: Type.Array(Type.Any()),
      }),
    ),
  });
  const sysadmin = guards.requireStaff({ roles: ['sysadmin'], people: true });
  const healthOut = (report: Awaited<ReturnType<typeof latestCheck>>) => ({
    check: report ? { ...report, ranAt: report.ranAt.toISOString() } : null,
  });

  app.get(
    '/api/v1/admin/sla/health',
    {
      preHandler: sysadmin,
      schema: {
        tags,
        summary:
          'The latest "nothing falls through" check: open cases without an owner or deadline, missed clocks',
        response: withErrors({ 200: HealthSchema }),
      },
    },
    async () => healthOut(await latestCheck(deps.db)),
  );

  app.post(
    '/api/v1/admin/sla/health/check',
    {
      preHandler: sysadmin,
      schema: {
        tags,
        summary: 'Run the "nothing falls through" check now, repairing what it can',
        response: withErrors({ 200: HealthSchema }),
      },
    },
    async () => healthOut(await checkNothingFallsThrough(deps, deps.now())),
  );
}
