import type { AfricasTalkingSettings } from '../../config.ts';
import type { SmsProvider, SmsResult } from './sms-provider.ts';

/*
 * Africa's Talking's bulk SMS API (specs/africastalking): POST {base}/version1/messaging with the
 * form fields username, to, message and from (the sender id, when the account has one), the API key
 * in the `apiKey` header, and JSON asked for with Accept. The answer lists each recipient with a
 * statusCode: 100 (processed), 101 (sent) and 102 (queued) mean the gateway took the message and
 * will report on it later under its messageId; anything else (403 InvalidPhoneNumber, 405
 * InsufficientBalance, 406 UserInBlacklist, ...) means it did not. Node's own fetch, no SDK: the
 * official one hard-codes its hosts, so it could not be pointed at a test server.
 */

const ACCEPTED = new Set([100, 101, 102]);
/**
 * Refusals about the number itself, which no retry changes: 403 InvalidPhoneNumber, 404
 * UnsupportedNumberType, 406 UserInBlacklist (the subscriber blocked the sender), 409
 * DoNotDisturbRejection. The others (a risk hold, the balance, the sender id, the gateway's own
 * errors) are the account's or the gateway's, and can be mended while the outbox waits.
 */
const PERMANENT = new Set([403, 404, 406, 409]);
/** Enough of an error body to say what went wrong, not enough to fill the outbox's error column. */
const BODY_EXCERPT = 200;

interface Recipient {
  statusCode?: unknown;
  status?: unknown;
  messageId?: unknown;
  cost?: unknown;
  number?: unknown;
}

export class AfricasTalkingSmsProvider implements SmsProvider {
  readonly name = 'africastalking';

  constructor(private readonly settings: AfricasTalkingSettings) {}

  async send(to: string, text: string): Promise<SmsResult> {
    const { username, apiKey, senderId, baseUrl, timeoutMs } = this.settings;
    const form = new URLSearchParams({ username, to, message: text });
    if (senderId) form.set('from', senderId);
    let response: Response;
    let body: string;
    try {
      response = await fetch(`${baseUrl}/version1/messaging`, {
        method: 'POST',
        headers: {
          apiKey,
          Accept: 'application/json',
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: form.toString(),
        // The whole exchange, body included: a gateway that answers headers and then stalls is down too.
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = await response.text();
    } catch (error) {
      return { sent: false, error: unreachable(error, timeoutMs) };
    }
    if (!response.ok) {
      return {
        sent: false,
        error: `Africa's Talking answered HTTP ${response.status}: ${excerpt(body) || response.statusText}`,
      };
    }
    return readAnswer(body);
  }
}

/** The one recipient of a send: accepted with its messageId, or refused with its status and code. */
export function readAnswer(body: string): SmsResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { sent: false, error: `Africa's Talking answered something that is not JSON: ${excerpt(body)}` };
  }
  const data = (parsed as { SMSMessageData?: { Message?: unknown; Recipients?: unknown } } | null)
    ?.SMSMessageData;
  const recipients = Array.isArray(data?.Recipients) ? (data.Recipients as Recipient[]) : [];
  const recipient = recipients[0];
  if (!recipient) {
    // A refusal of the whole request (a bad sender id, say) comes with no recipients and says why in Message.
    const why = typeof data?.Message === 'string' ? data.Message : excerpt(body);
    return { sent: false, error: `Africa's Talking sent to nobody: ${why}` };
  }
  const code = Number(recipient.statusCode);
  const status = typeof recipient.status === 'string' ? recipient.status : 'unknown status';
  const messageId = typeof recipient.messageId === 'string' ? recipient.messageId : '';
  if (!ACCEPTED.has(code)) {
    return {
      sent: false,
      error: `Africa's Talking refused the message: ${status} (statusCode ${code})`,
      ...(PERMANENT.has(code) ? { permanent: true } : {}),
    };
  }
  if (messageId === '' || messageId === 'None') {
    return { sent: false, error: `Africa's Talking accepted the message (${status}) but gave no messageId` };
  }
  const cost = typeof recipient.cost === 'string' ? recipient.cost : undefined;
  return { sent: true, providerMessageId: messageId, cost };
}

function unreachable(error: unknown, timeoutMs: number): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `Africa's Talking did not answer within ${timeoutMs} ms`;
  }
  // fetch's "fetch failed" hides the reason (refused, DNS, TLS) in its cause.
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  const message = error instanceof Error ? error.message : String(error);
  return `Africa's Talking could not be reached (${message}${cause})`;
}

const excerpt = (body: string) => body.replace(/\s+/g, ' ').trim().slice(0, BODY_EXCERPT);
