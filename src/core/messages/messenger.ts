import type { SmsProvider } from '../../channels/sms/sms-provider.ts';
import type { Db } from '../../db/open-database.ts';
import type { MailServer } from '../mail/send-mail.ts';
import {
  type DeliveryOutcome,
  type DeliverySweep,
  deliverMessage,
  deliverQueuedMessages,
} from './deliver-messages.ts';
import { type OutboundMessage, queueMessage } from './queue-message.ts';

/** How the rest of Baraza writes to citizens: queue in your transaction, then deliver after it. */
export interface Messenger {
  /** Queues in `db`, which may be a transaction; returns the message id (the first one, for a repeated dedupe key). */
  queue(db: Db, message: OutboundMessage): Promise<string>;
  /** Sends it now if it is due and nobody else is sending it; failures stay queued for the sweep. */
  deliver(id: string): Promise<DeliveryOutcome>;
  deliverQueued(limit?: number): Promise<DeliverySweep>;
}

export function createMessenger(deps: {
  db: Db;
  config: { mail: MailServer };
  sms: SmsProvider;
  now: () => Date;
}): Messenger {
  const delivery = { db: deps.db, now: deps.now, sms: deps.sms, mail: deps.config.mail };
  return {
    queue: (db, message) => queueMessage(db, { ...message, now: deps.now() }),
    deliver: (id) => deliverMessage(delivery, id),
    deliverQueued: (limit) => deliverQueuedMessages(delivery, limit),
  };
}
