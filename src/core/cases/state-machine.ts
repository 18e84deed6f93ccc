import type { CaseStatus } from '../../db/schema.ts';
import { AppError } from '../errors.ts';

/** Who moves a case: staff through the console or API, the citizen, or Baraza itself. */
export type Mover = 'staff' | 'citizen' | 'system';

/*
 * The case lifecycle (docs/cases.md draws it). A case is open while its status is in OPEN_STATUSES:
 * it then has an owner queue and a deadline. 'merged' is reached only by merging, and 'new' again
 * only by a transfer, so neither can be chosen as a status change.
 */
const TRANSITIONS: Record<CaseStatus, Partial<Record<CaseStatus, Mover[]>>> = {
  new: {
    acknowledged: ['staff', 'system'],
    in_progress: ['staff'],
    awaiting_citizen: ['staff'],
    // 'system': an inquiry answered at once by a knowledge-base article (core/knowledge/auto-answer.ts).
    resolved: ['staff', 'system'],
    withdrawn: ['citizen'],
  },
  acknowledged: {
    in_progress: ['staff'],
    awaiting_citizen: ['staff'],
    resolved: ['staff'],
    withdrawn: ['citizen'],
  },
  in_progress: { awaiting_citizen: ['staff'], resolved: ['staff'], withdrawn: ['citizen'] },
  awaiting_citizen: {
    in_progress: ['staff', 'citizen'],
    resolved: ['staff'],
    // Closed for want of an answer, after the waiting period; it can be reopened.
    closed: ['system'],
    withdrawn: ['citizen'],
  },
  reopened: {
    acknowledged: ['staff'],
    in_progress: ['staff'],
    awaiting_citizen: ['staff'],
    resolved: ['staff'],
    withdrawn: ['citizen'],
  },
  resolved: { closed: ['staff', 'system'], reopened: ['citizen'] },
  closed: { reopened: ['citizen'] },
  withdrawn: {},
  merged: {},
};

export const OPEN_STATUSES: readonly CaseStatus[] = [
  'new',
  'acknowledged',
  'in_progress',
  'awaiting_citizen',
  'reopened',
];

export const isOpen = (status: CaseStatus) => OPEN_STATUSES.includes(status);

export function canTransition(from: CaseStatus, to: CaseStatus, by: Mover): boolean {
  return TRANSITIONS[from][to]?.includes(by) ?? false;
}

export function assertTransition(from: CaseStatus, to: CaseStatus, by: Mover): void {
  if (canTransition(from, to, by)) return;
  const allowed = Object.entries(TRANSITIONS[from])
    .filter(([, movers]) => movers?.includes(by))
    .map(([status]) => status);
  throw new AppError(
    'invalid_transition',
    `A case that is ${from} cannot become ${to}` +
      (allowed.length > 0 ? `; it can become: ${allowed.join(', ')}` : '; no further change is possible'),
    { from, to, allowed },
  );
}

/** Every (from, to, mover) the machine allows, for docs and tests. */
export function listTransitions(): { from: CaseStatus; to: CaseStatus; by: Mover[] }[] {
  return Object.entries(TRANSITIONS).flatMap(([from, targets]) =>
    Object.entries(targets).map(([to, by]) => ({
      from: from as CaseStatus,
      to: to as CaseStatus,
      by: by ?? [],
    })),
  );
}
