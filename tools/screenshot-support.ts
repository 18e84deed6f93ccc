/**
 * What the screenshot scripts (tools/portal-screenshots.ts, tools/console-screenshots.ts) share:
 * Baraza on PGlite in memory, Debian's Chromium, and per page a screenshot with what a look at it
 * can miss (console errors, sideways scrolling, small tap targets, axe-core findings, weight).
 * CHROMIUM_PATH chooses another Chromium; BARAZA_SCREENSHOTS another output directory.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import axe from 'axe-core';
import { type Browser, chromium, type Page, type Response } from 'playwright-core';
import sharp from 'sharp';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { type Started, type StartOptions, startOn } from '../src/start.ts';

export const OUT = process.env.BARAZA_SCREENSHOTS ?? path.join(import.meta.dirname, '..', 'docs', 'images');
/** The small phone every screenshot is taken on. */
export const PHONE = { width: 360, height: 740 };

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** axe-core's WCAG 2.0 to 2.2 A and AA rules. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Baraza in this process on PGlite in memory, listening on 127.0.0.1 on a free port. The default
 * settings, not this shell's environment (the same pages wherever the script runs), with the rate
 * limits off.
 */
export async function startInMemory(
  options: StartOptions = {},
): Promise<{ started: Started; origin: string }> {
  const config = loadConfig({
    BARAZA_RATE_SUBMIT_PER_MINUTE: '0',
    BARAZA_RATE_TRACK_PER_MINUTE: '0',
    BARAZA_RATE_LOGIN_PER_MINUTE: '0',
  });
  const started = await startOn(await openDatabase({ dataDir: 'memory' }), config, options);
  try {
    const origin = await started.app.listen({ port: 0, host: '127.0.0.1' });
    await mkdir(OUT, { recursive: true });
    return { started, origin };
  } catch (error) {
    await started.close();
    throw error;
  }
}

/** Debian's Chromium, headless; nothing is downloaded. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

export interface Shot {
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
  /** What the script's own checks found. */
  notes?: string[];
}

/** One page's worth of observations, reset at every screenshot. */
export class Observer {
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

/**
 * Screenshots the whole page into OUT/file and looks at it: sideways scrolling, small targets,
 * axe-core with the given tags, the HTML's weight. The observer starts again for the next page.
 */
export async function capture(
  page: Page,
  observer: Observer,
  origin: string,
  file: string,
  axeTags: string[] = WCAG_TAGS,
): Promise<Shot> {
  await settle(page);
  const image = await page.screenshot({ fullPage: true, animations: 'disabled', caret: 'hide' });
  // A palette of 256 colours is plenty for flat colours and text, and keeps the files small.
  const small = await sharp(image)
    .png({ palette: true, quality: 90, compressionLevel: 9, effort: 10 })
    .toBuffer();
  await writeFile(path.join(OUT, file), small);
  const metadata = await sharp(small).metadata();
  const audit = await auditPage(page);
  const html = (await observer.document?.body()) ?? Buffer.alloc(0);
  const shot: Shot = {
    file,
    url: page.url().replace(origin, ''),
    status: observer.document?.status(),
    consoleErrors: observer.consoleErrors,
    overflow: audit.overflow,
    smallTargets: audit.smallTargets,
    ...(await runAxe(page, axeTags)),
    htmlBytes: gzipSync(html, { level: 6 }).length,
    height: metadata.height ?? 0,
  };
  observer.reset();
  return shot;
}

/** Runs an action that loads a new page, and waits until that page has loaded. */
export async function navigate(page: Page, action: () => Promise<unknown>): Promise<void> {
  const committed = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
  await action();
  await committed;
  await page.waitForLoadState('load');
}

/** Waits for what the page loads after it loaded (the service worker, the icon) to finish. */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => undefined);
}

/** What a look at the page can miss: sideways scrolling and tap targets under 24 by 24 pixels. */
export function auditPage(page: Page): Promise<{ overflow: number; smallTargets: string[] }> {
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

/** axe-core's rules with these tags, evaluated through the debugger (the page's CSP allows no inline script). */
export async function runAxe(page: Page, tags: string[]): Promise<{ axe: string[]; axePasses: number }> {
  await page.evaluate(axe.source);
  return page.evaluate(async (values) => {
    type Rule = {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: string[]; html: string }[];
    };
    type Axe = { run(options: object): Promise<{ violations: Rule[]; passes: Rule[] }> };
    const result = await (window as unknown as { axe: Axe }).axe.run({ runOnly: { type: 'tag', values } });
    return {
      axe: result.violations.map(
        (v) =>
          `${v.id} (${v.impact ?? 'no impact'}): ${v.help}: ${v.nodes
            .map((n) => `${n.target.join(' ')} ${n.html.replace(/\s+/g, ' ').slice(0, 120)}`)
            .join('; ')}`,
      ),
      axePasses: result.passes.length,
    };
  }, tags);
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Prints a line per screenshot, `weight` saying how heavy it was, then its problems. */
export function report(shots: Shot[], weight: (shot: Shot) => string): void {
  for (const shot of shots) {
    console.log(
      `${shot.file}  ${shot.url}  HTTP ${shot.status}  ${shot.height}px tall  ${weight(shot)}  ` +
        `axe: ${shot.axePasses} rules passed`,
    );
    const problems = [
      ...shot.consoleErrors.map((e) => `console error: ${e}`),
      ...(shot.overflow > 0 ? [`scrolls sideways by ${shot.overflow}px`] : []),
      ...shot.smallTargets.map((s) => `small target: ${s}`),
      ...shot.axe.map((a) => `axe: ${a}`),
      ...(shot.notes ?? []),
    ];
    for (const problem of problems) console.log(`    ${problem}`);
  }
  const withErrors = shots.filter((s) => s.consoleErrors.length > 0).length;
  console.log(`\n${shots.length} screenshots in ${OUT}; ${withErrors} pages had console errors.`);
}
