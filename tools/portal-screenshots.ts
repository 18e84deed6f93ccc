/**
 * Screenshots of the citizen portal on a small phone, in English and Kiswahili, for docs/portal.md.
 *
 *   node --import tsx tools/portal-screenshots.ts
 *
 * Starts Baraza in this process on PGlite in memory, listens on 127.0.0.1 on a free port, and walks
 * the journey in Debian's Chromium as a citizen would, clicking and typing: home, every step of
 * "give feedback", the confirmation, the case page, the "my cases" sign-in, and one page with a
 * validation error. Writes docs/images/portal-<lang>-<nn>-<step>.png and prints, per page, its
 * console errors, horizontal overflow, small tap targets, axe-core findings and weight (gzipped).
 * CHROMIUM_PATH chooses another Chromium; BARAZA_SCREENSHOTS another output directory.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import axe from 'axe-core';
import { type Browser, chromium, type Locator, type Page, type Response } from 'playwright-core';
import sharp from 'sharp';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/open-database.ts';
import type { Language } from '../src/db/schema.ts';
import { startOn } from '../src/start.ts';
import { ASSETS } from '../src/web/portal/assets.ts';
import { tr } from '../src/web/portal/layout.ts';

const OUT = process.env.BARAZA_SCREENSHOTS ?? path.join(import.meta.dirname, '..', 'docs', 'images');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PHONE = { width: 360, height: 740 };

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

interface Shot {
  file: string;
  url: string;
  status: number | undefined;
  consoleErrors: string[];
  /** How far the page is wider than the screen, in CSS pixels (0: no sideways scrolling). */
  overflow: number;
  smallTargets: string[];
  axe: string[];
  /** How many axe rules the page passed: a check that axe ran at all. */
  axePasses: number;
  /** The page's HTML, gzipped as the server sends it. */
  htmlBytes: number;
  height: number;
}

const shots: Shot[] = [];

async function main(): Promise<void> {
  // The defaults, not this shell's environment: the same pages wherever the script runs.
  const config = loadConfig({
    BARAZA_RATE_SUBMIT_PER_MINUTE: '0',
    BARAZA_RATE_TRACK_PER_MINUTE: '0',
    BARAZA_RATE_LOGIN_PER_MINUTE: '0',
  });
  const started = await startOn(await openDatabase({ dataDir: 'memory' }), config);
  let browser: Browser | undefined;
  try {
    const origin = await started.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    await mkdir(OUT, { recursive: true });
    for (const journey of JOURNEYS) await walk(browser, origin, journey);
  } finally {
    await browser?.close();
    await started.close();
  }
  report();
}

/** One page's worth of observations, reset at every screenshot. */
class Observer {
  consoleErrors: string[] = [];
  /** The response that brought the page shown (after any redirect). */
  document: Response | undefined;

  constructor(page: Page) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => this.consoleErrors.push(`uncaught: ${error.message}`));
    page.on('requestfailed', (request) =>
      this.consoleErrors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
    );
    page.on('response', (response) => {
      if (response.request().isNavigationRequest() && response.frame() === page.mainFrame()) {
        this.document = response;
      }
    });
  }

  reset(): void {
    this.consoleErrors = [];
  }
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
    await settle(page);
    const file = `portal-${language}-${NUMBERS[step]}-${step}.png`;
    const image = await page.screenshot({ fullPage: true, animations: 'disabled', caret: 'hide' });
    // A palette of 256 colours is plenty for flat colours and text, and keeps the files small.
    const small = await sharp(image)
      .png({ palette: true, quality: 90, compressionLevel: 9, effort: 10 })
      .toBuffer();
    await writeFile(path.join(OUT, file), small);
    const metadata = await sharp(small).metadata();
    const audit = await auditPage(page);
    const html = (await observer.document?.body()) ?? Buffer.alloc(0);
    shots.push({
      file,
      url: page.url().replace(origin, ''),
      status: observer.document?.status(),
      consoleErrors: observer.consoleErrors,
      overflow: audit.overflow,
      smallTargets: audit.smallTargets,
      ...(await runAxe(page)),
      htmlBytes: gzipSync(html, { level: 6 }).length,
      height: metadata.height ?? 0,
    });
    observer.reset();
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

/** Runs an action that loads a new page, and waits until that page has loaded. */
async function navigate(page: Page, action: () => Promise<void>): Promise<void> {
  const committed = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
  await action();
  await committed;
  await page.waitForLoadState('load');
}

/** Waits for what the page loads after it loaded (the service worker, the icon) to finish. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => undefined);
}

/** Chooses `fallback` when the question's radios have nothing chosen yet. */
async function chooseIfNone(page: Page, name: string, fallback: Locator): Promise<void> {
  if ((await page.locator(`input[name=${name}]:checked`).count()) === 0) await fallback.check();
}

/** What a look at the page can miss: sideways scrolling and tap targets under 24 by 24 pixels. */
function auditPage(page: Page): Promise<{ overflow: number; smallTargets: string[] }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const overflow = Math.max(0, document.documentElement.scrollWidth - width);
    const smallTargets: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>('a, button, input, select, textarea')) {
      if (element.closest('.visually-hidden') || element.classList.contains('skip')) continue;
      if (element instanceof HTMLInputElement && element.type === 'hidden') continue;
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      // Links inside a sentence are exempt from WCAG 2.5.8; say so rather than hide them.
      const inline =
        getComputedStyle(element).display === 'inline' &&
        element.parentElement?.matches('p, li, dd, span') === true;
      if (box.width < 24 || box.height < 24) {
        const label = (element.textContent || element.getAttribute('name') || element.tagName)
          .trim()
          .slice(0, 40);
        smallTargets.push(
          `${element.tagName.toLowerCase()} "${label}" ${Math.round(box.width)}x${Math.round(box.height)}${inline ? ' (inline)' : ''}`,
        );
      }
    }
    return { overflow, smallTargets };
  });
}

/** axe-core's WCAG 2.2 A and AA rules, evaluated through the debugger (the page's CSP allows no inline script). */
async function runAxe(page: Page): Promise<{ axe: string[]; axePasses: number }> {
  await page.evaluate(axe.source);
  return page.evaluate(async () => {
    type Rule = { id: string; help: string; nodes: { target: string[] }[] };
    type Axe = { run(options: object): Promise<{ violations: Rule[]; passes: Rule[] }> };
    const result = await (window as unknown as { axe: Axe }).axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return {
      axe: result.violations.map(
        (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
      ),
      axePasses: result.passes.length,
    };
  });
}

function report(): void {
  // What a first visit loads besides the page: the style sheet and the script (cached for a year).
  const assets = (ASSETS['portal.css']?.gzip.length ?? 0) + (ASSETS['portal.js']?.gzip.length ?? 0);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  for (const shot of shots) {
    console.log(
      `${shot.file}  ${shot.url}  HTTP ${shot.status}  ${shot.height}px tall  ` +
        `HTML ${kb(shot.htmlBytes)}, first visit with CSS and JS ${kb(shot.htmlBytes + assets)} (gzip)  ` +
        `axe: ${shot.axePasses} rules passed`,
    );
    const problems = [
      ...shot.consoleErrors.map((e) => `console error: ${e}`),
      ...(shot.overflow > 0 ? [`scrolls sideways by ${shot.overflow}px`] : []),
      ...shot.smallTargets.map((s) => `small target: ${s}`),
      ...shot.axe.map((a) => `axe: ${a}`),
    ];
    for (const problem of problems) console.log(`    ${problem}`);
  }
  const withErrors = shots.filter((s) => s.consoleErrors.length > 0).length;
  console.log(`\n${shots.length} screenshots in ${OUT}; ${withErrors} pages had console errors.`);
}

await main();
