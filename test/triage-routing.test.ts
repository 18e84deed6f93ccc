import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../src/core/events/append-events.ts';
import { startRetraining } from '../src/core/triage/manage-models.ts';
import { createTestContext, type SignedInStaff, signedInStaff, type TestContext } from './helpers/context.ts';
import { asStaff, enrolTotp, submitCase } from './helpers/factories.ts';

/*
 * Triage in a running Baraza: every new case is triaged and routed, the clearing house routes
 * what triage could not, officers' decisions become training examples, and administrators change
 * rules, the threshold and the active model.
 */
let ctx: TestContext;
let clearing: SignedInStaff;
let kraOfficer: SignedInStaff;
let disOfficer: SignedInStaff;
let sysadmin: SignedInStaff;

before(async () => {
  ctx = await createTestContext();
  clearing = await signedInStaff(ctx, 'clearing_house', 'CLR');
  kraOfficer = await signedInStaff(ctx, 'officer', 'KRA');
  disOfficer = await signedInStaff(ctx, 'officer', 'DIS');
  sysadmin = await signedInStaff(ctx, 'sysadmin');
  await enrolTotp(ctx, sysadmin.cookie);
});
after(() => ctx.close());

const admin = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object, who = sysadmin) =>
  ctx.app.inject({ method, url, headers: { cookie: who.cookie }, ...(payload ? { payload } : {}) });

const triageOf = async (reference: string, who: SignedInStaff) => {
  const response = await asStaff(ctx, who.cookie, 'GET', `/api/v1/staff/cases/${reference}/triage`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
};

const examples = () =>
  ctx.database.db.selectFrom('triageExamples').select(['caseId', 'agencyCode', 'source']).execute();

describe('triage on submission', () => {
  test('a case without an agency or a type is triaged: agency, type, priority and language decided and stored', async () => {
    const kase = await submitCase(ctx, {
      type: undefined,
      agencyCode: undefined,
      description: 'Nimejaribu kufile nil returns kwa iTax lakini PIN yangu inasema error kila saa',
    });
    assert.equal(kase.agency.code, 'KRA');
    const triage = await triageOf(kase.reference, kraOfficer);
    assert.equal(triage.decision.agency.code, 'KRA');
    assert.equal(triage.decision.agency.source, 'model');
    assert.equal(triage.decision.route.why, 'model');
    assert.ok(triage.decision.type.value);
    assert.equal(triage.decision.language.value !== undefined, true);
    assert.match(triage.modelVersion, /^shipped-/);
    assert.ok(triage.reasons.length > 0);
    assert.match(triage.reasons.join(' '), /Agency: KRA at \d+%/);
  });

  test('the service is recognised and set on the case when triage is sure of it', async () => {
    const kase = await submitCase(ctx, {
      type: undefined,
      agencyCode: undefined,
      description:
        'I lost my passport in Mombasa and need a replacement, what documents do I bring to Nyayo House?',
    });
    assert.equal(kase.agency.code, 'DIS');
    const triage = await triageOf(kase.reference, disOfficer);
    assert.equal(triage.decision.service.code, 'DIS/passport-replacement');
    const row = await ctx.database.db
      .selectFrom('cases as c')
      .innerJoin('services as s', 's.id', 'c.serviceId')
      .select('s.code')
      .where('c.reference', '=', kase.reference)
      .executeTakeFirstOrThrow();
    assert.equal(row.code, 'passport-replacement');
  });

  test('a corruption report goes to the oversight body sealed, whatever type the citizen chose', async () => {
    const kase = await submitCase(ctx, {
      type: 'complaint',
      agencyCode: undefined,
      description: 'The customs officer at the port said I must pay hongo of 20,000 to release my container',
    });
    assert.equal(kase.agency.code, 'EACC');
    const row = await ctx.database.db
      .selectFrom('cases')
      .select(['type', 'sealed', 'priority'])
      .where('reference', '=', kase.reference)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { type: 'corruption_report', sealed: true, priority: 'P2' });
  });

  test('a threat to life is P1 from the moment it arrives', async () => {
    const kase = await submitCase(ctx, {
      agencyCode: undefined,
      description: 'Majambazi wamevamia kijiji chetu usiku na wanatishia kuua watu, polisi hawajafika',
    });
    const row = await ctx.database.db
      .selectFrom('cases')
      .select('priority')
      .where('reference', '=', kase.reference)
      .executeTakeFirstOrThrow();
    assert.equal(row.priority, 'P1');
  });

  test('a case for no agency on Baraza goes to the clearing house with suggestions, including agencies to refer to', async () => {
    const kase = await submitCase(ctx, {
      agencyCode: undefined,
      description:
        'I applied for a driving licence renewal two months ago and the smart DL has not been issued',
    });
    assert.equal(kase.agency.code, 'CLR');
    const triage = await triageOf(kase.reference, clearing);
    assert.equal(triage.decision.route.code, 'CLR');
    assert.equal(triage.suggestions.length, 3);
    assert.ok(triage.directory.length > 0);
    assert.ok(
      triage.directory.some((d: { name: string }) => /transport|ntsa/i.test(d.name)),
      JSON.stringify(triage.directory),
    );
  });

  test('staff of another agency cannot read a case’s triage', async () => {
    const kase = await submitCase(ctx, { agencyCode: 'DIS' });
    const response = await asStaff(
      ctx,
      kraOfficer.cookie,
      'GET',
      `/api/v1/staff/cases/${kase.reference}/triage`,
    );
    assert.equal(response.statusCode, 404);
  });
});

describe('the clearing house routes, and every routing teaches', () => {
  test('one action routes a clearing-house case; it is not a transfer, and it becomes a training example', async () => {
    const kase = await submitCase(ctx, {
      agencyCode: 'CLR',
      description: 'Nobody is answering about my application',
    });
    assert.equal(kase.agency.code, 'CLR');
    const routed = await asStaff(
      ctx,
      clearing.cookie,
      'POST',
      `/api/v1/staff/cases/${kase.reference}/route`,
      {
        agencyCode: 'DIS',
        reason: 'It is about a passport application',
      },
    );
    assert.equal(routed.statusCode, 200, routed.body);
    const row = await ctx.database.db
      .selectFrom('cases as c')
      .innerJoin('agencies as a', 'a.id', 'c.agencyId')
      .select(['a.code', 'c.transferCount', 'c.status', 'c.id'])
      .where('c.reference', '=', kase.reference)
      .executeTakeFirstOrThrow();
    assert.equal(row.code, 'DIS');
    assert.equal(row.transferCount, 0);
    assert.ok(
      (await examples()).some((e) => e.caseId === row.id && e.agencyCode === 'DIS' && e.source === 'routing'),
    );
    // The citizen sees where it went.
    const tracked = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${kase.reference}`,
      headers: { 'x-tracking-pin': kase.pin },
    });
    assert.ok(
      tracked.json().timeline.some((t: { kind: string }) => t.kind === 'case.routed'),
      tracked.body,
    );
  });

  test('routing to an agency not on Baraza is refused: such a case is referred', async () => {
    const kase = await submitCase(ctx, {
      agencyCode: 'CLR',
      description: 'Question about something unclear',
    });
    const response = await asStaff(
      ctx,
      clearing.cookie,
      'POST',
      `/api/v1/staff/cases/${kase.reference}/route`,
      {
        agencyCode: 'NOPE',
      },
    );
    assert.equal(response.statusCode, 400);
  });

  test('only the clearing house routes its cases', async () => {
    const kase = await submitCase(ctx, {
      agencyCode: 'CLR',
      description: 'Question about something unclear',
    });
    const response = await asStaff(
      ctx,
      kraOfficer.cookie,
      'POST',
      `/api/v1/staff/cases/${kase.reference}/route`,
      {
        agencyCode: 'KRA',
      },
    );
    assert.equal(response.statusCode, 404);
  });

  test('a transfer between agencies keeps its reason and becomes a training example', async () => {
    const kase = await submitCase(ctx, { agencyCode: 'DIS', description: 'My tax refund has not been paid' });
    const response = await asStaff(
      ctx,
      disOfficer.cookie,
      'POST',
      `/api/v1/staff/cases/${kase.reference}/transfer`,
      {
        agencyCode: 'KRA',
        reason: 'Tax refunds are KRA',
      },
    );
    assert.equal(response.statusCode, 200, response.body);
    const id = (
      await ctx.database.db
        .selectFrom('cases')
        .select('id')
        .where('reference', '=', kase.reference)
        .executeTakeFirstOrThrow()
    ).id;
    assert.ok(
      (await examples()).some((e) => e.caseId === id && e.agencyCode === 'KRA' && e.source === 'transfer'),
    );
  });
});

describe('administering triage', () => {
  test('a rule an administrator adds routes the next case; deleting it stops that', async () => {
    const put = await admin('PUT', '/api/v1/admin/triage/rules/boreholes-to-moh', {
      name: 'Boreholes are a public-health matter here',
      conditions: { keywords: ['borehole*'] },
      actions: { agency: 'MOH', priority: 'P2' },
    });
    assert.equal(put.statusCode, 200, put.body);
    const routed = await submitCase(ctx, {
      agencyCode: undefined,
      description: 'The borehole water in our village smells bad',
    });
    assert.equal(routed.agency.code, 'MOH');
    const triage = await triageOf(routed.reference, await signedInStaff(ctx, 'officer', 'MOH'));
    assert.ok(triage.reasons.some((r: string) => r.includes('Boreholes are a public-health matter here')));

    assert.equal((await admin('DELETE', '/api/v1/admin/triage/rules/boreholes-to-moh')).statusCode, 204);
    const after = await submitCase(ctx, {
      agencyCode: undefined,
      description: 'The borehole water in our village smells bad',
    });
    assert.notEqual(after.agency.code, 'MOH');
  });

  test('rules come out of the box and can be reordered', async () => {
    const list = await admin('GET', '/api/v1/admin/triage/rules');
    assert.equal(list.statusCode, 200);
    const ids = list.json().rules.map((r: { id: string }) => r.id);
    assert.ok(ids.includes('corruption-sealed') && ids.includes('medical-emergency'));
    const reordered = await admin('PUT', '/api/v1/admin/triage/rule-order', { ids: [...ids].reverse() });
    assert.equal(reordered.statusCode, 200, reordered.body);
    assert.deepEqual(
      reordered.json().rules.map((r: { id: string }) => r.id),
      [...ids].reverse(),
    );
    const incomplete = await admin('PUT', '/api/v1/admin/triage/rule-order', { ids: ids.slice(1) });
    assert.equal(incomplete.statusCode, 400);
  });

  test('a rule with problems is refused with every problem named', async () => {
    const response = await admin('PUT', '/api/v1/admin/triage/rules/bad', {
      name: 'Bad',
      conditions: { keywords: ['!!!'], services: ['KRA/nonsense'], counties: ['Atlantis'] },
      actions: { agency: 'XYZ' },
    });
    assert.equal(response.statusCode, 400);
    const fields = response.json().error.details.map((d: { field: string }) => d.field);
    for (const field of [
      'conditions.keywords',
      'conditions.services',
      'conditions.counties',
      'actions.agency',
    ])
      assert.ok(fields.includes(field), fields.join());
  });

  test('raising the clearing-house threshold sends a case the model is unsure of to the clearing house', async () => {
    assert.equal((await admin('PUT', '/api/v1/admin/triage/threshold', { threshold: 1 })).statusCode, 200);
    const kase = await submitCase(ctx, {
      agencyCode: undefined,
      description: 'My passport renewal has been delayed at Nyayo House',
    });
    assert.equal(kase.agency.code, 'CLR');
    const triage = await triageOf(kase.reference, clearing);
    assert.equal(triage.decision.route.why, 'low_confidence');
    assert.equal(triage.suggestions[0].code, 'DIS');
    assert.equal(triage.suggestions[0].onboarded, true);
    assert.equal((await admin('PUT', '/api/v1/admin/triage/threshold', { threshold: 0.45 })).statusCode, 200);
  });

  test('officers, agency staff and API keys cannot change triage', async () => {
    for (const who of [kraOfficer, clearing, await signedInStaff(ctx, 'supervisor', 'KRA')]) {
      const response = await admin('PUT', '/api/v1/admin/triage/threshold', { threshold: 0.1 }, who);
      assert.equal(response.statusCode, 403, `${who.role} of ${who.agencyCode}`);
    }
    const clearingSupervisor = await signedInStaff(ctx, 'supervisor', 'CLR');
    assert.equal(
      (await admin('GET', '/api/v1/admin/triage/rules', undefined, clearingSupervisor)).statusCode,
      200,
    );
  });

  test('officers teach the classifier: cases they route become examples, and the retrained version routes the next one itself', async () => {
    // "Zorblat" is an invented service the corpus never mentions; officers say it is MOH's.
    const text = (n: number) =>
      `The zorblat office in Kitui has not replied to my letter number ${n} about the zorblat`;
    const before = ctx.triage.decide({ text: text(0) });
    assert.notEqual(before.route.code, 'MOH', 'the shipped model must not already know this');
    for (let n = 1; n <= 6; n++) {
      const kase = await submitCase(ctx, { agencyCode: 'CLR', description: text(n) });
      const routed = await asStaff(
        ctx,
        clearing.cookie,
        'POST',
        `/api/v1/staff/cases/${kase.reference}/route`,
        {
          agencyCode: 'MOH',
        },
      );
      assert.equal(routed.statusCode, 200, routed.body);
    }
    const started = await admin('POST', '/api/v1/admin/triage/models');
    assert.equal(started.statusCode, 202, started.body);
    const { version } = started.json();
    let model:
      | { status: string; evaluation: { heads: { head: string; accuracy: number }[] } | null }
      | undefined;
    for (let i = 0; i < 600; i++) {
      model = (await admin('GET', `/api/v1/admin/triage/models/${version}`)).json();
      if (model?.status !== 'training') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(model?.status, 'ready');
    assert.ok((model?.evaluation?.heads.find((h) => h.head === 'agency')?.accuracy ?? 0) > 0.5);

    const models = (await admin('GET', '/api/v1/admin/triage/models')).json().models;
    assert.equal(models.find((m: { active: boolean }) => m.active).source, 'shipped');
    const activated = await admin('POST', `/api/v1/admin/triage/models/${version}/activate`);
    assert.equal(activated.statusCode, 200, activated.body);
    const kase = await submitCase(ctx, {
      agencyCode: undefined,
      description: 'My KRA PIN is not working on iTax',
    });
    assert.equal((await triageOf(kase.reference, kraOfficer)).modelVersion, version);
    const learned = await submitCase(ctx, { agencyCode: undefined, type: undefined, description: text(99) });
    assert.equal(learned.agency.code, 'MOH');
  });

  test('a second retraining while one runs is refused', async () => {
    const first = await startRetraining(
      { db: ctx.database.db, now: () => new Date(ctx.clock.now.getTime() + 60_000), triage: ctx.triage },
      SYSTEM_ACTOR,
    );
    const second = await admin('POST', '/api/v1/admin/triage/models');
    assert.equal(second.statusCode, 409);
    await first.finished;
  });
});
