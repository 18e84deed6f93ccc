import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/open-database.ts';

export interface Secrets {
  /** Keys the tracking PINs; see derivePin. */
  pinKey: Buffer;
}

/**
 * Secrets are generated on first start and kept in the database, so every web and worker process
 * shares them with no configuration. Insert-if-absent makes two processes starting together agree.
 */
export async function loadSecrets(db: Db): Promise<Secrets> {
  await db
    .insertInto('settings')
    .values({ key: 'pin_key', value: randomBytes(32).toString('base64') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'pin_key')
    .executeTakeFirstOrThrow();
  return { pinKey: Buffer.from(row.value, 'base64') };
}

/*
 * A tracking PIN is derived from the case id with a server key rather than drawn at random, so a
 * retried submission (same Idempotency-Key) can be answered with the same PIN without the PIN ever
 * being stored. Only a keyed hash of it is stored; a six-digit PIN is guessable offline from any
 * unkeyed hash, so the key is what protects it, and online guessing is rate limited.
 */
export function derivePin(secrets: Secrets, caseId: string): string {
  const digest = createHmac('sha256', secrets.pinKey).update(`pin:${caseId}`).digest();
  return String(digest.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

export function hashPin(secrets: Secrets, caseId: string, pin: string): string {
  return createHmac('sha256', secrets.pinKey).update(`pin-hash:${caseId}:${pin}`).digest('hex');
}

export function pinMatches(secrets: Secrets, caseId: string, pinHash: string, pin: string): boolean {
  const given = Buffer.from(hashPin(secrets, caseId, pin.trim()), 'hex');
  const stored = Buffer.from(pinHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** For high-entropy tokens (session cookies, API keys) a plain sha256 is enough to store. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
