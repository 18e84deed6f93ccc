import type { Db } from '../../db/open-database.ts';

/*
 * The SMS gateway's word on a message it accepted: delivered to the handset (Success), still on
 * its way (Sent, Submitted, Buffered), or not delivered (Failed, Rejected, with a reason such as
 * UserInBlackList). Kept on the outbox row the gateway's message id names. The outbox's own status
 * stays 'sent' (the gateway took it); this is what happened after.
 *
 * Reports may arrive out of order and more than once: a final word (delivered or not) is not
 * overwritten by a later "still on its way", and the same report twice changes nothing.
 */

/** Statuses after which the gateway says nothing more about a message. */
export const FINAL_DELIVERY_STATUSES = ['Success', 'Failed', 'Rejected', 'InsufficientBalance'] as const;

export interface DeliveryReport {
  /** The gateway's id for the message, as its send answer gave it. */
  providerMessageId: string;
  status: string;
  failureReason?: string | undefined;
  at: Date;
}

/** 'unknown': no message of ours has this id (another application's, or a test); it is ignored. */
export type DeliveryReportOutcome = 'recorded' | 'unknown' | 'kept_final';

export async function recordDeliveryReport(db: Db, report: DeliveryReport): Promise<DeliveryReportOutcome> {
  const final = (FINAL_DELIVERY_STATUSES as readonly string[]).includes(report.status);
  const updated = await db
    .updateTable('outboundMessages')
    .set((eb) => ({
      deliveryStatus: report.status,
      deliveryFailure: report.failureReason ?? null,
      // The first report of delivery says when; a repeat of it does not move the time.
      deliveredAt: report.status === 'Success' ? eb.fn.coalesce('deliveredAt', eb.val(report.at)) : null,
    }))
    .where('providerMessageId', '=', report.providerMessageId)
    .where('channel', '=', 'sms')
    .$if(!final, (query) =>
      query.where((eb) =>
        eb.or([
          eb('deliveryStatus', 'is', null),
          eb('deliveryStatus', 'not in', [...FINAL_DELIVERY_STATUSES]),
        ]),
      ),
    )
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return 'recorded';
  const known = await db
    .selectFrom('outboundMessages')
    .select('id')
    .where('providerMessageId', '=', report.providerMessageId)
    .where('channel', '=', 'sms')
    .executeTakeFirst();
  return known ? 'kept_final' : 'unknown';
}
