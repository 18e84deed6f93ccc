import type { Db } from '../../db/open-database.ts';
import type { OutboundChannel } from '../../db/schema.ts';

/*
 * Who asked to hear nothing more on a channel. Notifications check it when they are queued and
 * the outbox checks it again before sending, so a STOP that arrives while a message waits still
 * holds. Messages the citizen asked for themselves (a sign-in code, the copy of their own
 * submission, the reply to their own SMS) are not notifications and are still sent.
 */

export async function optOut(db: Db, channel: OutboundChannel, recipient: string, now: Date): Promise<void> {
  await db
    .insertInto('messageOptOuts')
    .values({ channel, recipient, createdAt: now })
    .onConflict((oc) => oc.columns(['channel', 'recipient']).doNothing())
    .execute();
}

export async function optIn(db: Db, channel: OutboundChannel, recipient: string): Promise<void> {
  await db
    .deleteFrom('messageOptOuts')
    .where('channel', '=', channel)
    .where('recipient', '=', recipient)
    .execute();
}

export async function isOptedOut(db: Db, channel: OutboundChannel, recipient: string): Promise<boolean> {
  const row = await db
    .selectFrom('messageOptOuts')
    .select('recipient')
    .where('channel', '=', channel)
    .where('recipient', '=', recipient)
    .executeTakeFirst();
  return row !== undefined;
}
