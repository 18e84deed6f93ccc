import type { Db } from '../open-database.ts';

export async function readSetting(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function writeSetting(db: Db, key: string, value: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/**
 * Moves a configuration version, so every process holding that configuration in memory reloads
 * it (each compares the version on its periodic check).
 */
export async function bumpVersion(db: Db, key: string): Promise<void> {
  await writeSetting(db, key, String(Date.now()));
}
