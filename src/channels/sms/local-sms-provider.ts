import { randomUUID } from 'node:crypto';
import type { SmsProvider, SmsResult } from './sms-provider.ts';

export interface LocalSms {
  to: string;
  text: string;
  at: Date;
}

/**
 * The gateway for development and tests: every message is kept in `sent`, in memory, and nothing
 * is logged (a sign-in code in a log file would be a sign-in for whoever reads it).
 */
export class LocalSmsProvider implements SmsProvider {
  readonly name = 'local';
  readonly sent: LocalSms[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  async send(to: string, text: string): Promise<SmsResult> {
    this.sent.push({ to, text, at: this.now() });
    return { sent: true, providerMessageId: `local-${randomUUID()}` };
  }
}
