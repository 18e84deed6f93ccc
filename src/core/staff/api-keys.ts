import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../db/open-database.ts';
import type { Principal } from '../access/principal.ts';
import type { ReferenceCache } from '../agencies/reference-cache.ts';
import { invalidInput, notFound } from '../errors.ts';
import { type Actor, appendEvents } from '../events/append-events.ts';
import { sha256 } from '../security/secrets.ts';

/*
 * Keys look like bz_<8-char prefix>_<43-char secret>. The prefix identifies the key in lists and
 * logs; only a sha256 of the whole key is stored. 256 random bits need no slow hash.
 */
export async function createApiKey(
  deps: { db: Db; reference: ReferenceCache; now: () => Date },
  actor: Actor,
  input: { agencyCode: string; name: string },
): Promise<{ id: string; key: string; prefix: string; agencyCode: string }> {
  const agency = deps.reference.requireAgency(input.agencyCode);
  if (!agency.onboarded) throw invalidInput('agencyCode', `${agency.name} is not onboarded on Baraza`);
  const id = randomUUID();
  const prefix = randomBytes(6).toString('base64url');
  const key = `bz_${prefix}_${randomBytes(32).toString('base64url')}`;
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('apiKeys')
      .values({
        id,
        agencyId: agency.id,
        name: input.name,
        prefix,
        keyHash: sha256(key),
        createdBy: actor.type === 'staff' ? actor.id : null,
      })
      .execute();
    await appendEvents(
      trx,
      { id: 'system', caseId: null },
      actor,
      [
        {
          kind: 'api_key.created',
          public: false,
          data: { keyId: id, prefix, agencyId: agency.id, name: input.name },
        },
      ],
      deps.now(),
    );
  });
  return { id, key, prefix, agencyCode: agency.code ?? input.agencyCode };
}

/** The principal an API key acts as, or undefined for an unknown or revoked key. */
export async function authenticateApiKey(db: Db, key: string): Promise<Principal | undefined> {
  const match = /^bz_([A-Za-z0-9_-]{8})_[A-Za-z0-9_-]{43}$/.exec(key);
  if (!match) return undefined;
  const row = await db
    .selectFrom('apiKeys as k')
    .innerJoin('agencies as a', 'a.id', 'k.agencyId')
    .select(['k.id', 'k.keyHash', 'k.agencyId', 'k.lastUsedAt', 'a.code'])
    .where('k.prefix', '=', match[1] ?? '')
    .where('k.revokedAt', 'is', null)
    .executeTakeFirst();
  if (!row || row.keyHash !== sha256(key)) return undefined;
  // Recorded at most once a minute: an integration calling all day should not write on every call.
  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.updateTable('apiKeys').set({ lastUsedAt: now }).where('id', '=', row.id).execute();
  }
  return { kind: 'api_key', keyId: row.id, agencyId: row.agencyId, agencyCode: row.code };
}

/** Every agency's keys for the system administrator: never the key, only its prefix. */
export function listApiKeys(db: Db) {
  return db
    .selectFrom('apiKeys as k')
    .innerJoin('agencies as a', 'a.id', 'k.agencyId')
    .select([
      'k.id',
      'k.name',
      'k.prefix',
      'a.code as agencyCode',
      'k.createdAt',
      'k.lastUsedAt',
      'k.revokedAt',
    ])
    .orderBy('k.revokedAt', 'desc')
    .orderBy('k.createdAt', 'desc')
    .limit(500)
    .execute();
}

/** Revokes a key at once: the next request made with it is refused. */
export async function revokeApiKey(
  deps: { db: Db; now: () => Date },
  actor: Actor,
  id: string,
): Promise<void> {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw notFound('The API key');
  await deps.db.transaction().execute(async (trx) => {
    const revoked = await trx
      .updateTable('apiKeys')
      .set({ revokedAt: deps.now() })
      .where('id', '=', id)
      .where('revokedAt', 'is', null)
      .returning('prefix')
      .executeTakeFirst();
    if (!revoked) throw notFound('The API key');
    await appendEvents(
      trx,
      { id: 'system', caseId: null },
      actor,
      [{ kind: 'api_key.revoked', public: false, data: { keyId: id, prefix: revoked.prefix } }],
      deps.now(),
    );
  });
}
