import { type CaseType, ESCALATION_LEVELS, type EscalationLevel, type Priority } from '../../db/schema.ts';
import { AppError, type FieldProblem } from '../errors.ts';

/*
 * An SLA policy says how long each of a case's clocks may run, on which business calendar, when
 * to warn, and what happens on a breach. Policies are layered: a national default (no agency),
 * then per agency, service, case type and priority; for each clock the most specific policy that
 * sets it wins (resolveEffectivePolicy), so a "P1" policy can shorten only the resolve clock.
 */

export const CLOCKS = [
  'acknowledge',
  'first_response',
  'resolve',
  'transfer',
  'interim_update',
  'citizen_reply',
  'assignee_idle',
] as const;
export type ClockName = (typeof CLOCKS)[number];

/** minutes/hours/days run on the wall clock; working_* count only the calendar's working time. */
export const DURATION_UNITS = ['minutes', 'hours', 'days', 'working_hours', 'working_days'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

export interface Duration {
  amount: number;
  unit: DurationUnit;
}

export const BREACH_ACTIONS = ['notify', 'escalate', 'raise_priority', 'reassign', 'close'] as const;
export type BreachAction = (typeof BREACH_ACTIONS)[number];

export { ESCALATION_LEVELS, type EscalationLevel };

export interface Escalation {
  /** Who takes over from whom: officer -> supervisor -> agency_head -> oversight by default. */
  chain: Partial<Record<EscalationLevel, EscalationLevel>>;
  /** A clock still unmet this long after an escalation escalates again, up the chain. */
  repeatAfter: Duration;
}

export interface PolicyRules {
  calendarId?: string | null | undefined;
  clocks?: Partial<Record<ClockName, Duration | null>> | undefined;
  warnAtPercent?: number | undefined;
  breachActions?: Partial<Record<ClockName, BreachAction[]>> | undefined;
  escalation?: Escalation | undefined;
}

export interface SlaPolicy extends PolicyRules {
  id: string;
  name: string;
  agencyId: string | null;
  serviceId: string | null;
  caseType: CaseType | null;
  priority: Priority | null;
  enabled: boolean;
}

/** What applies to one case: every field decided, with the policy that decided each clock. */
export interface EffectivePolicy {
  calendarId: string;
  clocks: Partial<Record<ClockName, Duration>>;
  warnAtPercent: number;
  breachActions: Partial<Record<ClockName, BreachAction[]>>;
  escalation: Escalation;
  /** The policy that set each clock, for the case page ("resolve: 48 hours, from 'Life or liberty'"). */
  sources: Partial<Record<ClockName, string>>;
}

export interface PolicySubject {
  agencyId: string;
  serviceId: string | null;
  type: CaseType;
  priority: Priority;
}

/*
 * Priority weighs most: a life-or-liberty (P1) deadline set nationally is not lengthened by an
 * agency's general policy, only by an agency policy for P1 itself. Then case type, service, agency.
 */
const specificity = (p: SlaPolicy) =>
  (p.priority ? 8 : 0) + (p.caseType ? 4 : 0) + (p.serviceId ? 2 : 0) + (p.agencyId ? 1 : 0);

const matches = (p: SlaPolicy, s: PolicySubject) =>
  p.enabled &&
  (!p.agencyId || p.agencyId === s.agencyId) &&
  (!p.serviceId || p.serviceId === s.serviceId) &&
  (!p.caseType || p.caseType === s.type) &&
  (!p.priority || p.priority === s.priority);

/** Layers the matching policies from general to specific; a clock set to null is switched off. */
export function resolveEffectivePolicy(
  policies: readonly SlaPolicy[],
  subject: PolicySubject,
  agencyCalendarId: string,
): EffectivePolicy {
  const layers = policies.filter((p) => matches(p, subject)).sort((a, b) => specificity(a) - specificity(b));
  const effective: EffectivePolicy = {
    calendarId: agencyCalendarId,
    clocks: {},
    warnAtPercent: 75,
    breachActions: {},
    escalation: DEFAULT_ESCALATION,
    sources: {},
  };
  for (const layer of layers) {
    if (layer.calendarId) effective.calendarId = layer.calendarId;
    if (layer.warnAtPercent !== undefined) effective.warnAtPercent = layer.warnAtPercent;
    if (layer.escalation) effective.escalation = layer.escalation;
    for (const [clock, duration] of Object.entries(layer.clocks ?? {}) as [ClockName, Duration | null][]) {
      if (duration) {
        effective.clocks[clock] = duration;
        effective.sources[clock] = layer.name;
      } else {
        delete effective.clocks[clock];
        delete effective.sources[clock];
      }
    }
    Object.assign(effective.breachActions, layer.breachActions ?? {});
  }
  return effective;
}

export const DEFAULT_ESCALATION: Escalation = {
  chain: { officer: 'supervisor', supervisor: 'agency_head', agency_head: 'oversight' },
  repeatAfter: { amount: 2, unit: 'working_days' },
};

/** The next level up from `level`, or null at the top of the chain. */
export function nextLevel(escalation: Escalation, level: EscalationLevel): EscalationLevel | null {
  return escalation.chain[level] ?? null;
}

/** Clocks no policy may switch off. */
const ALWAYS_ON: readonly ClockName[] = ['resolve', 'citizen_reply'];

/** Checks a policy an administrator wrote; every problem is reported at once, by field. */
export function assertValidPolicy(
  policy: PolicyRules,
  knownCalendars: ReadonlySet<string>,
  options: { everyClock?: boolean } = {},
): void {
  const problems: FieldProblem[] = [];
  if (policy.calendarId && !knownCalendars.has(policy.calendarId)) {
    problems.push({ field: 'calendarId', problem: `there is no business calendar "${policy.calendarId}"` });
  }
  for (const [clock, duration] of Object.entries(policy.clocks ?? {})) {
    if (!(CLOCKS as readonly string[]).includes(clock)) {
      problems.push({ field: `clocks.${clock}`, problem: `unknown clock; clocks are ${CLOCKS.join(', ')}` });
    } else if (duration) checkDuration(`clocks.${clock}`, duration, problems);
    else if ((ALWAYS_ON as readonly string[]).includes(clock)) {
      // Between them these give every open case a deadline, waiting for the citizen or not.
      problems.push({
        field: `clocks.${clock}`,
        problem: 'cannot be switched off: every open case needs a deadline',
      });
    }
  }
  if (options.everyClock) {
    for (const clock of CLOCKS) {
      if (!policy.clocks?.[clock]) {
        problems.push({ field: `clocks.${clock}`, problem: 'the national default must set every clock' });
      }
    }
  }
  if (
    policy.warnAtPercent !== undefined &&
    !(Number.isInteger(policy.warnAtPercent) && policy.warnAtPercent > 0 && policy.warnAtPercent < 100)
  ) {
    problems.push({ field: 'warnAtPercent', problem: 'must be a whole number between 1 and 99' });
  }
  for (const [clock, actions] of Object.entries(policy.breachActions ?? {})) {
    if (!(CLOCKS as readonly string[]).includes(clock)) {
      problems.push({ field: `breachActions.${clock}`, problem: 'unknown clock' });
    }
    for (const action of actions ?? []) {
      if (!(BREACH_ACTIONS as readonly string[]).includes(action)) {
        problems.push({
          field: `breachActions.${clock}`,
          problem: `unknown action "${action}"; actions are ${BREACH_ACTIONS.join(', ')}`,
        });
      }
    }
    if (actions?.includes('close') && clock !== 'citizen_reply') {
      problems.push({
        field: `breachActions.${clock}`,
        problem: 'only the citizen_reply clock may close a case; a late agency never closes one',
      });
    }
  }
  if (policy.escalation) checkEscalation(policy.escalation, problems);
  if (problems.length > 0) {
    throw new AppError('invalid_input', problems.map((p) => `${p.field}: ${p.problem}`).join('; '), problems);
  }
}

function checkDuration(field: string, duration: Duration, problems: FieldProblem[]): void {
  if (!(DURATION_UNITS as readonly string[]).includes(duration.unit)) {
    problems.push({ field: `${field}.unit`, problem: `must be one of ${DURATION_UNITS.join(', ')}` });
  }
  if (!(Number.isFinite(duration.amount) && duration.amount > 0)) {
    problems.push({ field: `${field}.amount`, problem: 'must be more than zero' });
  } else if (duration.amount > (MAXIMA[duration.unit] ?? Number.POSITIVE_INFINITY)) {
    problems.push({
      field: `${field}.amount`,
      problem: `must be at most a year (${MAXIMA[duration.unit]} ${duration.unit})`,
    });
  }
}

/** A year in each unit; a working year is 250 days of 8 hours. */
const MAXIMA: Record<DurationUnit, number> = {
  minutes: 366 * 24 * 60,
  hours: 366 * 24,
  days: 366,
  working_hours: 250 * 8,
  working_days: 250,
};

function checkEscalation(escalation: Escalation, problems: FieldProblem[]): void {
  const levels = ESCALATION_LEVELS as readonly string[];
  for (const [from, to] of Object.entries(escalation.chain)) {
    if (!levels.includes(from) || !levels.includes(to as string)) {
      problems.push({
        field: `escalation.chain.${from}`,
        problem: `levels are ${ESCALATION_LEVELS.join(', ')}`,
      });
    }
  }
  // Walk from every level: meeting a level twice is a cycle, which would escalate forever.
  for (const start of Object.keys(escalation.chain) as EscalationLevel[]) {
    const seen = [start];
    for (let at = escalation.chain[start]; at; at = escalation.chain[at]) {
      if (seen.includes(at)) {
        problems.push({
          field: 'escalation.chain',
          problem: `the chain has a cycle: ${[...seen, at].join(' -> ')}`,
        });
        return;
      }
      seen.push(at);
    }
  }
  checkDuration('escalation.repeatAfter', escalation.repeatAfter, problems);
}
