import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../core/errors.ts';

/**
 * Whether a callback's token is the configured one. Compares digests, so the time taken says
 * nothing about how much of the token was right.
 */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * A gateway callback's shared token (?token= in the callback URL): required when one is set in
 * `setting`, refused with 403 when it does not match. Gateways sign nothing, so this is the lock.
 */
export function requireCallbackToken(
  expected: string | undefined,
  given: string | undefined,
  setting: string,
): void {
  if (expected !== undefined && !sameSecret(given ?? '', expected)) {
    throw new AppError('forbidden', `This callback needs the token set in ${setting}`);
  }
}
