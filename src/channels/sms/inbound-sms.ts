import type { Db } from '../../db/open-database.ts';
import type { InboundSmsOutcome } from '../../db/schema.ts';

/*
 * The inbound_sms table: each message the gateway delivered, once per gateway id. A handler first
 * claims the id by inserting its row (INSERT ... ON CONFLICT DO NOTHING): of two deliveries of one
 * id, at the same moment or a day apart, exactly one inserts, and only that one acts. The row
 * records what was done when it is done; until then it is a claim, and a claim that outlived
 * CLAIM_SECONDS belongs to a handler that died, which the gateway's next delivery takes over.
 */

/** Far longer than handling a message takes (a few database round trips), far shorter than a gateway's retries. */
export const CLAIM_SECONDS = 60;

export interface InboundSms {
  id: string;
  from: string;
  to: string;
  text: string;
  date?: string | undefined;
  linkId?: string | undefined;
  networkCode?: string | undefined;
}

export interface InboundRow {
  outcome: InboundSmsOutcome | null;
  caseId: string | null;
  claimedAt: Date;
}

/**
 * 'mine': this handler acts on the message; `planned` is the case an earlier handler was answering
 * when it stopped, if any. 'busy': another handler is at it. 'done': it was handled already.
 */
export type Claim =
  | { claim: 'mine'; planned: string | null }
  | { claim: 'busy' }
  | { claim: 'done'; outcome: InboundSmsOutcome };

/** The message as the gateway sent it, as it is kept. */
const rowOf = (message: InboundSms) => ({
  id: message.id,
  sender: message.from,
  recipient: message.to,
  text: message.text,
  gatewayDate: message.date || null,
  linkId: message.linkId || null,
  networkCode: message.networkCode || null,
});

export async function claimInboundSms(db: Db, message: InboundSms, now: Date): Promise<Claim> {
  const inserted = await db
    .insertInto('inboundSms')
    .values({
      ...rowOf(message),
      receivedAt: now,
      claimedAt: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { claim: 'mine', planned: null };

  const existing = await db
    .selectFrom('inboundSms')
    .select(['outcome', 'caseId', 'claimedAt'])
    .where('id', '=', message.id)
    .executeTakeFirstOrThrow();
  if (existing.outcome) return { claim: 'done', outcome: existing.outcome };
  const stale = new Date(now.getTime() - CLAIM_SECONDS * 1000);
  if (existing.claimedAt > stale) return { claim: 'busy' };
  // Taken over only if nobody else took it over since it was read.
  const taken = await db
    .updateTable('inboundSms')
    .set({ claimedAt: now })
    .where('id', '=', message.id)
    .where('outcome', 'is', null)
    .where('claimedAt', '=', existing.claimedAt)
    .returning('caseId')
    .executeTakeFirst();
  return taken ? { claim: 'mine', planned: taken.caseId } : { claim: 'busy' };
}

/** Notes the case about to be answered, before it is touched: a handler taking over answers the same one. */
export async function planAnswer(db: Db, id: string, caseId: string): Promise<void> {
  await db.updateTable('inboundSms').set({ caseId }).where('id', '=', id).execute();
}

/** Records what was done, once the reply is queued: from then on a repeat of the id is only acknowledged. */
export async function finishInboundSms(
  db: Db,
  id: string,
  done: { outcome: InboundSmsOutcome; caseId: string | null; replyMessageId: string | null; at: Date },
): Promise<void> {
  await db
    .updateTable('inboundSms')
    .set({
      outcome: done.outcome,
      caseId: done.caseId,
      replyMessageId: done.replyMessageId,
      handledAt: done.at,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Lets the gateway's next delivery of the id take it over at once: handling failed here (the
 * database went away, say) and the gateway is told to try again.
 */
export async function releaseInboundSms(db: Db, id: string): Promise<void> {
  await db
    .updateTable('inboundSms')
    .set({ claimedAt: new Date(0) })
    .where('id', '=', id)
    .where('outcome', 'is', null)
    .execute();
}

/** Records a message that is not acted on (not from a phone): kept once, never answered. */
export async function recordIgnoredSms(db: Db, message: InboundSms, now: Date): Promise<void> {
  await db
    .insertInto('inboundSms')
    .values({
      ...rowOf(message),
      outcome: 'ignored',
      receivedAt: now,
      claimedAt: now,
      handledAt: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
