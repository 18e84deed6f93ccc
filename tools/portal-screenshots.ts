/**
 * Screenshots of the citizen portal on a small phone, in English and Kiswahili, for docs/portal.md.
 *
 *   node --import tsx tools/portal-screenshots.ts
 *
 * Starts Baraza in this process on PGlite in memory, listens on 127.0.0.1 on a free port, and walks
 * the journey in Debian's Chromium as a citizen would, clicking and typing: home, every step of
 * "give feedback", the confirmation, the case page, the "my cases" sign-in, and one page with a
 * validation error. Writes docs/images/portal-<lang>-<nn>-<step>.png and prints, per page, its
 * console errors, horizontal overflow, small tap targets, axe-core findings and weight (gzipped),
 * with what tools/screenshot-support.ts shares with the console's screenshots.
 * CHROMIUM_PATH chooses another Chromium; BARAZA_SCREENSHOTS another output directory.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import type { Language } from '../src/db/schema.ts';
import { ASSETS } from '../src/web/portal/assets.ts';
import { tr } from '../src/web/portal/layout.ts';
import {
  capture,
  kb,
  launchChromium,
  navigate,
  Observer,
  PHONE,
  report,
  type Shot,
  startInMemory,
} from './screenshot-support.ts';

/** Screenshot numbers: the order of the journey, with the validation error last. */
const NUMBERS: Record<string, string> = {
  home: '01',
  kind: '02',
  about: '03',
  agency: '04',
  service: '05',
  where: '06',
  files: '07',
  contact: '08',
  check: '09',
  sent: '10',
  track: '11',
  'my-cases': '12',
  error: '13',
};

interface Journey {
  language: Language;
  /** The kind of feedback, a key under portal.kinds. */
  kind: 'complaint' | 'corruption_report';
  text: string;
  county: string;
  subCounty: string;
  contact: 'phone' | 'anonymous';
  phone?: string;
}

const JOURNEYS: Journey[] = [
  {
    language: 'en',
    kind: 'complaint',
    text:
      'I applied for my passport at Nyayo House in March and it is still not ready. ' +
      'The officers keep telling me to come back next week.',
    county: 'Nairobi City',
    subCounty: 'Starehe',
    contact: 'phone',
    phone: '0712345678',
  },
  {
    language: 'sw',
    kind: 'corruption_report',
    text:
      'Afisa wa polisi katika kituo cha polisi cha Nakuru aliniomba shilingi elfu tano ili aandike ' +
      'taarifa yangu ya wizi. Nilipokataa, aliniambia nirudi kesho.',
    county: 'Nakuru',
    subCounty: 'Nakuru Town East',
    contact: 'anonymous',
  },
];

const shots: Shot[] = [];

async function main(): Promise<void> {
  const { started, origin } = await startInMemory();
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    for (const journey of JOURNEYS) await walk(browser, origin, journey);
  } finally {
    await browser?.close();
    await started.close();
  }
  // What a first visit loads besides the page: the style sheet and the script (cached for a year).
  const assets = (ASSETS['portal.css']?.gzip.length ?? 0) + (ASSETS['portal.js']?.gzip.length ?? 0);
  report(
    shots,
    (shot) => `HTML ${kb(shot.htmlBytes)}, first visit with CSS and JS ${kb(shot.htmlBytes + assets)} (gzip)`,
  );
}

async function walk(browser: Browser, origin: string, journey: Journey): Promise<void> {
  const { language } = journey;
  const t = tr(language);
  // The phone is set to English: the Kiswahili journey switches with the link in the header.
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale: 'en-KE',
  });
  const page = await context.newPage();
  const observer = new Observer(page);
  const shoot = async (step: string) => {
    shots.push(await capture(page, observer, origin, `portal-${language}-${NUMBERS[step]}-${step}.png`));
  };
  const continueButton = () => page.getByRole('button', { name: t('feedback.continue'), exact: true });
  const expectStep = async (step: string) => {
    const shown = await page.locator('input[name=step]').inputValue();
    if (shown !== step)
      throw new Error(`${language}: expected the "${step}" step, the page shows "${shown}"`);
  };

  await navigate(page, () => page.goto(`${origin}/`).then(() => undefined));
  if (language !== 'en') {
    await navigate(page, () =>
      page
        .locator('header nav')
        .getByRole('link', { name: t(`language.${language}`) })
        .click(),
    );
  }
  if ((await page.getAttribute('html', 'lang')) !== language)
    throw new Error(`the home page is not in ${language}`);
  await shoot('home');

  // Give feedback: the kind.
  await navigate(page, () =>
    page
      .locator('.doors a')
      .filter({ hasText: t('home.feedback') })
      .click(),
  );
  await expectStep('kind');
  await page.getByLabel(t(`kinds.${journey.kind}`), { exact: true }).check();
  await shoot('kind');
  await navigate(page, () => continueButton().click());

  // About: first continue with nothing written (the error summary), then back and forward again.
  await expectStep('about');
  await navigate(page, () => continueButton().click());
  if ((await page.locator('#error-summary').count()) !== 1)
    throw new Error('no error summary for an empty text');
  await shoot('error');
  await navigate(page, () => page.getByRole('button', { name: t('feedback.back'), exact: true }).click());
  await expectStep('kind');
  await navigate(page, () => continueButton().click());
  await expectStep('about');
  const text = page.getByLabel(t('feedback.about.label'));
  await text.click();
  await text.pressSequentially(journey.text);
  await shoot('about');
  await navigate(page, () => continueButton().click());

  // Agency: triage's suggestion comes first and is chosen already.
  await expectStep('agency');
  await chooseIfNone(page, 'agency', page.getByLabel(t('feedback.dont_know'), { exact: true }));
  await shoot('agency');
  await navigate(page, () => continueButton().click());

  // Service: only for an agency that lists services.
  if ((await page.locator('input[name=step]').inputValue()) === 'service') {
    await chooseIfNone(page, 'service', page.locator('input[name=service]').first());
    await shoot('service');
    await navigate(page, () => continueButton().click());
  }

  await expectStep('where');
  await page.getByLabel(t('feedback.where.county'), { exact: true }).selectOption({ label: journey.county });
  const subCounty = page.getByLabel(t('feedback.where.sub_county'));
  await subCounty.click();
  await subCounty.pressSequentially(journey.subCounty);
  await shoot('where');
  await navigate(page, () => continueButton().click());

  // Files: choose a photo, add it, see it listed.
  await expectStep('files');
  const photo = await sharp({ create: { width: 200, height: 150, channels: 3, background: '#88aa66' } })
    .jpeg()
    .toBuffer();
  await page.getByLabel(t('feedback.files.label')).setInputFiles({
    name: language === 'en' ? 'passport-receipt.jpg' : 'picha-kituo.jpg',
    mimeType: 'image/jpeg',
    buffer: photo,
  });
  await navigate(page, () =>
    page.getByRole('button', { name: t('feedback.files.add'), exact: true }).click(),
  );
  if ((await page.locator('main li').count()) !== 1) throw new Error('the photo was not added');
  await shoot('files');
  await navigate(page, () => continueButton().click());

  await expectStep('contact');
  if (journey.contact === 'phone') {
    await page.getByLabel(t('feedback.contact.phone'), { exact: true }).check();
    const phone = page.getByLabel(t('feedback.contact.phone_label'));
    await phone.click();
    await phone.pressSequentially(journey.phone ?? '');
  } else {
    await page.getByLabel(t('feedback.contact.anonymous'), { exact: true }).check();
  }
  await shoot('contact');
  await navigate(page, () => continueButton().click());

  await expectStep('check');
  await shoot('check');
  await navigate(page, () => page.getByRole('button', { name: t('feedback.send'), exact: true }).click());
  if ((await page.locator('h1').textContent()) !== t('sent.title')) throw new Error('the case was not sent');
  await shoot('sent');

  await navigate(page, () => page.getByRole('link', { name: t('sent.track'), exact: true }).click());
  await shoot('track');

  await navigate(page, () =>
    page
      .locator('footer')
      .getByRole('link', { name: t('my.title'), exact: true })
      .click(),
  );
  await shoot('my-cases');
  await context.close();
}

/** Chooses `fallback` when the question's radios have nothing chosen yet. */
async function chooseIfNone(page: Page, name: string, fallback: Locator): Promise<void> {
  if ((await page.locator(`input[name=${name}]:checked`).count()) === 0) await fallback.check();
}

await main();
