import { randomBytes } from 'node:crypto';
import { sha256 } from '../security/secrets.ts';

/*
 * A referral's acknowledgement code is also the token in the e-mailed link. It must survive being
 * printed on paper and typed by a person in another office, so it is 16 characters of Crockford's
 * base32 (no I, L, O or U; those typed by mistake are read as 1, 1 and 0), shown in groups of four:
 * 80 random bits, far beyond online guessing under the rate limit, and enough entropy that a plain
 * sha256 of it is safe to store.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 16;

export function generateReferralToken(): string {
  const bytes = randomBytes((LENGTH * 5) / 8);
  let bits = 0;
  let value = 0;
  let token = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      token += ALPHABET[(value >> bits) & 31];
    }
  }
  return token;
}

/** The token as typed or pasted (any case, with dashes or spaces), or undefined if it cannot be one. */
export function normaliseReferralToken(input: string): string | undefined {
  const token = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  return token.length === LENGTH && [...token].every((c) => ALPHABET.includes(c)) ? token : undefined;
}

/** XXXX-XXXX-XXXX-XXXX, for reading and typing. */
export const formatReferralToken = (token: string) => token.match(/.{1,4}/g)?.join('-') ?? token;

export const hashReferralToken = (token: string) => sha256(token);
