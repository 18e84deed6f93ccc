import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { v7 as timeOrderedUuid } from 'uuid';
import type { Db } from '../../db/open-database.ts';
import type { CitizenIdentity, Language } from '../../db/schema.ts';
import { translator } from '../../i18n/index.ts';
import { AppError } from '../errors.ts';
import type { Messenger } from '../messages/messenger.ts';
import type { Secrets } from '../security/secrets.ts';
import { type Destination, parseDestination } from './citizen-identity.ts';
import { hashSignInCode, SIGN_IN } from './sign-in-policy.ts';

export interface RequestCodeDeps {
  db: Db;
  secrets: Secrets;
  now: () => Date;
  messenger: Messenger;
}

// Advisory lock classes (the first key of pg_advisory_xact_lock(int, int)) for sign-in requests.
const LOCK_IDENTITY = 53_001;
const LOCK_ADDRESS = 53_002;

/**
 * Sends a six-digit sign-in code to a phone (SMS) or e-mail address, whether or not it has any
 * cases: the answer is the same either way, so this cannot be used to find out who complained.
 * A new code replaces the citizen's earlier unused ones.
 */
export async function requestSignInCode(
  deps: RequestCodeDeps,
  request: { destination: string; language: Language; ip?: string | undefined },
): Promise<{ identity: CitizenIdentity; maskedDestination: string }> {
  const destination = parseDestination(request.destination);
  const ip = request.ip?.slice(0, 100) || undefined;
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const messageId = await deps.db.transaction().execute(async (trx) => {
    // Two requests at once for one identity (or from one address) take turns, so both cannot
    // pass the limit. Identity before address in every request: no two can wait on each other.
    await sql`SELECT pg_advisory_xact_lock(${sql.lit(LOCK_IDENTITY)}, hashtext(${destination.identity}))`.execute(
      trx,
    );
    if (ip) await sql`SELECT pg_advisory_xact_lock(${sql.lit(LOCK_ADDRESS)}, hashtext(${ip}))`.execute(trx);
    // Read the clock and name the code only now, holding the lock: codes are then in the order
    // their requests were served, and the one left live is the newest.
    const now = deps.now();
    const codeId = timeOrderedUuid();
    await refuseOverLimit(trx, 'identity', destination.identity, SIGN_IN.perIdentity, now);
    if (ip) await refuseOverLimit(trx, 'requestedIp', ip, SIGN_IN.perAddress, now);

    await trx
      .updateTable('citizenLoginCodes')
      .set({ expiresAt: now })
      .where('identity', '=', destination.identity)
      .where('usedAt', 'is', null)
      .where('expiresAt', '>', now)
      .execute();
    // Codes older than any limit or lifetime are of no further use.
    await trx
      .deleteFrom('citizenLoginCodes')
      .where('identity', '=', destination.identity)
      .where('createdAt', '<', new Date(now.getTime() - 86_400_000))
      .execute();
    await trx
      .insertInto('citizenLoginCodes')
      .values({
        id: codeId,
        identity: destination.identity,
        codeHash: hashSignInCode(deps.secrets, codeId, code),
        createdAt: now,
        expiresAt: new Date(now.getTime() + SIGN_IN.codeMinutes * 60_000),
        requestedIp: ip ?? null,
      })
      .execute();
    return deps.messenger.queue(trx, {
      ...codeMessage(destination, code, request.language),
      purpose: 'sign_in_code',
      secret: true,
      dedupeKey: `sign-in-code:${codeId}`,
    });
  });
  // Sent straight away, after the commit; if the gateway is down, the outbox sweep retries it.
  await deps.messenger.deliver(messageId);
  return { identity: destination.identity, maskedDestination: destination.masked };
}

async function refuseOverLimit(
  trx: Db,
  column: 'identity' | 'requestedIp',
  value: string,
  limit: { codes: number; minutes: number },
  now: Date,
): Promise<void> {
  const windowStart = new Date(now.getTime() - limit.minutes * 60_000);
  const recent = await trx
    .selectFrom('citizenLoginCodes')
    .select('createdAt')
    .where(column, '=', value)
    .where('createdAt', '>', windowStart)
    .orderBy('createdAt', 'desc')
    .limit(limit.codes)
    .execute();
  if (recent.length < limit.codes) return;
  // A request is possible again once the oldest of the last `codes` codes leaves the window.
  const oldest = recent[recent.length - 1]?.createdAt ?? now;
  const minutes = Math.max(1, Math.ceil((oldest.getTime() - windowStart.getTime()) / 60_000));
  throw new AppError(
    'rate_limited',
    `Too many sign-in codes have been asked for: try again in ${minutes} minutes`,
    { retryAfterMinutes: minutes },
  ).translatable('signIn.errors.rate_limited', { count: minutes, minutes });
}

function codeMessage(destination: Destination, code: string, language: Language) {
  const t = translator(language);
  const values = { code, minutes: SIGN_IN.codeMinutes };
  return destination.channel === 'sms'
    ? { channel: 'sms' as const, recipient: destination.recipient, body: t('signIn.sms', values) }
    : {
        channel: 'email' as const,
        recipient: destination.recipient,
        subject: t('signIn.emailSubject', values),
        body: t('signIn.emailBody', values),
      };
}
