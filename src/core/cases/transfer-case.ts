import type { Principal } from '../access/principal.ts';
import { roleOf } from '../access/principal.ts';
import { CLEARING_HOUSE, type ReferenceCache } from '../agencies/reference-cache.ts';
import { AppError, invalidInput } from '../errors.ts';
import { recordTrainingExample } from '../triage/record-training-example.ts';
import { asStaff, type StaffDeps } from './staff-actions.ts';
import { isOpen } from './state-machine.ts';

export const MAX_TRANSFERS = 3;

export interface TransferResult {
  agencyCode: string | null;
  queue: 'main' | 'supervisor';
  transferCount: number;
  /** True when the limit sent the case to the clearing-house supervisor instead. */
  limitReached: boolean;
}

/**
 * Moves a misdirected case to the agency that should own it, with the reason. A case is never
 * closed as "not ours"; after three transfers a fourth request sends it to the clearing-house
 * supervisor, who decides where it belongs and is the only one who may move it beyond the limit.
 * The receiving agency gets it as new and unassigned, so it is picked up and acknowledged afresh.
 */
export function transferCase(
  deps: StaffDeps & { reference: ReferenceCache },
  principal: Principal,
  reference: string,
  agencyCode: string,
  reason: string,
) {
  const target = deps.reference.agency(agencyCode);
  if (!target) throw invalidInput('agencyCode', `there is no agency with code "${agencyCode}"`);
  if (!target.onboarded) {
    throw invalidInput('agencyCode', `${target.name} is not on Baraza yet: refer the case to it instead`);
  }
  return asStaff(deps, principal, reference, 'transfer', async (kase, trx) => {
    if (!isOpen(kase.status))
      throw new AppError('invalid_transition', `A ${kase.status} case cannot be transferred`);
    if (kase.sealed) throw new AppError('forbidden', 'A sealed report stays with the oversight body');
    const from = deps.reference.agencyById(kase.agencyId);
    if (target.id === kase.agencyId && kase.queue === 'main') {
      throw invalidInput('agencyCode', 'the case is already with this agency');
    }
    const clearingSupervisor =
      from?.code === CLEARING_HOUSE && ['supervisor', 'agency_admin'].includes(roleOf(principal));
    const limitReached = kase.transferCount >= MAX_TRANSFERS && !clearingSupervisor;
    const destination = limitReached ? deps.reference.clearingHouse : target;
    const queue = limitReached ? 'supervisor' : 'main';
    const transferCount = limitReached ? kase.transferCount : kase.transferCount + 1;
    const result: TransferResult = { agencyCode: destination.code, queue, transferCount, limitReached };
    // Where an officer says the case belongs teaches the classifier, even when the limit holds it
    // back. Sending it back to the clearing house says only where it does not belong.
    if (target.kind === 'agency')
      await recordTrainingExample(trx, kase, target.code as string, 'transfer', principal, deps.now());
    return {
      changes: { agencyId: destination.id, queue, transferCount, assigneeId: null, status: 'new' },
      events: [
        {
          kind: limitReached ? 'case.transfer_limit_reached' : 'case.transferred',
          // The citizen sees where their case went, not the internal reason.
          public: true,
          data: {
            before: {
              agencyId: kase.agencyId,
              status: kase.status,
              assigneeId: kase.assigneeId,
              queue: kase.queue,
            },
            after: { agencyId: destination.id, status: 'new', assigneeId: null, queue },
            agencyName: destination.name,
            requestedAgencyId: target.id,
            reason,
            transferCount,
          },
        },
      ],
      result,
    };
  });
}
