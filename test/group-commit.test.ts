import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generateReference } from '../src/core/cases/reference.ts';
import { verifyAudit } from '../src/core/events/verify-audit.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(() => ctx.close());

const submit = (payload: object, key?: string) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/v1/cases',
    payload,
    headers: key ? { 'idempotency-key': key } : {},
  });

test('a burst of submissions written together gives each its own case, citizen and first event', async () => {
  const burst = Array.from({ length: 40 }, (_, i) => {
    const base = {
      type: 'complaint',
      description: `Burst complaint number ${i} about a delayed permit`,
      agencyCode: 'BRS',
    };
    if (i % 10 === 0) return submit({ ...base, anonymous: true });
    if (i % 10 === 1) return submit({ ...base, citizen: { email: `burst${i}@example.com` } });
    // Three phones shared among the rest: those rows must share one citizen record each.
    return submit({ ...base, citizen: { name: `Caller ${i}`, phone: `07220000${10 + (i % 3)}` } });
  });
  const retried = [
    submit({ type: 'inquiry', description: 'Same key sent twice in one burst' }, 'burst-key'),
    submit({ type: 'inquiry', description: 'Same key sent twice in one burst' }, 'burst-key'),
  ];
  const responses = await Promise.all([...burst, ...retried]);
  assert.ok(
    responses.every((r) => r.statusCode === 201 || r.statusCode === 200),
    responses.map((r) => r.statusCode).join(),
  );
  const references = responses.map((r) => r.json().reference);
  assert.equal(new Set(references.slice(0, 40)).size, 40, 'every submission in the burst has its own case');
  assert.equal(references[40], references[41], 'a retry in the same burst gets the first case');

  const cases = await ctx.database.db
    .selectFrom('cases as c')
    .leftJoin('citizens as z', 'z.id', 'c.citizenId')
    .select(['c.reference', 'c.citizenId', 'z.phone', 'z.email'])
    .where('c.reference', 'in', references)
    .execute();
  assert.equal(cases.length, 41);
  const byPhone = new Map<string, Set<string>>();
  for (const row of cases) {
    if (row.phone) byPhone.set(row.phone, (byPhone.get(row.phone) ?? new Set()).add(row.citizenId ?? ''));
  }
  assert.equal(byPhone.size, 3);
  for (const ids of byPhone.values()) assert.equal(ids.size, 1, 'one citizen per phone');
  assert.equal(cases.filter((row) => row.email?.startsWith('burst')).length, 4);
  assert.equal(cases.filter((row) => row.citizenId === null).length, 4 + 1);
  assert.equal((await verifyAudit(ctx.database.db)).ok, true);
});

test('lookups made at the same moment share one query and each gets its own case, or its own error', async () => {
  const named = await submit({
    type: 'complaint',
    description: 'My KRA refund has been pending for a year',
    agencyCode: 'KRA',
    citizen: { phone: '0733000111' },
  });
  const anonymous = await submit({
    type: 'complaint',
    description: 'The clinic had no drugs again this week',
    agencyCode: 'MOH',
    anonymous: true,
  });
  const track = (reference: string, pin?: string) =>
    ctx.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${reference}`,
      headers: pin ? { 'x-tracking-pin': pin } : {},
    });
  const responses = await Promise.all([
    ...Array.from({ length: 10 }, () => track(named.json().reference)),
    track(anonymous.json().reference, anonymous.json().pin),
    track(anonymous.json().reference),
    track(generateReference()),
  ]);
  for (const response of responses.slice(0, 10)) {
    assert.equal(response.json().reference, named.json().reference);
    assert.equal(response.json().agency.code, 'KRA');
  }
  assert.equal(responses[10]?.json().agency.code, 'MOH');
  assert.equal(responses[11]?.statusCode, 401);
  assert.equal(responses[12]?.statusCode, 404);
});
