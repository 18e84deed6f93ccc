import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import type { LocalSmsProvider } from '../src/channels/sms/local-sms-provider.ts';
import { axeViolations, launchBrowser } from './helpers/browser.ts';
import { createTestContext, signedInStaff, type TestContext } from './helpers/context.ts';
import { asStaff } from './helpers/factories.ts';

/*
 * The citizen portal in a real browser (Debian's Chromium) on a small phone screen: with
 * JavaScript off, with a photo, tracking and acting on a case, signing in by code, offline drafts,
 * and an axe-core accessibility check of every page.
 */

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

let ctx: TestContext;
let browser: Browser;
let origin: string;

before(async () => {
  ctx = await createTestContext();
  origin = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await ctx.close();
});

/** Pages checked by axe, with what it found: none may have a violation. */
const audited: { url: string; violations: string[] }[] = [];

async function audit(page: Page, label: string): Promise<void> {
  const found = await axeViolations(page);
  audited.push({
    url: `${label} ${page.url()}`,
    violations: found,
  });
}

async function phone(
  options: { javaScript?: boolean; audit?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    ...PHONE,
    javaScriptEnabled: options.javaScript ?? true,
    // Only for the audit: axe is injected as an inline script, which the pages' policy forbids.
    bypassCSP: options.audit ?? false,
  });
  const page = await context.newPage();
  return { context, page };
}

/**
 * Answers "give feedback" in English up to the check page: the office left to "I don't know", no
 * files, anonymous (or stops at the contact question).
 */
async function walkToCheck(
  page: Page,
  answers: { kind: string; text: string; county: string; stopAtContact?: boolean },
): Promise<void> {
  const next = () => page.getByRole('button', { name: 'Continue' }).click();
  await page.goto(`${origin}/feedback?lang=en`);
  await page.getByLabel(answers.kind, { exact: true }).check();
  await next();
  await page.getByLabel('Describe it in your own words').fill(answers.text);
  await next();
  await page.getByLabel("I don't know").check();
  await next();
  await page.getByLabel('County', { exact: true }).selectOption({ label: answers.county });
  await next();
  await next();
  if (answers.stopAtContact) return;
  await page.getByLabel('Stay anonymous').check();
  await next();
}

async function countCases(description: string): Promise<number> {
  const row = await ctx.database.db
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('description', '=', description)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

test('an anonymous complaint is sent in Kiswahili with JavaScript switched off', async () => {
  const { context, page } = await phone({ javaScript: false });
  const text =
    'Nilituma ombi la pasipoti Nyayo House mwezi Machi na bado haijatoka. Maafisa wananiambia nirudi wiki ijayo.';
  await page.goto(`${origin}/?lang=sw`);
  await page.getByRole('link', { name: /Toa maoni/ }).click();
  await page.getByLabel('Lalamiko').check();
  await page.getByRole('button', { name: 'Endelea' }).click();
  await page.getByLabel('Eleza kwa maneno yako mwenyewe').fill(text);
  await page.getByRole('button', { name: 'Endelea' }).click();
  assert.match(await page.locator('#f-agency-hint').innerText(), /Uhamiaji/);
  await page.getByRole('button', { name: 'Endelea' }).click();
  await page.getByLabel('Sijui').check();
  await page.getByRole('button', { name: 'Endelea' }).click();
  await page.getByLabel('Kaunti', { exact: true }).selectOption({ label: 'Nairobi City' });
  await page.getByRole('button', { name: 'Endelea' }).click();
  await page.getByRole('button', { name: 'Endelea' }).click();
  await page.getByLabel('Bila kujitambulisha').check();
  await page.getByRole('button', { name: 'Endelea' }).click();
  assert.equal(await page.locator('h1').innerText(), 'Kagua majibu yako');
  await page.getByRole('button', { name: 'Tuma', exact: true }).click();
  assert.equal(await page.locator('h1').innerText(), 'Kesi yako imetumwa');
  const pin = await page.locator('.panel strong').nth(1).innerText();
  assert.match(pin, /^\d{6}$/);
  assert.equal(await countCases(text), 1);
  await context.close();
});

test('a complaint with a photo is tracked, answered, rated and reopened', async () => {
  const { context, page } = await phone();
  const text = `My KRA tax refund for 2025 has not been paid after eight months (${Date.now()})`;
  const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#aa7744' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'SecretPhoneMaker' } })
    .toBuffer();
  await page.goto(`${origin}/feedback?lang=en`);
  await page.getByLabel('Complaint').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Describe it in your own words').fill(text);
  await page.getByRole('button', { name: 'Continue' }).click();
  assert.ok(await page.getByLabel(/Kenya Revenue Authority/).isChecked(), 'triage preselects KRA');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel("I don't know").check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('County', { exact: true }).selectOption({ label: 'Mombasa' });
  await page.getByRole('button', { name: 'Continue' }).click();
  await page
    .getByLabel('Choose files')
    .setInputFiles({ name: 'refund.jpg', mimeType: 'image/jpeg', buffer: photo });
  await page.getByRole('button', { name: 'Add the files' }).click();
  assert.match(await page.locator('main').innerText(), /refund\.jpg/);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Stay anonymous').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  assert.match(await page.locator('dl.check').innerText(), /refund\.jpg/);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('link', { name: 'Track this case' }).click();
  const reference = page.url().split('/').pop() as string;
  assert.match(await page.locator('main').innerText(), /Kenya Revenue Authority/);
  const image = await page.request.get(
    `${origin}${await page.getByRole('link', { name: 'refund.jpg' }).getAttribute('href')}`,
  );
  assert.equal(image.status(), 200);
  assert.ok(!(await image.body()).includes('SecretPhoneMaker'));

  const officer = await signedInStaff(ctx, 'officer', 'KRA');
  await asStaff(ctx, officer.cookie, 'POST', `/api/v1/staff/cases/${reference}/status`, {
    status: 'awaiting_citizen',
    message: 'Which bank account did you give for the refund?',
  });
  await page.reload();
  assert.match(await page.locator('main').innerText(), /Which bank account did you give/);
  await page.getByLabel('Your message').fill('Equity Bank, the account ending 4471.');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  assert.match(await page.locator('.flash').innerText(), /Your message has been added/);

  await asStaff(ctx, officer.cookie, 'POST', `/api/v1/staff/cases/${reference}/status`, {
    status: 'resolved',
    message: 'The refund was paid on 20 November.',
  });
  await page.reload();
  await page.getByLabel('2 – poor').check();
  await page.getByLabel('Comment (optional)').fill('It took far too long.');
  await page.getByRole('button', { name: 'Send rating' }).click();
  assert.match(await page.locator('.flash').innerText(), /Thank you for your rating/);
  await page.getByLabel('What is still wrong?').fill('Only half of the refund was paid.');
  await page.getByRole('button', { name: 'Reopen' }).click();
  assert.match(await page.locator('.flash').innerText(), /reopened/);
  assert.match(await page.locator('.status').innerText(), /Reopened/i);
  await context.close();
});

test('a citizen signs in with a code sent by SMS and sees all their cases', async () => {
  const phoneNumber = '0711222333';
  for (const [agencyCode, description] of [
    ['DIS', 'My passport has been pending since January'],
    ['NPS', 'The police abstract for my lost ID was never issued'],
  ] as const) {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      payload: { type: 'complaint', description, agencyCode, citizen: { phone: phoneNumber } },
    });
    assert.equal(response.statusCode, 201);
  }
  const { context, page } = await phone();
  await page.goto(`${origin}/my-cases?lang=en`);
  await page.getByLabel('Mobile number or e-mail address').fill(phoneNumber);
  await page.getByRole('button', { name: 'Send me a code' }).click();
  const sms = (ctx.sms as LocalSmsProvider).sent.filter((m) => m.to === '+254711222333').at(-1);
  const code = /\b(\d{6})\b/.exec(sms?.text ?? '')?.[1] as string;
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const list = await page.locator('ul.cases').innerText();
  assert.match(list, /Directorate of Immigration Services/);
  assert.match(list, /National Police Service/);
  await context.close();
});

test('a step sent while offline is kept on the phone and sent once when the connection returns', async () => {
  const { context, page } = await phone();
  const text = `Water has not reached our estate for two weeks (${Date.now()})`;
  await walkToCheck(page, { kind: 'Concern', text, county: 'Nakuru' });

  await context.setOffline(true);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.locator('#offline.on').waitFor();
  assert.match(await page.locator('#offline').innerText(), /saved on this phone/);
  assert.equal(await countCases(text), 0);
  assert.ok(await page.evaluate(() => localStorage.getItem('baraza.draft')));

  await context.setOffline(false);
  await page.locator('h1', { hasText: 'Your case has been sent' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('baraza.draft')), null);
  assert.equal(await countCases(text), 1);
  // Coming back online again sends nothing more.
  await context.setOffline(true);
  await context.setOffline(false);
  await page.waitForTimeout(300);
  assert.equal(await countCases(text), 1);
  await context.close();
});

test('feedback saved offline on an earlier visit is offered, and sent only when the citizen says so', async () => {
  const { context, page } = await phone();
  const text = `The footbridge at Githurai is broken (${Date.now()})`;
  await walkToCheck(page, { kind: 'Complaint', text, county: 'Kiambu' });
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.locator('#offline.on').waitFor();
  // The browser is closed with the draft in it, and opened again later, online. The page that kept
  // it goes first (while still offline): it would send the draft itself when the connection came
  // back, as it should, and closing a context ends its offline emulation.
  const kept = await context.storageState();
  await page.goto('about:blank');
  await context.close();
  const reopened = await browser.newContext({ ...PHONE, storageState: kept });
  const later = await reopened.newPage();
  await later.goto(`${origin}/?lang=en`);
  await later.getByRole('button', { name: 'Send it now' }).waitFor();
  await later.waitForTimeout(300);
  assert.equal(await countCases(text), 0, 'nothing goes without the citizen saying so');
  await later.getByRole('button', { name: 'Send it now' }).click();
  await later.locator('h1', { hasText: 'Your case has been sent' }).waitFor();
  assert.equal(await countCases(text), 1);
  assert.equal(await later.evaluate(() => localStorage.getItem('baraza.draft')), null);

  // A draft older than a week is dropped unseen.
  await later.evaluate(() =>
    localStorage.setItem(
      'baraza.draft',
      JSON.stringify({
        action: '/feedback/send',
        fields: [['step', 'check']],
        at: Date.now() - 8 * 86_400_000,
      }),
    ),
  );
  await later.goto(`${origin}/?lang=en`);
  await later.waitForLoadState('load');
  assert.equal(await later.getByRole('button', { name: 'Send it now' }).count(), 0);
  assert.equal(await later.evaluate(() => localStorage.getItem('baraza.draft')), null);
  await reopened.close();
});

test('pressing Enter in a field continues to the next question, never switches the language', async () => {
  const { context, page } = await phone();
  await walkToCheck(page, {
    kind: 'Complaint',
    text: 'The passport office in Kisumu has no forms',
    county: 'Kisumu',
    stopAtContact: true,
  });
  await page.getByLabel('By SMS or phone call').check();
  await page.getByLabel('Mobile number (if you chose SMS)').fill('0712000333');
  await page.getByLabel('Mobile number (if you chose SMS)').press('Enter');
  await page.locator('h1', { hasText: 'Check your answers' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await context.close();
});

test('hostile text shows as text, and no script of it runs', async () => {
  const { context, page } = await phone();
  let dialogs = 0;
  page.on('dialog', async (dialog) => {
    dialogs += 1;
    await dialog.dismiss();
  });
  await page.goto(`${origin}/feedback?lang=en`);
  await page.getByLabel('Complaint').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page
    .getByLabel('Describe it in your own words')
    .fill('<script>alert(1)</script><img src=x onerror=alert(2)> my ID card');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Back' }).click();
  assert.equal(
    await page.getByLabel('Describe it in your own words').inputValue(),
    '<script>alert(1)</script><img src=x onerror=alert(2)> my ID card',
  );
  await page.getByLabel('Describe it in your own words').fill('x'.repeat(10_000));
  assert.equal(
    (await page.getByLabel('Describe it in your own words').inputValue()).length,
    5000,
    'the box takes at most 5,000 characters',
  );
  assert.equal(dialogs, 0);
  await context.close();
});

test('every portal page passes an automated accessibility check (axe-core) in both languages', async () => {
  const { context, page } = await phone({ audit: true });
  const officer = await signedInStaff(ctx, 'officer', 'DIS');
  for (const lang of ['en', 'sw'] as const) {
    await page.goto(`${origin}/?lang=${lang}`);
    await audit(page, 'home');
    for (const path of ['/help?q=passport', '/help/dis-passport-apply', '/offline', '/track', '/my-cases']) {
      await page.goto(`${origin}${path}`);
      await audit(page, path);
    }
    await page.goto(`${origin}/feedback`);
    await audit(page, 'kind');
    await page.locator('#step button[value=next]').click();
    await audit(page, 'kind with an error');
    await page.locator('input[name=kind]').first().check();
    await page.locator('#step button[value=next]').click();
    await audit(page, 'about');
    await page
      .locator('textarea[name=text]')
      .fill('My passport application has been pending since March at Nyayo House');
    await page.locator('#step button[value=next]').click();
    for (const step of ['agency', 'service', 'where', 'files']) {
      await audit(page, step);
      if (step === 'where') await page.locator('select[name=county]').selectOption('47');
      if (step === 'files') {
        await page.locator('input[type=file]').setInputFiles({
          name: 'photo.jpg',
          mimeType: 'image/jpeg',
          buffer: Buffer.from('MZ not a photo'),
        });
        await page.locator('#step button[value=upload]').click();
        await audit(page, 'files with an error');
      }
      await page.locator('#step button[value=next]').click();
    }
    await audit(page, 'contact');
    await page.locator('input[name=contact][value=phone]').check();
    await page.locator('#step button[value=next]').click();
    await audit(page, 'contact with an error');
    await page.locator('input[name=phone]').fill('0712345678');
    await page.locator('#step button[value=next]').click();
    await audit(page, 'check');
    await page.locator('#step button[value=send]').click();
    await audit(page, 'sent');
    const reference = (await page.locator('main a[href^="/track/"]').first().getAttribute('href'))
      ?.split('/')
      .pop() as string;
    await page.goto(`${origin}/track/${reference}`);
    await audit(page, 'case page, open');
    await page.locator(`form[action="/track/${reference}/withdraw"] button`).click();
    await audit(page, 'withdrawal with an error');
    await page.locator(`form[action="/track/${reference}/reply"] button`).click();
    await audit(page, 'answer with an error');
    await asStaff(ctx, officer.cookie, 'POST', `/api/v1/staff/cases/${reference}/status`, {
      status: 'resolved',
      message: 'Ready for collection.',
    });
    await page.reload();
    await audit(page, 'case page, resolved');
    await page.goto(`${origin}/my-cases`);
    await page.locator('input[name=destination]').fill('0712345678');
    await page.locator('button.btn').first().click();
    await audit(page, 'code entry');
    const sms = (ctx.sms as LocalSmsProvider).sent.filter((m) => m.to === '+254712345678').at(-1);
    const code = /\b(\d{6})\b/.exec(sms?.text ?? '')?.[1] as string;
    await page.locator('input[name=code]').fill(code === '000000' ? '111111' : '000000');
    await page.locator('main form button.btn').first().click();
    await audit(page, 'code entry with an error');
    await page.locator('input[name=code]').fill(code);
    await page.locator('main form button.btn').first().click();
    await audit(page, 'my cases');
    await page.locator('form[action="/my-cases/sign-out"] button').click();
  }
  // The check can fail: a picture without a text alternative is caught.
  await page.evaluate(() =>
    document.querySelector('main')?.insertAdjacentHTML('beforeend', '<img src="/portal/assets/icon.svg">'),
  );
  await audit(page, 'canary');
  const canary = audited.pop();
  assert.ok(
    canary?.violations.some((v) => v.startsWith('image-alt')),
    JSON.stringify(canary),
  );
  await context.close();
  const failing = audited.filter((a) => a.violations.length > 0);
  assert.ok(audited.length >= 40, `audited ${audited.length} pages`);
  assert.deepEqual(failing, []);
});
