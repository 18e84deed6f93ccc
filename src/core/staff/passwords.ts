import { hash, verify } from '@node-rs/argon2';
import { invalidInput } from '../errors.ts';

// argon2id (the library's default algorithm) with OWASP's suggested memory cost.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password);
}

/** NIST 800-63B: length matters, composition rules do not; refuse the obviously guessable. */
export function assertAcceptablePassword(password: string, email: string): void {
  if (password.length < 12) throw invalidInput('password', 'use at least 12 characters');
  if (password.length > 256) throw invalidInput('password', 'use at most 256 characters');
  const name = email.split('@')[0]?.toLowerCase() ?? '';
  if ((name.length >= 4 && password.toLowerCase().includes(name)) || /^(.)\1+$/.test(password)) {
    throw invalidInput('password', 'choose a password that is not your name or a repeated character');
  }
}
