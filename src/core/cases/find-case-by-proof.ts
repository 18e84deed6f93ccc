import type { Db } from '../../db/open-database.ts';
import { AppError } from '../errors.ts';
import type { Secrets } from '../security/secrets.ts';
import { verifyCasePin } from '../security/verify-case-pin.ts';
import { parseReference } from './reference.ts';

/** What a citizen holds to act on their case: the reference and the PIN they were given. */
export interface CitizenProof {
  reference: string;
  pin: string;
  /**
   * Set only by Baraza itself, for a citizen it has already verified (a browser that gave the PIN
   * lately, a signed-in owner): such a citizen is not held up by a lock that a guesser caused.
   */
  alreadyProven?: boolean;
}

/**
 * The case a reference and PIN prove, or one refusal for both an unknown reference and a wrong
 * PIN, so the check cannot be used to find out which references exist. Wrong PINs count towards
 * the case's lock (verifyCasePin).
 */
export async function findCaseByProof(
  deps: { db: Db; secrets: Secrets; now: () => Date },
  proof: CitizenProof,
): Promise<{ id: string; reference: string; citizenId: string | null }> {
  const reference = parseReference(proof.reference);
  const found = await deps.db
    .selectFrom('cases')
    .select(['id', 'pinHash', 'citizenId'])
    .where('reference', '=', reference)
    .executeTakeFirst();
  if (!found || !(proof.alreadyProven || (await verifyCasePin(deps, found, proof.pin)))) {
    throw new AppError('forbidden', 'The reference and PIN do not match a case').translatable(
      'proof_mismatch',
    );
  }
  return { id: found.id, reference, citizenId: found.citizenId };
}
