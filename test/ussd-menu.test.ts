import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inputAfter, menuContext } from '../src/channels/ussd/answer-hop.ts';
import type { InformationSource } from '../src/channels/ussd/information-source.ts';
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
 * knowledge base, which does not exist yet, is a small source of topics here, which is what its
 * seam (InformationSource) is for.
 */

const TOPICS = Array.from({ length: 25 }, (_, i) => ({
  id: `t${i + 1}`,
  title: `How to renew permit ${i + 1}`,
}));
const knowledge: InformationSource = {
  topics: async (language) =>
    TOPICS.map((t) => ({ ...t, title: language === 'sw' ? `${t.title} (sw)` : t.title })),
  answer: async (id) =>
    id === 't3' ? 'Renew it at any Huduma Centre with your old permit and ID.' : undefined,
};

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
  { name: 'main, 4: the topics', from: home('en'), input: '4', kind: 'info_topics' },
  {
    name: 'topics, 3: its answer',
    from: at({ kind: 'info_topics', page: 0, topics: TOPICS }),
    input: '3',
    kind: 'info_answer',
    check: (next) =>
      assert.deepEqual(next.screen, {
        kind: 'info_answer',
        text: 'Renew it at any Huduma Centre with your old permit and ID.',
      }),
  },
  {
    name: 'topics, one gone since: coming',
    from: at({ kind: 'info_topics', page: 0, topics: TOPICS }),
    input: '4',
    kind: 'info_coming',
  },
  {
    name: 'topics, 98: page 2',
    from: at({ kind: 'info_topics', page: 0, topics: TOPICS }),
    input: '98',
    kind: 'info_topics',
    check: (next) => assert.equal((next.screen as { page: number }).page, 1),
  },
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

  test("the topics of the knowledge base are listed 98 by 98 in the caller's language", async () => {
    let state = await step(home('sw'), '4', menu, ports);
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

  test("the next hop's input is what follows the stored text and its *, a * in it included", () => {
    assert.equal(inputAfter('', '1'), '1');
    assert.equal(inputAfter('', '1*2'), '1*2');
    assert.equal(inputAfter('1*2', '1*2*Maji*ya bomba'), 'Maji*ya bomba');
    assert.equal(inputAfter('1*2', '1*2*'), '');
    assert.equal(inputAfter('1*2', '1*3*4'), undefined);
    assert.equal(inputAfter('1*2', '1*2'), undefined);
  });
});
