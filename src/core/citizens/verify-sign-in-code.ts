import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/open-database.ts';
import type { CitizenIdentity } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import { type Secrets, sha256 } from '../security/secrets.ts';
import { parseDestination } from './citizen-identity.ts';
import { SIGN_IN, signInCodeMatches } from './sign-in-policy.ts';

export interface VerifyCodeDeps {
  db: Db;
  secrets: Secrets;
  now: () => Date;
}

export interface CitizenSignedIn {
  /** The session cookie's value; only its sha256 is stored. */
  token: string;
  identity: CitizenIdentity;
  /** The latest the session can last; it ends sooner after SIGN_IN.sessionIdleMinutes idle. */
  expiresAt: Date;
}

/**
 * Checks the code most recently sent to this phone or address and, when it is right, starts a
 * citizen session. Each guess takes one of the code's tries before it is compared, in one UPDATE,
 * so any number of guesses sent at once are still only SIGN_IN.maxFailures guesses.
 */
export async function verifySignInCode(
  deps: VerifyCodeDeps,
  attempt: { destination: string; code: string },
): Promise<CitizenSignedIn> {
  const { identity } = parseDestination(attempt.destination);
  const code = attempt.code.replace(/[\s-]/g, '');
  if (!/^\d{6}$/.test(code)) {
    throw new AppError('invalid_input', 'code: the code has 6 digits', [
      { field: 'code', problem: 'the code has 6 digits' },
    ]).translatable('signIn.errors.code_format');
  }
  const now = deps.now();
  // requestSignInCode leaves at most one code live (unused, unexpired) per identity: that one is
  // checked. When none is, the newest says why (used, locked or expired).
  const columns = ['id', 'expiresAt', 'usedAt', 'failedAttempts'] as const;
  const latest =
    (await deps.db
      .selectFrom('citizenLoginCodes')
      .select(columns)
      .where('identity', '=', identity)
      .where('usedAt', 'is', null)
      .where('expiresAt', '>', now)
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst()) ??
    (await deps.db
      .selectFrom('citizenLoginCodes')
      .select(columns)
      .where('identity', '=', identity)
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst());
  if (!latest) throw noCode();
  const refusal = unusable(latest, now);
  if (refusal) throw refusal;

  const tried = await deps.db
    .updateTable('citizenLoginCodes')
    .set((eb) => ({ failedAttempts: eb('failedAttempts', '+', 1) }))
    .where('id', '=', latest.id)
    .where('usedAt', 'is', null)
    .where('failedAttempts', '<', SIGN_IN.maxFailures)
    .where('expiresAt', '>', now)
    .returning(['codeHash', 'failedAttempts'])
    .executeTakeFirst();
  if (!tried) {
    // Used, exhausted or expired by another request since the read above: say which.
    const current = await deps.db
      .selectFrom('citizenLoginCodes')
      .select(columns)
      .where('id', '=', latest.id)
      .executeTakeFirstOrThrow();
    throw unusable(current, now) ?? locked();
  }
  if (!signInCodeMatches(deps.secrets, latest.id, tried.codeHash, code)) {
    const left = SIGN_IN.maxFailures - tried.failedAttempts;
    if (left <= 0) throw locked();
    throw new AppError('unauthenticated', `The code is wrong; ${left} tries left`, [
      { field: 'code', problem: 'wrong code' },
    ]).translatable('signIn.errors.wrong_code', { count: left });
  }

  return deps.db.transaction().execute(async (trx) => {
    // The right code was not a failure: the try it took is given back. Once only: a second use
    // finds used_at set and gets nothing.
    const used = await trx
      .updateTable('citizenLoginCodes')
      .set((eb) => ({ usedAt: now, failedAttempts: eb('failedAttempts', '-', 1) }))
      .where('id', '=', latest.id)
      .where('usedAt', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!used) throw noCode();
    await trx
      .deleteFrom('citizenSessions')
      .where('identity', '=', identity)
      .where('expiresAt', '<=', now)
      .execute();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SIGN_IN.sessionMaxHours * 3_600_000);
    await trx
      .insertInto('citizenSessions')
      .values({ tokenHash: sha256(token), identity, createdAt: now, lastSeenAt: now, expiresAt })
      .execute();
    return { token, identity, expiresAt };
  });
}

function unusable(
  code: { usedAt: Date | null; failedAttempts: number; expiresAt: Date },
  now: Date,
): AppError | undefined {
  if (code.usedAt) return noCode();
  if (code.failedAttempts >= SIGN_IN.maxFailures) return locked();
  if (code.expiresAt <= now) {
    return new AppError('unauthenticated', 'This code has expired: ask for a new one', [
      { field: 'code', problem: 'expired' },
    ]).translatable('signIn.errors.expired', { minutes: SIGN_IN.codeMinutes });
  }
  return undefined;
}

const noCode = () =>
  new AppError('unauthenticated', 'There is no code waiting for this phone or address: ask for one', [
    { field: 'code', problem: 'no code was sent, or it was already used' },
  ]).translatable('signIn.errors.no_code');

const locked = () =>
  new AppError('locked', 'Too many wrong codes: ask for a new code').translatable('signIn.errors.locked');
