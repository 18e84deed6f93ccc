import type { Principal } from '../access/principal.ts';
import type { ReferenceCache } from '../agencies/reference-cache.ts';
import { asStaff, type StaffDeps } from '../cases/staff-actions.ts';
import { isOpen } from '../cases/state-machine.ts';
import { AppError, invalidInput } from '../errors.ts';
import { recordTrainingExample } from './record-training-example.ts';

/**
 * The clearing house's one action: send a case it holds to the agency that should own it. Unlike
 * a transfer, routing from the clearing house does not count towards the transfer limit (it is
 * the first real assignment), and it teaches the classifier.
 */
export function routeCase(
  deps: StaffDeps & { reference: ReferenceCache },
  principal: Principal,
  reference: string,
  agencyCode: string,
  reason?: string,
) {
  const target = deps.reference.agency(agencyCode);
  if (!target) throw invalidInput('agencyCode', `there is no agency with code "${agencyCode}"`);
  if (!target.onboarded || target.kind !== 'agency') {
    throw invalidInput(
      'agencyCode',
      target.onboarded
        ? `${target.name} does not take cases by routing`
        : `${target.name} is not on Baraza yet: refer the case to it instead`,
    );
  }
  const clearingHouse = deps.reference.clearingHouse;
  return asStaff(deps, principal, reference, 'transfer', async (kase, trx) => {
    if (kase.agencyId !== clearingHouse.id) {
      throw new AppError(
        'invalid_transition',
        'Only a case with the clearing house is routed; transfer it instead',
      );
    }
    if (!isOpen(kase.status))
      throw new AppError('invalid_transition', `A ${kase.status} case cannot be routed`);
    await recordTrainingExample(trx, kase, target.code as string, 'routing', principal, deps.now());
    return {
      changes: { agencyId: target.id, queue: 'main', assigneeId: null, status: 'new' },
      events: [
        {
          kind: 'case.routed',
          public: true,
          data: {
            before: {
              agencyId: kase.agencyId,
              status: kase.status,
              assigneeId: kase.assigneeId,
              queue: kase.queue,
            },
            after: { agencyId: target.id, status: 'new', assigneeId: null, queue: 'main' },
            agencyName: target.name,
            ...(reason ? { reason } : {}),
          },
        },
      ],
      result: { agencyCode: target.code, status: 'new' as const },
    };
  });
}
