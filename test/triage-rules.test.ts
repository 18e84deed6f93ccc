import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideTriage, OTHER, type TriageContext } from '../src/core/triage/decide-triage.ts';
import { DEFAULT_RULES } from '../src/core/triage/default-rules.ts';
import { describeReasons } from '../src/core/triage/describe-reasons.ts';
import { RuleSet, type TriageRule } from '../src/core/triage/match-rules.ts';
import { loadShippedModel } from '../src/core/triage/shipped-model.ts';

/*
 * Rules first, the classifier for what no rule decides, then routing: tested on the shipped model
 * and the default rules, as a fresh installation triages.
 */
const model = loadShippedModel();
const PILOTS = new Set(['KRA', 'DIS', 'BRS', 'NPS', 'MOH']);
const context = (overrides: Partial<TriageContext> = {}): TriageContext => ({
  model,
  rules: new RuleSet(DEFAULT_RULES),
  clearingThreshold: 0.45,
  isOnboarded: (code) => PILOTS.has(code),
  ...overrides,
});
const english = (d: { reasons: Parameters<typeof describeReasons>[0] }) => describeReasons(d.reasons, 'en');
const decide = (text: string, overrides: Partial<TriageContext> = {}, input = {}) =>
  decideTriage(context(overrides), { text, ...input });

describe('the default rules', () => {
  for (const text of [
    'The officer at the counter asked me for a bribe of 5,000 before he would stamp my form',
    'Walitaka hongo ndio wanipe pasipoti yangu',
    'askari alisema nitoe kitu kidogo ama nilale ndani',
    'Kuna rushwa kubwa kwenye ofisi ya ushuru Mombasa',
  ]) {
    test(`bribery words route to sealed oversight handling: "${text.slice(0, 40)}…"`, () => {
      const d = decide(text);
      assert.equal(d.route.code, 'EACC');
      assert.equal(d.route.sealed, true);
      assert.equal(d.type.value, 'corruption_report');
      assert.equal(d.type.source, 'rule');
      assert.ok(
        english(d).some((r) => r.includes('Bribery and corruption')),
        english(d).join(' | '),
      );
    });
  }

  for (const [text, rule] of [
    ['My neighbour is threatening to kill my family with a panga tonight', 'threat-to-life'],
    ['Wananipiga kila siku na mume wangu, naomba msaada', 'threat-to-life'],
    ['A child is missing since morning near Kibera school, please help', 'child-at-risk'],
    ['My mother is unconscious and the ambulance has not come for two hours', 'medical-emergency'],
    ['Mke wangu yuko na uchungu wa kuzaa na hospitali imefungwa', 'medical-emergency'],
    ['My brother has been detained without charge at the station for four days', 'liberty'],
    ['There is a live wire lying across the road at the market', 'hazard'],
  ] as const) {
    test(`"${text.slice(0, 45)}…" is urgent and P1 by the ${rule} rule`, () => {
      const d = decide(text);
      assert.equal(d.urgent.value, true);
      assert.equal(d.priority.value, 'P1');
      assert.ok(
        d.rules.some((r) => r.id === rule),
        `matched ${d.rules.map((r) => r.id).join(', ')}`,
      );
    });
  }

  test('a keyword matches whole words only: "gunia" (a sack) is not "gun"', () => {
    const d = decide('Nilinunua gunia ya mahindi lakini ushuru wa soko ni mwingi');
    assert.ok(!d.rules.some((r) => r.id === 'threat-to-life'));
  });

  test('a loose "urgent" about a delay matches no rule: the classifier weighs it in context', () => {
    const d = decide('URGENT!!! my tax refund has been delayed for 6 months, please process it');
    assert.deepEqual(d.rules, []);
    assert.equal(d.urgent.source, 'model');
  });
});

describe('rules as administrators write them', () => {
  const rule = (overrides: Partial<TriageRule>): TriageRule => ({
    id: 'r',
    name: 'test rule',
    enabled: true,
    conditions: {},
    actions: {},
    ...overrides,
  });

  test('the first rule to decide something decides it; later rules add only what is still open', () => {
    const rules = new RuleSet([
      rule({ id: 'a', name: 'A', conditions: { keywords: ['borehole'] }, actions: { agency: 'MOH' } }),
      rule({
        id: 'b',
        name: 'B',
        conditions: { keywords: ['borehole'] },
        actions: { agency: 'KRA', priority: 'P2' },
      }),
    ]);
    const outcome = rules.apply({ text: 'The borehole in our village is dry' });
    assert.equal(outcome.actions.agency, 'MOH');
    assert.equal(outcome.actions.priority, 'P2');
    assert.equal(outcome.decidedBy.agency?.ruleId, 'a');
    assert.equal(outcome.decidedBy.priority?.ruleId, 'b');
  });

  test('a disabled rule does nothing', () => {
    const rules = new RuleSet([
      rule({ enabled: false, conditions: { keywords: ['borehole'] }, actions: { agency: 'MOH' } }),
    ]);
    assert.equal(rules.apply({ text: 'borehole' }).actions.agency, undefined);
  });

  test('"all" needs every keyword; a trailing * matches any ending', () => {
    const rules = new RuleSet([
      rule({
        conditions: { keywords: ['water', 'bill*'], keywordsMatch: 'all' },
        actions: { priority: 'P2' },
      }),
    ]);
    assert.equal(rules.apply({ text: 'My water billing is wrong' }).actions.priority, 'P2');
    assert.equal(rules.apply({ text: 'My water is dirty' }).actions.priority, undefined);
  });

  test('channel, county, type and service conditions must all hold', () => {
    const rules = new RuleSet([
      rule({
        conditions: { channels: ['sms'], counties: ['47'], types: ['complaint'] },
        actions: { queue: 'supervisor' },
      }),
    ]);
    assert.equal(
      rules.apply({ text: 'x', channel: 'sms', county: '47', type: 'complaint' }).actions.queue,
      'supervisor',
    );
    assert.equal(
      rules.apply({ text: 'x', channel: 'web', county: '47', type: 'complaint' }).actions.queue,
      undefined,
    );
    const byService = new RuleSet([
      rule({ conditions: { services: ['KRA/paye'] }, actions: { priority: 'P2' } }),
    ]);
    assert.equal(byService.apply({ text: 'x', service: 'KRA/paye' }).actions.priority, 'P2');
    assert.equal(byService.apply({ text: 'x', service: 'KRA/vat' }).actions.priority, undefined);
  });

  test('a rule that names an agency routes there, whatever the classifier thinks', () => {
    const rules = new RuleSet([
      rule({ name: 'Passports to BRS', conditions: { keywords: ['passport'] }, actions: { agency: 'BRS' } }),
    ]);
    const d = decide('My passport application is delayed', { rules });
    assert.equal(d.agency.code, 'BRS');
    assert.equal(d.agency.source, 'rule');
    assert.equal(d.route.code, 'BRS');
    assert.ok(english(d).some((r) => r.includes('Passports to BRS')));
  });
});

describe('the classifier and the clearing house', () => {
  test('a clear message goes to its agency, with the words that weighed most as the reason', () => {
    const d = decide('I cannot file my nil returns on iTax, the KRA PIN shows an error');
    assert.equal(d.agency.code, 'KRA');
    assert.equal(d.agency.source, 'model');
    assert.equal(d.route.code, 'KRA');
    assert.match(english(d).join(' '), /weighed most: /);
    assert.equal(d.modelVersion, model.info.version);
    assert.equal(d.suggestions.length, 3);
  });

  test('below the threshold a case goes to the clearing house with the top three suggestions', () => {
    const text = 'I cannot file my nil returns on iTax, the KRA PIN shows an error';
    const confident = decide(text);
    const cautious = decide(text, { clearingThreshold: Math.min(1, confident.agency.confidence + 0.01) });
    assert.equal(cautious.route.code, 'CLR');
    assert.equal(cautious.route.why, 'low_confidence');
    assert.equal(cautious.suggestions[0]?.code, 'KRA');
    assert.ok(english(cautious).some((r) => r.includes('below')));
  });

  test('a case for no agency on Baraza goes to the clearing house', () => {
    const d = decide(
      'The county has not collected garbage in our estate for a month and the potholes on the road are huge',
    );
    assert.equal(d.agency.code, OTHER);
    assert.equal(d.route.code, 'CLR');
    assert.equal(d.route.why, 'not_onboarded');
  });

  test('the best agency not being onboarded sends the case to the clearing house', () => {
    const d = decide('My passport renewal is delayed at Nyayo House', {
      isOnboarded: (code) => code === 'KRA',
    });
    assert.equal(d.agency.code, 'DIS');
    assert.equal(d.route.code, 'CLR');
    assert.equal(d.route.why, 'not_onboarded');
  });

  test('the citizen’s choice of agency is kept, the prediction is still recorded', () => {
    const d = decide('My passport renewal is delayed at Nyayo House', {}, { agencyCode: 'KRA' });
    assert.equal(d.route.code, 'KRA');
    assert.equal(d.agency.source, 'citizen');
    assert.equal(d.suggestions[0]?.code, 'DIS');
  });

  test('the type is predicted when the citizen did not choose one, and kept when they did', () => {
    assert.equal(
      decide('Asanteni sana, nilipata pasipoti yangu haraka. Huduma nzuri!').type.value,
      'compliment',
    );
    const chosen = decide('Asanteni sana, nilipata pasipoti yangu haraka', {}, { type: 'inquiry' });
    assert.equal(chosen.type.value, 'inquiry');
    assert.equal(chosen.type.source, 'citizen');
  });

  test('reasons read in Kiswahili for a Kiswahili-speaking officer', () => {
    const d = decide('I cannot file my nil returns on iTax, the KRA PIN shows an error');
    assert.match(
      describeReasons(d.reasons, 'sw').join(' '),
      /Taasisi: KRA kwa uhakika wa \d+%; maneno yenye uzito zaidi: /,
    );
  });

  test('the language is recognised: English, Kiswahili or mixed', () => {
    assert.equal(decide('My passport application has been pending for three months').language.value, 'en');
    assert.equal(decide('Nimesubiri pasipoti yangu kwa miezi mitatu bila jibu lolote').language.value, 'sw');
  });
});
