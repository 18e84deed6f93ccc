import type { CaseStatus, CaseType, Priority } from '../../db/schema.ts';
import { isOpen } from '../cases/state-machine.ts';
import type { Actor, NewEvent } from '../events/append-events.ts';
import {
  type CalendarLookup,
  type Clock,
  meetClock,
  pauseClock,
  resumeClock,
  retarget,
  reviveClock,
  startClock,
  stopClock,
} from './clock-math.ts';
import { CLOCKS, type ClockName, type EffectivePolicy } from './sla-policy.ts';

/** The parts of a case its clocks depend on. */
export interface CaseSnapshot {
  status: CaseStatus;
  agencyId: string;
  assigneeId: string | null;
  priority: Priority;
  type: CaseType;
  serviceId: string | null;
}

export interface CaseChange {
  /** null for a case that is being created. */
  before: CaseSnapshot | null;
  after: CaseSnapshot;
  events: readonly NewEvent[];
  actor: Actor;
  clearingHouseId: string;
}

/** The statuses of a case the agency has not yet taken up: leaving them meets acknowledge. */
const UNACKNOWLEDGED: readonly CaseStatus[] = ['new', 'reopened'];

/** Clocks that stop while the agency waits for the citizen, and start again when they answer. */
const PAUSED_WHILE_WAITING: readonly ClockName[] = ['resolve', 'interim_update', 'assignee_idle'];

/** Clocks that are the citizen's (all but the assignee's): the earliest running one is the case's next due time. */
const CITIZEN_MILESTONES: readonly ClockName[] = CLOCKS.filter((clock) => clock !== 'assignee_idle');

/** Public words from staff that answer the citizen: the first one meets the first-response clock. */
function respondsToCitizen(change: CaseChange): boolean {
  if (change.actor.type !== 'staff' && change.actor.type !== 'api_key') return false;
  return change.events.some(
    (e) =>
      e.public &&
      (e.kind === 'case.responded' ||
        (e.kind === 'case.status_changed' &&
          ['awaiting_citizen', 'resolved'].includes(String((e.data.after as { status?: string })?.status)))),
  );
}

/** Any public word from staff: it is the interim update the citizen is owed. */
const updatesCitizen = (change: CaseChange) =>
  (change.actor.type === 'staff' || change.actor.type === 'api_key') && change.events.some((e) => e.public);

/**
 * How a change to a case moves its clocks: a pure function of the clocks before, the change and the
 * policy that now applies. Returns every clock, changed or not.
 *
 * - A new case starts acknowledge, first_response, resolve and interim_update; one held by the
 *   clearing house also starts transfer.
 * - Leaving 'new' meets acknowledge (and, for an agency that received a misdirected case, transfer).
 * - A transfer or routing restarts acknowledge and transfer for the receiving agency; the
 *   citizen's own clocks (first_response, resolve) keep running from the submission.
 * - awaiting_citizen pauses resolve, interim_update and assignee_idle and starts citizen_reply; the
 *   citizen's answer (or staff resuming) starts them again with the time they had left.
 * - resolved meets resolve and the other citizen milestones; closing, withdrawing or merging stops
 *   whatever still runs. Reopening starts acknowledge, resolve and interim_update afresh, except
 *   after an automatic answer the citizen said did not help: the clocks it met run again from the
 *   submission, with their first deadlines.
 * - Assigning starts assignee_idle; every action of the assignee restarts it.
 * - A new priority, type, service or agency recomputes running deadlines from their start.
 */
export function planClocks(
  existing: readonly Clock[],
  change: CaseChange,
  policy: EffectivePolicy,
  calendars: CalendarLookup,
  now: Date,
): Clock[] {
  const clocks = new Map(existing.map((c) => [c.clock, c]));
  // A clock the policy does not (or no longer) set is stopped, never dropped: the row stays.
  const start = (name: ClockName) => {
    const clock = startClock(name, policy, calendars, now);
    const existing = clocks.get(name);
    if (clock) clocks.set(name, clock);
    else if (existing) clocks.set(name, stopClock(existing));
  };
  const update = (name: ClockName, fn: (c: Clock) => Clock | undefined) => {
    const clock = clocks.get(name);
    if (!clock) return;
    clocks.set(name, fn(clock) ?? stopClock(clock));
  };
  const running = (name: ClockName) => {
    const status = clocks.get(name)?.status;
    return status === 'running' || status === 'paused';
  };
  const { before, after } = change;

  if (!isOpen(after.status)) {
    for (const name of clocks.keys()) {
      const resolvedNow = after.status === 'resolved' && CITIZEN_MILESTONES.includes(name);
      update(name, (c) => (resolvedNow && name !== 'citizen_reply' ? meetClock(c, now) : stopClock(c)));
    }
    return [...clocks.values()];
  }

  if (!before) {
    for (const name of ['acknowledge', 'first_response', 'resolve', 'interim_update'] as const) start(name);
    if (after.agencyId === change.clearingHouseId) start('transfer');
    if (after.assigneeId) start('assignee_idle');
    return [...clocks.values()];
  }

  if (!isOpen(before.status) && change.events.some((e) => e.kind === 'case.auto_answer_rejected')) {
    // The automatic answer did not help: the clocks it met run again from the submission.
    for (const name of clocks.keys()) update(name, (c) => (c.status === 'met' ? reviveClock(c) : c));
    if (after.assigneeId) start('assignee_idle');
    return [...clocks.values()];
  }

  if (!isOpen(before.status)) {
    // Reopened: the agency owes the citizen a fresh acknowledgement and resolution.
    for (const name of clocks.keys()) update(name, stopClock);
    for (const name of ['acknowledge', 'resolve', 'interim_update'] as const) start(name);
    if (after.assigneeId) start('assignee_idle');
    return [...clocks.values()];
  }

  const moved = before.agencyId !== after.agencyId;
  if (
    moved ||
    before.priority !== after.priority ||
    before.type !== after.type ||
    before.serviceId !== after.serviceId
  ) {
    for (const name of clocks.keys()) update(name, (c) => retarget(c, policy, calendars, now));
  }
  if (moved) {
    start('acknowledge');
    start('transfer');
  } else if (UNACKNOWLEDGED.includes(before.status) && !UNACKNOWLEDGED.includes(after.status)) {
    update('acknowledge', (c) => meetClock(c, now));
    // The receiving agency accepted the case; the clearing house meets its clock only by routing.
    if (after.agencyId !== change.clearingHouseId) update('transfer', (c) => meetClock(c, now));
  }

  const waitingBefore = before.status === 'awaiting_citizen';
  const waitingAfter = after.status === 'awaiting_citizen';
  if (!waitingBefore && waitingAfter) {
    for (const name of PAUSED_WHILE_WAITING) update(name, (c) => pauseClock(c, calendars, now));
    start('citizen_reply');
  } else if (waitingBefore && !waitingAfter) {
    for (const name of PAUSED_WHILE_WAITING) update(name, (c) => resumeClock(c, policy, calendars, now));
    update('citizen_reply', (c) => meetClock(c, now));
    // Assigned while waiting: the assignee's clock starts now that there is work again.
    if (after.assigneeId && !running('assignee_idle')) start('assignee_idle');
  }

  // Referring a case to an agency not on Baraza is the clearing house's routing of it.
  if (change.events.some((e) => e.kind === 'case.referred')) update('transfer', (c) => meetClock(c, now));
  if (respondsToCitizen(change)) update('first_response', (c) => meetClock(c, now));
  if (updatesCitizen(change) && running('interim_update') && !waitingAfter) start('interim_update');

  if (before.assigneeId !== after.assigneeId) {
    if (after.assigneeId && !waitingAfter) start('assignee_idle');
    else update('assignee_idle', stopClock);
  } else if (
    after.assigneeId &&
    change.actor.type === 'staff' &&
    change.actor.id === after.assigneeId &&
    running('assignee_idle') &&
    !waitingAfter
  ) {
    start('assignee_idle');
  }
  return [...clocks.values()];
}

/** The case's next due time: its earliest running citizen milestone. */
export function nextDueAt(clocks: readonly Clock[]): Date | null {
  let next: Date | null = null;
  for (const c of clocks) {
    if (c.status !== 'running' || !c.dueAt || !CITIZEN_MILESTONES.includes(c.clock)) continue;
    if (!next || c.dueAt < next) next = c.dueAt;
  }
  return next;
}
