import type { Config } from '../../config.ts';
import { LocalSmsProvider } from './local-sms-provider.ts';
import type { SmsProvider } from './sms-provider.ts';

/** The gateway BARAZA_SMS_PROVIDER names. Africa's Talking joins here, with its credentials in config. */
export function createSmsProvider(config: Config['sms'], now: () => Date): SmsProvider {
  switch (config.provider) {
    case 'local':
      return new LocalSmsProvider(now);
  }
}
