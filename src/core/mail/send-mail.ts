import { createTransport } from 'nodemailer';
import type { Config } from '../../config.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export type MailResult = { sent: true; messageId: string } | { sent: false; error: string };

/**
 * Sends one message through the configured SMTP server. It never throws: the caller records the
 * outcome next to what the message was about (a referral keeps its letter whether or not the mail
 * went), and the error is kept short and free of the server's credentials. Timeouts are bounded
 * because the sender may be a request someone is waiting on.
 */
/** Where mail goes out: the SMTP server and the sender's address. */
export type MailServer = Pick<Config['mail'], 'smtpUrl' | 'from'>;

export async function sendMail(config: MailServer, message: MailMessage): Promise<MailResult> {
  if (!config.smtpUrl) return { sent: false, error: 'no mail server is configured (BARAZA_SMTP_URL)' };
  // Query parameters in the URL (?connectionTimeout=...) override these defaults.
  const transport = createTransport({
    url: config.smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  try {
    const info = await transport.sendMail({ from: config.from, ...message });
    return { sent: true, messageId: info.messageId };
  } catch (error) {
    return { sent: false, error: describe(error, config.smtpUrl) };
  } finally {
    transport.close();
  }
}

function describe(error: unknown, smtpUrl: string): string {
  const raw = error instanceof Error ? error.message : String(error);
  const password = safeUrl(smtpUrl)?.password;
  const cleaned = password ? raw.replaceAll(decodeURIComponent(password), '***') : raw;
  return cleaned.slice(0, 500);
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
