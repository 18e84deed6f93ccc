import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as OTPAuth from 'otpauth';
import { SYSTEM_ACTOR } from '../src/core/events/append-events.ts';
import { verifyAudit } from '../src/core/events/verify-audit.ts';
import { createApiKey } from '../src/core/staff/api-keys.ts';
import { createStaffUser } from '../src/core/staff/create-staff-user.ts';
import { createTestContext, signedInStaff, TEST_PASSWORD, type TestContext } from './helpers/context.ts';
import { asStaff, submitCase } from './helpers/factories.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(() => ctx.close());

const login = (payload: object) => ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload });
const later = (minutes: number) => {
  ctx.clock.now = new Date(ctx.clock.now.getTime() + minutes * 60_000);
};

// First in this file: the system stream does not exist yet, which is the racy case.
test('staff accounts created at the same moment on a fresh database all succeed, in one unbroken chain', async () => {
  const results = await Promise.allSettled(
    Array.from({ length: 8 }, (_, i) =>
      createStaffUser(
        { db: ctx.database.db, reference: ctx.reference, now: () => ctx.clock.now },
        SYSTEM_ACTOR,
        {
          email: `clerk${i}@brs.go.ke`,
          name: `Clerk ${i}`,
          role: 'officer',
          agencyCode: 'BRS',
          password: 'a long enough password',
        },
      ),
    ),
  );
  assert.deepEqual(
    results.map((r) => r.status),
    results.map(() => 'fulfilled'),
  );
  assert.equal((await verifyAudit(ctx.database.db)).ok, true);
});

test('five wrong passwords lock the account, even against the right one, until the lock runs out', async () => {
  const officer = await signedInStaff(ctx, 'officer', 'KRA');
  for (let i = 0; i < 5; i++) {
    assert.equal((await login({ email: officer.email, password: 'wrong password here' })).statusCode, 401);
  }
  const locked = await login({ email: officer.email, password: TEST_PASSWORD });
  assert.equal(locked.statusCode, 423);
  assert.equal(locked.json().error.code, 'locked');
  later(16);
  assert.equal((await login({ email: officer.email, password: TEST_PASSWORD })).statusCode, 200);
});

test('an unknown e-mail and a wrong password get the same answer', async () => {
  const unknown = await login({ email: 'nobody@example.go.ke', password: 'whatever password' });
  const officer = await signedInStaff(ctx, 'officer', 'KRA');
  const wrong = await login({ email: officer.email, password: 'whatever password' });
  assert.equal(unknown.statusCode, 401);
  assert.deepEqual(unknown.json(), wrong.json());
});

test('an administrator must enrol two-factor before doing anything, and then signs in with a code', async () => {
  const admin = await signedInStaff(ctx, 'agency_admin', 'KRA');
  const blocked = await asStaff(ctx, admin.cookie, 'GET', '/api/v1/staff/cases');
  assert.equal(blocked.statusCode, 403);
  assert.match(blocked.json().error.message, /two-factor/);
  assert.equal(
    (await asStaff(ctx, admin.cookie, 'GET', '/api/v1/auth/me')).json().sessionScope,
    'enrol_totp',
  );

  const setup = (await asStaff(ctx, admin.cookie, 'POST', '/api/v1/auth/totp/setup')).json();
  assert.match(setup.uri, /^otpauth:\/\/totp\/Baraza:/);
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.secret) });
  assert.equal(
    (
      await asStaff(ctx, admin.cookie, 'POST', '/api/v1/auth/totp/confirm', {
        code: '000000' === totp.generate() ? '111111' : '000000',
      })
    ).statusCode,
    400,
  );
  assert.equal(
    (await asStaff(ctx, admin.cookie, 'POST', '/api/v1/auth/totp/confirm', { code: totp.generate() }))
      .statusCode,
    200,
  );
  assert.equal((await asStaff(ctx, admin.cookie, 'GET', '/api/v1/staff/cases')).statusCode, 200);

  const noCode = await login({ email: admin.email, password: TEST_PASSWORD });
  assert.equal(noCode.statusCode, 401);
  assert.equal(noCode.json().error.code, 'totp_required');
  const withCode = await login({ email: admin.email, password: TEST_PASSWORD, totpCode: totp.generate() });
  assert.equal(withCode.statusCode, 200);
  assert.equal(withCode.json().user.sessionScope, 'full');
});

test('a session ends after 30 idle minutes, and the cookie is httpOnly and SameSite', async () => {
  const officer = await signedInStaff(ctx, 'officer', 'DIS');
  const response = await login({ email: officer.email, password: TEST_PASSWORD });
  const cookie = response.cookies.find((c) => c.name === 'baraza_session');
  assert.equal(cookie?.httpOnly, true);
  assert.equal(cookie?.sameSite, 'Lax');
  later(20);
  assert.equal((await asStaff(ctx, officer.cookie, 'GET', '/api/v1/auth/me')).statusCode, 200);
  later(31);
  assert.equal((await asStaff(ctx, officer.cookie, 'GET', '/api/v1/auth/me')).statusCode, 401);
});

test('signing out everywhere ends every session of the account', async () => {
  const officer = await signedInStaff(ctx, 'officer', 'NPS');
  const second = await login({ email: officer.email, password: TEST_PASSWORD });
  const secondCookie = `baraza_session=${second.cookies.find((c) => c.name === 'baraza_session')?.value}`;
  const ended = await asStaff(ctx, officer.cookie, 'POST', '/api/v1/auth/logout-everywhere');
  assert.equal(ended.json().sessionsEnded, 2);
  assert.equal((await asStaff(ctx, secondCookie, 'GET', '/api/v1/auth/me')).statusCode, 401);
});

test("an agency API key works that agency's cases and nothing else", async () => {
  const { key } = await createApiKey(
    { db: ctx.database.db, reference: ctx.reference, now: () => ctx.clock.now },
    SYSTEM_ACTOR,
    { agencyCode: 'BRS', name: 'BRS back office' },
  );
  const ours = await submitCase(ctx, {
    agencyCode: 'BRS',
    description: 'My business name search has failed twice',
  });
  const theirs = await submitCase(ctx, {
    agencyCode: 'KRA',
    description: 'My PIN certificate has the wrong name',
  });
  const auth = { authorization: `Bearer ${key}` };
  const list = await ctx.app.inject({ method: 'GET', url: '/api/v1/staff/cases?limit=100', headers: auth });
  const refs = list.json().items.map((i: { reference: string }) => i.reference);
  assert.ok(refs.includes(ours.reference));
  assert.ok(!refs.includes(theirs.reference));
  const note = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/staff/cases/${ours.reference}/notes`,
    headers: auth,
    payload: { message: 'Synced to the BRS registry system' },
  });
  assert.equal(note.statusCode, 200);
  const forged = await ctx.app.inject({
    method: 'GET',
    url: '/api/v1/staff/cases',
    headers: { authorization: `Bearer ${key.slice(0, -4)}AAAA` },
  });
  assert.equal(forged.statusCode, 401);
});

test('health, readiness and the OpenAPI document are served', async () => {
  assert.deepEqual((await ctx.app.inject('/healthz')).json(), { status: 'ok' });
  const ready = (await ctx.app.inject('/readyz')).json();
  assert.equal(ready.status, 'ready');
  const spec = (await ctx.app.inject('/api/docs/json')).json();
  assert.equal(spec.openapi.startsWith('3.'), true);
  assert.ok(spec.paths['/api/v1/cases'].post.requestBody);
  assert.ok(spec.paths['/api/v1/staff/cases/{reference}/transfer'].post);
  const ui = await ctx.app.inject('/api/docs/');
  assert.equal(ui.statusCode, 200);
  assert.ok(!ui.body.includes('https://'), 'the docs page loads nothing from the internet');
});
