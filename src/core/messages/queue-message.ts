import { v7 as timeOrderedUuid } from 'uuid';
import type { Db } from '../../db/open-database.ts';
import type { Language, OutboundChannel } from '../../db/schema.ts';

export interface OutboundMessage {
  channel: OutboundChannel;
  /** E.164 for SMS, an address for e-mail. */
  recipient: string;
  /** E-mail only. */
  subject?: string | undefined;
  body: string;
  /** It carries a PIN or a sign-in code: its words are not kept once it has gone or been given up on. */
  secret?: boolean;
  caseId?: string | undefined;
  /** The case event a notification tells of. */
  eventSeq?: number | undefined;
  language?: Language | undefined;
  /** What the message is for ('sign_in_code', ...), for operators reading the outbox. */
  purpose: string;
  /** One message per key, ever: derive it from what the message is about, never from the clock. */
  dedupeKey: string;
}

/**
 * Writes a message to the outbox, usually in the transaction that made it necessary, so it exists
 * exactly when the change that called for it does. A second call with the same dedupe key (a
 * retried request, a job run twice) queues nothing and returns the first message's id.
 */
export async function queueMessage(db: Db, message: OutboundMessage & { now: Date }): Promise<string> {
  const inserted = await db
    .insertInto('outboundMessages')
    .values({
      id: timeOrderedUuid(),
      channel: message.channel,
      recipient: message.recipient,
      subject: message.subject ?? null,
      body: message.body,
      secret: message.secret ?? false,
      caseId: message.caseId ?? null,
      eventSeq: message.eventSeq ?? null,
      language: message.language ?? null,
      purpose: message.purpose,
      dedupeKey: message.dedupeKey,
      nextAttemptAt: message.now,
      createdAt: message.now,
    })
    .onConflict((oc) => oc.column('dedupeKey').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  // The conflicting insert has committed (ON CONFLICT waited for it), so this statement sees it.
  const existing = await db
    .selectFrom('outboundMessages')
    .select('id')
    .where('dedupeKey', '=', message.dedupeKey)
    .executeTakeFirstOrThrow();
  return existing.id;
}
