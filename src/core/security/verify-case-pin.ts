import { sql } from 'kysely';
import type { Db } from '../../db/open-database.ts';
import { AppError } from '../errors.ts';
import { pinMatches, type Secrets } from './secrets.ts';

/** Wrong PINs a case accepts in an hour before it refuses every PIN until the hour is over. */
export const PIN_ATTEMPTS = { max: 10, windowMinutes: 60 } as const;

/**
 * Checks a case's PIN, counting wrong ones per case in the database, so the limit holds across
 * addresses, routes (portal, API, claims) and web processes: at most ten guesses an hour, or about
 * 57 years for an even chance at a million PINs. A locked case also refuses the right PIN, or the
 * lock would tell a guesser when they had it. The price: someone who knows a reference can keep
 * its PIN locked; the citizen can still sign in with a one-time code to act on a named case.
 */
export async function verifyCasePin(
  deps: { db: Db; secrets: Secrets; now: () => Date },
  kase: { id: string; pinHash: string },
  pin: string,
): Promise<boolean> {
  const now = deps.now();
  const windowStart = new Date(now.getTime() - PIN_ATTEMPTS.windowMinutes * 60_000);
  // Every attempt is counted before the PIN is compared, in one statement, so guesses sent at the
  // same moment each take a place in the count and the eleventh is refused whatever the timing.
  // A right PIN gives its place back.
  const counted = await deps.db
    .insertInto('casePinFailures')
    .values({ caseId: kase.id, windowStart: now, failures: 1 })
    .onConflict((oc) =>
      oc.column('caseId').doUpdateSet({
        failures: sql`CASE WHEN case_pin_failures.window_start > ${windowStart} THEN case_pin_failures.failures + 1 ELSE 1 END`,
        windowStart: sql`CASE WHEN case_pin_failures.window_start > ${windowStart} THEN case_pin_failures.window_start ELSE ${now} END`,
      }),
    )
    .returning(['failures', 'windowStart'])
    .executeTakeFirstOrThrow();
  if (counted.failures > PIN_ATTEMPTS.max) throw locked(counted.windowStart);
  if (!(/^\s*\d{6}\s*$/.test(pin) && pinMatches(deps.secrets, kase.id, kase.pinHash, pin))) return false;
  await deps.db
    .updateTable('casePinFailures')
    .set((eb) => ({ failures: eb('failures', '-', 1) }))
    .where('caseId', '=', kase.id)
    .where('failures', '>', 0)
    .execute();
  return true;
}

function locked(since: Date): AppError {
  const until = new Date(since.getTime() + PIN_ATTEMPTS.windowMinutes * 60_000);
  return new AppError('locked', 'Too many wrong PINs for this case: try again later', {
    retryAfter: until.toISOString(),
  }).translatable('pin_locked', { minutes: PIN_ATTEMPTS.windowMinutes });
}
