/**
 * Screenshots of the staff console at desk width, in English and Kiswahili, for docs/console.md.
 *
 *   node --import tsx tools/console-screenshots.ts
 *
 * Starts Baraza in this process on PGlite in memory (tools/screenshot-support.ts), seeds a handful
 * of cases for the Directorate of Immigration Services (DIS) sent over the last two weeks, one of
 * them P1, and an officer of DIS. Then, in Debian's Chromium at 1280 x 900, as the officer would,
 * clicking and typing: the sign-in page, a wrong password, the "Open cases" queue, a case after
 * taking it, adding an internal note and responding to the citizen, and the same case after an
 * empty internal note; in Kiswahili after the language link in the header; and the queue on a
 * 360 x 740 phone. Writes docs/images/console-<lang>-<nn>-<name>.png and prints, per page, its
 * console errors, sideways scrolling, small targets, axe-core findings (WCAG 2.0 to 2.2 A and AA,
 * and best practice), words missing from the catalogues, repeated ids and weight (gzipped).
 * CHROMIUM_PATH chooses another Chromium; BARAZA_SCREENSHOTS another output directory.
 */
import * as OTPAuth from 'otpauth';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { formatReference } from '../src/core/cases/reference.ts';
import { assignCase, changePriority, changeStatus } from '../src/core/cases/staff-actions.ts';
import { SYSTEM_ACTOR } from '../src/core/events/append-events.ts';
import { createStaffUser } from '../src/core/staff/create-staff-user.ts';
import type { CaseType, Language, StaffRole } from '../src/db/schema.ts';
import type { Started } from '../src/start.ts';
import { CONSOLE_ASSETS } from '../src/web/console/assets.ts';
import { ct } from '../src/web/console/layout.ts';
import { ASSETS } from '../src/web/portal/assets.ts';
import {
  capture,
  kb,
  launchChromium,
  navigate,
  Observer,
  PHONE,
  report,
  runAxe,
  type Shot,
  startInMemory,
  WCAG_TAGS,
} from './screenshot-support.ts';

const DESK = { width: 1280, height: 900 };
const AXE_TAGS = [...WCAG_TAGS, 'best-practice'];

/** The officer who signs in; the password is for these screenshots only. */
const OFFICER = {
  email: 'otieno.mwangi@immigration.go.ke',
  name: 'Otieno Mwangi',
  password: 'nyayo-house-2026',
};

const NUMBERS: Record<string, string> = {
  'sign-in': '01',
  'sign-in-error': '02',
  queue: '03',
  case: '04',
  'case-error': '05',
  'queue-phone': '06',
  desk: '07',
  'template-preview': '08',
  team: '09',
  'admin-users': '10',
  'admin-templates': '11',
  'admin-health': '12',
  'admin-catalogue': '13',
  'admin-calendar': '14',
  'admin-outbox': '15',
};

/** The supervisor, the agency's administrator and the system administrator who sign in too. */
const SUPERVISOR = { email: 'grace.wambui@immigration.go.ke', password: 'nyayo-house-2026-grace' };
const ADMIN = {
  email: 'akinyi.admin@immigration.go.ke',
  name: 'Akinyi Oduor',
  password: 'nyayo-house-2026-admin',
};
const SYSADMIN = { email: 'ops@baraza.go.ke', name: 'Baraza Operations', password: 'baraza-ops-2026-pass' };
/** The administrators' authenticator secret, for these screenshots only. */
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

interface Seed {
  /** The journey that works this case, if one does. */
  journey?: Language;
  type: CaseType;
  description: string;
  county: string;
  subCounty?: string;
  /** How long ago it was sent, in hours. */
  hoursAgo: number;
  /** Absent: sent anonymously. */
  citizen?: { name: string; phone?: string; email?: string; language: Language };
  /** A supervisor raises the priority, with this reason. */
  raise?: { priority: 'P2'; reason: string };
  /** Another officer takes it and asks the citizen this. */
  ask?: string;
}

const WANJIKU = { name: 'Wanjiku Kamau', phone: '0712345678', language: 'en' as const };

const SEEDS: Seed[] = [
  {
    type: 'complaint',
    description:
      'I was charged twice on eCitizen for my passport application fee (KES 4,550 each time). ' +
      'Please refund one of the payments.',
    county: '47',
    subCounty: 'Westlands',
    hoursAgo: 12 * 24,
    citizen: WANJIKU,
  },
  {
    type: 'complaint',
    description:
      'My East African travel document application was rejected, but the letter does not say why ' +
      'and the officers at Nyayo House could not tell me either.',
    county: '22',
    subCounty: 'Thika Town',
    hoursAgo: 5 * 24,
    citizen: { name: 'Peter Kiprono', phone: '0733123456', language: 'en' },
    ask: 'Please send a photo of the rejection letter and your application number, so that we can trace the file.',
  },
  {
    type: 'complaint',
    description:
      'My work permit (class D) expires in six days and the renewal I applied for in January still shows ' +
      '"under review". My employer says I will lose my job if it is not renewed.',
    county: '01',
    subCounty: 'Nyali',
    hoursAgo: 3 * 24 + 5,
    citizen: { name: 'Fatma Ali', email: 'fatma.ali@example.co.ke', language: 'en' },
    raise: { priority: 'P2', reason: 'The permit expires within a week.' },
  },
  {
    journey: 'en',
    type: 'complaint',
    description:
      'I applied for my passport at Nyayo House in March and it is still not ready. The officers at ' +
      'the counter keep telling me to come back next week, and I have already missed a job interview in Dubai.',
    county: '47',
    subCounty: 'Starehe',
    hoursAgo: 2 * 24 + 3,
    citizen: WANJIKU,
  },
  {
    journey: 'sw',
    type: 'complaint',
    description:
      'Nilituma maombi ya pasipoti kupitia eCitizen mwezi wa tatu na nikapigwa picha katika ofisi ya ' +
      'uhamiaji Mombasa. Hadi leo sijapata ujumbe wowote, na kila nikienda wananiambia nirudi wiki ijayo.',
    county: '01',
    subCounty: 'Mvita',
    hoursAgo: 26,
    citizen: { name: 'Juma Hassan', phone: '0722987654', language: 'sw' },
  },
  {
    type: 'complaint',
    description:
      'My 15-year-old son was stopped at the Namanga border post this morning and is being held by ' +
      'immigration officers without charge. Nobody will tell us where he is or let us see him.',
    county: '34',
    subCounty: 'Kajiado South',
    hoursAgo: 3,
    citizen: { name: 'Mary Njeri', phone: '0711222333', language: 'en' },
  },
  {
    type: 'inquiry',
    description:
      'What documents do I need to renew the passport of my 10-year-old child, and can I apply for ' +
      'him at the Eldoret office?',
    county: '27',
    hoursAgo: 6,
    citizen: { name: 'Kipchoge Rotich', phone: '0798765432', language: 'en' },
  },
  {
    type: 'suggestion',
    description:
      'Please send an SMS when a passport is ready for collection at Nyayo House, so that people from ' +
      'upcountry do not travel to Nairobi for nothing.',
    county: '32',
    hoursAgo: 30,
  },
];

/** What each journey types on its case. */
const WORDS: Record<Language, { note: string; response: string }> = {
  en: {
    note: 'Checked the production system: the booklet was printed on 14 May and is at the Nyayo House collection desk, counter 4.',
    response:
      'Your passport is ready. Please collect it at Nyayo House, counter 4, with your ID card and the ' +
      'application receipt, Monday to Friday from 8 am to 4 pm.',
  },
  sw: {
    note: 'Faili liko Mombasa: picha zilipigwa lakini malipo hayakuthibitishwa. Nimeomba idara ya fedha kuthibitisha.',
    response:
      'Tumepata faili lako. Malipo yako yanathibitishwa na pasipoti itachapishwa wiki hii; tutakutumia ' +
      'ujumbe ikiwa tayari kuchukuliwa katika ofisi ya uhamiaji Mombasa.',
  },
};

const shots: Shot[] = [];
/** Per screenshot, what the console's own checks found (raw keys, repeated ids, error links). */
const findings = new Map<string, string[]>();

async function main(): Promise<void> {
  // The cases are sent in the past: the clock runs behind while seeding, then catches up.
  let behindMs = 0;
  const { started, origin } = await startInMemory({ now: () => new Date(Date.now() - behindMs) });
  let browser: Browser | undefined;
  try {
    const journeyCases = await seed(started, (hours) => {
      behindMs = hours * 3_600_000;
    });
    browser = await launchChromium();
    for (const language of ['en', 'sw'] as const) {
      const reference = journeyCases[language];
      if (!reference) throw new Error(`no case for the ${language} journey`);
      await walk(browser, origin, language, reference);
    }
  } finally {
    await browser?.close();
    await started.close();
  }
  // What a first visit loads besides the page: both style sheets and the script (cached for a year).
  const assets = [ASSETS['portal.css'], CONSOLE_ASSETS['console.css'], CONSOLE_ASSETS['console.js']].reduce(
    (sum, asset) => sum + (asset?.gzip.length ?? 0),
    0,
  );
  report(
    shots.map((shot) => ({ ...shot, notes: findings.get(shot.file) ?? [] })),
    (shot) => `HTML ${kb(shot.htmlBytes)}, first visit with CSS and JS ${kb(shot.htmlBytes + assets)} (gzip)`,
  );
}

/** Sends the cases through the public API, as citizens would, and makes the staff who work them. */
async function seed(
  started: Started,
  setHoursAgo: (hours: number) => void,
): Promise<Partial<Record<Language, string>>> {
  const deps = {
    db: started.database.db,
    reference: started.reference,
    sla: started.sla,
    now: () => new Date(),
  };
  const dis = started.reference.agency('DIS');
  if (!dis) throw new Error('no DIS agency in the reference data');
  const person = async (role: StaffRole, name: string, email: string, password: string) => {
    const user = await createStaffUser(deps, SYSTEM_ACTOR, {
      email,
      name,
      role,
      agencyCode: 'DIS',
      password,
    });
    return { kind: 'staff' as const, userId: user.id, name, role, agencyId: dis.id, agencyCode: 'DIS' };
  };
  await person('officer', OFFICER.name, OFFICER.email, OFFICER.password);
  // Colleagues with passwords nobody knows: they only act while seeding.
  const secret = `unused-${Math.random().toString(36).slice(2)}-password`;
  const supervisor = await person('supervisor', 'Grace Wambui', SUPERVISOR.email, SUPERVISOR.password);
  await person('agency_admin', ADMIN.name, ADMIN.email, ADMIN.password);
  await createStaffUser(deps, SYSTEM_ACTOR, { ...SYSADMIN, role: 'sysadmin' });
  // Both administrators have set up their authenticator app already.
  await deps.db
    .updateTable('staffUsers')
    .set({ totpSecret: TOTP_SECRET, totpEnabled: true })
    .where('email', 'in', [ADMIN.email, SYSADMIN.email])
    .execute();
  const colleague = await person('officer', 'Achieng Odhiambo', 'achieng.odhiambo@immigration.go.ke', secret);

  const journeyCases: Partial<Record<Language, string>> = {};
  for (const item of [...SEEDS].sort((a, b) => b.hoursAgo - a.hoursAgo)) {
    setHoursAgo(item.hoursAgo);
    const at = { now: () => new Date(Date.now() - item.hoursAgo * 3_600_000) };
    const response = await started.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      payload: {
        type: item.type,
        channel: 'web',
        description: item.description,
        agencyCode: 'DIS',
        county: item.county,
        ...(item.subCounty ? { subCounty: item.subCounty } : {}),
        ...(item.citizen
          ? {
              citizen: {
                name: item.citizen.name,
                language: item.citizen.language,
                ...(item.citizen.phone ? { phone: item.citizen.phone } : {}),
                ...(item.citizen.email ? { email: item.citizen.email } : {}),
              },
            }
          : { anonymous: true }),
      },
    });
    if (response.statusCode !== 201)
      throw new Error(`seeding failed (${response.statusCode}): ${response.body}`);
    const { reference } = response.json() as { reference: string };
    const later = { ...deps, now: () => new Date(at.now().getTime() + 2 * 3_600_000) };
    if (item.raise)
      await changePriority(later, supervisor, reference, item.raise.priority, item.raise.reason);
    if (item.ask) {
      await assignCase(later, colleague, reference);
      await changeStatus(later, colleague, reference, 'awaiting_citizen', item.ask);
    }
    if (item.journey) journeyCases[item.journey] = reference;
  }
  setHoursAgo(0);
  return journeyCases;
}

async function walk(browser: Browser, origin: string, language: Language, reference: string): Promise<void> {
  const t = ct(language);
  // The browser is set to English: the Kiswahili journey switches with the link in the header.
  const context = await browser.newContext({ viewport: DESK, deviceScaleFactor: 1, locale: 'en-KE' });
  const page = await context.newPage();
  const observer = new Observer(page);
  const shoot = async (name: string, on: Page = page, by: Observer = observer) => {
    const file = `console-${language}-${NUMBERS[name]}-${name}.png`;
    findings.set(file, await look(on));
    shots.push(await capture(on, by, origin, file, AXE_TAGS));
    return file;
  };
  const button = (name: string, within: Page | Locator = page) =>
    within.getByRole('button', { name, exact: true });
  const expectTitle = async (title: string) => {
    const shown = (await page.locator('h1').textContent())?.trim();
    if (shown !== title) throw new Error(`${language}: expected the page "${title}", it shows "${shown}"`);
  };

  // The officer opens the console and is sent to sign in.
  await navigate(page, () => page.goto(`${origin}/console`));
  if (language !== 'en') {
    await navigate(page, () =>
      page
        .locator('header nav')
        .getByRole('link', { name: t(`language.${language}`) })
        .click(),
    );
  }
  if ((await page.getAttribute('html', 'lang')) !== language)
    throw new Error(`the sign-in page is not in ${language}`);
  await expectTitle(t('sign_in.title'));
  const email = page.getByLabel(t('sign_in.email'));
  await email.click();
  await email.pressSequentially(OFFICER.email);
  await shoot('sign-in');

  // A wrong password: the form again with the address kept and one message for every wrong part.
  const password = page.getByLabel(t('sign_in.password'), { exact: true });
  await password.click();
  await password.pressSequentially('nyayo-house-2025');
  await navigate(page, () => button(t('sign_in.submit')).click());
  if ((await page.locator('#error-summary').count()) !== 1)
    throw new Error('no error summary for a wrong password');
  await shoot('sign-in-error');

  await password.click();
  await password.pressSequentially(OFFICER.password);
  await navigate(page, () => button(t('sign_in.submit')).click());
  await expectTitle(t('views.open'));
  await shoot('queue');

  if (language === 'en') await phoneQueue(browser, context, origin);

  // The case: take it, note what the file says, answer the citizen.
  await navigate(page, () =>
    page.getByRole('link', { name: formatReference(reference), exact: true }).click(),
  );
  await expectTitle(t('case.title', { reference: formatReference(reference) }));
  await navigate(page, () => button(t('actions.claim')).click());
  await expectFlash(page, t('done.claim'));
  for (const [id, label, text, submit] of [
    ['note', t('actions.note_text'), WORDS[language].note, t('actions.add_note')],
    ['respond', t('actions.message'), WORDS[language].response, t('actions.send_response')],
  ] as const) {
    const section = page.locator(`details#${id}`);
    await section.locator('summary').click();
    const field = section.getByLabel(label, { exact: true });
    await field.click();
    await field.pressSequentially(text);
    await navigate(page, () => button(submit, section).click());
    await expectFlash(page, t(`done.${id}`));
  }
  const casePage = await shoot('case');
  // axe looks only at what is shown: once more with every action's form open.
  const setOpen = (open: boolean) =>
    page.evaluate((value) => {
      for (const details of document.querySelectorAll('details')) details.open = value;
    }, open);
  await setOpen(true);
  const opened = await runAxe(page, AXE_TAGS);
  findings.get(casePage)?.push(...opened.axe.map((finding) => `axe with every form open: ${finding}`));
  await setOpen(false);

  // An internal note with nothing written.
  const note = page.locator('details#note');
  await note.locator('summary').click();
  await navigate(page, () => button(t('actions.add_note'), note).click());
  if ((await page.locator('#error-summary').count()) !== 1)
    throw new Error('no error summary for an empty note');
  await shoot('case-error');

  // The contact-centre desk: a returning caller, found by the number as she says it.
  await navigate(page, () => page.getByRole('link', { name: t('nav.desk') }).click());
  const phone = page.getByLabel(t('desk.phone'));
  await phone.click();
  await phone.pressSequentially(
    `${WANJIKU.phone.slice(0, 4)} ${WANJIKU.phone.slice(4, 7)} ${WANJIKU.phone.slice(7)}`,
  );
  await navigate(page, () => button(t('desk.find')).click());
  await expectTitle(t('desk.title'));
  await shoot('desk');

  // A response from a template: chosen, filled in for the case, previewed before it is sent.
  await navigate(page, () => page.goto(`${origin}/console/cases/${reference}`));
  const respond = page.locator('details#respond');
  await respond.locator('summary').click();
  await navigate(page, () => button(t('templates.use'), respond).click());
  await navigate(page, () => button(t('templates.preview'), page.locator('details#respond')).click());
  if ((await page.locator('.preview').count()) !== 1) throw new Error('no preview of the response');
  await page.locator('.preview').scrollIntoViewIfNeeded();
  await shoot('template-preview');
  await context.close();

  // The supervisor's team page, then the administrators' pages.
  const signInAs = async (who: { email: string; password: string }, totp: boolean) => {
    const other = await browser.newContext({ viewport: DESK, deviceScaleFactor: 1, locale: 'en-KE' });
    const tab = await other.newPage();
    await navigate(tab, () => tab.goto(`${origin}/console/sign-in?lang=${language}`));
    await tab.getByLabel(t('sign_in.email')).fill(who.email);
    await tab.getByLabel(t('sign_in.password'), { exact: true }).fill(who.password);
    if (totp) {
      const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(TOTP_SECRET) }).generate();
      await tab.getByLabel(t('sign_in.totp')).fill(code);
    }
    await navigate(tab, () => button(t('sign_in.submit'), tab).click());
    return { other, tab, watch: new Observer(tab) };
  };
  const supervisorTab = await signInAs(SUPERVISOR, false);
  await navigate(supervisorTab.tab, () => supervisorTab.tab.goto(`${origin}/console/team`));
  await shoot('team', supervisorTab.tab, supervisorTab.watch);
  await supervisorTab.other.close();
  const adminTab = await signInAs(ADMIN, true);
  for (const name of ['users', 'templates', 'catalogue', 'calendar'] as const) {
    await navigate(adminTab.tab, () => adminTab.tab.goto(`${origin}/console/admin/${name}`));
    await shoot(`admin-${name}`, adminTab.tab, adminTab.watch);
  }
  await adminTab.other.close();
  const opsTab = await signInAs(SYSADMIN, true);
  await navigate(opsTab.tab, () => opsTab.tab.goto(`${origin}/console/admin/health`));
  await shoot('admin-health', opsTab.tab, opsTab.watch);
  await navigate(opsTab.tab, () => opsTab.tab.goto(`${origin}/console/admin/outbox`));
  await shoot('admin-outbox', opsTab.tab, opsTab.watch);
  await opsTab.other.close();
}

/** The English queue on a phone, in the session the desk signed in. */
async function phoneQueue(browser: Browser, desk: BrowserContext, origin: string): Promise<void> {
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale: 'en-KE',
    storageState: await desk.storageState(),
  });
  const page = await context.newPage();
  const observer = new Observer(page);
  await navigate(page, () => page.goto(`${origin}/console/queue?view=open`));
  const file = `console-en-${NUMBERS['queue-phone']}-queue-phone.png`;
  findings.set(file, await look(page));
  shots.push(await capture(page, observer, origin, file, AXE_TAGS));
  await context.close();
}

async function expectFlash(page: Page, words: string): Promise<void> {
  const shown = (await page.locator('.flash').textContent())?.trim();
  if (shown !== words) throw new Error(`expected "${words}" at the top of the page, it says "${shown}"`);
}

/**
 * What axe does not check: catalogue keys shown instead of words, ids used twice, and error links
 * that lead to a field that is hidden or is not the one with the error.
 */
function look(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const text = document.body.innerText;
    for (const key of text.match(/\b(?:console|portal|errors|common)\.[a-z_]+(?:\.[a-z_-]+)*/g) ?? [])
      found.push(`raw key shown: ${key}`);
    const counted = new Map<string, number>();
    for (const element of document.querySelectorAll('[id]'))
      counted.set(element.id, (counted.get(element.id) ?? 0) + 1);
    for (const [id, count] of counted) if (count > 1) found.push(`id "${id}" used ${count} times`);
    for (const link of document.querySelectorAll<HTMLAnchorElement>('#error-summary a[href^="#"]')) {
      const target = document.getElementById(link.hash.slice(1));
      if (!target) found.push(`error link ${link.hash} leads nowhere`);
      else if (!target.checkVisibility())
        found.push(
          `error link ${link.hash} leads to a hidden field (${target.closest('[id]:not([id^=f-])')?.id ?? '?'})`,
        );
      else if (target.getAttribute('aria-invalid') !== 'true')
        found.push(`error link ${link.hash} leads to a field not marked invalid`);
    }
    const invalid = document.querySelectorAll('[aria-invalid=true]').length;
    const summary = document.querySelectorAll('#error-summary li').length;
    if (invalid > summary) found.push(`${invalid} fields marked invalid for ${summary} listed errors`);
    return found;
  });
}

await main();
