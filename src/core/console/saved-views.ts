import { v7 as timeOrderedUuid } from 'uuid';
import type { Db } from '../../db/open-database.ts';
import { AppError, invalidInput, notFound } from '../errors.ts';

/** How many views one person may keep. */
export const MAX_SAVED_VIEWS = 20;

/** The queue parameters a saved view may hold: a view and its filters, never a page cursor. */
const PARAMETERS = new Set(['view', 'status', 'type', 'channel', 'priority', 'county', 'q', 'from', 'to']);

export interface SavedView {
  id: string;
  name: string;
  /** The queue's address query, e.g. "view=open&priority=P1". */
  query: string;
}

export function listSavedViews(db: Db, userId: string): Promise<SavedView[]> {
  return db
    .selectFrom('savedViews')
    .select(['id', 'name', 'query'])
    .where('userId', '=', userId)
    .orderBy('name')
    .orderBy('id')
    .execute();
}

/** Keeps a queue's filters under a name, for this person only; the same name replaces the old one. */
export async function saveView(
  db: Db,
  userId: string,
  name: string,
  query: string,
  now: Date,
): Promise<string> {
  const cleanName = name.trim();
  if (cleanName.length < 2 || cleanName.length > 60)
    throw invalidInput('name', 'give a name of 2 to 60 characters');
  const params = new URLSearchParams(query.replace(/^\?/, ''));
  const kept = new URLSearchParams();
  for (const [key, value] of params) {
    if (PARAMETERS.has(key) && value && value.length <= 200) kept.set(key, value);
  }
  if (!kept.has('view')) throw invalidInput('query', 'a saved view names its queue');
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('savedViews').where('userId', '=', userId).where('name', '=', cleanName).execute();
    const count = await trx
      .selectFrom('savedViews')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('userId', '=', userId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_SAVED_VIEWS) {
      throw new AppError('conflict', `keep at most ${MAX_SAVED_VIEWS} saved views; delete one first`);
    }
    const id = timeOrderedUuid();
    await trx
      .insertInto('savedViews')
      .values({ id, userId, name: cleanName, query: kept.toString(), createdAt: now })
      .execute();
    return id;
  });
}

/** Deletes one of the person's own views; anyone else's answers as missing. */
export async function deleteView(db: Db, userId: string, id: string): Promise<void> {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw notFound('The saved view');
  const deleted = await db
    .deleteFrom('savedViews')
    .where('id', '=', id)
    .where('userId', '=', userId)
    .executeTakeFirst();
  if (Number(deleted.numDeletedRows) === 0) throw notFound('The saved view');
}
