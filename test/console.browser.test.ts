import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { formatReference } from '../src/core/cases/reference.ts';
import { axeViolations, launchBrowser } from './helpers/browser.ts';
import {
  createTestContext,
  type SignedInStaff,
  signedInStaff,
  TEST_PASSWORD,
  type TestContext,
} from './helpers/context.ts';
import { clearingHouseCase, enrolTotp, submitCase } from './helpers/factories.ts';

/*
 * The staff console in a real browser (Debian's Chromium) at desk size: an officer signs in and
 * works a case from arrival to resolution by clicking and typing, hostile text stays text, and
 * axe-core finds nothing on any console page in either language.
 */

const DESK = { viewport: { width: 1280, height: 900 } };

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

const violations = axeViolations;

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${origin}/console`);
  await page.getByLabel('Work e-mail address').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('an officer signs in and works a case from arrival to resolution', async () => {
  const officer = await signedInStaff(ctx, 'officer', 'DIS');
  const kase = await submitCase(ctx, {
    description: `My passport has been ready for collection for a month but nobody answers (${Date.now()})`,
  });
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, officer.email);
  await page.locator('h1', { hasText: 'Open cases' }).waitFor();
  await page
    .getByRole('link', {
      name: `${kase.reference.slice(0, 4)}-${kase.reference.slice(4, 8)}-${kase.reference.slice(8)}`,
    })
    .click();
  await page.getByRole('button', { name: 'Take this case' }).click();
  await page.getByText('You have the case.').waitFor();

  // The shortcut opens "ask the citizen" and puts the cursor in it.
  await page.keyboard.press('i');
  await page
    .getByLabel('What do you need from the citizen?')
    .fill('Please send the receipt number of your application.');
  await page.getByRole('button', { name: 'Send the question' }).click();
  await page.getByText('the clock is paused until the citizen answers').waitFor();

  await page.keyboard.press('n');
  await page
    .getByLabel('Note', { exact: true })
    .fill('Called the collection desk: the passport is in tray 12.');
  await page.getByRole('button', { name: 'Add the note' }).click();
  await page.getByText('The note was added.').waitFor();

  await page.locator('#status summary').click();
  await page.getByLabel('New status').selectOption('resolved');
  await page
    .getByLabel('Message to the citizen (needed when resolving)')
    .fill('Your passport is at counter 4, tray 12.');
  await page.getByRole('button', { name: 'Change the status' }).click();
  await page.getByText('The status was changed.').waitFor();
  const timeline = await page.locator('ol.timeline').innerText();
  assert.match(timeline, /Internal – staff only[\s\S]*tray 12/);
  assert.match(timeline, /Public – the citizen sees this/);
  const row = await ctx.database.db
    .selectFrom('cases')
    .select(['status', 'assigneeId'])
    .where('reference', '=', kase.reference)
    .executeTakeFirstOrThrow();
  assert.deepEqual(row, { status: 'resolved', assigneeId: officer.id });
  await context.close();
});

test('an agent handles a call from a new caller and from a returning one', async () => {
  const agent = await signedInStaff(ctx, 'agent', 'DIS');
  const earlier = await submitCase(ctx, { citizen: { name: 'Achieng Otieno', phone: '0755123123' } });
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, agent.email);
  await page.getByRole('link', { name: 'Contact-centre desk' }).click();

  // A new caller: an inquiry answered on the call.
  await page.getByLabel("Caller's phone number").fill('0722 987 654');
  await page.getByRole('button', { name: 'Find the caller' }).click();
  await page.getByText('A new caller').waitFor();
  await page.getByLabel('What the caller says').fill('How long does a passport renewal take?');
  await page.getByRole('button', { name: 'Suggest an agency' }).click();
  await page.getByText('Triage suggests Directorate of Immigration Services').waitFor();
  await page.getByLabel('Answered on the call (optional)').fill('About 10 working days after biometrics.');
  await page.getByRole('button', { name: 'Take the case' }).click();
  await page.getByText('was taken and resolved on the call').waitFor();

  // A returning caller: their case is there; the call is logged as about it.
  await page.getByLabel("Caller's phone number").fill('+254755123123');
  await page.getByRole('button', { name: 'Find the caller' }).click();
  await page.getByText('Achieng Otieno').waitFor();
  assert.ok(await page.locator(`a[href="/console/cases/${earlier.reference}"]`).isVisible());
  await page.getByLabel('About an existing case').check();
  await page.getByRole('button', { name: 'Log the call' }).click();
  await page.getByText('The call was logged.').waitFor();
  assert.match(await page.locator('main').innerText(), /2 calls, 1 answered on the call \(50%\)/);
  await context.close();
});

test('a supervisor finds a breached case among the overdue ones and gives it to an officer', async () => {
  const supervisor = await signedInStaff(ctx, 'supervisor', 'MOH');
  const officer = await signedInStaff(ctx, 'officer', 'MOH');
  const kase = await submitCase(ctx, {
    agencyCode: 'MOH',
    description: `The dispensary in Kibera has had no malaria drugs for three weeks (${Date.now()})`,
  });
  // Three weeks pass with nobody acting: the case's deadlines run out.
  const started = ctx.clock.now;
  ctx.clock.now = new Date(started.getTime() + 21 * 86_400_000);
  try {
    const context = await browser.newContext(DESK);
    const page = await context.newPage();
    await signIn(page, supervisor.email);
    await page.getByRole('link', { name: /Escalated or overdue/ }).click();
    await page.getByRole('link', { name: formatReference(kase.reference) }).click();
    assert.match(await page.locator('aside').innerText(), /overdue/);
    await page.getByLabel('Give it to').selectOption(officer.id);
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await page.getByText('The case is assigned.').waitFor();
    const row = await ctx.database.db
      .selectFrom('cases')
      .select('assigneeId')
      .where('reference', '=', kase.reference)
      .executeTakeFirstOrThrow();
    assert.equal(row.assigneeId, officer.id);
    await context.close();
  } finally {
    ctx.clock.now = started;
  }
});

test('a clearing-house officer routes a misdirected case to the agency triage suggests', async () => {
  const clearing = await signedInStaff(ctx, 'clearing_house', 'CLR');
  const kase = await clearingHouseCase(ctx, {
    description: `I applied for my passport renewal at Nyayo House in March and it is still not ready (${Date.now()})`,
  });
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, clearing.email);
  await page.getByRole('link', { name: formatReference(kase.reference) }).click();
  // The routing form is open on a case the clearing house holds, with triage's suggestion chosen.
  const form = page.locator('#transfer');
  assert.ok(await form.evaluate((node) => (node as HTMLDetailsElement).open));
  await form
    .getByLabel('Agency', { exact: true })
    .selectOption({ label: 'Directorate of Immigration Services' });
  await form.getByLabel('Reason').fill('About a passport: Immigration.');
  await page.getByRole('button', { name: 'Route the case' }).click();
  await page.getByText('is now with the agency you chose').waitFor();
  const row = await ctx.database.db
    .selectFrom('cases')
    .select('agencyId')
    .where('reference', '=', kase.reference)
    .executeTakeFirstOrThrow();
  assert.equal(row.agencyId, ctx.reference.agency('DIS')?.id);
  await context.close();
});

test("an officer of one agency cannot reach another agency's case by its address", async () => {
  const kra = await signedInStaff(ctx, 'officer', 'KRA');
  const kase = await submitCase(ctx, { agencyCode: 'DIS' });
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  await signIn(page, kra.email);
  const response = await page.goto(`${origin}/console/cases/${kase.reference}`);
  assert.equal(response?.status(), 404);
  assert.ok(!(await page.content()).includes('passport application'));
  await context.close();
});

test('a description with HTML or script renders as inert text', async () => {
  const officer = await signedInStaff(ctx, 'officer', 'DIS');
  const kase = await submitCase(ctx, {
    description: '<img src=x onerror="window.hacked=1"><script>window.hacked=2</script> passport delayed',
  });
  const context = await browser.newContext(DESK);
  const page = await context.newPage();
  let dialogs = 0;
  page.on('dialog', async (dialog) => {
    dialogs += 1;
    await dialog.dismiss();
  });
  await signIn(page, officer.email);
  await page.goto(`${origin}/console/cases/${kase.reference}`);
  assert.match(await page.locator('p.description').innerText(), /<img src=x onerror=/);
  assert.equal(await page.evaluate(() => (window as unknown as { hacked?: number }).hacked), undefined);
  await page.goto(`${origin}/console/queue?view=open`);
  assert.equal(await page.evaluate(() => (window as unknown as { hacked?: number }).hacked), undefined);
  assert.equal(dialogs, 0);
  await context.close();
});

test('every console page passes an automated accessibility check (axe-core) in both languages', async () => {
  const officer = await signedInStaff(ctx, 'officer', 'DIS');
  const kase = await submitCase(ctx);
  const context = await browser.newContext({ ...DESK, bypassCSP: true });
  const page = await context.newPage();
  const found: { page: string; violations: string[] }[] = [];
  const check = async (label: string) => found.push({ page: label, violations: await violations(page) });
  await page.goto(`${origin}/console/sign-in?lang=en`);
  await check('sign-in');
  await page.getByLabel('Work e-mail address').fill(officer.email);
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await check('sign-in with an error');
  await signIn(page, officer.email);
  for (const language of ['en', 'sw'] as const) {
    for (const view of ['open', 'mine', 'unassigned', 'awaiting', 'attention']) {
      await page.goto(`${origin}/console/queue?view=${view}&lang=${language}`);
      await check(`queue ${view} ${language}`);
    }
    await page.goto(`${origin}/console/queue?view=open&priority=P9&lang=${language}`);
    await check(`queue with an error ${language}`);
    await page.goto(`${origin}/console/cases/${kase.reference}?lang=${language}`);
    await check(`case ${language}`);
    await page.locator('#note summary').click();
    await page.locator('#note button').click();
    await check(`case with an error ${language}`);
  }
  for (const language of ['en', 'sw'] as const) {
    await page.goto(`${origin}/console/desk?lang=${language}`);
    await check(`desk ${language}`);
    await page.goto(`${origin}/console/desk?phone=0712345678`);
    await check(`desk with a caller ${language}`);
    await page.goto(`${origin}/console/desk?phone=12ab`);
    await check(`desk with an error ${language}`);
  }
  await page.goto(`${origin}/console/cases/00000000000`);
  await check('not found');
  // The check can fail: a form field without a label is caught.
  await page.evaluate(() =>
    document.querySelector('main')?.insertAdjacentHTML('beforeend', '<input type="text">'),
  );
  const canary = await violations(page);
  assert.ok(
    canary.some((v) => v.startsWith('label')),
    JSON.stringify(canary),
  );
  assert.deepEqual(
    found.filter((f) => f.violations.length > 0),
    [],
  );
  assert.ok(found.length >= 23, `checked ${found.length} pages`);
  await context.close();
});

/** A browser context already signed in as this person (their API sign-in's session cookie). */
async function contextAs(person: SignedInStaff) {
  const context = await browser.newContext({ ...DESK, bypassCSP: true });
  const [name, value] = person.cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, url: origin }]);
  return context;
}

test('the supervision and administration pages pass the accessibility check in both languages', async () => {
  const supervisor = await signedInStaff(ctx, 'supervisor', 'DIS');
  const admin = await signedInStaff(ctx, 'agency_admin', 'DIS');
  const sysadmin = await signedInStaff(ctx, 'sysadmin');
  for (const person of [admin, sysadmin]) await enrolTotp(ctx, person.cookie);
  const kase = await submitCase(ctx);
  await ctx.app.inject({
    method: 'POST',
    url: `/console/cases/${kase.reference}/note`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: admin.cookie },
    payload: `message=${encodeURIComponent(`@${supervisor.email.split('@')[0]} please look`)}`,
  });
  // The outbox page shows a table once there is a message.
  await ctx.messenger.queue(ctx.database.db, {
    channel: 'sms',
    recipient: '+254712000999',
    body: `Baraza ${kase.reference}: the Directorate of Immigration Services says: we are on it.`,
    caseId: undefined,
    purpose: 'notice_responded',
    dedupeKey: `a11y:${kase.reference}`,
  });
  const article = await ctx.database.db
    .selectFrom('knowledgeArticles')
    .select('id')
    .where('agencyId', '=', ctx.reference.agency('DIS')?.id ?? '')
    .limit(1)
    .executeTakeFirstOrThrow();
  const found: { page: string; violations: string[] }[] = [];
  const pages: [SignedInStaff, string[]][] = [
    [
      supervisor,
      [
        '/console/team',
        '/console/notifications',
        '/console/queue?view=open',
        '/console/ussd',
        '/console/knowledge',
        '/console/knowledge/new',
        `/console/knowledge/${article.id}`,
        `/console/knowledge/${article.id}/edit`,
      ],
    ],
    [
      admin,
      [
        '/console/admin',
        '/console/admin/users',
        '/console/admin/templates',
        '/console/admin/profile',
        '/console/admin/sla',
        '/console/admin/catalogue',
        '/console/admin/catalogue/service.passport',
        '/console/admin/calendar',
        `/console/cases/${kase.reference}`,
        `/console/cases/${kase.reference}?kq=passport`,
      ],
    ],
    [
      sysadmin,
      [
        '/console/admin',
        '/console/admin/keys',
        '/console/admin/health',
        '/console/admin/agencies',
        '/console/admin/rules',
        '/console/admin/calendar',
        '/console/admin/outbox',
      ],
    ],
  ];
  for (const [person, paths] of pages) {
    const context = await contextAs(person);
    const page = await context.newPage();
    for (const language of ['en', 'sw'] as const) {
      for (const path of paths) {
        const response = await page.goto(`${origin}${path}${path.includes('?') ? '&' : '?'}lang=${language}`);
        assert.equal(response?.status(), 200, path);
        found.push({ page: `${path} ${language}`, violations: await violations(page) });
      }
    }
    // A form sent with mistakes: its error summary and fields are checked too.
    if (person === supervisor) {
      await page.goto(`${origin}/console/knowledge/new?lang=en`);
      await page.getByRole('button', { name: 'Save the draft' }).click();
      await page.locator('#error-summary').waitFor();
      found.push({ page: 'new article with errors', violations: await violations(page) });
    }
    if (person === admin) {
      await page.goto(`${origin}/console/admin/templates?lang=en`);
      await page.getByRole('button', { name: 'Add the template' }).click();
      found.push({ page: 'templates with errors', violations: await violations(page) });
    }
    await context.close();
  }
  assert.deepEqual(
    found.filter((f) => f.violations.length > 0),
    [],
  );
  assert.equal(found.length, 52);
});
