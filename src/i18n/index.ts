import { createInstance, type TFunction } from 'i18next';
import type { Language } from '../db/schema.ts';
import consoleEn from './console-en.json' with { type: 'json' };
import consoleSw from './console-sw.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };
import portalEn from './portal-en.json' with { type: 'json' };
import portalSw from './portal-sw.json' with { type: 'json' };
import smsEn from './sms-en.json' with { type: 'json' };
import smsSw from './sms-sw.json' with { type: 'json' };
import sw from './sw.json' with { type: 'json' };
import ussdEn from './ussd-en.json' with { type: 'json' };
import ussdSw from './ussd-sw.json' with { type: 'json' };

const i18n = createInstance();
// initImmediate false: the catalogues are in memory, so init completes before this module returns.
await i18n.init({
  // The portal's, the console's, the USSD menu's and the SMS channel's words live in their own
  // catalogues, under "portal", "console", "ussd" and "sms".
  resources: {
    en: { translation: { ...en, portal: portalEn, console: consoleEn, ussd: ussdEn, sms: smsEn } },
    sw: { translation: { ...sw, portal: portalSw, console: consoleSw, ussd: ussdSw, sms: smsSw } },
  },
  lng: 'en',
  fallbackLng: 'en',
  initAsync: false,
  showSupportNotice: false,
  interpolation: { escapeValue: false },
});

export function translator(language: Language): TFunction {
  return i18n.getFixedT(language);
}

/** Picks English or Kiswahili from an explicit choice, else from Accept-Language (sw wins only if preferred). */
export function pickLanguage(explicit: string | undefined, acceptLanguage: string | undefined): Language {
  if (explicit === 'sw' || explicit === 'en') return explicit;
  if (!acceptLanguage) return 'en';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { lang: tag.toLowerCase().slice(0, 2), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((entry) => entry.lang === 'sw' || entry.lang === 'en')
    .sort((a, b) => b.q - a.q);
  return ranked[0]?.lang === 'sw' ? 'sw' : 'en';
}
