import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { consoleClient } from './helpers/console.ts';
import { createTestContext, type SignedInStaff, signedInStaff, type TestContext } from './helpers/context.ts';
import { enrolTotp, submitCase } from './helpers/factories.ts';

/*
 * Supervision, bulk actions and administration in the console over HTTP: who may reach each page,
 * and that each form does what it says.
 */
describe('console supervision and administration', () => {
  let ctx: TestContext;
  let disAdmin: SignedInStaff;
  let kraAdmin: SignedInStaff;
  let sysadmin: SignedInStaff;
  before(async () => {
    ctx = await createTestContext();
    disAdmin = await signedInStaff(ctx, 'agency_admin', 'DIS');
    kraAdmin = await signedInStaff(ctx, 'agency_admin', 'KRA');
    sysadmin = await signedInStaff(ctx, 'sysadmin');
    for (const admin of [disAdmin, kraAdmin, sysadmin]) await enrolTotp(ctx, admin.cookie);
  });
  after(() => ctx.close());

  const { page, post } = consoleClient(() => ctx);
  const assigneeOf = async (reference: string) =>
    (
      await ctx.database.db
        .selectFrom('cases')
        .select('assigneeId')
        .where('reference', '=', reference)
        .executeTakeFirstOrThrow()
    ).assigneeId;

  test("a supervisor sees the team's load and gives an absent officer's cases to a colleague", async () => {
    const supervisor = await signedInStaff(ctx, 'supervisor', 'DIS');
    const away = await signedInStaff(ctx, 'officer', 'DIS');
    const cover = await signedInStaff(ctx, 'officer', 'DIS');
    const cases = [await submitCase(ctx), await submitCase(ctx)];
    for (const kase of cases) await post(`/console/cases/${kase.reference}/claim`, {}, away.cookie);
    const team = await page('/console/team', supervisor.cookie);
    assert.equal(team.statusCode, 200);
    assert.match(team.body, /officer of DIS/);
    assert.match(team.body, /Quality review/);
    const moved = await post(
      '/console/team/reassign',
      { fromUserId: away.id, toUserId: cover.id },
      supervisor.cookie,
    );
    assert.equal(moved.statusCode, 303);
    assert.match(moved.headers.location as string, /done=2&refused=0/);
    for (const kase of cases) assert.equal(await assigneeOf(kase.reference), cover.id);
    const same = await post(
      '/console/team/reassign',
      { fromUserId: cover.id, toUserId: cover.id },
      supervisor.cookie,
    );
    assert.equal(same.statusCode, 400);
    assert.match(same.body, /Choose someone else to give the cases to/);
    // An officer has no team page, and a supervisor of KRA cannot move DIS people's cases.
    assert.equal((await page('/console/team', away.cookie)).statusCode, 403);
    const kraSupervisor = await signedInStaff(ctx, 'supervisor', 'KRA');
    const sneaky = await post(
      '/console/team/reassign',
      { fromUserId: cover.id, toUserId: away.id },
      kraSupervisor.cookie,
    );
    assert.match(sneaky.headers.location as string, /done=0&refused=0/);
    for (const kase of cases) assert.equal(await assigneeOf(kase.reference), cover.id);
  });

  test("bulk claim from the queue takes the chosen cases and refuses another agency's", async () => {
    const officer = await signedInStaff(ctx, 'officer', 'DIS');
    const mine = [await submitCase(ctx), await submitCase(ctx)];
    const theirs = await submitCase(ctx, { agencyCode: 'KRA' });
    const queue = await page('/console/queue?view=unassigned', officer.cookie);
    assert.match(queue.body, /name="refs" value="\d{11}"/, 'each row can be chosen');
    const done = await post(
      '/console/bulk',
      {
        refs: [...mine.map((k) => k.reference), theirs.reference],
        bulkAction: 'claim',
        back: '/console/queue?view=unassigned',
      },
      officer.cookie,
    );
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, '/console/queue?view=unassigned&done=2&refused=1');
    for (const kase of mine) assert.equal(await assigneeOf(kase.reference), officer.id);
    assert.equal(await assigneeOf(theirs.reference), null);
    const said = await page(done.headers.location as string, officer.cookie);
    assert.match(said.body, /2 cases changed; 1 could not be/);
    const started = await post(
      '/console/bulk',
      {
        refs: mine.map((k) => k.reference),
        bulkAction: 'status',
        status: 'in_progress',
        back: '/console/queue?view=mine',
      },
      officer.cookie,
    );
    assert.equal(started.headers.location, '/console/queue?view=mine&done=2&refused=0');
    // Resolving needs words to each citizen: not a bulk action.
    const resolved = await post(
      '/console/bulk',
      {
        refs: mine.map((k) => k.reference),
        bulkAction: 'status',
        status: 'resolved',
        back: '/console/queue?view=mine',
      },
      officer.cookie,
    );
    assert.equal(resolved.headers.location, '/console/queue?view=mine&bulk=unknown');
    const statuses = await ctx.database.db
      .selectFrom('cases')
      .select('status')
      .where(
        'reference',
        'in',
        mine.map((k) => k.reference),
      )
      .execute();
    assert.deepEqual(statuses, [{ status: 'in_progress' }, { status: 'in_progress' }]);
    const offsite = await post('/console/bulk', { refs: [], back: 'https://evil.example/' }, officer.cookie);
    assert.equal(offsite.headers.location, '/console/queue?bulk=none');
  });

  test('an agency administrator adds a person, changes their role and switches them off, only in their agency', async () => {
    const weak = await post(
      '/console/admin/users',
      { name: 'Juma Mwangi', email: 'juma.mwangi@immigration.go.ke', role: 'officer', password: 'short' },
      disAdmin.cookie,
    );
    assert.equal(weak.statusCode, 400);
    assert.match(weak.body, /Choose a password of at least 12 characters/);
    const created = await post(
      '/console/admin/users',
      {
        name: 'Juma Mwangi',
        email: 'juma.mwangi@immigration.go.ke',
        role: 'officer',
        password: 'a long enough passphrase',
      },
      disAdmin.cookie,
    );
    assert.equal(created.statusCode, 303);
    const juma = await ctx.database.db
      .selectFrom('staffUsers')
      .select(['id', 'agencyId', 'role'])
      .where('email', '=', 'juma.mwangi@immigration.go.ke')
      .executeTakeFirstOrThrow();
    assert.equal(juma.agencyId, ctx.reference.agency('DIS')?.id);
    const oversight = await post(
      '/console/admin/users',
      {
        name: 'Eve',
        email: 'eve@immigration.go.ke',
        role: 'oversight',
        password: 'a long enough passphrase',
      },
      disAdmin.cookie,
    );
    assert.equal(oversight.statusCode, 400, 'an agency administrator gives agency roles only');
    assert.equal(
      (await post(`/console/admin/users/${juma.id}`, { role: 'supervisor', active: '1' }, disAdmin.cookie))
        .statusCode,
      303,
    );
    // Another agency's administrator cannot see or change the account.
    const list = await page('/console/admin/users', kraAdmin.cookie);
    assert.ok(!list.body.includes('juma.mwangi@immigration.go.ke'));
    assert.equal(
      (await post(`/console/admin/users/${juma.id}`, { role: 'officer' }, kraAdmin.cookie)).statusCode,
      404,
    );
    // Switched off: their sessions end and they cannot sign in.
    const off = await post(`/console/admin/users/${juma.id}`, { role: 'supervisor' }, disAdmin.cookie);
    assert.equal(off.statusCode, 303);
    const after = await ctx.database.db
      .selectFrom('staffUsers')
      .select(['role', 'active'])
      .where('id', '=', juma.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(after, { role: 'supervisor', active: false });
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'juma.mwangi@immigration.go.ke', password: 'a long enough passphrase' },
    });
    assert.notEqual(login.statusCode, 200);
    // Officers have no administration.
    const officer = await signedInStaff(ctx, 'officer', 'DIS');
    assert.equal((await page('/console/admin/users', officer.cookie)).statusCode, 403);
  });

  test("an agency's templates reach its own officers only, and a placeholder typo is refused", async () => {
    const typo = await post(
      '/console/admin/templates',
      {
        name: 'Passport ready',
        bodyEn: 'Dear {{citizen}}, your passport is ready.',
        bodySw: 'Pasipoti iko tayari.',
      },
      disAdmin.cookie,
    );
    assert.equal(typo.statusCode, 400);
    assert.match(typo.body, /\{\{citizen\}\} is not a placeholder/);
    const saved = await post(
      '/console/admin/templates',
      {
        name: 'Passport ready',
        bodyEn: 'Dear {{citizen_name}}, your passport for case {{reference}} is ready at Nyayo House.',
        bodySw: 'Mpendwa {{citizen_name}}, pasipoti yako ya kesi {{reference}} iko tayari Nyayo House.',
      },
      disAdmin.cookie,
    );
    assert.equal(saved.statusCode, 303);
    const dis = await signedInStaff(ctx, 'officer', 'DIS');
    const kra = await signedInStaff(ctx, 'officer', 'KRA');
    const disCase = await submitCase(ctx);
    const kraCase = await submitCase(ctx, { agencyCode: 'KRA' });
    assert.match((await page(`/console/cases/${disCase.reference}`, dis.cookie)).body, />Passport ready</);
    assert.doesNotMatch(
      (await page(`/console/cases/${kraCase.reference}`, kra.cookie)).body,
      />Passport ready</,
    );
    const template = await ctx.database.db
      .selectFrom('responseTemplates')
      .select('id')
      .where('name', '=', 'Passport ready')
      .executeTakeFirstOrThrow();
    assert.equal((await page(`/console/admin/templates/${template.id}`, kraAdmin.cookie)).statusCode, 404);
    const retired = await post(
      `/console/admin/templates/${template.id}`,
      {
        name: 'Passport ready',
        bodyEn: 'Your passport is ready.',
        bodySw: 'Pasipoti yako iko tayari.',
      },
      disAdmin.cookie,
    );
    assert.equal(retired.statusCode, 303);
    assert.doesNotMatch(
      (await page(`/console/cases/${disCase.reference}`, dis.cookie)).body,
      />Passport ready</,
    );
  });

  test("the agency's profile and deadlines are kept by its administrator", async () => {
    const bad = await post('/console/admin/profile', { casesPerOfficer: 'lots' }, disAdmin.cookie);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Give a whole number from 1 to 1,000/);
    const saved = await post(
      '/console/admin/profile',
      { casesPerOfficer: '40', calendarId: 'office-hours', showOfficerNames: '1' },
      disAdmin.cookie,
    );
    assert.equal(saved.statusCode, 303);
    const agency = await ctx.database.db
      .selectFrom('agencies')
      .select(['casesPerOfficer', 'showOfficerNames'])
      .where('code', '=', 'DIS')
      .executeTakeFirstOrThrow();
    assert.deepEqual(agency, { casesPerOfficer: 40, showOfficerNames: true });
    const deadlines = await post(
      '/console/admin/sla',
      { resolveAmount: '10', resolveUnit: 'working_days', warnAtPercent: '80' },
      disAdmin.cookie,
    );
    assert.equal(deadlines.statusCode, 303, deadlines.body);
    const policy = await ctx.database.db
      .selectFrom('slaPolicies')
      .select(['agencyId', 'clocks', 'warnAtPercent'])
      .where('id', '=', 'agency-dis')
      .executeTakeFirstOrThrow();
    assert.equal(policy.agencyId, ctx.reference.agency('DIS')?.id);
    assert.deepEqual(policy.clocks.resolve, { amount: 10, unit: 'working_days' });
    assert.equal(policy.warnAtPercent, 80);
    assert.equal((await page('/console/admin/sla', sysadmin.cookie)).statusCode, 403, 'per agency');
  });

  test('the system administrator creates an API key shown once, revokes it, and watches system health', async () => {
    const created = await post(
      '/console/admin/keys',
      { agencyCode: 'KRA', name: 'iTax integration' },
      sysadmin.cookie,
    );
    assert.equal(created.statusCode, 200);
    const key = /<code class="code">(bz_[\w-]+)<\/code>/.exec(created.body)?.[1];
    assert.ok(key, 'the key is shown');
    const use = () =>
      ctx.app.inject({ url: '/api/v1/staff/cases', headers: { authorization: `Bearer ${key}` } });
    assert.equal((await use()).statusCode, 200);
    const listed = await page('/console/admin/keys', sysadmin.cookie);
    assert.ok(!listed.body.includes(key as string), 'never shown again');
    const id = /action="\/console\/admin\/keys\/([0-9a-f-]{36})\/revoke"/.exec(listed.body)?.[1];
    assert.equal((await post(`/console/admin/keys/${id}/revoke`, {}, sysadmin.cookie)).statusCode, 303);
    assert.equal((await use()).statusCode, 401);
    const health = await page('/console/admin/health', sysadmin.cookie);
    assert.equal(health.statusCode, 200);
    assert.match(health.body, /Messages to citizens/);
    assert.match((await page('/console/admin/agencies', sysadmin.cookie)).body, /Kenya Revenue Authority/);
    assert.equal((await page('/console/admin/keys', disAdmin.cookie)).statusCode, 403);
    assert.equal((await page('/console/admin/health', disAdmin.cookie)).statusCode, 403);
  });

  test('the system administrator adds a keyword rule that triage follows at once, and switches it off', async () => {
    const word = `kitambulishozx${Date.now().toString(36)}`;
    const none = await post('/console/admin/rules', { name: 'Lost IDs', keywords: word }, sysadmin.cookie);
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /Choose what the rule does/);
    const added = await post(
      '/console/admin/rules',
      { name: 'Lost IDs', keywords: `${word}, lost id card`, agency: 'DIS', priority: 'P2' },
      sysadmin.cookie,
    );
    assert.equal(added.statusCode, 303);
    const routed = await submitCase(ctx, { agencyCode: undefined, description: `Nimepoteza ${word} changu` });
    assert.equal(routed.agency.code, 'DIS');
    const decided = await ctx.database.db
      .selectFrom('caseTriage as t')
      .innerJoin('cases as c', 'c.id', 't.caseId')
      .select('t.decision')
      .where('c.reference', '=', routed.reference)
      .executeTakeFirstOrThrow();
    const route = (decided.decision as { route: { why: string } }).route;
    assert.equal(route.why, 'rule', 'the rule, not the classifier, sent it to DIS');
    const rule = await ctx.database.db
      .selectFrom('triageRules')
      .select('id')
      .where('name', '=', 'Lost IDs')
      .executeTakeFirstOrThrow();
    assert.equal((await post(`/console/admin/rules/${rule.id}`, {}, sysadmin.cookie)).statusCode, 303);
    const off = await ctx.database.db
      .selectFrom('triageRules')
      .select('enabled')
      .where('id', '=', rule.id)
      .executeTakeFirstOrThrow();
    assert.equal(off.enabled, false);
    assert.equal((await page('/console/admin/rules', disAdmin.cookie)).statusCode, 403);
  });
});
