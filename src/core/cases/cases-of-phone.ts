import type { Db } from '../../db/open-database.ts';
import type { Language } from '../../db/schema.ts';
import { parseReference } from './reference.ts';
import { type PublicCase, trackCase } from './track-case.ts';

/*
 * What a phone number may do by SMS. The number comes from the gateway, which had it from the
 * telco, so it stands for its owner the way a code sent to it does on the portal. A reference alone
 * proves nothing (it is printed on letters and read aloud): a case's status is told only to the
 * phone it was sent from, or that claimed it (citizen_case_claims), and a sealed corruption report
 * is told to no phone at all (a message on a shared phone could expose the person who reported).
 */

type TrackDeps = Parameters<typeof trackCase>[0];

/**
 * The case, as its citizen may see it, or undefined when this phone may not be told: no such case,
 * another's case, or a sealed report; one answer for all three, so the reply gives nothing away.
 * A reference with a typing mistake throws (invalid_reference) with the reason.
 */
export async function trackCaseByPhone(
  deps: TrackDeps,
  referenceInput: string,
  phone: string,
  language: Language,
): Promise<PublicCase | undefined> {
  const reference = parseReference(referenceInput);
  const found = await deps.db
    .selectFrom('cases')
    .leftJoin('citizens', 'citizens.id', 'cases.citizenId')
    .select((eb) => [
      'cases.sealed',
      'citizens.phone',
      eb
        .exists(
          eb
            .selectFrom('citizenCaseClaims')
            .select('citizenCaseClaims.caseId')
            .whereRef('citizenCaseClaims.caseId', '=', 'cases.id')
            .where('citizenCaseClaims.identity', '=', `phone:${phone}`),
        )
        .as('claimed'),
    ])
    .where('cases.reference', '=', reference)
    .executeTakeFirst();
  if (!found || found.sealed || !(found.phone === phone || found.claimed)) return undefined;
  return trackCase(deps, reference, undefined, language, true);
}

/**
 * The citizen this phone belongs to, if any: the language they chose, and the case waiting for
 * their answer (an agency asked them for information), the one asked most lately when there are
 * several. One query, since every SMS needs both. Sealed reports are left out: their sender answers
 * through the portal with the PIN, and a text from the phone becomes a case of its own.
 */
export async function findPhoneCitizen(
  db: Db,
  phone: string,
): Promise<
  | {
      preferredLanguage: Language;
      awaiting: { id: string; reference: string; language: Language } | undefined;
    }
  | undefined
> {
  const row = await db
    .selectFrom('citizens')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('cases')
          .select(['cases.id', 'cases.reference', 'cases.language'])
          .whereRef('cases.citizenId', '=', 'citizens.id')
          .where('cases.status', '=', 'awaiting_citizen')
          .where('cases.sealed', '=', false)
          .orderBy('cases.updatedAt', 'desc')
          .limit(1)
          .as('awaiting'),
      (join) => join.onTrue(),
    )
    .select([
      'citizens.preferredLanguage',
      'awaiting.id as awaitingId',
      'awaiting.reference as awaitingReference',
      'awaiting.language as awaitingLanguage',
    ])
    .where('citizens.phone', '=', phone)
    .executeTakeFirst();
  if (!row) return undefined;
  const { awaitingId, awaitingReference, awaitingLanguage } = row;
  return {
    preferredLanguage: row.preferredLanguage,
    awaiting:
      awaitingId && awaitingReference && awaitingLanguage
        ? { id: awaitingId, reference: awaitingReference, language: awaitingLanguage }
        : undefined,
  };
}
