import type { Db } from '../../db/open-database.ts';
import { AppError } from '../errors.ts';
import { pinMatches, type Secrets } from '../security/secrets.ts';
import { parseReference } from './reference.ts';

/** What a citizen holds to act on their case: the reference and the PIN they were given. */
export interface CitizenProof {
  reference: string;
  pin: string;
}

/**
 * The case a reference and PIN prove, or one refusal for both an unknown reference and a wrong
 * PIN, so the check cannot be used to find out which references exist.
 */
export async function findCaseByProof(
  deps: { db: Db; secrets: Secrets },
  proof: CitizenProof,
): Promise<{ id: string; reference: string; citizenId: string | null }> {
  const reference = parseReference(proof.reference);
  const found = await deps.db
    .selectFrom('cases')
    .select(['id', 'pinHash', 'citizenId'])
    .where('reference', '=', reference)
    .executeTakeFirst();
  if (!found || !pinMatches(deps.secrets, found.id, found.pinHash, proof.pin)) {
    throw new AppError('forbidden', 'The reference and PIN do not match a case').translatable(
      'proof_mismatch',
    );
  }
  return { id: found.id, reference, citizenId: found.citizenId };
}
