import type { Db } from '../../db/open-database.ts';
import type { CitizenIdentity } from '../../db/schema.ts';
import { findCaseByProof } from '../cases/find-case-by-proof.ts';
import type { Secrets } from '../security/secrets.ts';

/**
 * Adds a case to a signed-in citizen's "My cases" with its reference and PIN: how an anonymous
 * report, or one sent from another phone, joins the list. The claim is the citizen's alone: the
 * case, its events and what the agency sees do not change, so an anonymous report stays anonymous.
 * Claiming twice is the same as once.
 */
export async function claimCase(
  deps: { db: Db; secrets: Secrets; now: () => Date },
  identity: CitizenIdentity,
  proof: { reference: string; pin: string },
): Promise<{ reference: string }> {
  const found = await findCaseByProof(deps, proof);
  await deps.db
    .insertInto('citizenCaseClaims')
    .values({ identity, caseId: found.id, claimedAt: deps.now() })
    .onConflict((oc) => oc.columns(['identity', 'caseId']).doNothing())
    .execute();
  return { reference: found.reference };
}
