import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createTestContext,
  type SignedInStaff,
  signedInStaff,
  TEST_PASSWORD,
  type TestContext,
} from './helpers/context.ts';
import { asStaff, submitCase } from './helpers/factories.ts';

/* Attacks and edge cases found in review: each once answered with a 500 or let something through. */
let ctx: TestContext;
let supervisor: SignedInStaff;
before(async () => {
  ctx = await createTestContext({ BARAZA_RATE_TRACK_PER_MINUTE: '3' });
  supervisor = await signedInStaff(ctx, 'supervisor', 'DIS');
});
after(() => ctx.close());

test('broken Unicode (half a surrogate pair) is refused as input, not a 500', async () => {
  const { reference, pin } = await submitCase(ctx);
  const response = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/cases/${reference}/replies`,
    headers: { 'content-type': 'application/json' },
    payload: `{"pin":"${pin}","message":"\\ud800 broken"}`,
  });
  assert.equal(response.statusCode, 400);
  assert.equal(response.json().error.details[0].field, 'message');
});

test('a forged paging cursor with an out-of-range date is refused, not a 500', async () => {
  const cursor = Buffer.from('-100000-01-01T00:00:00.000Z|123e4567-e89b-12d3-a456-426614174000').toString(
    'base64url',
  );
  const response = await asStaff(ctx, supervisor.cookie, 'GET', `/api/v1/staff/cases?cursor=${cursor}`);
  assert.equal(response.statusCode, 400);
  assert.equal(response.json().error.code, 'invalid_input');
});

test('an assignee id in urn:uuid form is refused, not a 500', async () => {
  const { reference } = await submitCase(ctx);
  const response = await asStaff(ctx, supervisor.cookie, 'POST', `/api/v1/staff/cases/${reference}/assign`, {
    userId: 'urn:uuid:123e4567-e89b-12d3-a456-426614174000',
  });
  assert.equal(response.statusCode, 400);
});

test('wrong passwords sent in parallel still lock the account', async () => {
  const officer = await signedInStaff(ctx, 'officer', 'KRA');
  const guesses = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: officer.email, password: `guess number ${i}` },
      }),
    ),
  );
  assert.ok(guesses.every((g) => g.statusCode === 401 || g.statusCode === 423));
  const right = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: officer.email, password: TEST_PASSWORD },
  });
  assert.equal(right.statusCode, 423);
});

test('the reopening window runs from the resolution, not from when staff closed the case', async () => {
  const { reference, pin } = await submitCase(ctx);
  const start = ctx.clock.now;
  try {
    await asStaff(ctx, supervisor.cookie, 'POST', `/api/v1/staff/cases/${reference}/status`, {
      status: 'resolved',
      message: 'Done',
    });
    ctx.clock.now = new Date(start.getTime() + 29 * 86_400_000);
    await asStaff(ctx, supervisor.cookie, 'POST', `/api/v1/staff/cases/${reference}/status`, {
      status: 'closed',
    });
    ctx.clock.now = new Date(start.getTime() + 40 * 86_400_000);
    const late = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${reference}/reopen`,
      payload: { pin, reason: 'Still waiting' },
    });
    assert.equal(late.statusCode, 409);
  } finally {
    ctx.clock.now = start;
  }
});

test('a corruption report is tracked only with its PIN, even when the sender gave their name', async () => {
  const { reference, pin } = await submitCase(ctx, {
    type: 'corruption_report',
    description: 'An officer asked me for kitu kidogo to release my passport',
  });
  const without = await ctx.app.inject({ method: 'GET', url: `/api/v1/cases/${reference}` });
  assert.equal(without.statusCode, 401);
  const withPin = await ctx.app.inject({
    method: 'GET',
    url: `/api/v1/cases/${reference}`,
    headers: { 'x-tracking-pin': pin },
  });
  assert.equal(withPin.statusCode, 200);
  assert.equal(withPin.json().agency.code, 'EACC');
});

test('a client cannot dodge the rate limit by making up X-Forwarded-For', async () => {
  const { reference } = await submitCase(ctx);
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${reference}`,
      headers: { 'x-forwarded-for': `10.0.0.${i}` },
    });
    statuses.push(response.statusCode);
  }
  assert.ok(statuses.includes(429), `expected a 429 among ${statuses.join(', ')}`);
});
