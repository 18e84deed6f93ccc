import type { Db } from '../../db/open-database.ts';
import type { OutboundChannel } from '../../db/schema.ts';
import { actorOf, type Principal } from '../access/principal.ts';
import { assertSysadmin } from '../console/admin-access.ts';
import { AppError, notFound } from '../errors.ts';
import { appendEvents } from '../events/append-events.ts';

/*
 * The outbox as operators see it: every message to a citizen, by state, with what the gateway
 * said; and a message given up on (the dead letters) sent again once the cause is fixed. Only the
 * system administrator reads it: it holds citizens' numbers and addresses.
 */

export const OUTBOX_STATUSES = ['queued', 'sent', 'failed', 'skipped'] as const;

export interface OutboxFilter {
  status?: (typeof OUTBOX_STATUSES)[number] | undefined;
  channel?: OutboundChannel | undefined;
}

export interface OutboxEntry {
  id: string;
  channel: OutboundChannel;
  /** Masked: enough to tell messages apart, not to write to someone. */
  recipient: string;
  purpose: string;
  status: string;
  attempts: number;
  /** Empty for a message that carried a PIN or a code once it was sent or given up on. */
  body: string;
  secret: boolean;
  error: string | null;
  provider: string | null;
  deliveryStatus: string | null;
  createdAt: Date;
  sentAt: Date | null;
  reference: string | null;
}

export async function listOutbox(
  db: Db,
  principal: Principal,
  filter: OutboxFilter,
  limit = 100,
): Promise<OutboxEntry[]> {
  assertSysadmin(principal);
  let query = db
    .selectFrom('outboundMessages as m')
    .leftJoin('cases as c', 'c.id', 'm.caseId')
    .select([
      'm.id',
      'm.channel',
      'm.recipient',
      'm.purpose',
      'm.status',
      'm.attempts',
      'm.body',
      'm.secret',
      'm.error',
      'm.provider',
      'm.deliveryStatus',
      'm.createdAt',
      'm.sentAt',
      'c.reference',
    ])
    .orderBy('m.createdAt', 'desc')
    .orderBy('m.id', 'desc')
    .limit(limit);
  if (filter.status) query = query.where('m.status', '=', filter.status);
  if (filter.channel) query = query.where('m.channel', '=', filter.channel);
  const rows = await query.execute();
  return rows.map((row) => ({ ...row, recipient: maskRecipient(row.channel, row.recipient) }));
}

/** "+254712***111", "nj***@example.org". */
export function maskRecipient(channel: OutboundChannel, recipient: string): string {
  if (channel === 'email') {
    const [user = '', domain = ''] = recipient.split('@');
    return `${user.slice(0, 2)}***@${domain}`;
  }
  return recipient.length > 9 ? `${recipient.slice(0, 7)}***${recipient.slice(-3)}` : '***';
}

/**
 * Sends a message that was given up on again, from a fresh count of attempts. One that carried a
 * secret has lost its words and cannot be: the citizen asks for a new code instead.
 */
export async function retryMessage(
  deps: { db: Db; now: () => Date },
  principal: Principal,
  id: string,
): Promise<void> {
  assertSysadmin(principal);
  await deps.db.transaction().execute(async (trx) => {
    const message = await trx
      .selectFrom('outboundMessages')
      .select(['status', 'secret', 'body', 'purpose', 'channel'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!message) throw notFound('The message');
    if (message.status !== 'failed')
      throw new AppError('invalid_transition', 'Only a message that was given up on can be sent again');
    if (message.secret && message.body === '')
      throw new AppError(
        'invalid_transition',
        'This message carried a PIN or a code and its words are gone; the citizen asks for a new one',
      );
    await trx
      .updateTable('outboundMessages')
      .set({ status: 'queued', attempts: 0, error: null, nextAttemptAt: deps.now() })
      .where('id', '=', id)
      .execute();
    await appendEvents(
      trx,
      { id: 'system', caseId: null },
      actorOf(principal),
      [
        {
          kind: 'outbox.message_retried',
          public: false,
          data: { id, purpose: message.purpose, channel: message.channel },
        },
      ],
      deps.now(),
    );
  });
}
