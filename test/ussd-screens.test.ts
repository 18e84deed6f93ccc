import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { renderScreen } from '../src/channels/ussd/render-screen.ts';
import type { CaseLine, Screen as MenuScreen, UssdState } from '../src/channels/ussd/ussd-state.ts';
import { generateReference } from '../src/core/cases/reference.ts';
import { CASE_STATUSES, CASE_TYPES, type Language } from '../src/db/schema.ts';
import ussdEn from '../src/i18n/ussd-en.json' with { type: 'json' };
import ussdSw from '../src/i18n/ussd-sw.json' with { type: 'json' };
import { createTestContext, type TestContext } from './helpers/context.ts';
import { submitCase } from './helpers/factories.ts';
import { Caller, EVENTS, freshPhone, hop, newSessionId, postForm, type Screen } from './helpers/ussd.ts';

/*
 * Every screen a caller can reach fits 182 characters (without CON/END) in plain GSM-7, in both
 * languages: a breadth-first walk over the menu from the main menu, trying on each screen every
 * option it shows, 0, 00, a wrong number and, where it asks for words, representative answers
 * (good and bad descriptions, references and PINs); then the screens outside that tree (the first
 * call's language question, the offer to continue, expiry, refusals); then every screen rendered
 * with the longest values it can hold.
 */

const LIMIT = 182;
/** The GSM 03.38 default alphabet (no escape table): what every telco can show. */
const GSM7 = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const nonGsm = (text: string) => [...text].filter((c) => !GSM7.has(c));

function assertFits(text: string, where: string) {
  assert.ok(text.length <= LIMIT, `${where}: ${text.length} characters\n${text}`);
  assert.deepEqual(nonGsm(text), [], `${where}: characters outside GSM-7 in\n${text}`);
  assert.ok(text.trim().length > 0, `${where}: an empty screen`);
}

/** Screens that differ only in numbers (which case, which page's items) are one kind of screen. */
const signature = (text: string) =>
  `${text.split('\n').slice(0, 2).join('|').replace(/\d/g, '#')}|${[...text.matchAll(/^(\d+)\. /gm)].map((m) => m[1]).join(',')}`;

describe('every USSD screen', () => {
  let ctx: TestContext;
  let named: string;
  let locked: string;

  before(async () => {
    ctx = await createTestContext();
    named = (await submitCase(ctx, { agencyCode: 'BRS' })).reference;
    const lockedCase = await submitCase(ctx, { citizen: undefined, anonymous: true });
    locked = lockedCase.reference;
    // Ten wrong PINs in the hour already: the next is refused whatever it is.
    const row = await ctx.database.db
      .selectFrom('cases')
      .select('id')
      .where('reference', '=', locked)
      .executeTakeFirstOrThrow();
    await ctx.database.db
      .insertInto('casePinFailures')
      .values({ caseId: row.id, windowStart: ctx.clock.now, failures: 10 })
      .execute();
  });
  after(() => ctx.close());

  /** A caller with a dozen cases (one a sealed corruption report), so their list has pages. */
  async function callerWithCases(language: Language): Promise<string> {
    const phone = freshPhone();
    for (let i = 0; i < 11; i++)
      await submitCase(ctx, { citizen: { phone }, agencyCode: i % 2 ? 'KRA' : 'DIS' });
    await submitCase(ctx, { citizen: { phone }, type: 'corruption_report', agencyCode: 'NPS' });
    // The number is a citizen's already, so its language is known: it is chosen on the menu.
    const caller = new Caller(ctx, phone);
    await caller.dial();
    assert.match((await caller.press('5', language === 'en' ? '1' : '2')).text, /^Baraza: /);
    return phone;
  }

  /**
   * The knowledge base's screens as kinds of screen: every office's questions, every search's
   * answers and every page of every answer would be thousands of hops, each replayed from the
   * start, so the walk takes a list of questions as one kind whatever its office or words, and an
   * answer as one kind at each page depth (98 pressed so many times); every page of every answer
   * is rendered in a test of its own below.
   */
  async function infoKinds(t: typeof ussdEn) {
    const texts = await ctx.database.db.selectFrom('knowledgeTexts').select('ussd').execute();
    const start = (line: string) => line.slice(0, 40);
    const answerStarts = new Set(texts.flatMap((row) => row.ussd.map(start)));
    const questions = new RegExp(`^(${t.info.questions.replace('{{office}}', '.+')}|${t.info.found})$`);
    return (text: string, path: string[]): string | undefined => {
      const lines = text.split('\n');
      const numbers = [...text.matchAll(/^(\d+)\. /gm)].map((m) => m[1]).join(',');
      if (lines.some((line) => answerStarts.has(start(line)))) {
        let depth = 0;
        while (path[path.length - 1 - depth] === '98') depth++;
        const error = answerStarts.has(start(lines[0] ?? '')) ? '' : lines[0];
        return `answer|${error}|${depth}|${numbers}`;
      }
      if (lines.some((line) => questions.test(line))) {
        return `questions|${questions.test(lines[0] ?? '') ? '' : lines[0]}|${numbers}`;
      }
      return undefined;
    };
  }

  async function walk(language: Language): Promise<{ texts: string[]; kinds: Set<string> }> {
    const phone = await callerWithCases(language);
    // A case of its own per walk: the walk's wrong PINs lock it in the end.
    const anonymous = await submitCase(ctx, { citizen: undefined, anonymous: true });
    const words = [
      'Maji hayatoki Kibera tangu wiki iliyopita',
      'ab',
      'x'.repeat(301),
      named,
      anonymous.reference,
      locked,
      `${named.slice(0, 10)}${named.endsWith('2') ? '3' : '2'}`,
      '2345',
      generateReference(),
      anonymous.pin,
      anonymous.pin === '999999' ? '888888' : '999999',
      '12',
      // For "Search by words": a typo that finds the passport answers, and a Kiswahili word.
      'pasport',
      'kodi',
    ];
    const t = language === 'en' ? ussdEn : ussdSw;
    const prompts = [t.report.description, t.track.reference, t.track.pin, t.info.ask];
    const kindOf = await infoKinds(t);
    const texts: string[] = [];
    const seen = new Set<string>();
    const queue: string[][] = [[]];
    while (queue.length > 0) {
      const path = queue.shift() ?? [];
      // Each path is one new session replayed from its text, on a phone that has its language and
      // no unfinished report (a path can change both), so each starts from the main menu.
      await ctx.database.db.updateTable('ussdCallers').set({ language }).where('phone', '=', phone).execute();
      await ctx.database.db
        .updateTable('ussdSessions')
        .set({ resumable: false })
        .where('phone', '=', phone)
        .execute();
      const screen = await hop(ctx, newSessionId(), phone, path);
      assert.equal(screen.status, 200, `${path.join('*')}: ${screen.body}`);
      assert.ok(screen.kind, `${path.join('*')}: neither CON nor END: ${screen.body}`);
      assertFits(screen.text, `${language} ${path.join('*').slice(0, 80)}`);
      texts.push(screen.text);
      const kind = kindOf(screen.text, path) ?? signature(screen.text);
      if (screen.kind === 'END' || seen.has(kind)) continue;
      seen.add(kind);
      // Choosing the other language there would walk the other language's tree here again.
      const switching = screen.text.includes(ussdEn.language.title);
      const options = [...screen.text.matchAll(/^(\d+)\. /gm)]
        .map((m) => m[1] ?? '')
        .filter((o) => !switching || o === '0');
      const asksForWords = prompts.some((prompt) => screen.text.includes(prompt));
      for (const input of [...options, '77', ...(asksForWords ? words : [])]) queue.push([...path, input]);
    }
    return { texts, kinds: seen };
  }

  for (const language of ['en', 'sw'] as const) {
    test(`the menu tree in ${language === 'en' ? 'English' : 'Kiswahili'}: every screen fits and is GSM-7`, async () => {
      const { texts, kinds } = await walk(language);
      const t = language === 'en' ? ussdEn : ussdSw;
      // The walk reached every kind of screen of the tree.
      const expected = [
        t.main.title,
        t.report.agency,
        t.report.type,
        t.report.description,
        t.report.county,
        t.report.confirm,
        t.report.sent.split('\n')[0] ?? '',
        t.report.cancelled.split('{{')[0] ?? '',
        t.track.reference,
        t.track.pin,
        t.track.status.split('{{')[0] ?? '',
        t.track.locked,
        t.mine.title,
        t.mine.sealed,
        t.info.title,
        t.info.ask,
        t.info.questions.replace('{{office}}', ''),
        t.info.found,
        t.language.title,
        t.errors.choice,
        t.errors.too_short,
        t.errors.too_long.split('{{')[0] ?? '',
        t.errors.reference_check,
        t.errors.reference_length,
        t.errors.not_found,
        t.errors.pin_format,
        t.errors.pin_wrong,
        t.errors.no_match,
        `98. ${t.nav.more}`,
      ];
      for (const marker of expected) {
        assert.ok(
          texts.some((text) => text.includes(marker)),
          `no screen with "${marker}" among ${texts.length}`,
        );
      }
      // An answer's first page, with more to read, and its last, reached with 98.
      assert.ok(kinds.has('answer||0|98,0,00'), [...kinds].filter((k) => k.startsWith('answer')).join('\n'));
      assert.ok([...kinds].some((k) => /^answer\|\|[1-3]\|0,00$/.test(k)));
      assert.ok(texts.length > 100, `only ${texts.length} screens walked`);
    });
  }

  test('the screens outside the tree fit too: first call, no cases yet, continuing, expiry, refusals', async () => {
    const texts: string[] = [];
    const keep = (screen: Screen) => {
      assert.equal(screen.status, 200, screen.body);
      texts.push(screen.text);
      return screen;
    };
    for (const language of ['1', '2']) {
      const caller = new Caller(ctx, freshPhone());
      keep(await caller.dial());
      keep(await caller.press('7'));
      keep(await caller.press(language));
      keep(await caller.press('3'));
      await caller.dial();
      await caller.press('1', '1', '1');
      await postForm(ctx, { sessionId: caller.sessionId, status: 'Incomplete' }, { url: EVENTS });
      keep(await caller.dial());
      keep(await caller.press('9'));
      await caller.press('1');
      ctx.clock.now = new Date(ctx.clock.now.getTime() + 181_000);
      keep(await caller.press('Words that come too late'));
      await caller.dial();
      keep(await caller.press('2'));
      await caller.dial();
      ctx.clock.now = new Date(ctx.clock.now.getTime() + 181_000);
      keep(await caller.press('2'));
    }
    const refusals = { sessionId: newSessionId(), serviceCode: '*384*2020#', text: '' };
    keep(await postForm(ctx, { ...refusals, phoneNumber: '0711' }));
    keep(await postForm(ctx, { ...refusals, phoneNumber: '+254711000999', text: '1*'.repeat(2500) }));
    for (const text of texts) assertFits(text, 'outside the tree');
    assert.ok(texts.some((t) => t.startsWith(ussdEn.language.welcome)));
    assert.ok(texts.some((t) => t.startsWith(ussdEn.resume.title)));
    assert.ok(texts.some((t) => t.startsWith(ussdSw.resume.title)));
    assert.ok(texts.some((t) => t.startsWith(ussdSw.mine.none.split('.')[0] ?? '')));
    assert.ok(texts.some((t) => t.startsWith(ussdEn.end.expired_resume.split('.')[0] ?? '')));
  });

  test('every screen still fits with the longest values it can show', () => {
    const counties = [
      { code: '01', name: 'Elgeyo/Marakwet County of the Long Name' },
      ...Array.from({ length: 46 }, (_, i) => ({
        code: String(i + 2).padStart(2, '0'),
        name: 'Tharaka-Nithi',
      })),
    ];
    const ctx = { ussdCode: '*384*2020*123#', counties, resumeMinutes: 5 };
    const longName = 'State Department for Public Service and Human Capital Development of the Republic';
    const when = '2026-12-31T20:59:00.000Z';
    const line = (status: (typeof CASE_STATUSES)[number], sealed: boolean): CaseLine => ({
      reference: '88888888888',
      type: 'service_request',
      status,
      agency: sealed ? '' : longName,
      sealed,
      sentAt: when,
      dueAt: when,
    });
    const screens: MenuScreen[] = [
      { kind: 'language', first: true },
      { kind: 'language', first: false },
      { kind: 'main' },
      {
        kind: 'agency',
        page: 0,
        options: [
          { code: null, name: '' },
          ...Array.from({ length: 20 }, () => ({ code: 'X', name: longName })),
        ],
      },
      { kind: 'type', page: 0 },
      { kind: 'description' },
      { kind: 'county', page: 0 },
      { kind: 'confirm' },
      { kind: 'sent', caseId: 'x', reference: '88888888888', resolveBy: when },
      { kind: 'cancelled' },
      { kind: 'track_reference' },
      { kind: 'track_pin', reference: '88888888888' },
      { kind: 'track_locked' },
      { kind: 'no_cases' },
      {
        kind: 'info_home',
        page: 0,
        offices: Array.from({ length: 30 }, (_, i) => ({ id: `${i}`, name: longName })),
      },
      { kind: 'info_search' },
      {
        kind: 'info_topics',
        page: 0,
        topics: Array.from({ length: 30 }, (_, i) => ({ id: `${i}`, title: longName })),
        office: longName,
      },
      {
        kind: 'info_topics',
        page: 0,
        topics: Array.from({ length: 8 }, (_, i) => ({ id: `${i}`, title: longName })),
        words: 'w'.repeat(100),
      },
      { kind: 'info_reading', topicId: 'x', page: 0, screens: ['a'.repeat(150), longName.repeat(4)] },
      { kind: 'info_coming' },
      ...CASE_STATUSES.flatMap((status) => [
        {
          kind: 'track_result' as const,
          case: { reference: '88888888888', status, agency: longName, dueAt: when },
        },
        { kind: 'my_case' as const, case: line(status, false) },
        { kind: 'my_case' as const, case: line(status, true) },
      ]),
      { kind: 'my_cases', page: 0, cases: CASE_STATUSES.map((s) => line(s, false)) },
    ];
    for (const language of ['en', 'sw'] as const) {
      for (const type of CASE_TYPES) {
        const draft = {
          agency: { code: 'X', name: longName },
          type,
          description: 'w'.repeat(300),
          county: '01',
        };
        for (const screen of screens) {
          for (const error of [
            undefined,
            { key: 'reference_check' },
            { key: 'too_long', values: { max: 300 } },
          ]) {
            // Every page of a list, not only the first.
            const pages = 'page' in screen ? 10 : 1;
            for (let page = 0; page < pages; page++) {
              const state: UssdState = {
                language,
                screen: 'page' in screen ? ({ ...screen, page } as MenuScreen) : screen,
                back: [],
                draft,
                ...(error ? { error } : {}),
              };
              const reply = renderScreen(state, ctx);
              assertFits(reply.text, `${language} ${screen.kind} page ${page} ${error?.key ?? ''}`);
            }
          }
        }
      }
    }
  });

  test('every page of every published answer fits, with or without a line saying what was wrong', async () => {
    const texts = await ctx.database.db
      .selectFrom('knowledgeTexts as t')
      .innerJoin('knowledgeArticles as a', 'a.id', 't.articleId')
      .select(['t.articleId', 't.language', 't.ussd'])
      .where('a.status', '=', 'published')
      .execute();
    assert.ok(texts.length >= 100, `only ${texts.length} texts`);
    const menu = { ussdCode: '*384*2020#', counties: [], resumeMinutes: 5 };
    for (const text of texts) {
      for (const [page, words] of text.ussd.entries()) {
        for (const error of [undefined, { key: 'choice' }]) {
          const state: UssdState = {
            language: text.language,
            screen: { kind: 'info_reading', topicId: text.articleId, page, screens: text.ussd },
            back: [],
            draft: {},
            ...(error ? { error } : {}),
          };
          const { end, text: screen } = renderScreen(state, menu);
          assert.equal(end, false);
          assertFits(screen, `${text.articleId} ${text.language} page ${page}`);
          // Without an error line nothing of the answer is cut.
          if (!error) assert.ok(screen.startsWith(`${words}\n`), screen);
        }
      }
    }
  });

  test('the USSD catalogues have the same keys in both languages, all in GSM-7', () => {
    const keys = (value: unknown, prefix = ''): string[] =>
      typeof value === 'object' && value !== null
        ? Object.entries(value).flatMap(([k, v]) => keys(v, `${prefix}${k}.`))
        : [prefix];
    assert.deepEqual(keys(ussdSw), keys(ussdEn));
    const strings = (value: unknown): string[] =>
      typeof value === 'string' ? [value] : Object.values(value as object).flatMap(strings);
    for (const text of [...strings(ussdEn), ...strings(ussdSw)]) {
      assert.deepEqual(nonGsm(text.replace(/\{\{\w+\}\}/g, '')), [], text);
    }
  });
});
