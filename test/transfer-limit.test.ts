import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestContext, type SignedInStaff, signedInStaff, type TestContext } from './helpers/context.ts';
import { asStaff, submitCase } from './helpers/factories.ts';

let ctx: TestContext;
const officers: Record<string, SignedInStaff> = {};
let clearingSupervisor: SignedInStaff;

before(async () => {
  ctx = await createTestContext();
  for (const code of ['DIS', 'KRA', 'BRS', 'NPS']) officers[code] = await signedInStaff(ctx, 'officer', code);
  clearingSupervisor = await signedInStaff(ctx, 'supervisor', 'CLR');
});
after(() => ctx.close());

const transfer = (who: SignedInStaff, reference: string, agencyCode: string) =>
  asStaff(ctx, who.cookie, 'POST', `/api/v1/staff/cases/${reference}/transfer`, {
    agencyCode,
    reason: `Not ours: this is for ${agencyCode}`,
  });

test('a case transferred three times goes to the clearing house supervisor on the fourth', async () => {
  const { reference } = await submitCase(ctx);
  const hops: [string, string][] = [
    ['DIS', 'KRA'],
    ['KRA', 'BRS'],
    ['BRS', 'NPS'],
  ];
  for (const [from, to] of hops) {
    const moved = await transfer(officers[from] as SignedInStaff, reference, to);
    assert.equal(moved.statusCode, 200, moved.body);
    assert.equal(moved.json().agencyCode, to);
    assert.equal(moved.json().limitReached, false);
  }
  const fourth = await transfer(officers.NPS as SignedInStaff, reference, 'DIS');
  assert.equal(fourth.statusCode, 200);
  assert.deepEqual(
    {
      agencyCode: fourth.json().agencyCode,
      queue: fourth.json().queue,
      limitReached: fourth.json().limitReached,
    },
    { agencyCode: 'CLR', queue: 'supervisor', limitReached: true },
  );

  // NPS no longer sees it; the clearing-house supervisor does, with every reason on record.
  const gone = await asStaff(
    ctx,
    (officers.NPS as SignedInStaff).cookie,
    'GET',
    `/api/v1/staff/cases/${reference}`,
  );
  assert.equal(gone.statusCode, 404);
  const detail = (
    await asStaff(ctx, clearingSupervisor.cookie, 'GET', `/api/v1/staff/cases/${reference}`)
  ).json();
  assert.equal(detail.case.queue, 'supervisor');
  assert.equal(detail.case.transferCount, 3);
  const reasons = detail.timeline
    .filter((e: { kind: string }) => e.kind.startsWith('case.transfer'))
    .map((e: { data: { reason: string } }) => e.data.reason);
  assert.deepEqual(reasons, [
    'Not ours: this is for KRA',
    'Not ours: this is for BRS',
    'Not ours: this is for NPS',
    'Not ours: this is for DIS',
  ]);

  // The supervisor decides where it belongs, beyond the limit.
  const decided = await transfer(clearingSupervisor, reference, 'DIS');
  assert.equal(decided.statusCode, 200);
  assert.equal(decided.json().agencyCode, 'DIS');
  assert.equal(decided.json().queue, 'main');
});

test('the citizen sees where the case went but not the internal reason', async () => {
  const { reference } = await submitCase(ctx);
  await transfer(officers.DIS as SignedInStaff, reference, 'KRA');
  const seen = (await ctx.app.inject({ method: 'GET', url: `/api/v1/cases/${reference}` })).json();
  assert.equal(seen.agency.code, 'KRA');
  assert.equal(seen.status, 'new');
  assert.ok(
    seen.timeline.some((e: { kind: string; agency?: string }) => e.kind === 'case.transferred' && e.agency),
  );
  assert.ok(!JSON.stringify(seen).includes('Not ours'));
});

test('a transfer to an agency that is not on Baraza is refused with what to do instead', async () => {
  const { reference } = await submitCase(ctx);
  const outside = await ctx.database.db
    .selectFrom('agencies')
    .select('id')
    .where('onboarded', '=', false)
    .where('code', 'is', null)
    .executeTakeFirstOrThrow();
  assert.ok(outside.id);
  const unknown = await transfer(officers.DIS as SignedInStaff, reference, 'NOPE');
  assert.equal(unknown.statusCode, 400);
  assert.match(unknown.json().error.message, /no agency with code "NOPE"/);
});
