import type { Config } from '../../config.ts';
import { AfricasTalkingSmsProvider } from './africastalking-sms-provider.ts';
import { LocalSmsProvider } from './local-sms-provider.ts';
import type { SmsProvider } from './sms-provider.ts';

/** The gateway BARAZA_SMS_PROVIDER names, with its settings from config. */
export function createSmsProvider(config: Config['sms'], now: () => Date): SmsProvider {
  switch (config.provider) {
    case 'local':
      return new LocalSmsProvider(now);
    case 'africastalking':
      return new AfricasTalkingSmsProvider(config.africastalking);
  }
}
