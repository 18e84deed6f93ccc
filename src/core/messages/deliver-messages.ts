import { sql } from 'kysely';
import { mailHtml } from '../../channels/email/mail-html.ts';
import type { SmsProvider, SmsResult } from '../../channels/sms/sms-provider.ts';
import type { Db } from '../../db/open-database.ts';
import type { Language, OutboundChannel } from '../../db/schema.ts';
import { type MailServer, sendMail } from '../mail/send-mail.ts';
import { isOptedOut } from './opt-outs.ts';

/** The outbox's retry policy, in one place. */
export const MESSAGE_RETRY = {
  /** A message that has failed this many times is given up on (status 'failed'). */
  maxAttempts: 5,
  /** Minutes to wait after the 1st, 2nd, ... failure before trying again. */
  backoffMinutes: [1, 2, 4, 8],
  /**
   * How long a claim holds a message. Longer than any send can take (SMTP is bounded at about a
   * minute), so a live sender always finishes first; a sender that died leaves it to the next sweep.
   */
  claimMinutes: 5,
} as const;

export interface DeliverDeps {
  db: Db;
  now: () => Date;
  sms: SmsProvider;
  mail: MailServer;
}

/** What became of one delivery: `not_claimed` when it was not due (sent, failed, or being sent). */
export type DeliveryOutcome = 'sent' | 'retrying' | 'failed' | 'skipped' | 'not_claimed';

/** A PIN or a sign-in code is not kept once the message is done with (see queue-message.ts). */
const forgottenIfSecret = sql<string>`CASE WHEN secret THEN '' ELSE body END`;

const minutes = (at: Date, count: number) => new Date(at.getTime() + count * 60_000);

/**
 * Sends one queued message. The claim (attempts + 1 and the next attempt pushed past the claim
 * window, in one UPDATE that only a due, queued row matches) is what keeps two senders, two
 * workers or a request and a sweep, from both sending it. The only way to send twice is a sender
 * dying after the gateway accepted the message and before `sent` was written; gateways offer no
 * idempotency key to close that gap.
 */
export async function deliverMessage(deps: DeliverDeps, id: string): Promise<DeliveryOutcome> {
  const now = deps.now();
  const claimed = await deps.db
    .updateTable('outboundMessages')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      nextAttemptAt: minutes(now, MESSAGE_RETRY.claimMinutes),
    }))
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .where('nextAttemptAt', '<=', now)
    .returning(['channel', 'recipient', 'subject', 'body', 'attempts', 'purpose', 'language'])
    .executeTakeFirst();
  if (!claimed) return 'not_claimed';
  // A citizen who opted out after a notice was queued does not get it (what they asked for, they do).
  if (
    claimed.purpose.startsWith('notice_') &&
    (await isOptedOut(deps.db, claimed.channel, claimed.recipient))
  ) {
    await deps.db
      .updateTable('outboundMessages')
      .set({ status: 'skipped', error: `the citizen opted out of ${claimed.channel}` })
      .where('id', '=', id)
      .execute();
    return 'skipped';
  }

  const { provider, result } = await send(deps, claimed);
  if (result.sent) {
    // Unconditional: the message did go, even if a claim that outlived its window was taken over.
    await deps.db
      .updateTable('outboundMessages')
      .set({
        status: 'sent',
        provider,
        providerMessageId: result.providerMessageId,
        sentAt: deps.now(),
        error: null,
        body: forgottenIfSecret,
      })
      .where('id', '=', id)
      .execute();
    return 'sent';
  }
  const givenUp = result.permanent === true || claimed.attempts >= MESSAGE_RETRY.maxAttempts;
  const backoff =
    MESSAGE_RETRY.backoffMinutes[claimed.attempts - 1] ?? MESSAGE_RETRY.backoffMinutes.at(-1) ?? 1;
  // Only while the claim is still ours (attempts unchanged): a later claim owns the row otherwise.
  await deps.db
    .updateTable('outboundMessages')
    .set({
      status: givenUp ? 'failed' : 'queued',
      provider,
      error: result.error.slice(0, 500),
      nextAttemptAt: minutes(deps.now(), backoff),
      ...(givenUp ? { body: forgottenIfSecret } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .where('attempts', '=', claimed.attempts)
    .execute();
  return givenUp ? 'failed' : 'retrying';
}

export interface DeliverySweep {
  sent: number;
  retrying: number;
  failed: number;
  skipped: number;
}

/** The sweep: every queued message that is due, oldest due first, each claimed as above. */
export async function deliverQueuedMessages(deps: DeliverDeps, limit = 100): Promise<DeliverySweep> {
  const due = await deps.db
    .selectFrom('outboundMessages')
    .select('id')
    .where('status', '=', 'queued')
    .where('nextAttemptAt', '<=', deps.now())
    .orderBy('nextAttemptAt')
    .limit(limit)
    .execute();
  const sweep: DeliverySweep = { sent: 0, retrying: 0, failed: 0, skipped: 0 };
  for (const { id } of due) {
    const outcome = await deliverMessage(deps, id);
    if (outcome !== 'not_claimed') sweep[outcome] += 1;
  }
  return sweep;
}

async function send(
  deps: DeliverDeps,
  message: {
    channel: OutboundChannel;
    recipient: string;
    subject: string | null;
    body: string;
    language: Language | null;
  },
): Promise<{ provider: string; result: SmsResult }> {
  if (message.channel === 'email') {
    const subject = message.subject ?? '';
    const mail = await sendMail(deps.mail, {
      to: message.recipient,
      subject,
      text: message.body,
      html: mailHtml(subject, message.body, message.language),
    });
    return {
      provider: 'smtp',
      result: mail.sent ? { sent: true, providerMessageId: mail.messageId } : mail,
    };
  }
  try {
    return { provider: deps.sms.name, result: await deps.sms.send(message.recipient, message.body) };
  } catch (error) {
    // A gateway's client may throw despite the contract; that is a failed attempt like any other.
    return {
      provider: deps.sms.name,
      result: { sent: false, error: error instanceof Error ? error.message : String(error) },
    };
  }
}
