import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { hotspotGroupsQuery, ownerQueues } from '../src/core/triage/count-hotspots.ts';
import {
  createTestContext,
  type SignedInStaff,
  signedInStaff,
  TEST_PASSWORD,
  type TestContext,
} from './helpers/context.ts';
import { asStaff, enrolTotp, submitCase } from './helpers/factories.ts';

let ctx: TestContext;
let moh: SignedInStaff;
let dis: SignedInStaff;
let kra: SignedInStaff;
let oversight: SignedInStaff;
const DAY = 86_400_000;
const NOW = new Date();

before(async () => {
  ctx = await createTestContext();
  moh = await signedInStaff(ctx, 'officer', 'MOH');
  dis = await signedInStaff(ctx, 'supervisor', 'DIS');
  kra = await signedInStaff(ctx, 'officer', 'KRA');
  oversight = await signedInStaff(ctx, 'oversight', 'EACC');
});
after(() => ctx.close());

let phones = 0;
const newPhone = () => `0733${String(100_000 + ++phones).slice(-6)}`;
const daysAgo = (days: number) => {
  ctx.clock.now = new Date(NOW.getTime() - days * DAY);
};

interface Cluster {
  countyCode: string;
  agencyCode: string;
  topic: { kind: string; code: string } | null;
  count: number;
  baseline: number;
  surge: boolean;
  similarCount: number;
  examples: string[];
}

/** The hotspots as `who` sees them now (signing in again, since the clock has been moved). */
async function hotspots(who: SignedInStaff, days = 7): Promise<Cluster[]> {
  ctx.clock.now = NOW;
  const login = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: who.email, password: TEST_PASSWORD },
  });
  const cookie = login.cookies.find((c) => c.name === 'baraza_session');
  if (!cookie) throw new Error(`login failed: ${login.body}`);
  const response = await asStaff(
    ctx,
    `baraza_session=${cookie.value}`,
    'GET',
    `/api/v1/staff/hotspots?days=${days}`,
  );
  assert.equal(response.statusCode, 200, response.body);
  return response.json().clusters;
}

const OXYGEN = [
  "Oxygen has run out at Homa Bay County Referral Hospital children's ward since this morning.",
  "Homa Bay Referral children's ward has no oxygen since morning, babies are being bagged by hand.",
  'No oxygen at Homa Bay County Referral Hospital, the children ward ran out this morning. Please help.',
  "Homa Bay Referral Hospital has run out of oxygen in the children's ward, parents are pumping bags by hand.",
  "The children's ward at Homa Bay County Referral Hospital ran out of oxygen this morning.",
  "Children's ward at Homa Bay Referral has had no oxygen since this morning, a baby needs it now.",
];
const PASSPORTS = [
  'My passport application at the Kisumu regional office has been pending for two months.',
  'Kisumu immigration office: applied for passport two months ago, still not printed.',
  'Passport pending for 8 weeks at Kisumu regional immigration office, no update.',
  'I applied for my passport in Kisumu two months ago and it is still not ready.',
  'Still no passport from the Kisumu office, two months since I applied.',
  'Kisumu regional office has kept my passport application pending for two months now.',
];

test('six reports of one problem in one county in a day, against a quiet month, are a surge', async () => {
  const homaBay = { agencyCode: 'MOH', serviceCode: 'hospital-services', county: 'Homa Bay' };
  daysAgo(12);
  await submitCase(ctx, {
    ...homaBay,
    description: 'The toilets at Homa Bay County Referral Hospital have not been cleaned for a week.',
    citizen: { phone: newPhone() },
  });
  for (const [i, description] of OXYGEN.entries()) {
    daysAgo(1 - i / 10);
    await submitCase(ctx, { ...homaBay, description, citizen: { phone: newPhone() } });
  }
  // A different problem in the same group counts, but is not like the others.
  await submitCase(ctx, {
    ...homaBay,
    description:
      'A nurse at the Homa Bay hospital maternity wing shouted at my sister and refused to help her.',
    citizen: { phone: newPhone() },
  });
  // One citizen writing six times is a duplicate to merge, not a surge.
  const phone = newPhone();
  for (let i = 0; i < 6; i++) {
    await submitCase(ctx, {
      ...homaBay,
      county: 'Migori',
      description: `Oxygen has run out at Migori County Referral Hospital (${i})`,
      citizen: { phone },
    });
  }

  const clusters = await hotspots(moh);
  const homa = clusters.find((c) => c.countyCode === '43');
  assert.ok(homa, JSON.stringify(clusters));
  assert.deepEqual(
    {
      agency: homa.agencyCode,
      topic: homa.topic?.code,
      count: homa.count,
      baseline: homa.baseline,
      surge: homa.surge,
      similar: homa.similarCount,
    },
    { agency: 'MOH', topic: 'hospital-services', count: 7, baseline: 0.25, surge: true, similar: 6 },
  );
  assert.equal(homa.examples.length, 3);
  assert.equal(clusters[0], homa, 'surges come first');
  assert.equal(
    clusters.find((c) => c.countyCode === '44'),
    undefined,
    'one citizen is not a cluster',
  );
});

test('the same count on a county that always sends that many is not a surge', async () => {
  const kisumu = { agencyCode: 'DIS', serviceCode: 'passport', county: 'Kisumu' };
  for (let week = 4; week >= 0; week--) {
    for (const [i, description] of PASSPORTS.entries()) {
      daysAgo(week * 7 + 1 + i * 0.8);
      await submitCase(ctx, { ...kisumu, description, citizen: { phone: newPhone() } });
    }
  }
  const clusters = await hotspots(dis);
  const found = clusters.find((c) => c.countyCode === '42');
  assert.ok(found, JSON.stringify(clusters));
  assert.deepEqual(
    { count: found.count, baseline: found.baseline, surge: found.surge },
    { count: 6, baseline: 6, surge: false },
  );
  assert.ok(found.similarCount >= 4, `similarCount ${found.similarCount}`);
});

test("a KRA officer's hotspots hold only KRA's cases; oversight sees every agency's", async () => {
  for (const description of [
    'iTax has been down all day in Nakuru, I cannot file my returns before the deadline.',
    'iTax portal not working since morning, deadline is today and I cannot file.',
  ]) {
    daysAgo(2);
    await submitCase(ctx, {
      agencyCode: 'KRA',
      county: 'Nakuru',
      description,
      citizen: { phone: newPhone() },
    });
  }
  const kraClusters = await hotspots(kra);
  assert.ok(kraClusters.length > 0);
  assert.deepEqual([...new Set(kraClusters.map((c) => c.agencyCode))], ['KRA']);
  const everyone = new Set((await hotspots(oversight)).map((c) => c.agencyCode));
  for (const code of ['KRA', 'MOH', 'DIS']) assert.ok(everyone.has(code), code);
});

test('a system administrator reads no cases and may not see hotspots', async () => {
  ctx.clock.now = NOW;
  const admin = await signedInStaff(ctx, 'sysadmin');
  await enrolTotp(ctx, admin.cookie);
  const response = await asStaff(ctx, admin.cookie, 'GET', '/api/v1/staff/hotspots');
  assert.equal(response.statusCode, 403, response.body);
  const officer = await signedInStaff(ctx, 'officer', 'KRA');
  const tooLong = await asStaff(ctx, officer.cookie, 'GET', '/api/v1/staff/hotspots?days=365');
  assert.equal(tooLong.statusCode, 400);
});

test('the hotspot counts are read through the agency index', async () => {
  const db = ctx.database.db;
  const kraId = (
    await db.selectFrom('agencies').select('id').where('code', '=', 'KRA').executeTakeFirstOrThrow()
  ).id;
  const window = { from: new Date(NOW.getTime() - 7 * DAY), to: NOW, span: 7 * DAY };
  const plans = await db.transaction().execute(async (trx) => {
    await sql`ANALYZE cases`.execute(trx);
    await sql`SET LOCAL enable_seqscan = off`.execute(trx);
    const plan = async (query: { explain(): Promise<Record<string, unknown>[]> }) =>
      (await query.explain()).map((row) => Object.values(row).join('')).join('\n');
    return {
      agency: await plan(hotspotGroupsQuery(trx, { agencyIds: [kraId], withSealed: false }, window)),
      all: await plan(
        hotspotGroupsQuery(trx, { agencyIds: await ownerQueues(trx), withSealed: true }, window),
      ),
    };
  });
  for (const plan of [plans.agency, plans.all]) {
    // A range scan per agency, not a pass over the whole index.
    assert.match(plan, /Index Cond: \(\(agency_id = (ANY )?.+created_at >=/, plan);
    // Either agency index serves (the one with the county suits hotspots, which need a county).
    assert.match(plan, /cases_agency_(county_)?created_idx/, plan);
    assert.doesNotMatch(plan, /Seq Scan on cases/, plan);
  }
});
