import { sql } from 'kysely';
import { v7 as timeOrderedUuid } from 'uuid';
import type { Db } from '../../db/open-database.ts';
import type { CallOutcome, CaseStatus, CaseType, Language, StaffRole } from '../../db/schema.ts';
import { can } from '../access/case-policy.ts';
import type { Principal } from '../access/principal.ts';
import { changeStatus, type StaffDeps } from '../cases/staff-actions.ts';
import { type SubmitCaseDeps, type SubmittedCase, submitCase } from '../cases/submit-case.ts';
import { normalisePhone } from '../citizens/normalise-phone.ts';
import { forbidden } from '../errors.ts';

/*
 * The contact-centre desk for the national number: who is calling and what they have sent before,
 * a case taken on their behalf (channel phone), an inquiry answered and resolved on the call, and
 * every call logged with its outcome, so first-contact resolution can be measured.
 */

export interface Caller {
  /** E.164. */
  phone: string;
  citizen: { id: string; name: string | null; preferredLanguage: Language } | null;
  /** Their cases this agent may read, newest first; the others only counted. */
  cases: { reference: string; type: CaseType; status: CaseStatus; agencyId: string; createdAt: Date }[];
  hiddenCases: number;
}

/** Roles that take calls at the desk. */
export const DESK_ROLES: readonly StaffRole[] = [
  'agent',
  'officer',
  'supervisor',
  'agency_head',
  'clearing_house',
];

export function assertDeskUser(principal: Principal): asserts principal is Principal & { kind: 'staff' } {
  if (principal.kind !== 'staff' || !DESK_ROLES.includes(principal.role) || !principal.agencyId) {
    throw forbidden('The contact-centre desk is for agents and officers of an agency');
  }
}

/** Who is calling: the citizen with this number, and their cases. */
export async function findCaller(db: Db, principal: Principal, phoneInput: string): Promise<Caller> {
  assertDeskUser(principal);
  const phone = normalisePhone(phoneInput, 'phone');
  const citizen = await db
    .selectFrom('citizens')
    .select(['id', 'name', 'preferredLanguage'])
    .where('phone', '=', phone)
    .executeTakeFirst();
  if (!citizen) return { phone, citizen: null, cases: [], hiddenCases: 0 };
  const rows = await db
    .selectFrom('cases')
    .select(['reference', 'type', 'status', 'agencyId', 'sealed', 'createdAt'])
    .where('citizenId', '=', citizen.id)
    .orderBy('createdAt', 'desc')
    .limit(50)
    .execute();
  const visible = rows.filter((row) => can(principal, 'read', row));
  return {
    phone,
    citizen: { id: citizen.id, name: citizen.name, preferredLanguage: citizen.preferredLanguage as Language },
    cases: visible.map(({ sealed: _sealed, ...row }) => row),
    hiddenCases: rows.length - visible.length,
  };
}

export interface CallCase {
  phone?: string | undefined;
  name?: string | undefined;
  language: Language;
  type?: CaseType | undefined;
  description: string;
  agencyCode?: string | undefined;
  county?: string | undefined;
  /** Answered on the call: the case is resolved at once with these words. */
  answer?: string | undefined;
}

/**
 * A case taken on the caller's behalf, channel phone; triage decides what the agent left open. With
 * an answer, the agent resolves it on the call, which only works for a case their agency owns.
 */
export async function takeCallCase(
  deps: SubmitCaseDeps & StaffDeps,
  principal: Principal,
  input: CallCase,
  idempotencyKey: string,
): Promise<{ submitted: SubmittedCase; resolved: boolean }> {
  assertDeskUser(principal);
  const phone = input.phone ? normalisePhone(input.phone, 'phone') : undefined;
  // No automatic answer: the agent on the line answers the caller.
  const submitted = await submitCase(
    { ...deps, autoAnswer: undefined },
    {
      type: input.type,
      channel: 'phone',
      description: input.description,
      language: input.language,
      agencyCode: input.agencyCode,
      county: input.county,
      citizen: phone || input.name ? { name: input.name, phone, language: input.language } : undefined,
      anonymous: !(phone || input.name),
    },
    `desk:${idempotencyKey}`,
  );
  let resolved = false;
  if (input.answer && submitted.agency.id === principal.agencyId && !submitted.replayed) {
    await changeStatus(deps, principal, submitted.reference, 'resolved', input.answer);
    resolved = true;
  }
  await logCall(deps.db, principal, {
    phone,
    caseId: submitted.id,
    outcome: resolved ? 'resolved_first_contact' : 'case_created',
    now: deps.now(),
    dedupe: `desk:${idempotencyKey}`,
  });
  return { submitted, resolved };
}

/** Logs a call; with a dedupe key, once (a form sent twice logs one call). */
export async function logCall(
  db: Db,
  principal: Principal,
  call: {
    phone?: string | undefined;
    caseId?: string | undefined;
    outcome: CallOutcome;
    note?: string | undefined;
    now: Date;
    dedupe?: string;
  },
): Promise<void> {
  assertDeskUser(principal);
  const citizen = call.phone
    ? await db.selectFrom('citizens').select('id').where('phone', '=', call.phone).executeTakeFirst()
    : undefined;
  if (call.dedupe && call.caseId) {
    const earlier = await db
      .selectFrom('calls')
      .select('id')
      .where('caseId', '=', call.caseId)
      .where('agentId', '=', principal.userId)
      .executeTakeFirst();
    if (earlier) return;
  }
  await db
    .insertInto('calls')
    .values({
      id: timeOrderedUuid(),
      agentId: principal.userId,
      agencyId: principal.agencyId as string,
      phone: call.phone ?? null,
      citizenId: citizen?.id ?? null,
      caseId: call.caseId ?? null,
      outcome: call.outcome,
      note: call.note?.trim() || null,
      createdAt: call.now,
    })
    .execute();
}

export interface CallFigures {
  calls: number;
  /** Calls that ended with the caller's need met: resolved on the call or information given. */
  resolvedFirstContact: number;
  casesCreated: number;
}

/** Today's calls at this agency's desk (Nairobi day), for the first-contact resolution figure. */
export async function callFigures(db: Db, principal: Principal, now: Date): Promise<CallFigures> {
  assertDeskUser(principal);
  const dayStart = new Date(
    `${new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Nairobi' }).format(now)}T00:00:00+03:00`,
  );
  const row = await db
    .selectFrom('calls')
    .select([
      sql<string>`count(*)`.as('calls'),
      sql<string>`count(*) filter (where outcome in ('resolved_first_contact', 'information_given'))`.as(
        'fcr',
      ),
      sql<string>`count(*) filter (where outcome in ('case_created', 'resolved_first_contact'))`.as(
        'created',
      ),
    ])
    .where('agencyId', '=', principal.agencyId as string)
    .where('createdAt', '>=', dayStart)
    .executeTakeFirstOrThrow();
  return {
    calls: Number(row.calls),
    resolvedFirstContact: Number(row.fcr),
    casesCreated: Number(row.created),
  };
}

export interface CallDay {
  /** The Nairobi date, YYYY-MM-DD. */
  day: string;
  calls: number;
  resolvedFirstContact: number;
}

/** First-contact resolution per Nairobi day over the last `days` days, newest first. */
export async function callHistory(db: Db, principal: Principal, now: Date, days = 14): Promise<CallDay[]> {
  assertDeskUser(principal);
  const rows = await db
    .selectFrom('calls')
    .select([
      sql<string>`to_char(created_at at time zone 'Africa/Nairobi', 'YYYY-MM-DD')`.as('day'),
      sql<string>`count(*)`.as('calls'),
      sql<string>`count(*) filter (where outcome in ('resolved_first_contact', 'information_given'))`.as(
        'fcr',
      ),
    ])
    .where('agencyId', '=', principal.agencyId as string)
    .where('createdAt', '>=', new Date(now.getTime() - days * 86_400_000))
    .groupBy(sql`1`)
    .orderBy(sql`1`, 'desc')
    .execute();
  return rows.map((r) => ({ day: r.day, calls: Number(r.calls), resolvedFirstContact: Number(r.fcr) }));
}
