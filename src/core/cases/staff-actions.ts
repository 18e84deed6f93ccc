import type { Db } from '../../db/open-database.ts';
import type { CaseRow, CaseStatus, Priority } from '../../db/schema.ts';
import { assertCan, type CaseAction } from '../access/case-policy.ts';
import { actorOf, type Principal } from '../access/principal.ts';
import { AppError, invalidInput } from '../errors.ts';
import { type MutateDeps, type Mutation, mutateCase, statusEvent } from './mutate-case.ts';
import { parseReference } from './reference.ts';
import { assertTransition, isOpen } from './state-machine.ts';

export interface StaffDeps extends MutateDeps {
  now: () => Date;
}

/** Runs a staff action: the policy check happens on the locked row, so it sees the current owner. */
export function asStaff<T>(
  deps: StaffDeps,
  principal: Principal,
  reference: string,
  action: CaseAction,
  decide: (kase: CaseRow, trx: Db) => Promise<Mutation<T>> | Mutation<T>,
): Promise<T> {
  const key = { reference: parseReference(reference) };
  return mutateCase(deps, key, actorOf(principal), deps.now(), (kase, trx) => {
    // A case this principal may not read answers as missing, so references cannot be probed.
    try {
      assertCan(principal, 'read', kase);
    } catch {
      throw new AppError('not_found', 'The case was not found');
    }
    assertCan(principal, action, kase);
    return decide(kase, trx);
  });
}

/** Claims the case (no userId) or, for supervisors, gives it to a colleague of the owning agency. */
export function assignCase(deps: StaffDeps, principal: Principal, reference: string, userId?: string | null) {
  const target = userId === undefined && principal.kind === 'staff' ? principal.userId : (userId ?? null);
  const claiming = principal.kind === 'staff' && target === principal.userId;
  return asStaff(deps, principal, reference, claiming ? 'work' : 'assign_others', async (kase, trx) => {
    if (!isOpen(kase.status))
      throw new AppError('invalid_transition', `A ${kase.status} case cannot be assigned`);
    if (target) {
      const assignee = await trx
        .selectFrom('staffUsers')
        .select(['id', 'name', 'role', 'agencyId', 'active'])
        .where('id', '=', target)
        .executeTakeFirst();
      const fits = kase.sealed ? assignee?.role === 'oversight' : assignee?.agencyId === kase.agencyId;
      if (!assignee?.active || !fits) {
        throw invalidInput(
          'userId',
          'the assignee must be an active member of the agency that owns the case',
        );
      }
    }
    return {
      changes: { assigneeId: target },
      events: [
        {
          kind: 'case.assigned',
          public: false,
          data: { before: { assigneeId: kase.assigneeId }, after: { assigneeId: target } },
        },
      ],
      result: { assigneeId: target },
    };
  });
}

export function addInternalNote(deps: StaffDeps, principal: Principal, reference: string, message: string) {
  return asStaff(deps, principal, reference, 'work', () => ({
    events: [{ kind: 'case.note_added', public: false, data: { message } }],
    result: {},
  }));
}

export function respondToCitizen(deps: StaffDeps, principal: Principal, reference: string, message: string) {
  return asStaff(deps, principal, reference, 'work', (kase) => {
    if (kase.status === 'withdrawn' || kase.status === 'merged') {
      throw new AppError('invalid_transition', `A ${kase.status} case takes no more responses`);
    }
    return { events: [{ kind: 'case.responded', public: true, data: { message } }], result: {} };
  });
}

/** Statuses that say something to the citizen need the words that say it. */
const NEEDS_MESSAGE: readonly CaseStatus[] = ['awaiting_citizen', 'resolved'];

export function changeStatus(
  deps: StaffDeps,
  principal: Principal,
  reference: string,
  status: CaseStatus,
  message?: string,
) {
  return asStaff(deps, principal, reference, 'work', (kase) => {
    assertTransition(kase.status, status, 'staff');
    if (NEEDS_MESSAGE.includes(status) && !message?.trim()) {
      throw invalidInput(
        'message',
        status === 'resolved' ? 'say how the case was resolved' : 'say what you need from the citizen',
      );
    }
    const now = deps.now();
    return {
      changes: {
        status,
        ...(status === 'resolved' ? { resolvedAt: now } : {}),
        ...(status === 'closed' ? { closedAt: now } : {}),
      },
      events: [statusEvent(kase.status, status, message?.trim())],
      result: { status },
    };
  });
}

export function changePriority(
  deps: StaffDeps,
  principal: Principal,
  reference: string,
  priority: Priority,
  reason: string,
) {
  return asStaff(deps, principal, reference, 'prioritise', (kase) => ({
    changes: { priority },
    events: [
      {
        kind: 'case.priority_changed',
        public: false,
        data: { before: { priority: kase.priority }, after: { priority }, reason },
      },
    ],
    result: { priority },
  }));
}
