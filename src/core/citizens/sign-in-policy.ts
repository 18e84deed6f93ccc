import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secrets } from '../security/secrets.ts';

/** The rules of citizen sign-in, in one place (docs/citizen-sign-in.md explains them). */
export const SIGN_IN = {
  codeMinutes: 10,
  /** Wrong guesses a code survives; the fifth kills it. */
  maxFailures: 5,
  perIdentity: { codes: 3, minutes: 15 },
  perAddress: { codes: 10, minutes: 60 },
  /** Short, because many citizens share a phone or use a cyber café. */
  sessionIdleMinutes: 20,
  sessionMaxHours: 12,
} as const;

/*
 * A six-digit code is guessable offline from any unkeyed hash, so it is kept only as an HMAC with
 * the server's PIN key, domain-separated from the PIN hashes and bound to the code's row.
 */
export function hashSignInCode(secrets: Secrets, codeId: string, code: string): string {
  return createHmac('sha256', secrets.pinKey).update(`sign-in-code:${codeId}:${code}`).digest('hex');
}

export function signInCodeMatches(secrets: Secrets, codeId: string, codeHash: string, code: string): boolean {
  const given = Buffer.from(hashSignInCode(secrets, codeId, code), 'hex');
  const stored = Buffer.from(codeHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
