/**
 * Screenshots of an automatic answer on the citizen's tracking page, in English and Kiswahili, for
 * docs/knowledge.md ("Automatic answers").
 *
 *   node --import tsx tools/knowledge-screenshots.ts
 *
 * Starts Baraza in this process on PGlite in memory, sends an inquiry one article answers through
 * the public API, then in Debian's Chromium gives the PIN on the tracking page as the citizen does
 * and captures the page: the answer marked automatic, and "It did not help". Writes
 * docs/images/knowledge-<lang>-04-automatic.png and prints what tools/screenshot-support.ts checks.
 */
import type { Language } from '../src/db/schema.ts';
import {
  capture,
  launchChromium,
  navigate,
  Observer,
  PHONE,
  report,
  type Shot,
  startInMemory,
} from './screenshot-support.ts';

const QUESTIONS: Record<Language, string> = {
  en: 'How do I get a certificate of good conduct from the police? I need police clearance for a new job.',
  sw: 'Nawezaje kupata cheti cha tabia njema kutoka kwa polisi? Nahitaji kwa kazi mpya.',
};

const { started, origin } = await startInMemory();
const browser = await launchChromium();
const shots: Shot[] = [];
try {
  for (const language of ['en', 'sw'] as const) {
    const sent = await started.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      payload: {
        type: 'inquiry',
        description: QUESTIONS[language],
        agencyCode: 'NPS',
        language,
        citizen: { name: 'Achieng Otieno', phone: '0722000111', language },
      },
    });
    const { reference, pin, status } = sent.json() as { reference: string; pin: string; status: string };
    if (status !== 'resolved') throw new Error(`the ${language} inquiry was not answered automatically`);
    const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2 });
    await context.addCookies([{ name: 'baraza_lang', value: language, url: origin }]);
    const page = await context.newPage();
    const observer = new Observer(page);
    await navigate(page, () => page.goto(`${origin}/track/${reference}`));
    await page.locator('input[name="pin"]').fill(pin);
    await navigate(page, () => page.locator('form[action="/track"] button').click());
    shots.push(await capture(page, observer, origin, `knowledge-${language}-04-automatic.png`));
    await context.close();
  }
} finally {
  await browser.close();
  await started.close();
}
report(shots, () => '');
