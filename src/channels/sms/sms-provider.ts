/**
 * The edge to an SMS gateway (the local one, or Africa's Talking). A provider never throws
 * for a message it could not send: it says why, and the outbox (core/messages) decides whether to
 * try again. `to` is in E.164; `text` is what the citizen reads, already in their language.
 */
export interface SmsProvider {
  /** Recorded with each message sent, so an operator can tell which gateway carried it. */
  name: string;
  send(to: string, text: string): Promise<SmsResult>;
}

export type SmsResult =
  /** `providerMessageId` is what the gateway's delivery reports will name the message by. */
  | { sent: true; providerMessageId: string; cost?: string | undefined }
  /**
   * `permanent`: sending it again cannot succeed (the number does not exist, or refuses this
   * sender), so the outbox gives up at once rather than after its retries.
   */
  | { sent: false; error: string; permanent?: boolean };
