import type { Db } from '../../db/open-database.ts';
import { notFound } from '../errors.ts';

/** One attached file of a case, for someone already allowed to see that case. */
export async function readCaseUpload(db: Db, caseId: string, uploadId: string) {
  if (!/^[0-9a-f-]{36}$/.test(uploadId)) throw notFound('The file');
  const row = await db
    .selectFrom('uploads')
    .select(['id', 'name', 'contentType', 'size', 'content'])
    .where('id', '=', uploadId)
    .where('caseId', '=', caseId)
    .executeTakeFirst();
  if (!row) throw notFound('The file');
  return row;
}

/** The files attached to a case, oldest first, without their content. */
export function listCaseUploads(db: Db, caseId: string) {
  return db
    .selectFrom('uploads')
    .select(['id', 'name', 'contentType', 'size', 'eventSeq', 'createdAt'])
    .where('caseId', '=', caseId)
    .orderBy('createdAt')
    .execute();
}

/** Uploads never attached to anything, older than a day: a form someone gave up on. */
export async function removeAbandonedUploads(db: Db, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('uploads')
    .where('caseId', 'is', null)
    .where('createdAt', '<', new Date(now.getTime() - 86_400_000))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
