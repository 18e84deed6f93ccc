import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import {
  candidateQuery,
  cosine,
  SAME_CITIZEN_THRESHOLD,
  SAME_PLACE_THRESHOLD,
  textVector,
} from '../src/core/triage/find-likely-duplicates.ts';
import {
  createTestContext,
  type SignedInStaff,
  signedInStaff,
  TEST_PASSWORD,
  type TestContext,
} from './helpers/context.ts';
import { asStaff, enrolTotp, submitCase } from './helpers/factories.ts';

let ctx: TestContext;
let kra: SignedInStaff;
let kraAgent: SignedInStaff;
let moh: SignedInStaff;
let nps: SignedInStaff;
let oversight: SignedInStaff;
const DAY = 86_400_000;
const start = new Date();

before(async () => {
  ctx = await createTestContext();
  kra = await signedInStaff(ctx, 'officer', 'KRA');
  kraAgent = await signedInStaff(ctx, 'agent', 'KRA');
  moh = await signedInStaff(ctx, 'officer', 'MOH');
  nps = await signedInStaff(ctx, 'officer', 'NPS');
  oversight = await signedInStaff(ctx, 'oversight', 'EACC');
});
after(() => ctx.close());

let phones = 0;
/** A different citizen each time. */
const newPhone = () => `0722${String(100_000 + ++phones).slice(-6)}`;
/** Each test starts on a day of its own, far from the others' windows. */
let days = 0;
const freshDay = () => {
  days += 100;
  ctx.clock.now = new Date(start.getTime() + days * DAY);
  return ctx.clock.now;
};
const later = (base: Date, byDays: number) => {
  ctx.clock.now = new Date(base.getTime() + byDays * DAY);
};

/** Signs in again at the test clock's time: moving the clock by weeks ends the earlier session. */
async function session(who: SignedInStaff): Promise<string> {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: who.email, password: TEST_PASSWORD },
  });
  const cookie = response.cookies.find((c) => c.name === 'baraza_session');
  if (!cookie) throw new Error(`login failed: ${response.body}`);
  return `baraza_session=${cookie.value}`;
}

const REFUND =
  'I applied for a tax refund of KES 48,000 on iTax four months ago and it was approved, but the money has not been paid into my account.';
const REFUND_AGAIN =
  'Still waiting for my KRA tax refund of 48,000. It was approved months ago, nothing paid yet. Please help.';
const PIN_NAME = 'My KRA PIN certificate shows my name misspelt and the wrong date of birth.';
const OXYGEN = "Oxygen has run out at Homa Bay County Referral Hospital children's ward since this morning.";
const OXYGEN_AGAIN =
  "Homa Bay Referral children's ward has no oxygen since morning, babies are being bagged by hand.";

const duplicatesOf = async (who: SignedInStaff, reference: string) => {
  const response = await asStaff(
    ctx,
    await session(who),
    'GET',
    `/api/v1/staff/cases/${reference}/duplicates`,
  );
  assert.equal(response.statusCode, 200, response.body);
  return response.json().suggestions as { reference: string; reason: string; similarity: number }[];
};
const refs = (suggestions: { reference: string }[]) => suggestions.map((s) => s.reference);

test('a citizen writing again about the same problem is shown their earlier case', async () => {
  const day = freshDay();
  const phone = newPhone();
  const first = await submitCase(ctx, { agencyCode: 'KRA', description: REFUND, citizen: { phone } });
  later(day, 3);
  const second = await submitCase(ctx, { agencyCode: 'KRA', description: REFUND_AGAIN, citizen: { phone } });
  const found = await duplicatesOf(kra, second.reference);
  assert.deepEqual(refs(found), [first.reference]);
  assert.equal(found[0]?.reason, 'same_citizen');
  assert.ok((found[0]?.similarity ?? 0) >= 0.3);
  // And the other way round: the earlier case points at the later one.
  assert.deepEqual(refs(await duplicatesOf(kra, first.reference)), [second.reference]);
});

test("another citizen's report of the same thing in the same county and service is suggested", async () => {
  const day = freshDay();
  const fields = { agencyCode: 'MOH', serviceCode: 'hospital-services', county: 'Homa Bay' };
  const first = await submitCase(ctx, { ...fields, description: OXYGEN, citizen: { phone: newPhone() } });
  later(day, 0.1);
  const second = await submitCase(ctx, {
    ...fields,
    description: OXYGEN_AGAIN,
    citizen: { phone: newPhone() },
  });
  const found = await duplicatesOf(moh, second.reference);
  assert.deepEqual(refs(found), [first.reference]);
  assert.equal(found[0]?.reason, 'same_place_and_service');
  assert.ok((found[0]?.similarity ?? 0) >= 0.45);
});

test('a different problem is not suggested, from the same citizen or the same place', async () => {
  const day = freshDay();
  const phone = newPhone();
  await submitCase(ctx, { agencyCode: 'KRA', county: '47', description: PIN_NAME, citizen: { phone } });
  await submitCase(ctx, {
    agencyCode: 'KRA',
    county: '47',
    description: 'The KRA office at Times Tower has no working lifts and elderly taxpayers climb ten floors.',
    citizen: { phone: newPhone() },
  });
  later(day, 1);
  const refund = await submitCase(ctx, {
    agencyCode: 'KRA',
    county: '47',
    description: REFUND,
    citizen: { phone },
  });
  assert.deepEqual(await duplicatesOf(kra, refund.reference), []);
});

test('cases outside the windows are not suggested: 30 days for the citizen, 14 for the place', async () => {
  const day = freshDay();
  const phone = newPhone();
  const fields = { agencyCode: 'MOH', serviceCode: 'hospital-services', county: 'Homa Bay' };
  await submitCase(ctx, { agencyCode: 'KRA', description: REFUND, citizen: { phone } });
  await submitCase(ctx, { ...fields, description: OXYGEN, citizen: { phone: newPhone() } });
  later(day, 31);
  const refund = await submitCase(ctx, { agencyCode: 'KRA', description: REFUND_AGAIN, citizen: { phone } });
  assert.deepEqual(await duplicatesOf(kra, refund.reference), []);

  const placeDay = freshDay();
  const old = await submitCase(ctx, { ...fields, description: OXYGEN, citizen: { phone: newPhone() } });
  later(placeDay, 15);
  const recent = await submitCase(ctx, {
    ...fields,
    description: OXYGEN_AGAIN,
    citizen: { phone: newPhone() },
  });
  assert.deepEqual(await duplicatesOf(moh, recent.reference), []);
  later(placeDay, 13);
  const inside = await submitCase(ctx, {
    ...fields,
    description: OXYGEN_AGAIN,
    citizen: { phone: newPhone() },
  });
  assert.deepEqual(
    refs(await duplicatesOf(moh, inside.reference)).sort(),
    [old.reference, recent.reference].sort(),
  );
});

test("a KRA officer is never shown another agency's case or a sealed report as a duplicate", async () => {
  const day = freshDay();
  const phone = newPhone();
  const atPolice = await submitCase(ctx, { agencyCode: 'NPS', description: REFUND, citizen: { phone } });
  const sealed = await submitCase(ctx, {
    type: 'corruption_report',
    agencyCode: 'KRA',
    description: `${REFUND} The officer says I must pay him 5,000 first.`,
    citizen: { phone },
  });
  later(day, 2);
  const mine = await submitCase(ctx, { agencyCode: 'KRA', description: REFUND_AGAIN, citizen: { phone } });
  assert.equal(mine.agency.code, 'KRA');
  assert.deepEqual(await duplicatesOf(kra, mine.reference), []);
  // They would be suggested to someone who may read them: oversight reads every case.
  assert.deepEqual(
    refs(await duplicatesOf(oversight, mine.reference)).sort(),
    [atPolice.reference, sealed.reference].sort(),
  );
  // And a case the officer may not read is not found at all, as for the case itself.
  const notMine = await asStaff(
    ctx,
    await session(kra),
    'GET',
    `/api/v1/staff/cases/${atPolice.reference}/duplicates`,
  );
  assert.equal(notMine.statusCode, 404);
  const sealedToKra = await asStaff(
    ctx,
    await session(kra),
    'GET',
    `/api/v1/staff/cases/${sealed.reference}/duplicates`,
  );
  assert.equal(sealedToKra.statusCode, 404);
  assert.deepEqual(refs(await duplicatesOf(nps, atPolice.reference)), []);
});

test('withdrawn cases are not suggested', async () => {
  const day = freshDay();
  const phone = newPhone();
  const withdrawn = await submitCase(ctx, { agencyCode: 'KRA', description: REFUND, citizen: { phone } });
  const gone = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/cases/${withdrawn.reference}/withdraw`,
    payload: { pin: withdrawn.pin, reason: 'Sorted out' },
  });
  assert.equal(gone.statusCode, 200, gone.body);
  later(day, 1);
  const again = await submitCase(ctx, { agencyCode: 'KRA', description: REFUND_AGAIN, citizen: { phone } });
  assert.deepEqual(await duplicatesOf(kra, again.reference), []);
});

test("the intake check finds the caller's earlier case by phone number, in any shape", async () => {
  const day = freshDay();
  const phone = newPhone();
  const earlier = await submitCase(ctx, { agencyCode: 'KRA', description: REFUND, citizen: { phone } });
  later(day, 5);
  const check = async (who: SignedInStaff, body: object) =>
    asStaff(ctx, await session(who), 'POST', '/api/v1/staff/duplicates/check', body);
  const international = `+254 ${phone.slice(1, 4)} ${phone.slice(4)}`;
  const found = await check(kraAgent, { text: REFUND_AGAIN, phone: international });
  assert.equal(found.statusCode, 200, found.body);
  assert.deepEqual(
    found.json().suggestions.map((s: { reference: string; reason: string }) => [s.reference, s.reason]),
    [[earlier.reference, 'same_citizen']],
  );
  // Another agency's agent is not told about it.
  const elsewhere = await check(moh, { text: REFUND_AGAIN, phone });
  assert.deepEqual(elsewhere.json().suggestions, []);
  // Without a phone, the same agency, county and service find it through the text.
  const byPlace = await check(kraAgent, {
    text: REFUND_AGAIN,
    county: '47',
    agencyCode: 'KRA',
    serviceCode: 'tax-refund',
  });
  assert.equal(byPlace.statusCode, 200, byPlace.body);
  assert.deepEqual(
    byPlace.json().suggestions.map((s: { reference: string; reason: string }) => [s.reference, s.reason]),
    [[earlier.reference, 'same_place_and_service']],
  );
  const bad = await check(kraAgent, { text: REFUND_AGAIN, phone: '12', agencyCode: 'NOPE' });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(
    bad.json().error.details.map((d: { field: string }) => d.field),
    ['phone', 'agencyCode'],
  );
});

test('a system administrator reads no cases, so gets no duplicates either', async () => {
  const admin = await signedInStaff(ctx, 'sysadmin');
  await enrolTotp(ctx, admin.cookie);
  const { reference } = await submitCase(ctx, { agencyCode: 'KRA', citizen: { phone: newPhone() } });
  const view = await asStaff(ctx, admin.cookie, 'GET', `/api/v1/staff/cases/${reference}/duplicates`);
  assert.equal(view.statusCode, 404);
  const check = await asStaff(ctx, admin.cookie, 'POST', '/api/v1/staff/duplicates/check', { text: REFUND });
  assert.equal(check.statusCode, 403);
});

test('the candidate queries are answered from the citizen and agency indexes', async () => {
  const db = ctx.database.db;
  const kraId = (
    await db.selectFrom('agencies').select('id').where('code', '=', 'KRA').executeTakeFirstOrThrow()
  ).id;
  const citizen = await db.selectFrom('citizens').select('id').executeTakeFirstOrThrow();
  const from = new Date(start.getTime() - 30 * DAY);
  const plans = await db.transaction().execute(async (trx) => {
    await sql`ANALYZE cases`.execute(trx);
    // The test database is tiny, where a sequential scan is cheapest: forbid it to see which index serves.
    await sql`SET LOCAL enable_seqscan = off`.execute(trx);
    const plan = async (query: { explain(): Promise<Record<string, unknown>[]> }) =>
      (await query.explain()).map((row) => Object.values(row).join('')).join('\n');
    return {
      citizen: await plan(
        candidateQuery(trx, { kind: 'all' }, { citizenId: citizen.id, from, to: undefined }),
      ),
      place: await plan(
        candidateQuery(
          trx,
          { kind: 'agency', agencyId: kraId },
          { agencyId: kraId, countyCode: '47', serviceId: null, categoryId: null, from, to: undefined },
        ),
      ),
    };
  });
  assert.match(plans.citizen, /Index Scan using cases_citizen_idx/, plans.citizen);
  assert.match(plans.citizen, /Index Cond: \(citizen_id = /, plans.citizen);
  assert.doesNotMatch(plans.citizen, /Seq Scan on cases/, plans.citizen);
  // A range of one agency's cases, newest first, not a pass over the whole index.
  assert.match(plans.place, /cases_agency_county_created_idx/, plans.place);
  assert.match(plans.place, /Index Cond: \(\(agency_id = .+created_at >=/, plans.place);
  assert.doesNotMatch(plans.place, /Seq Scan on cases/, plans.place);
});

test('the thresholds still separate rewrites of one problem from different problems', () => {
  // Hand-written pairs: the same citizen or the same place, writing about the same problem or not.
  const pairs = readFileSync(new URL('./fixtures/duplicate-pairs.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map(
      (line) => JSON.parse(line) as { kind: 'citizen' | 'place'; duplicate: boolean; a: string; b: string },
    );
  const rate = (kind: string, duplicate: boolean, threshold: number) => {
    const chosen = pairs.filter((p) => p.kind === kind && p.duplicate === duplicate);
    const above = chosen.filter((p) => cosine(textVector(p.a), textVector(p.b)) >= threshold);
    return above.length / chosen.length;
  };
  const measured = {
    citizenRecall: rate('citizen', true, SAME_CITIZEN_THRESHOLD),
    citizenFalse: rate('citizen', false, SAME_CITIZEN_THRESHOLD),
    placeRecall: rate('place', true, SAME_PLACE_THRESHOLD),
    placeFalse: rate('place', false, SAME_PLACE_THRESHOLD),
  };
  // Measured when the thresholds were chosen: 0.97, 0.10, 0.67, 0.08. If the triage features
  // change and these move, retune the thresholds (docs/duplicates-and-hotspots.md).
  const why = JSON.stringify(measured);
  assert.ok(measured.citizenRecall >= 0.85, why);
  assert.ok(measured.citizenFalse <= 0.2, why);
  assert.ok(measured.placeRecall >= 0.6, why);
  assert.ok(measured.placeFalse <= 0.1, why);
});
