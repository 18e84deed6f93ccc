import { randomBytes } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import type { Db } from '../../db/open-database.ts';
import type { StaffRole } from '../../db/schema.ts';
import type { Principal } from '../access/principal.ts';
import { AppError } from '../errors.ts';
import { sha256 } from '../security/secrets.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export interface SessionPolicy {
  idleMinutes: number;
  maxHours: number;
  maxFailures: number;
  lockMinutes: number;
}

export interface SessionDeps {
  db: Db;
  now: () => Date;
  policy: SessionPolicy;
}

/** Administrators must use a second factor; other roles may. */
export const TOTP_REQUIRED: readonly StaffRole[] = ['agency_admin', 'sysadmin'];

export type SessionScope = 'full' | 'enrol_totp';

export interface SignedIn {
  token: string;
  scope: SessionScope;
  expiresAt: Date;
  principal: Principal & { kind: 'staff' };
}

// Compared against when the e-mail is unknown, so a wrong address takes as long as a wrong password.
const decoyHash = hashPassword('decoy password for timing only');

export async function signIn(
  deps: SessionDeps,
  credentials: { email: string; password: string; totpCode?: string | undefined },
  client: { ip?: string | undefined; userAgent?: string | undefined },
): Promise<SignedIn> {
  const now = deps.now();
  const email = credentials.email.trim().toLowerCase();
  const user = await deps.db
    .selectFrom('staffUsers as u')
    .leftJoin('agencies as a', 'a.id', 'u.agencyId')
    .selectAll('u')
    .select('a.code as agencyCode')
    .where('u.email', '=', email)
    .executeTakeFirst();
  const wrong = new AppError('unauthenticated', 'The e-mail address or password is wrong');
  if (user?.lockedUntil && user.lockedUntil > now) {
    throw new AppError(
      'locked',
      `Too many failed sign-ins: try again after ${user.lockedUntil.toISOString()}`,
      {
        lockedUntil: user.lockedUntil.toISOString(),
      },
    );
  }
  const passwordOk = await verifyPassword(user?.passwordHash ?? (await decoyHash), credentials.password);
  if (!user?.active) throw wrong;
  if (!passwordOk) {
    await recordFailure(deps, user.id);
    throw wrong;
  }
  if (user.totpEnabled) {
    if (!credentials.totpCode)
      throw new AppError('totp_required', 'Enter the 6-digit code from your authenticator app');
    if (!totpMatches(user.totpSecret, credentials.totpCode)) {
      await recordFailure(deps, user.id);
      throw new AppError('unauthenticated', 'The authenticator code is wrong or has expired');
    }
  }
  await deps.db
    .updateTable('staffUsers')
    .set({ failedLogins: 0, lockedUntil: null })
    .where('id', '=', user.id)
    .execute();
  const token = randomBytes(32).toString('base64url');
  const scope: SessionScope = TOTP_REQUIRED.includes(user.role) && !user.totpEnabled ? 'enrol_totp' : 'full';
  const expiresAt = new Date(now.getTime() + deps.policy.maxHours * 3_600_000);
  await deps.db
    .insertInto('staffSessions')
    .values({
      tokenHash: sha256(token),
      userId: user.id,
      lastSeenAt: now,
      expiresAt,
      scope,
      ip: client.ip ?? null,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return {
    token,
    scope,
    expiresAt,
    principal: {
      kind: 'staff',
      userId: user.id,
      name: user.name,
      role: user.role,
      agencyId: user.agencyId,
      agencyCode: user.agencyCode,
    },
  };
}

/**
 * Counts a failure in the database itself (failed_logins + 1), so parallel wrong guesses each
 * count; the one that reaches the limit locks the account and starts the count again.
 */
async function recordFailure(deps: SessionDeps, userId: string): Promise<void> {
  const counted = await deps.db
    .updateTable('staffUsers')
    .set((eb) => ({ failedLogins: eb('failedLogins', '+', 1) }))
    .where('id', '=', userId)
    .returning('failedLogins')
    .executeTakeFirst();
  if (counted && counted.failedLogins >= deps.policy.maxFailures) {
    await deps.db
      .updateTable('staffUsers')
      .set({
        failedLogins: 0,
        lockedUntil: new Date(deps.now().getTime() + deps.policy.lockMinutes * 60_000),
      })
      .where('id', '=', userId)
      .execute();
  }
}

/**
 * The principal behind a session cookie, or undefined when it is unknown, expired, or idle for
 * too long. last_seen_at is written at most once a minute, not on every request.
 */
export async function resolveSession(
  deps: SessionDeps,
  token: string,
): Promise<{ principal: Principal & { kind: 'staff' }; scope: SessionScope } | undefined> {
  const now = deps.now();
  const tokenHash = sha256(token);
  const row = await deps.db
    .selectFrom('staffSessions as s')
    .innerJoin('staffUsers as u', 'u.id', 's.userId')
    .leftJoin('agencies as a', 'a.id', 'u.agencyId')
    .select([
      's.lastSeenAt',
      's.expiresAt',
      's.scope',
      'u.id',
      'u.name',
      'u.role',
      'u.agencyId',
      'u.active',
      'a.code',
    ])
    .where('s.tokenHash', '=', tokenHash)
    .executeTakeFirst();
  if (!row?.active) return undefined;
  const idleSince = now.getTime() - row.lastSeenAt.getTime();
  if (row.expiresAt <= now || idleSince > deps.policy.idleMinutes * 60_000) {
    await deps.db.deleteFrom('staffSessions').where('tokenHash', '=', tokenHash).execute();
    return undefined;
  }
  if (idleSince > 60_000) {
    await deps.db
      .updateTable('staffSessions')
      .set({ lastSeenAt: now })
      .where('tokenHash', '=', tokenHash)
      .execute();
  }
  return {
    scope: row.scope,
    principal: {
      kind: 'staff',
      userId: row.id,
      name: row.name,
      role: row.role,
      agencyId: row.agencyId,
      agencyCode: row.code,
    },
  };
}

export async function signOut(db: Db, token: string): Promise<void> {
  await db.deleteFrom('staffSessions').where('tokenHash', '=', sha256(token)).execute();
}

export async function signOutEverywhere(db: Db, userId: string): Promise<number> {
  const result = await db.deleteFrom('staffSessions').where('userId', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

function totpFor(secret: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: 'Baraza',
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: OTPAuth.Secret.fromBase32(secret),
  });
}

function totpMatches(secret: string | null, code: string): boolean {
  if (!secret) return false;
  return totpFor(secret).validate({ token: code.replace(/\s/g, ''), window: 1 }) !== null;
}

/** Starts enrolment: a new secret, not yet in force, returned as an otpauth:// URI for the app. */
export async function startTotpEnrolment(
  db: Db,
  userId: string,
  email: string,
): Promise<{ secret: string; uri: string }> {
  const secret = new OTPAuth.Secret({ size: 20 }).base32;
  // Never switch an enrolled second factor off by starting again: that would leave the account
  // protected by its password alone until the new code is confirmed.
  const updated = await db
    .updateTable('staffUsers')
    .set({ totpSecret: secret })
    .where('id', '=', userId)
    .where('totpEnabled', '=', false)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    throw new AppError('conflict', 'Two-factor authentication is already on for this account');
  }
  const totp = totpFor(secret);
  totp.label = email;
  return { secret, uri: totp.toString() };
}

/** Puts the second factor in force once the user proves their app shows the right code. */
export async function confirmTotpEnrolment(
  db: Db,
  userId: string,
  token: string,
  code: string,
): Promise<void> {
  const user = await db
    .selectFrom('staffUsers')
    .select(['totpSecret'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user?.totpSecret) throw new AppError('invalid_transition', 'Start two-factor enrolment first');
  if (!totpMatches(user.totpSecret, code)) {
    throw new AppError('invalid_input', 'The authenticator code is wrong or has expired', [
      { field: 'code', problem: 'wrong or expired code' },
    ]);
  }
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('staffUsers').set({ totpEnabled: true }).where('id', '=', userId).execute();
    await trx
      .updateTable('staffSessions')
      .set({ scope: 'full' })
      .where('tokenHash', '=', sha256(token))
      .execute();
  });
}
