import type { Db } from '../../db/open-database.ts';
import type { CitizenIdentity } from '../../db/schema.ts';
import { parseReference } from '../cases/reference.ts';
import { AppError } from '../errors.ts';
import { pinMatches, type Secrets } from '../security/secrets.ts';

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
  const reference = parseReference(proof.reference);
  const found = await deps.db
    .selectFrom('cases')
    .select(['id', 'pinHash'])
    .where('reference', '=', reference)
    .executeTakeFirst();
  if (!found || !pinMatches(deps.secrets, found.id, found.pinHash, proof.pin)) {
    // The same answer as for the citizen's other PIN-proved actions (core/cases/citizen-follow-ups.ts),
    // for both, so this cannot be used to find out which references exist.
    throw new AppError('forbidden', 'The reference and PIN do not match a case').translatable(
      'proof_mismatch',
    );
  }
  await deps.db
    .insertInto('citizenCaseClaims')
    .values({ identity, caseId: found.id, claimedAt: deps.now() })
    .onConflict((oc) => oc.columns(['identity', 'caseId']).doNothing())
    .execute();
  return { reference };
}
