import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { LocalSmsProvider } from '../src/channels/sms/local-sms-provider.ts';
import { removeOldUssdRecords } from '../src/channels/ussd/ussd-sessions.ts';
import { formatReference, generateReference } from '../src/core/cases/reference.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { submitCase } from './helpers/factories.ts';
import {
  Caller,
  EVENTS,
  freshPhone,
  hop,
  newSessionId,
  PHONE,
  postForm,
  type Screen,
} from './helpers/ussd.ts';

/*
 * The USSD channel over HTTP, as Africa's Talking drives it (specs/africastalking): whole sessions
 * in English and Kiswahili, the 0/00/98 conventions, mistakes, expiry, resuming, retries, and
 * requests that are not what the gateway sends.
 */

const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/africastalking/at_callback_fixtures.json', import.meta.url), 'utf8'),
) as {
  ussd_session_walkthrough: { request: Record<string, string> }[];
  ussd_end_of_session_notification: Record<string, string>[];
};

const WATER = 'Maji hayatoki Kibera tangu wiki iliyopita';
const NAIROBI = '47';

/** The number an item has on a menu screen ("4. KRA" gives 4). */
function option(screen: Screen, label: string): string {
  const line = screen.text.split('\n').find((l) => new RegExp(`^\\d+\\. ${label}$`).test(l));
  if (!line) throw new Error(`no "${label}" on the screen:\n${screen.text}`);
  return line.split('.')[0] ?? '';
}

function assertScreen(screen: Screen, kind: 'CON' | 'END', pattern?: RegExp) {
  assert.equal(screen.status, 200, screen.body);
  assert.match(screen.contentType, /^text\/plain/);
  assert.equal(screen.kind, kind, screen.body);
  assert.ok(screen.text.length <= 182, `${screen.text.length} characters:\n${screen.text}`);
  if (pattern) assert.match(screen.text, pattern);
}

describe('USSD channel', () => {
  let ctx: TestContext;
  const countCases = async (phone?: string) => {
    const row = await ctx.database.db
      .selectFrom('cases')
      .leftJoin('citizens', 'citizens.id', 'cases.citizenId')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .$if(phone !== undefined, (q) => q.where('citizens.phone', '=', phone ?? ''))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  /** The SMS the phone was sent, once the outbox has sent what it queued for it (within 2 s). */
  const smsTo = async (phone: string) => {
    const queued = await ctx.database.db
      .selectFrom('outboundMessages')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('recipient', '=', phone)
      .executeTakeFirstOrThrow();
    const local = ctx.sms as LocalSmsProvider;
    const sent = () => local.sent.filter((m) => m.to === phone);
    for (let i = 0; i < 40 && sent().length < Number(queued.n); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return sent();
  };
  /** A caller who has chosen their language, on the main menu. */
  const callerIn = async (language: 'en' | 'sw', phone = freshPhone()) => {
    const caller = new Caller(ctx, phone);
    await caller.dial();
    await caller.press(language === 'en' ? '1' : '2');
    return caller;
  };

  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  test('the walkthrough of the fixtures is answered hop by hop with CON screens the gateway can show', async () => {
    const walkthrough = fixtures.ussd_session_walkthrough.map((step) => step.request);
    const screens: Screen[] = [];
    for (const request of walkthrough) screens.push(await postForm(ctx, request));
    for (const screen of screens) assertScreen(screen, 'CON');
    // A number that never chose a language is asked first, in both; 1 is English.
    assert.match(screens[0]?.text ?? '', /Choose language \/ Chagua lugha:\n1\. English\n2\. Kiswahili/);
    assert.match(screens[1]?.text ?? '', /^Baraza: talk to government\n1\. Report a problem/);
    assert.match(screens[2]?.text ?? '', /^Enter the case reference/);
    // Free text where a reference belongs (the fixture's last hop): the same screen, with the reason.
    assert.match(screens[3]?.text ?? '', /^A reference has digits only\.\nEnter the case reference/);
  });

  test('the end-of-session notifications of the fixtures are answered 200 and kept once each', async () => {
    for (const notice of [
      ...fixtures.ussd_end_of_session_notification,
      ...fixtures.ussd_end_of_session_notification,
    ]) {
      const answer = await postForm(ctx, notice, { url: EVENTS });
      assert.equal(answer.status, 200);
      assert.equal(answer.body, 'OK');
    }
    const kept = await ctx.database.db
      .selectFrom('ussdSessionEvents')
      .selectAll()
      .where(
        'sessionId',
        'in',
        fixtures.ussd_end_of_session_notification.map((n) => n.sessionId ?? ''),
      )
      .orderBy('gatewayDate')
      .execute();
    assert.equal(kept.length, 3);
    assert.deepEqual(
      kept.map((k) => [k.status, k.durationMs, k.hopsCount, k.input, k.errorMessage]),
      [
        ['Incomplete', 5321, 3, '1*2', null],
        ['Success', 12345, 3, '1*1', null],
        ['Failed', 15001, 1, '', 'application response timeout (example text, not an AT literal)'],
      ],
    );
    assert.equal(kept[1]?.cost, 'KES 0.10');
    const missing = await postForm(ctx, { status: 'Success' }, { url: EVENTS });
    assert.equal(missing.status, 400);
  });

  test('a first-time caller chooses Kiswahili, reports a problem and is remembered in Kiswahili', async () => {
    const caller = new Caller(ctx, freshPhone());
    assertScreen(await caller.dial(), 'CON', /^Welcome to Baraza\. Karibu Baraza\./);
    assertScreen(await caller.press('2'), 'CON', /^Baraza: ongea na serikali\n1\. Ripoti tatizo/);
    const agencies = await caller.press('1');
    assertScreen(agencies, 'CON', /^Ni ofisi gani inahusika\?\n1\. Sijui\n/);
    assertScreen(
      await caller.press(option(agencies, 'KRA')),
      'CON',
      /^Ni ripoti ya aina gani\?\n1\. Lalamiko/,
    );
    assertScreen(await caller.press('1'), 'CON', /^Eleza tatizo kwa maneno machache:/);
    assertScreen(await caller.press(WATER), 'CON', /^Ni kaunti gani\? Andika nambari yake\.\n1\. Mombasa/);
    const confirm = await caller.press(NAIROBI);
    assertScreen(confirm, 'CON', /^Tuma ripoti hii\?\nLalamiko kwa KRA, Nairobi City:\n"Maji hayatoki/);
    const sent = await caller.press('1');
    assertScreen(
      sent,
      'END',
      /^Asante, ripoti yako imepokelewa\.\nNambari ya kesi: \d{4}-\d{4}-\d{3}\nJibu kufikia/,
    );
    const reference = /(\d{4}-\d{4}-\d{3})/.exec(sent.text)?.[1]?.replaceAll('-', '') ?? '';

    const kase = await ctx.database.db
      .selectFrom('cases')
      .innerJoin('citizens', 'citizens.id', 'cases.citizenId')
      .innerJoin('agencies', 'agencies.id', 'cases.agencyId')
      .select([
        'channel',
        'type',
        'cases.description',
        'countyCode',
        'cases.language',
        'phone',
        'agencies.code',
      ])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.deepEqual(kase, {
      channel: 'ussd',
      type: 'complaint',
      description: WATER,
      countyCode: '47',
      language: 'sw',
      phone: caller.phone,
      code: 'KRA',
    });
    const session = await ctx.database.db
      .selectFrom('ussdSessions')
      .select(['caseId', 'endedAt', 'resumable', 'hops'])
      .where('sessionId', '=', caller.sessionId)
      .executeTakeFirstOrThrow();
    assert.ok(session.caseId && session.endedAt && !session.resumable);
    assert.equal(session.hops, 8);
    // The END screen is gone at the next key press: the reference and PIN come by SMS too, in Kiswahili.
    const copies = await smsTo(caller.phone);
    assert.equal(copies.length, 1);
    assert.match(copies[0]?.text ?? '', /^Baraza: asante, tumepokea ripoti yako\./);
    assert.ok(copies[0]?.text.includes(sent.text.match(/\d{4}-\d{4}-\d{3}/)?.[0] ?? 'no reference'));
    assert.match(copies[0]?.text ?? '', /PIN: \d{6}/);
    // Dialling again: straight to the menu in Kiswahili.
    assertScreen(await caller.dial(), 'CON', /^Baraza: ongea na serikali/);
  });

  test("an English caller who does not know the office leaves it to triage, and '*' in the words is kept", async () => {
    const caller = await callerIn('en');
    const agencies = await caller.press('1');
    await caller.press(option(agencies, "I don't know"), '5');
    const words = 'Where do I renew a passport? Is it *Nyayo House* only';
    const confirm = await caller.press(words, NAIROBI);
    assertScreen(confirm, 'CON', /^Send this report\?\nQuestion, Nairobi City:\n"Where do I renew/);
    const sent = await caller.press('1');
    assertScreen(sent, 'END', /Reference: /);
    const reference = /(\d{4}-\d{4}-\d{3})/.exec(sent.text)?.[1]?.replaceAll('-', '') ?? '';
    const kase = await ctx.database.db
      .selectFrom('cases')
      .select(['type', 'description', 'channel'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.deepEqual(kase, { type: 'inquiry', description: words, channel: 'ussd' });
  });

  test('0 goes back a screen (a page of a list too), 00 goes to the main menu and forgets the report', async () => {
    const caller = await callerIn('en');
    const agencies = await caller.press('1');
    await caller.press(option(agencies, 'Police'));
    assertScreen(await caller.press('0'), 'CON', /^Which office is it about\?/);
    await caller.press(option(agencies, 'Police'), '1', 'Nobody came when we called about a robbery');
    const second = await caller.press('98');
    assertScreen(second, 'CON', /^In which county\? Type its number\.\n10\. Marsabit/);
    assertScreen(await caller.press('0'), 'CON', /^In which county\? Type its number\.\n1\. Mombasa/);
    assertScreen(await caller.press('0'), 'CON', /^Describe the problem/);
    assertScreen(await caller.press('0'), 'CON', /^What kind of report\?/);
    assertScreen(await caller.press('00'), 'CON', /^Baraza: talk to government/);
    assertScreen(await caller.press('0'), 'CON', /^Invalid choice\.\nBaraza: talk to government/);
    // Starting again asks every question again: nothing of the first report is kept.
    assertScreen(await caller.press('1'), 'CON', /^Which office is it about\?/);
    assert.equal(await countCases(caller.phone), 0);
  });

  test('98 pages through the counties; any county number is taken on any page, and past the last page 98 is refused', async () => {
    const caller = await callerIn('en');
    const agencies = await caller.press('1');
    await caller.press(option(agencies, 'MoH'), '1', 'No medicine at the dispensary for a month');
    const seen: number[] = [];
    let page = caller.screens.at(-1) as Screen;
    for (let i = 0; i < 10 && /\n98\. More\n/.test(page.text); i++) {
      seen.push(...[...page.text.matchAll(/^(\d+)\. (?!More|Back|Main)/gm)].map((m) => Number(m[1])));
      page = await caller.press('98');
      assertScreen(page, 'CON');
    }
    seen.push(...[...page.text.matchAll(/^(\d+)\. (?!More|Back|Main)/gm)].map((m) => Number(m[1])));
    assert.deepEqual(
      seen,
      Array.from({ length: 47 }, (_, i) => i + 1),
      'every county once, in order',
    );
    assertScreen(await caller.press('98'), 'CON', /^Invalid choice\.\nIn which county\?/);
    assertScreen(await caller.press('3'), 'CON', /^Send this report\?\nComplaint to MoH, Kilifi:/);
  });

  test('a mistake repeats the screen with a short reason', async () => {
    const caller = await callerIn('en');
    assertScreen(await caller.press('9'), 'CON', /^Invalid choice\.\nBaraza: talk to government/);
    assertScreen(await caller.press('abc'), 'CON', /^Invalid choice\.\nBaraza/);
    const agencies = await caller.press('1');
    assertScreen(await caller.press('77'), 'CON', /^Invalid choice\.\nWhich office/);
    await caller.press(option(agencies, 'BRS'), '1');
    assertScreen(await caller.press('bad'), 'CON', /^Too short: say a little more\.\nDescribe the problem/);
    assertScreen(await caller.press('x'.repeat(301)), 'CON', /^Too long: at most 300 characters\.\nDescribe/);
    await caller.press('My business name search has been pending for weeks');
    assertScreen(await caller.press('48'), 'CON', /^Invalid choice\.\nIn which county\?/);
    await caller.press('1');
    assertScreen(await caller.press('3'), 'CON', /^Invalid choice\.\nSend this report\?/);
    assertScreen(
      await caller.press('2'),
      'END',
      /^Your report was not sent\. Dial \*384\*2020# to start again\.$/,
    );
  });

  test('track: a reference gives the status in plain words and the next due date; a protected case asks for its PIN', async () => {
    const named = await submitCase(ctx, { citizen: { name: 'Achieng Otieno', phone: '0722000111' } });
    const anonymous = await submitCase(ctx, { citizen: undefined, anonymous: true });
    const caller = await callerIn('en');
    await caller.press('2');
    assertScreen(await caller.press('2345'), 'CON', /^A reference has 11 digits\.\nEnter the case reference/);
    const valid = generateReference();
    const typo = `${valid.slice(0, 10)}${valid.endsWith('2') ? '3' : '2'}`;
    assertScreen(await caller.press(typo), 'CON', /^Typing mistake: check each digit\./);
    assertScreen(await caller.press('10000000000'), 'CON', /^A reference has no 0 or 1\./);
    const result = await caller.press(named.reference.replaceAll('-', ''));
    assertScreen(
      result,
      'END',
      new RegExp(
        `^Case ${formatReference(named.reference.replaceAll('-', ''))}\\nStatus: Received, waiting to be picked up\\nNext step due by \\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d\\.\\nOffice: Directorate of Immigration Services$`,
      ),
    );

    const sw = await callerIn('sw');
    await sw.press('2');
    // Groups separated with * (the only separator on a keypad) are read as one reference.
    const r = anonymous.reference;
    const starred = `${r.slice(0, 4)}*${r.slice(4, 8)}*${r.slice(8)}`;
    assertScreen(await sw.press(starred), 'CON', /^Kesi hii inalindwa\. Andika PIN/);
    assertScreen(await sw.press('12345'), 'CON', /^PIN ina tarakimu 6\./);
    const wrong = anonymous.pin === '111111' ? '222222' : '111111';
    assertScreen(await sw.press(wrong), 'CON', /^PIN si sahihi\./);
    assertScreen(await sw.press(anonymous.pin), 'END', /\nHali: Imepokelewa, inasubiri kushughulikiwa\n/);

    const lost = await callerIn('en');
    await lost.press('2');
    assertScreen(
      await lost.press(generateReference()),
      'CON',
      /^No case has this reference\.\nEnter the case/,
    );
  });

  test("my recent cases lists the calling number's cases, newest first, and shows one with 0 and 00 to leave", async () => {
    const phone = freshPhone();
    const caller = await callerIn('en', phone);
    assertScreen(await caller.press('3'), 'END', /^No cases were sent from this number yet\./);
    const older = await submitCase(ctx, { citizen: { phone } });
    const newer = await submitCase(ctx, { agencyCode: 'KRA', type: 'suggestion', citizen: { phone } });
    await submitCase(ctx, { citizen: { phone: freshPhone() } });
    await caller.dial();
    const list = await caller.press('3');
    assertScreen(
      list,
      'CON',
      new RegExp(
        `^Your recent cases:\\n1\\. ${formatReference(newer.reference)} Received\\n2\\. ${formatReference(older.reference)} Received\\n0\\. Back`,
      ),
    );
    const detail = await caller.press('1');
    assertScreen(
      detail,
      'CON',
      new RegExp(
        `^Case ${formatReference(newer.reference)}\\nSuggestion to Kenya Revenue Authority\\nStatus: Received`,
      ),
    );
    assertScreen(await caller.press('5'), 'CON', /^Invalid choice\.\nCase /);
    assertScreen(await caller.press('0'), 'CON', /^Your recent cases:/);
    assertScreen(await caller.press('00'), 'CON', /^Baraza: talk to government/);
  });

  /**
   * A shipped article's title and USSD screens in a language, as the knowledge base holds them; by
   * its slug, or by its title as a list shows it (a long one cut, with "...").
   */
  const article = async (by: { slug: string } | { title: string }, language: 'en' | 'sw') => {
    const found = await ctx.database.db
      .selectFrom('knowledgeArticles as a')
      .innerJoin('knowledgeTexts as t', 't.articleId', 'a.id')
      .select(['a.id', 'a.slug', 't.title', 't.ussd'])
      .where('t.language', '=', language)
      .$if('slug' in by, (q) => q.where('a.slug', '=', 'slug' in by ? by.slug : ''))
      .$if('title' in by, (q) =>
        q.where('t.title', 'like', 'title' in by ? `${by.title.replace(/\.\.\.$/, '')}%` : ''),
      )
      .executeTakeFirstOrThrow();
    return found;
  };
  /** The readings the knowledge base counted for an article, by channel. */
  const readingsOf = async (articleId: string) =>
    ctx.database.db
      .selectFrom('selfServiceAnswers')
      .select(['channel', 'language', 'query'])
      .where('articleId', '=', articleId)
      .execute();
  /** The numbered items of a list screen, with their numbers. */
  const items = (screen: Screen) =>
    [...screen.text.matchAll(/^(\d+)\. (.*)$/gm)]
      .map((m) => ({ number: m[1] ?? '', label: m[2] ?? '' }))
      .filter((item) => !['98', '0', '00'].includes(item.number));

  test("information in English: an office's questions, an answer read page by page with 98, then 0 back to the list", async () => {
    const passport = await article({ slug: 'dis-passport-apply' }, 'en');
    const before = (await readingsOf(passport.id)).length;
    const caller = await callerIn('en');
    const home = await caller.press('4');
    assertScreen(home, 'CON', /^Information: search, or choose an office:\n1\. Search by words\n2\. /);
    assert.match(home.text, /\n\d+\. Immigration\n[\s\S]*\n0\. Back\n00\. Main menu$/);
    const questions = await caller.press(option(home, 'Immigration'));
    assertScreen(
      questions,
      'CON',
      /^Immigration: common questions\n1\. How do I apply for a Kenyan passport\?\n/,
    );
    assert.match(questions.text, /\n98\. More\n0\. Back\n00\. Main menu$/);

    const more = '\n98. More\n0. Back\n00. Main menu';
    const last = '\n0. Back\n00. Main menu';
    const pages = passport.ussd;
    assert.equal(pages.length, 3);
    assert.equal((await caller.press('1')).text, `${pages[0]}${more}`);
    assert.equal((await caller.press('98')).text, `${pages[1]}${more}`);
    const end = await caller.press('98');
    assertScreen(end, 'CON');
    assert.equal(end.text, `${pages[2]}${last}`);
    // Nothing more to read: 98 is not a choice there; 0 goes back a page at a time, to the list.
    assertScreen(await caller.press('98'), 'CON', /^Invalid choice\.\n/);
    assert.equal((await caller.press('0')).text, `${pages[1]}${more}`);
    assert.equal((await caller.press('0')).text, `${pages[0]}${more}`);
    assert.equal((await caller.press('0')).text, questions.text);
    assertScreen(await caller.press('00'), 'CON', /^Baraza: talk to government/);
    // Read once, whatever the paging.
    const readings = await readingsOf(passport.id);
    assert.equal(readings.length, before + 1);
    assert.deepEqual(readings.at(-1), { channel: 'ussd', language: 'en', query: null });
  });

  test("information in Kiswahili: an office's questions and an answer, 98 to its end, 00 to the menu", async () => {
    const sha = await article({ slug: 'moh-sha-registration' }, 'sw');
    const caller = await callerIn('sw');
    const home = await caller.press('4');
    assertScreen(home, 'CON', /^Habari: tafuta, au chagua ofisi:\n1\. Tafuta kwa maneno\n/);
    const offices = await allItems(caller, home);
    const health = offices.find((item) => item.label === 'Wizara ya Afya');
    assert.ok(health, offices.map((item) => item.label).join(', '));
    const questions = await caller.press(health.number);
    assertScreen(questions, 'CON', /^Wizara ya Afya: maswali ya kawaida\n1\. Ninajisajili vipi na SHA\?\n/);
    assert.match(questions.text, /\n98\. Zaidi\n0\. Rudi\n00\. Menyu kuu$/);
    const more = '\n98. Zaidi\n0. Rudi\n00. Menyu kuu';
    assert.equal((await caller.press('1')).text, `${sha.ussd[0]}${more}`);
    for (const page of sha.ussd.slice(1, -1)) assert.equal((await caller.press('98')).text, `${page}${more}`);
    assert.equal((await caller.press('98')).text, `${sha.ussd.at(-1)}\n0. Rudi\n00. Menyu kuu`);
    assertScreen(await caller.press('00'), 'CON', /^Baraza: ongea na serikali/);
  });

  /** Every item of a list, paging through it with 98 (a list's numbers work on any of its pages). */
  const allItems = async (caller: Caller, first: Screen) => {
    const all = items(first);
    for (let page = first; /\n98\. /.test(page.text); ) {
      page = await caller.press('98');
      assertScreen(page, 'CON');
      all.push(...items(page));
    }
    return all;
  };

  test("information names the offices in the caller's language, and the eCitizen FAQs as eCitizen", async () => {
    const labels = async (language: 'en' | 'sw') => {
      const caller = await callerIn(language);
      const offices = await allItems(caller, await caller.press('4'));
      return { caller, offices: offices.slice(1) };
    };
    const english = await labels('en');
    const inEnglish = english.offices.map((item) => item.label);
    for (const name of ['BRS', 'Immigration', 'KRA', 'MoH', 'Police'])
      assert.ok(inEnglish.includes(name), name);
    assert.equal(inEnglish.at(-1), 'eCitizen', 'general questions after the offices');
    assert.ok(!inEnglish.some((name) => /Clearing House/.test(name)));

    const swahili = await labels('sw');
    assert.deepEqual(
      swahili.offices.map((item) => item.label),
      [
        'Huduma ya Taifa ya Polisi',
        'Huduma ya Usajili wa Biashara',
        'Idara ya Huduma za Uhamiaji',
        'Mamlaka ya Ushuru ya Kenya',
        'Wizara ya Afya',
        'eCitizen',
      ],
    );
    const ecitizen = swahili.offices.at(-1)?.number ?? '';
    const questions = await swahili.caller.press(ecitizen);
    assertScreen(questions, 'CON', /^eCitizen: maswali ya kawaida\n1\. Nani anaweza kutumia eCitizen\?\n/);
  });

  for (const language of ['en', 'sw'] as const) {
    test(`searching by words in ${language === 'en' ? 'English' : 'Kiswahili'} forgives a typo: "pasport" finds the passport answers`, async () => {
      const caller = await callerIn(language);
      await caller.press('4');
      const ask = await caller.press('1');
      assertScreen(
        ask,
        'CON',
        language === 'en'
          ? /^Type a few words about your question \(e\.g\. passport\):\n0\. Back\n00\. Main menu$/
          : /^Andika maneno machache kuhusu swali lako \(mfano: pasipoti\):\n0\. Rudi\n00\. Menyu kuu$/,
      );
      const found = await caller.press('pasport');
      assertScreen(
        found,
        'CON',
        language === 'en' ? /^Answers found:\n1\. / : /^Majibu yaliyopatikana:\n1\. /,
      );
      const listed = items(found);
      assert.ok(listed.length >= 2, found.text);
      for (const item of listed) assert.match(item.label, /passport|pasipoti/i);
      // The first: its first screen.
      const first = listed[0]?.label ?? '';
      const chosen = await article({ title: first }, language);
      const reading = await caller.press('1');
      assertScreen(reading, 'CON');
      assert.ok(reading.text.startsWith(`${chosen.ussd[0]}\n98. `), reading.text);
      // Counted, with the words that found it.
      assert.deepEqual((await readingsOf(chosen.id)).at(-1), { channel: 'ussd', language, query: 'pasport' });
      // Back to the answers found, then to the question.
      assert.equal((await caller.press('0')).text, found.text);
      assert.equal((await caller.press('0')).text, ask.text);
    });
  }

  test('a search that matches nothing asks again, saying so, in both languages', async () => {
    const english = await callerIn('en');
    await english.press('4', '1');
    assertScreen(
      await english.press('xyzzy qwerty'),
      'CON',
      /^Nothing found\. Try other words\.\nType a few words about your question/,
    );
    // The next words are searched as the first were.
    assertScreen(await english.press('KRA PIN'), 'CON', /^Answers found:\n1\. How do I get a KRA PIN\?/);
    const swahili = await callerIn('sw');
    await swahili.press('4', '1');
    assertScreen(
      await swahili.press('zzzz'),
      'CON',
      /^Hakuna kilichopatikana\. Jaribu maneno mengine\.\nAndika maneno machache/,
    );
  });

  test('changing the language on the menu is remembered for the number and for the citizen it belongs to', async () => {
    const phone = freshPhone();
    await submitCase(ctx, { citizen: { phone } });
    const caller = new Caller(ctx, phone);
    // The citizen's language (English by default) is known already: no question.
    assertScreen(await caller.dial(), 'CON', /^Baraza: talk to government/);
    assertScreen(
      await caller.press('5'),
      'CON',
      /^Choose language \/ Chagua lugha:\n1\. English\n2\. Kiswahili\n0\. Back$/,
    );
    assertScreen(await caller.press('2'), 'CON', /^Baraza: ongea na serikali/);
    const citizen = await ctx.database.db
      .selectFrom('citizens')
      .select('preferredLanguage')
      .where('phone', '=', phone)
      .executeTakeFirstOrThrow();
    assert.equal(citizen.preferredLanguage, 'sw');
    assertScreen(await caller.dial(), 'CON', /^Baraza: ongea na serikali/);
  });

  test('a session idle for more than 180 s ends with a screen saying so; a retried hop is still answered', async () => {
    const caller = await callerIn('en');
    await caller.press('1', '2', '1');
    ctx.clock.now = new Date(ctx.clock.now.getTime() + 181_000);
    try {
      assertScreen(await caller.retry(), 'CON', /^Describe the problem/);
      assertScreen(
        await caller.press('The road to the clinic is impassable'),
        'END',
        /^Your session timed out\. Dial \*384\*2020# within 5 minutes to continue where you stopped\.$/,
      );
      // Over: nothing more is taken in it.
      assertScreen(await caller.press('1'), 'END', /^Your session timed out\./);
      // The 5 minutes count from when the caller was told, 7 minutes after their last answer.
      ctx.clock.now = new Date(ctx.clock.now.getTime() + 4 * 60_000);
      assertScreen(await caller.dial(), 'CON', /^You did not finish your report\./);
      const idle = await callerIn('sw');
      ctx.clock.now = new Date(ctx.clock.now.getTime() + 181_000);
      assertScreen(await idle.press('2'), 'END', /^Muda wako umekwisha\. Piga \*384\*2020# kuanza upya\.$/);
    } finally {
      ctx.clock.now = new Date();
    }
  });

  test('a caller who drops off mid-report and dials again within 5 minutes may continue where they stopped', async () => {
    const caller = await callerIn('en');
    const agencies = await caller.press('1');
    await caller.press(option(agencies, 'Immigration'), '1', 'My passport has not been ready for six months');
    // The call drops on the county screen; the gateway says so.
    const dropped = caller.sessionId;
    await postForm(
      ctx,
      { sessionId: dropped, phoneNumber: caller.phone, status: 'Incomplete', input: caller.inputs.join('*') },
      { url: EVENTS },
    );
    assertScreen(
      await caller.dial(),
      'CON',
      /^You did not finish your report\.\n1\. Continue where you stopped\n2\. Start again$/,
    );
    assertScreen(await caller.press('1'), 'CON', /^In which county\? Type its number\.\n1\. Mombasa/);
    // The way back came along.
    assertScreen(await caller.press('0'), 'CON', /^Describe the problem/);
    await caller.press('My passport has not been ready for six months');
    assertScreen(
      await caller.press(NAIROBI),
      'CON',
      /^Send this report\?\nComplaint to Immigration, Nairobi City:/,
    );
    assertScreen(await caller.press('1'), 'END', /^Thank you, your report was received\./);
    // Continued once, offered no more.
    assertScreen(await caller.dial(), 'CON', /^Baraza: talk to government/);

    // Starting again forgets the unfinished report; after 5 minutes it is not offered at all.
    const other = await callerIn('sw');
    await other.press('1', '2');
    await other.dial();
    assertScreen(await other.press('2'), 'CON', /^Baraza: ongea na serikali/);
    assertScreen(await other.dial(), 'CON', /^Baraza: ongea na serikali/);
    await other.press('1', '2', '1');
    ctx.clock.now = new Date(ctx.clock.now.getTime() + 5 * 60_000 + 1000);
    try {
      assertScreen(await other.dial(), 'CON', /^Baraza: ongea na serikali/);
    } finally {
      ctx.clock.now = new Date();
    }
  });

  test('the gateway retrying the confirming hop, or sending it twice at once, makes one case and the same answer', async () => {
    const caller = await callerIn('en');
    const agencies = await caller.press('1');
    await caller.press(option(agencies, 'KRA'), '1', 'iTax rejects my nil return every time', NAIROBI);
    const before = await countCases(caller.phone);
    const sent = await caller.press('1');
    assertScreen(sent, 'END', /Reference: /);
    const again = await caller.retry();
    assert.equal(again.body, sent.body);
    assert.equal(await countCases(caller.phone), before + 1);

    const racer = await callerIn('en');
    await racer.press('1', option(agencies, 'KRA'), '1', 'iTax rejects my nil return every time', NAIROBI);
    const final = [...racer.inputs, '1'];
    const answers = await Promise.all([
      hop(ctx, racer.sessionId, racer.phone, final),
      hop(ctx, racer.sessionId, racer.phone, final),
      hop(ctx, racer.sessionId, racer.phone, final),
    ]);
    for (const answer of answers) assertScreen(answer, 'END', /Reference: /);
    assert.equal(new Set(answers.map((a) => a.body)).size, 1, answers.map((a) => a.body).join('\n'));
    assert.equal(await countCases(racer.phone), 1);
    // One SMS with the reference for each case, however often its last hop came.
    assert.equal((await smsTo(caller.phone)).length, 1);
    assert.equal((await smsTo(racer.phone)).length, 1);
  });

  test('a session the server never saw the start of is replayed from its text', async () => {
    const caller = await callerIn('en');
    const text = ['1', '1', '2', 'Water tanks at the school are empty', '30'];
    const screen = await hop(ctx, newSessionId(), caller.phone, text);
    assertScreen(screen, 'CON', /^Send this report\?\nConcern, Baringo:\n"Water tanks/);
  });

  test('requests that are not what the gateway sends get a 400 or a clear END screen, never a 500', async () => {
    const base = { sessionId: newSessionId(), serviceCode: '*384*2020#', phoneNumber: PHONE, text: '' };
    const without = (field: string) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== field));
    for (const field of ['sessionId', 'phoneNumber']) {
      const answer = await postForm(ctx, without(field));
      assert.equal(answer.status, 400, field);
      assert.match(answer.body, new RegExp(field));
    }
    // The gateway leaves out nothing else; the first hop's empty text may as well be absent.
    assertScreen(await postForm(ctx, without('text')), 'CON');
    for (const phoneNumber of ['0711000111', '254711000111', '+2547', 'not a number', '+999123456789']) {
      assertScreen(
        await postForm(ctx, { ...base, sessionId: newSessionId(), phoneNumber }),
        'END',
        /^Sorry, we could not read your phone number\. Samahani, hatukuweza kusoma nambari yako ya simu\.$/,
      );
    }
    assertScreen(
      await postForm(ctx, { ...base, text: '1*'.repeat(2500) }),
      'END',
      /^Sorry, that was too long\. Please dial again\./,
    );
    const repeated = await ctx.app.inject({
      method: 'POST',
      url: '/channels/ussd/africastalking',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'sessionId=a&sessionId=b&phoneNumber=%2B254711000111&text=',
    });
    assert.equal(repeated.statusCode, 400);
    const nul = await postForm(ctx, { ...base, text: 'a\u0000b' });
    assert.equal(nul.status, 400);
    const huge = await postForm(ctx, { ...base, text: 'x'.repeat(20_000) });
    assert.equal(huge.status, 413);
    // A session id is the gateway's: the same one from another number is not that session.
    const caller = await callerIn('en');
    assertScreen(
      await hop(ctx, caller.sessionId, freshPhone(), ['1', '1']),
      'END',
      /^Sorry, something went wrong/,
    );
    const json = await ctx.app.inject({
      method: 'POST',
      url: '/channels/ussd/africastalking',
      payload: { ...base, sessionId: newSessionId() },
    });
    assert.equal(json.statusCode, 200, 'JSON bodies are read too');
  });

  test('the hourly clean-up removes sessions a day old and notifications 90 days old', async () => {
    const caller = await callerIn('en');
    const sessionId = newSessionId();
    await postForm(ctx, { sessionId, phoneNumber: caller.phone, status: 'Success' }, { url: EVENTS });
    const count = async () => {
      const sessions = await ctx.database.db
        .selectFrom('ussdSessions')
        .select('sessionId')
        .where('sessionId', '=', caller.sessionId)
        .execute();
      const events = await ctx.database.db
        .selectFrom('ussdSessionEvents')
        .select('sessionId')
        .where('sessionId', '=', sessionId)
        .execute();
      return [sessions.length, events.length];
    };
    const later = (hours: number) => new Date(ctx.clock.now.getTime() + hours * 3600_000);
    await removeOldUssdRecords(ctx.database.db, later(23));
    assert.deepEqual(await count(), [1, 1]);
    await removeOldUssdRecords(ctx.database.db, later(25));
    assert.deepEqual(await count(), [0, 1]);
    await removeOldUssdRecords(ctx.database.db, later(90 * 24 + 1));
    assert.deepEqual(await count(), [0, 0]);
  });

  test("a gateway post with another site's Origin is answered: the browser-form guard is not on callbacks", async () => {
    const answer = await postForm(
      ctx,
      { sessionId: newSessionId(), serviceCode: '*384*2020#', phoneNumber: PHONE, text: '' },
      { headers: { origin: 'https://simulator.africastalking.com', 'sec-fetch-site': 'cross-site' } },
    );
    assertScreen(answer, 'CON');
  });
});

describe('USSD callbacks with a token set', () => {
  let ctx: TestContext;
  const TOKEN = 'a-long-enough-shared-token';
  before(async () => {
    ctx = await createTestContext({ BARAZA_USSD_TOKEN: TOKEN });
  });
  after(() => ctx.close());

  test('a callback without the token, or with another, is refused; with it, answered', async () => {
    const fields = { sessionId: newSessionId(), serviceCode: '*384*2020#', phoneNumber: PHONE, text: '' };
    assert.equal((await postForm(ctx, fields)).status, 403);
    assert.equal(
      (await postForm(ctx, fields, { url: '/channels/ussd/africastalking?token=wrong' })).status,
      403,
    );
    const answer = await postForm(ctx, fields, { url: `/channels/ussd/africastalking?token=${TOKEN}` });
    assertScreen(answer, 'CON');
    const events = await postForm(ctx, { sessionId: fields.sessionId, status: 'Success' }, { url: EVENTS });
    assert.equal(events.status, 403);
  });
});
