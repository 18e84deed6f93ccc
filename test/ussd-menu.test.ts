import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inputAfter, menuContext } from '../src/channels/ussd/answer-hop.ts';
import {
  type Answer,
  type InformationSource,
  informationComingSoon,
} from '../src/channels/ussd/information-source.ts';
import { type MenuContext, renderScreen } from '../src/channels/ussd/render-screen.ts';
import { home, type MenuPorts, step } from '../src/channels/ussd/ussd-menu.ts';
import { menuPorts, type UssdDeps } from '../src/channels/ussd/ussd-ports.ts';
import type { Screen, UssdState } from '../src/channels/ussd/ussd-state.ts';
import { submissionWriter } from '../src/db/queries/insert-submission.ts';
import { publicCaseReader } from '../src/db/queries/select-public-case.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { freshPhone } from './helpers/ussd.ts';

/*
 * The menu as a function: a state and one input give the next state (ussd-menu.ts), rendered as a
 * screen (render-screen.ts). Tables of cases, on a real database for the lists it reads; the
 * knowledge base is a small fake behind its seam (InformationSource) here, so that the rules of
 * "Information" (an office gone quiet, an answer withdrawn, a search that finds nothing) can be
 * set up exactly; test/ussd.test.ts goes through it with the real articles.
 */

const OFFICES = [
  { id: 'office-imm', name: 'Immigration' },
  { id: 'office-quiet', name: 'KRA' },
];
const TOPICS = Array.from({ length: 25 }, (_, i) => ({
  id: `t${i + 1}`,
  title: `How to renew permit ${i + 1}`,
}));
const ANSWER: Answer = {
  id: 't3',
  slug: 'imm-renew-permit',
  title: 'How to renew permit 3',
  sms: 'Renew it at any Huduma Centre with your old permit and ID.',
  ussd: ['Renew it at any Huduma Centre.', 'Bring your old permit and ID.', 'It takes 7 days.'],
};
/** The readings counted, as recordRead was called. */
const reads: unknown[][] = [];
const knowledge: InformationSource = {
  offices: async () => OFFICES,
  // KRA's answers were all withdrawn after its name was listed.
  topics: async (language, officeId) =>
    officeId === 'office-quiet'
      ? []
      : TOPICS.map((t) => ({ ...t, title: language === 'sw' ? `${t.title} (sw)` : t.title })),
  search: async (words) => (/permit|kibali/i.test(words) ? TOPICS.slice(2, 5) : []),
  answer: async (id) => (id === ANSWER.id ? ANSWER : undefined),
  recordRead: async (...args) => {
    reads.push(args);
  },
};
const INFO_HOME: Screen = { kind: 'info_home', page: 0, offices: OFFICES };
const TOPICS_SCREEN: Screen = { kind: 'info_topics', page: 0, topics: TOPICS, office: 'Immigration' };
const READING = (page: number): Screen => ({
  kind: 'info_reading',
  topicId: 't3',
  page,
  screens: ANSWER.ussd,
});

const at = (screen: Screen, extra: Partial<UssdState> = {}): UssdState => ({
  ...home('en'),
  screen,
  ...extra,
});
const AGENCY: Screen = {
  kind: 'agency',
  page: 0,
  options: [
    { code: null, name: '' },
    { code: 'KRA', name: 'KRA' },
  ],
};
const LINE = {
  reference: '23456789234',
  type: 'complaint' as const,
  status: 'in_progress' as const,
  agency: 'Kenya Revenue Authority',
  sealed: false,
  sentAt: '2026-11-20T08:00:00.000Z',
  dueAt: null,
};

/** From a state, an input; the screen it leads to, its error and, for some, what the draft holds. */
const CASES: {
  name: string;
  from: UssdState;
  input: string;
  kind: Screen['kind'];
  error?: string;
  check?: (next: UssdState) => void;
}[] = [
  { name: 'main, 1: report', from: home('en'), input: '1', kind: 'agency' },
  { name: 'main, 6: not a choice', from: home('en'), input: '6', kind: 'main', error: 'choice' },
  { name: 'main, 0: nowhere back to', from: home('en'), input: '0', kind: 'main', error: 'choice' },
  { name: 'main, 00: stays', from: home('en'), input: '00', kind: 'main' },
  { name: 'main, spaces around: read', from: home('en'), input: ' 2 ', kind: 'track_reference' },
  {
    name: 'first language question, 2: Kiswahili',
    from: at({ kind: 'language', first: true }),
    input: '2',
    kind: 'main',
    check: (next) => assert.equal(next.language, 'sw'),
  },
  {
    name: 'first language question, 0: no way back yet',
    from: at({ kind: 'language', first: true }),
    input: '0',
    kind: 'language',
    error: 'choice',
  },
  {
    name: 'continue: the saved screen and draft',
    from: at({
      kind: 'resume',
      from: 'ATUid_old',
      saved: { screen: { kind: 'description' }, back: [{ kind: 'main' }], draft: { type: 'concern' } },
    }),
    input: '1',
    kind: 'description',
    check: (next) => assert.deepEqual([next.draft, next.back], [{ type: 'concern' }, [{ kind: 'main' }]]),
  },
  {
    name: 'start again: the main menu',
    from: at({
      kind: 'resume',
      from: 'ATUid_old',
      saved: { screen: { kind: 'confirm' }, back: [], draft: {} },
    }),
    input: '2',
    kind: 'main',
  },
  {
    name: "agency, 1: I don't know",
    from: at(AGENCY),
    input: '1',
    kind: 'type',
    check: (next) => assert.deepEqual(next.draft.agency, { code: null, name: '' }),
  },
  { name: 'agency, 98 on the only page', from: at(AGENCY), input: '98', kind: 'agency', error: 'choice' },
  { name: 'agency, 3 of 2', from: at(AGENCY), input: '3', kind: 'agency', error: 'choice' },
  {
    name: 'type, 7: a corruption report',
    from: at({ kind: 'type', page: 0 }),
    input: '7',
    kind: 'description',
    check: (next) => assert.equal(next.draft.type, 'corruption_report'),
  },
  { name: 'type, 8 of 7', from: at({ kind: 'type', page: 0 }), input: '8', kind: 'type', error: 'choice' },
  {
    name: 'type, 0: back',
    from: at({ kind: 'type', page: 0 }, { back: [AGENCY] }),
    input: '0',
    kind: 'agency',
  },
  {
    name: 'description, 4 letters',
    from: at({ kind: 'description' }),
    input: 'abcd',
    kind: 'description',
    error: 'too_short',
  },
  { name: 'description, 5 letters', from: at({ kind: 'description' }), input: 'abcde', kind: 'county' },
  { name: 'description, 00', from: at({ kind: 'description' }), input: '00', kind: 'main' },
  {
    name: 'county, 98: the next page',
    from: at({ kind: 'county', page: 0 }),
    input: '98',
    kind: 'county',
    check: (next) =>
      assert.deepEqual(
        [next.screen, next.back],
        [{ kind: 'county', page: 1 }, [{ kind: 'county', page: 0 }]],
      ),
  },
  {
    name: 'county, 47: Nairobi City, by its code',
    from: at({ kind: 'county', page: 0 }),
    input: '47',
    kind: 'confirm',
    check: (next) => assert.equal(next.draft.county, '47'),
  },
  {
    name: 'county, 0 with nothing behind it: the main menu',
    from: at({ kind: 'county', page: 0 }),
    input: '0',
    kind: 'main',
  },
  { name: 'confirm, 2: cancel', from: at({ kind: 'confirm' }), input: '2', kind: 'cancelled' },
  {
    name: 'confirm, 1 without a draft: to the menu',
    from: at({ kind: 'confirm' }),
    input: '1',
    kind: 'main',
  },
  {
    name: 'track, 10 digits',
    from: at({ kind: 'track_reference' }),
    input: '2345678923',
    kind: 'track_reference',
    error: 'reference_length',
  },
  {
    name: 'track, words',
    from: at({ kind: 'track_reference' }),
    input: 'my case',
    kind: 'track_reference',
    error: 'reference_digits',
  },
  {
    name: 'PIN, 5 digits',
    from: at({ kind: 'track_pin', reference: '23456789234' }),
    input: '12345',
    kind: 'track_pin',
    error: 'pin_format',
  },
  {
    name: "a case's details, 1",
    from: at({ kind: 'my_case', case: LINE }),
    input: '1',
    kind: 'my_case',
    error: 'choice',
  },
  {
    name: "a case's details, 0: the list",
    from: at({ kind: 'my_case', case: LINE }, { back: [{ kind: 'my_cases', page: 0, cases: [LINE] }] }),
    input: '0',
    kind: 'my_cases',
  },
  {
    name: 'main, 4: search, then the offices with answers',
    from: home('en'),
    input: '4',
    kind: 'info_home',
    check: (next) => assert.deepEqual(next.screen, INFO_HOME),
  },
  {
    name: 'information, 1: search by words',
    from: at(INFO_HOME),
    input: '1',
    kind: 'info_search',
  },
  {
    name: "information, 2: the office's questions",
    from: at(INFO_HOME),
    input: '2',
    kind: 'info_topics',
    check: (next) => assert.deepEqual(next.screen, TOPICS_SCREEN),
  },
  {
    name: 'information, an office with no answers any more',
    from: at(INFO_HOME),
    input: '3',
    kind: 'info_home',
    error: 'info_gone',
  },
  {
    name: 'information, 4 of 3',
    from: at(INFO_HOME),
    input: '4',
    kind: 'info_home',
    error: 'choice',
  },
  {
    name: 'search, words that match: the answers found, with the words',
    from: at({ kind: 'info_search' }),
    input: ' renew permit ',
    kind: 'info_topics',
    check: (next) =>
      assert.deepEqual(next.screen, {
        kind: 'info_topics',
        page: 0,
        topics: TOPICS.slice(2, 5),
        words: 'renew permit',
      }),
  },
  {
    name: 'search, words that match nothing',
    from: at({ kind: 'info_search' }),
    input: 'visa',
    kind: 'info_search',
    error: 'no_match',
  },
  {
    name: 'search, no words',
    from: at({ kind: 'info_search' }),
    input: '',
    kind: 'info_search',
    error: 'no_match',
  },
  {
    name: 'search, 0: back',
    from: at({ kind: 'info_search' }, { back: [INFO_HOME] }),
    input: '0',
    kind: 'info_home',
  },
  {
    name: 'questions, 3: the first screen of its answer',
    from: at(TOPICS_SCREEN),
    input: '3',
    kind: 'info_reading',
    check: (next) => assert.deepEqual([next.screen, next.back], [READING(0), [TOPICS_SCREEN]]),
  },
  {
    name: 'questions, one withdrawn since: the list again, saying so',
    from: at(TOPICS_SCREEN),
    input: '4',
    kind: 'info_topics',
    error: 'info_gone',
  },
  {
    name: 'questions, 98: page 2',
    from: at(TOPICS_SCREEN),
    input: '98',
    kind: 'info_topics',
    check: (next) => assert.equal((next.screen as { page: number }).page, 1),
  },
  {
    name: 'answer, 98: its next screen',
    from: at(READING(0), { back: [TOPICS_SCREEN] }),
    input: '98',
    kind: 'info_reading',
    check: (next) => assert.deepEqual([next.screen, next.back], [READING(1), [TOPICS_SCREEN, READING(0)]]),
  },
  {
    name: 'answer, 98 on its last screen',
    from: at(READING(2)),
    input: '98',
    kind: 'info_reading',
    error: 'choice',
  },
  { name: 'answer, 1', from: at(READING(0)), input: '1', kind: 'info_reading', error: 'choice' },
  {
    name: 'answer, 0: back to the questions',
    from: at(READING(0), { back: [TOPICS_SCREEN] }),
    input: '0',
    kind: 'info_topics',
  },
  { name: 'answer, 00: the main menu', from: at(READING(1)), input: '00', kind: 'main' },
  {
    name: 'an END screen takes nothing more',
    from: at({ kind: 'cancelled' }),
    input: '1',
    kind: 'cancelled',
  },
];

describe('the USSD menu, one input at a time', () => {
  let ctx: TestContext;
  let menu: MenuContext;
  let ports: MenuPorts;

  before(async () => {
    ctx = await createTestContext();
    const { db } = ctx.database;
    const deps: UssdDeps = {
      db,
      submissions: submissionWriter(db),
      cases: publicCaseReader(db),
      reference: ctx.reference,
      secrets: ctx.secrets,
      triage: ctx.triage,
      sla: ctx.sla,
      now: () => ctx.clock.now,
      information: knowledge,
      ussdCode: '*384*2020#',
      messenger: ctx.messenger,
      publicUrl: 'https://baraza.example',
    };
    menu = menuContext(deps);
    ports = menuPorts(deps, { phone: freshPhone(), sessionId: 'ATUid_menu_test' });
  });
  after(() => ctx.close());

  for (const c of CASES) {
    test(c.name, async () => {
      const next = await step(c.from, c.input, menu, ports);
      assert.equal(next.screen.kind, c.kind);
      assert.equal(next.error?.key, c.error);
      c.check?.(next);
      assert.ok(renderScreen(next, menu).text.length <= 182);
    });
  }

  test("an office's questions are listed 98 by 98 in the caller's language", async () => {
    let state = await step(await step(home('sw'), '4', menu, ports), '2', menu, ports);
    const titles: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { text } = renderScreen(state, menu);
      assert.ok(text.length <= 182, text);
      titles.push(...[...text.matchAll(/^\d+\. (How to .*)$/gm)].map((m) => m[1] ?? ''));
      if (!text.includes('\n98. Zaidi\n')) break;
      state = await step(state, '98', menu, ports);
    }
    assert.deepEqual(
      titles,
      TOPICS.map((t) => `${t.title} (sw)`),
    );
  });

  test('an answer opened is counted as read once, with the words that found it', async () => {
    reads.length = 0;
    let state = await step(home('sw'), '4', menu, ports);
    for (const input of ['1', 'kibali', '1', '98', '0', '0']) state = await step(state, input, menu, ports);
    assert.equal(state.screen.kind, 'info_topics');
    assert.deepEqual(reads, [['t3', 'ussd', 'sw', 'kibali']]);
    // Through an office's questions, no words.
    for (const input of ['0', '0', '2', '3']) state = await step(state, input, menu, ports);
    assert.deepEqual(reads.at(-1), ['t3', 'ussd', 'sw', undefined]);
  });

  test('with no answers in the knowledge base, Information says that they are coming, and ends', async () => {
    const next = await step(home('en'), '4', menu, { ...ports, information: informationComingSoon });
    assert.equal(next.screen.kind, 'info_coming');
    assert.deepEqual(renderScreen(next, menu), {
      end: true,
      text: 'Answers to common questions are coming soon. To ask a question now, dial *384*2020#, choose 1 (Report a problem), then Question.',
    });
  });

  test("the next hop's input is what follows the stored text and its *, a * in it included", () => {
    assert.equal(inputAfter('', '1'), '1');
    assert.equal(inputAfter('', '1*2'), '1*2');
    assert.equal(inputAfter('1*2', '1*2*Maji*ya bomba'), 'Maji*ya bomba');
    assert.equal(inputAfter('1*2', '1*2*'), '');
    assert.equal(inputAfter('1*2', '1*3*4'), undefined);
    assert.equal(inputAfter('1*2', '1*2'), undefined);
  });
});
