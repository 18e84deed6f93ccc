import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secrets } from './secrets.ts';

/** How long a browser that proved it holds a case's PIN may act on it without the PIN again. */
export const PROOF_MINUTES = 120;
const MAX_CASES = 5;

/*
 * After a citizen gives a reference and its PIN (or submits a case), the portal remembers that in
 * a signed cookie, so answering, rating or withdrawing does not ask for the PIN on every screen.
 * The cookie holds case ids and an expiry, signed with the server's PIN key (domain-separated),
 * never the PIN. It is a session cookie (gone when the browser closes) and expires after two hours
 * in any case, because many citizens share a phone.
 */
export function signCaseProof(secrets: Secrets, caseIds: readonly string[], now: Date): string {
  const expires = Math.floor(now.getTime() / 1000) + PROOF_MINUTES * 60;
  const payload = `${[...new Set(caseIds)].slice(-MAX_CASES).join(',')}|${expires}`;
  return `${Buffer.from(payload).toString('base64url')}.${mac(secrets, payload)}`;
}

/** The case ids a cookie proves, or none when it is missing, forged or expired. */
export function readCaseProof(secrets: Secrets, cookie: string | undefined, now: Date): string[] {
  if (!cookie || cookie.length > 1000) return [];
  const [encoded = '', signature = ''] = cookie.split('.');
  const payload = Buffer.from(encoded, 'base64url').toString();
  const expected = Buffer.from(mac(secrets, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return [];
  const [ids = '', expires = '0'] = payload.split('|');
  if (Number(expires) * 1000 < now.getTime()) return [];
  return ids.split(',').filter(Boolean);
}

function mac(secrets: Secrets, payload: string): string {
  return createHmac('sha256', secrets.pinKey).update(`case-proof:${payload}`).digest('base64url');
}
