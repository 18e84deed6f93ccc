import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { formatReference } from '../src/core/cases/reference.ts';
import { launchBrowser } from './helpers/browser.ts';
import { createTestContext, type SignedInStaff, signedInStaff, type TestContext } from './helpers/context.ts';
import { asStaff, enrolTotp, orphanCase, submitCase } from './helpers/factories.ts';

/*
 * The administrators' SLA dashboard in a real browser (Debian's Chromium): the numbers, the last
 * check with what it repaired, the button that runs it again, Kiswahili, and keyboard use.
 * BARAZA_SCREENSHOTS=<dir> saves what the page looks like (docs/images/sla-dashboard.png).
 */

let ctx: TestContext;
let browser: Browser;
let admin: SignedInStaff;
let origin: string;

before(async () => {
  ctx = await createTestContext();
  admin = await signedInStaff(ctx, 'sysadmin');
  await enrolTotp(ctx, admin.cookie);
  origin = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await ctx.close();
});

async function pageAsAdmin(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const [name, value] = admin.cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, url: origin }]);
  return context.newPage();
}

test('the dashboard shows open cases against their deadlines and runs the nothing-falls-through check', async () => {
  const kra = await submitCase(ctx, { agencyCode: 'KRA', description: 'My KRA PIN shows the wrong name' });
  await submitCase(ctx);
  // An orphan for the check to find: a case owned by an agency that is not on Baraza.
  await orphanCase(ctx, kra.reference);

  const page = await pageAsAdmin();
  const response = await page.goto(`${origin}/admin/sla`);
  assert.equal(response?.status(), 200);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.textContent('h1'), 'Service levels: is anything falling through?');
  assert.match((await page.textContent('main')) ?? '', /The check has not run yet/);
  const immigration = page.locator('tbody tr', { hasText: 'DIS' });
  assert.equal(await immigration.count(), 1);

  await page.getByRole('button', { name: 'Run the check now' }).click();
  await page.waitForURL(`${origin}/admin/sla?lang=en`);
  const findings = page.locator('table', { hasText: 'Owned by an agency that is not on Baraza' });
  assert.equal(await findings.count(), 1);
  assert.ok((await findings.textContent())?.includes(formatReference(kra.reference)));
  assert.match((await findings.textContent()) ?? '', /Repaired/);
  const screenshots = process.env.BARAZA_SCREENSHOTS;
  if (screenshots) await page.screenshot({ path: `${screenshots}/sla-dashboard.png`, fullPage: true });

  // Every table is captioned and every header cell says what it heads, for screen readers.
  assert.equal(await page.locator('table:not(:has(caption))').count(), 0);
  assert.equal(await page.locator('th:not([scope])').count(), 0);
  // The first Tab lands on the skip link, and it shows itself.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to the summary');
  const box = await page.locator('.skip').boundingBox();
  assert.ok(box && box.x >= 0, 'the focused skip link is on screen');
  await page.context().close();
});

test('the dashboard speaks Kiswahili, and is for system administrators only', async () => {
  const page = await pageAsAdmin();
  await page.goto(`${origin}/admin/sla?lang=sw`);
  assert.equal(await page.getAttribute('html', 'lang'), 'sw');
  assert.equal(await page.textContent('h1'), 'Viwango vya huduma: kuna kinachopotea?');
  await page.getByRole('button', { name: 'Fanya ukaguzi sasa' }).click();
  await page.waitForURL(`${origin}/admin/sla?lang=sw`);
  assert.match((await page.textContent('main')) ?? '', /Ulifanyika/);
  await page.context().close();

  const supervisor = await signedInStaff(ctx, 'supervisor', 'DIS');
  const refused = await asStaff(ctx, supervisor.cookie, 'GET', '/admin/sla');
  assert.equal(refused.statusCode, 403);
  const anonymous = await ctx.app.inject({ method: 'GET', url: '/admin/sla' });
  assert.equal(anonymous.statusCode, 401);
});
