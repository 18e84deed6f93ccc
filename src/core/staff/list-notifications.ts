import type { Db } from '../../db/open-database.ts';
import { notFound } from '../errors.ts';

export interface StaffNotification {
  id: string;
  kind: string;
  caseReference: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
}

/** A person's notifications (warnings, breaches, escalations, reassignments), newest first. */
export async function listNotifications(
  db: Db,
  userId: string,
  options: { unreadOnly: boolean; limit: number },
): Promise<StaffNotification[]> {
  let query = db
    .selectFrom('staffNotifications as n')
    .leftJoin('cases as c', 'c.id', 'n.caseId')
    .select(['n.id', 'n.kind', 'c.reference as caseReference', 'n.data', 'n.createdAt', 'n.readAt'])
    .where('n.userId', '=', userId);
  if (options.unreadOnly) query = query.where('n.readAt', 'is', null);
  return query.orderBy('n.createdAt', 'desc').orderBy('n.id', 'desc').limit(options.limit).execute();
}

/** Marks one of the person's own notifications read; someone else's answers as missing. */
export async function markNotificationRead(db: Db, userId: string, id: string, now: Date): Promise<void> {
  const updated = await db
    .updateTable('staffNotifications')
    .set((eb) => ({ readAt: eb.fn.coalesce('readAt', eb.val(now)) }))
    .where('id', '=', id)
    .where('userId', '=', userId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) throw notFound('The notification');
}
