import type { Db } from '../../db/open-database.ts';
import type { CaseRow, EscalationLevel } from '../../db/schema.ts';
import { attachUploads, type UploadSummary } from '../attachments/attach-uploads.ts';
import { AppError } from '../errors.ts';
import type { Actor, NewEvent } from '../events/append-events.ts';
import type { Secrets } from '../security/secrets.ts';
import { notifyStaff, recipientsAt } from '../sla/notify-staff.ts';
import { type CitizenProof, findCaseByProof } from './find-case-by-proof.ts';
import { type MutateDeps, type Mutation, mutateCase, statusEvent } from './mutate-case.ts';
import { assertTransition, isOpen } from './state-machine.ts';

export interface FollowUpDeps extends MutateDeps {
  secrets: Secrets;
  now: () => Date;
  reopenWindowDays: number;
}

/*
 * Acting on a case (unlike reading its public status) always needs the PIN, anonymous or not:
 * otherwise anyone who saw a reference could withdraw someone else's complaint.
 */
async function asCitizen<T>(
  deps: FollowUpDeps,
  proof: CitizenProof,
  decide: (kase: CaseRow, trx: Db) => Mutation<T> | Promise<Mutation<T>>,
): Promise<T> {
  const found = await findCaseByProof(deps, proof);
  const actor: Actor = { type: 'citizen', id: found.citizenId };
  return mutateCase(deps, { id: found.id }, actor, deps.now(), decide);
}

/**
 * An answer or more information from the citizen, with files already checked and stored
 * (core/attachments): they are attached to the answer's event in the same transaction.
 */
export function replyToCase(
  deps: FollowUpDeps,
  proof: CitizenProof,
  message: string,
  files: UploadSummary[] = [],
) {
  return asCitizen(deps, proof, (kase) => {
    if (!isOpen(kase.status)) {
      throw new AppError('invalid_transition', `This case is ${kase.status}; reopen it to add information`, {
        status: kase.status,
      });
    }
    const sent = files.map(({ id, name, contentType, size }) => ({ id, name, contentType, size }));
    const data = files.length > 0 ? { message, attachments: sent } : { message };
    const events: NewEvent[] = [{ kind: 'case.citizen_replied', public: true, data }];
    // The answer is the first event written.
    const afterAppend = async (trx: Db, [seq]: number[]) =>
      attachUploads(trx, files, { caseId: kase.id, eventSeq: seq ?? null }, deps.now());
    if (kase.status !== 'awaiting_citizen') return { events, result: { status: kase.status }, afterAppend };
    // The answer the agency was waiting for: the clock restarts (issue 4) and work resumes.
    events.push(statusEvent('awaiting_citizen', 'in_progress'));
    return {
      changes: { status: 'in_progress' },
      events,
      result: { status: 'in_progress' as const },
      afterAppend,
    };
  });
}

export function rateCase(deps: FollowUpDeps, proof: CitizenProof, rating: number, comment?: string) {
  return asCitizen(deps, proof, (kase) => {
    if (kase.status !== 'resolved' && kase.status !== 'closed') {
      throw new AppError('invalid_transition', 'A case can be rated once it is resolved', {
        status: kase.status,
      });
    }
    return {
      changes: { rating, ratingComment: comment ?? null },
      events: [
        {
          kind: 'case.rated',
          public: true,
          data: { rating, ...(comment ? { message: comment } : {}), before: { rating: kase.rating } },
        },
      ],
      result: { status: kase.status, rating },
    };
  });
}

export function reopenCase(deps: FollowUpDeps, proof: CitizenProof, reason: string) {
  const now = deps.now();
  return asCitizen(deps, proof, (kase) => {
    assertTransition(kase.status, 'reopened', 'citizen');
    assertWithinReopenWindow(deps, kase, now);
    return {
      changes: { status: 'reopened', rating: null, ratingComment: null, resolvedAt: null, closedAt: null },
      events: [statusEvent(kase.status, 'reopened', reason)],
      result: { status: 'reopened' as const },
    };
  });
}

/**
 * A citizen unhappy with the outcome appeals: the case reopens and goes up, to the agency's
 * supervisors the first time and to the oversight body after that. Same window as reopening.
 */
export function appealCase(deps: FollowUpDeps, proof: CitizenProof, reason: string) {
  const now = deps.now();
  return asCitizen(deps, proof, async (kase, trx) => {
    assertTransition(kase.status, 'reopened', 'citizen');
    assertWithinReopenWindow(deps, kase, now);
    const earlier = await trx
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('streamId', '=', kase.id)
      .where('kind', '=', 'case.appealed')
      .executeTakeFirstOrThrow();
    const level: EscalationLevel = Number(earlier.count) === 0 ? 'supervisor' : 'oversight';
    await notifyStaff(trx, await recipientsAt(trx, kase, level), {
      caseId: kase.id,
      kind: 'case.appealed',
      data: { reference: kase.reference, level },
      at: now,
    });
    return {
      changes: {
        status: 'reopened',
        escalationLevel: level,
        rating: null,
        ratingComment: null,
        resolvedAt: null,
        closedAt: null,
      },
      events: [
        statusEvent(kase.status, 'reopened', reason),
        { kind: 'case.appealed', public: true, data: { message: reason, after: { escalationLevel: level } } },
      ],
      result: { status: 'reopened' as const, escalationLevel: level },
    };
  });
}

/** The last moment a finished case may be reopened or appealed: counted from the resolution, not from when staff later closed it. */
export function reopenDeadline(
  kase: Pick<CaseRow, 'resolvedAt' | 'closedAt' | 'updatedAt'>,
  reopenWindowDays: number,
): { since: Date; deadline: Date } {
  const since = kase.resolvedAt ?? kase.closedAt ?? kase.updatedAt;
  return { since, deadline: new Date(since.getTime() + reopenWindowDays * 86_400_000) };
}

function assertWithinReopenWindow(deps: FollowUpDeps, kase: CaseRow, now: Date): void {
  const { since, deadline } = reopenDeadline(kase, deps.reopenWindowDays);
  if (now > deadline) {
    throw new AppError(
      'invalid_transition',
      `A case can be reopened within ${deps.reopenWindowDays} days of its resolution; this one was resolved on ${since.toISOString().slice(0, 10)}`,
      { deadline: deadline.toISOString() },
    ).translatable('reopen_window', { days: deps.reopenWindowDays, date: since.toISOString().slice(0, 10) });
  }
}

export function withdrawCase(deps: FollowUpDeps, proof: CitizenProof, reason?: string) {
  return asCitizen(deps, proof, (kase) => {
    assertTransition(kase.status, 'withdrawn', 'citizen');
    return {
      changes: { status: 'withdrawn', closedAt: deps.now() },
      events: [statusEvent(kase.status, 'withdrawn', reason)],
      result: { status: 'withdrawn' as const },
    };
  });
}
