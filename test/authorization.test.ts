import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { generateReference } from '../src/core/cases/reference.ts';
import {
  createTestContext,
  type SignedInStaff,
  signedInStaff,
  TEST_PASSWORD,
  type TestContext,
} from './helpers/context.ts';
import { asStaff, enrolTotp, type SubmittedCase, submitCase } from './helpers/factories.ts';

/*
 * Who may call which staff and admin route, as a table. The case under attack belongs to DIS;
 * everyone in the table is from elsewhere (KRA), has no session at all, or holds a role that
 * reads but does not work cases. Not-yours must answer exactly like not-found, and nothing that
 * is refused may leave a trace on the case.
 */

let ctx: TestContext;
let target: SubmittedCase; // the DIS case every case route is tried on
let mergeTarget: SubmittedCase; // another DIS case, the `into` of the merge attempts
let sealedReport: SubmittedCase; // a corruption report naming DIS, owned by EACC
let kraCase: SubmittedCase;

let disOfficer: SignedInStaff;
let disOfficer2: SignedInStaff;
let disAgent: SignedInStaff;
let disSupervisor: SignedInStaff;
let kraOfficer: SignedInStaff;
let kraSupervisor: SignedInStaff;
let kraAdmin: SignedInStaff;
let sysadmin: SignedInStaff;
let oversight: SignedInStaff;
let eaccOfficer: SignedInStaff;
let clearingHouse: SignedInStaff;
let kraApiKey: string;

const WHO = [
  'nobody',
  'a citizen with the reference and PIN',
  'a forged session cookie',
  'an unknown API key',
  'a KRA officer',
  'a KRA supervisor',
  'a KRA agency_admin',
  'a KRA API key',
  'a sysadmin',
  'EACC oversight',
] as const;
type Who = (typeof WHO)[number];

function headersOf(who: Who): Record<string, string> {
  switch (who) {
    case 'nobody':
      return {};
    case 'a citizen with the reference and PIN':
      return { 'x-tracking-pin': target.pin };
    case 'a forged session cookie':
      return { cookie: `baraza_session=${randomBytes(32).toString('base64url')}` };
    case 'an unknown API key':
      return { authorization: `Bearer bz_${randomBytes(6).toString('base64url')}_${'A'.repeat(43)}` };
    case 'a KRA officer':
      return { cookie: kraOfficer.cookie };
    case 'a KRA supervisor':
      return { cookie: kraSupervisor.cookie };
    case 'a KRA agency_admin':
      return { cookie: kraAdmin.cookie };
    case 'a KRA API key':
      return { authorization: `Bearer ${kraApiKey}` };
    case 'a sysadmin':
      return { cookie: sysadmin.cookie };
    case 'EACC oversight':
      return { cookie: oversight.cookie };
  }
}

interface Call {
  method: 'GET' | 'POST';
  url: string;
  payload?: object;
}

interface Row {
  route: string;
  call: () => Call;
  /** One expected status per entry of WHO; null where the call is not tried (see the note on the row). */
  expect: readonly (number | null)[];
  /** Refused calls on these rows must leave the DIS cases exactly as they were. */
  touchesCase: boolean;
  check?: (response: LightMyRequestResponse, who: Who) => void;
}

const caseUrl = (path = '') => `/api/v1/staff/cases/${target.reference}${path}`;
let accounts = 0;

const refs = (response: LightMyRequestResponse): string[] =>
  response.json().items.map((item: { reference: string }) => item.reference);

/** Oversight sees every case; nobody else in the table may ever see the DIS case in a list. */
function listCheck(response: LightMyRequestResponse, who: Who): void {
  if (who === 'EACC oversight') assert.ok(refs(response).includes(target.reference));
  else assert.ok(!refs(response).includes(target.reference), `${who} was shown the DIS case`);
  if (who !== 'EACC oversight') assert.ok(!refs(response).includes(sealedReport.reference));
}

const row = (
  expect: Row['expect'],
  route: string,
  call: Row['call'],
  options: { touchesCase?: boolean; check?: Row['check'] } = {},
): Row => ({ expect, route, call, touchesCase: options.touchesCase ?? false, ...options });
const onCase = { touchesCase: true };
const post = (url: string, payload?: object): Call => ({
  method: 'POST',
  url,
  ...(payload ? { payload } : {}),
});
const get = (url: string): Call => ({ method: 'GET', url });

/*
 * Columns, in the order of WHO: nobody, a citizen with the PIN, a forged session cookie, an unknown
 * API key | KRA officer, KRA supervisor, KRA agency_admin, KRA API key | sysadmin, EACC oversight.
 * null: not tried here, because the call would change the caller's own account (the sysadmin's
 * admin powers are exercised in before() and below; enrolment and sign-out are for oneself).
 */
// biome-ignore format: the table reads as a table
const MATRIX: Row[] = [
  row([401, 401, 401, 401,   200, 200, 200, 200,   200, 200], 'GET /api/v1/staff/cases', () => get('/api/v1/staff/cases?limit=100'), { check: listCheck }),
  row([401, 401, 401, 401,   200, 200, 200, 200,   200, 200], 'GET /api/v1/staff/cases?q=<the DIS reference>', () => get(`/api/v1/staff/cases?q=${target.reference}`), { check: listCheck }),
  row([401, 401, 401, 401,   404, 404, 404, 404,   404, 200], 'GET /api/v1/staff/cases/:reference', () => get(caseUrl()), onCase),
  row([401, 401, 401, 401,   404, 404, 404, 404,   404, 403], 'POST /api/v1/staff/cases/:reference/assign (claim)', () => post(caseUrl('/assign'), {}), onCase),
  row([401, 401, 401, 401,   404, 404, 404, 404,   404, 403], 'POST /api/v1/staff/cases/:reference/assign (to a KRA officer)', () => post(caseUrl('/assign'), { userId: kraOfficer.id }), onCase),
  row([401, 401, 401, 401,   404, 404, 404, 404,   404, 403], 'POST /api/v1/staff/cases/:reference/notes', () => post(caseUrl('/notes'), { message: 'Looked into it' }), onCase),
  row([401, 401, 401, 401,   404, 404, 404, 404,   404, 403], 'POST /api/v1/staff/cases/:reference/responses', () => post(caseUrl('/responses'), { message: 'We are on it' }), onCase),
  row([401, 401, 401, 401,   404, 404, 404, 404,   404, 403], 'POST /api/v1/staff/cases/:reference/status', () => post(caseUrl('/status'), { status: 'acknowledged' }), onCase),
  row([401, 401, 401, 401,   404, 404, 404, 404,   404, 403], 'POST /api/v1/staff/cases/:reference/priority', () => post(caseUrl('/priority'), { priority: 'P1', reason: 'Urgent' }), onCase),
  row([401, 401, 401, 401,   404, 404, 404, 404,   404, 403], 'POST /api/v1/staff/cases/:reference/transfer (to KRA)', () => post(caseUrl('/transfer'), { agencyCode: 'KRA', reason: 'Ours now' }), onCase),
  row([401, 401, 401, 401,   404, 404, 404, 404,   404, 403], 'POST /api/v1/staff/cases/:reference/merge', () => post(caseUrl('/merge'), { intoReference: mergeTarget.reference }), onCase),
  row([401, 401, 401, 401,   403, 403, 403, 403,  null, 403], 'POST /api/v1/admin/users (a DIS officer)', () => post('/api/v1/admin/users', {
    email: `new.officer.${++accounts}@dis.go.ke`, name: 'New Officer', role: 'officer', agencyCode: 'DIS', password: TEST_PASSWORD })),
  row([401, 401, 401, 401,   403, 403, 403, 403,  null, 403], 'POST /api/v1/admin/api-keys (for DIS)', () => post('/api/v1/admin/api-keys', { agencyCode: 'DIS', name: 'Sneaky' })),
  row([401, 401, 401, 401,   200, 200, 200, 200,   200, 200], 'GET /api/v1/auth/me', () => get('/api/v1/auth/me')),
  row([401, 401, 401, 401,  null, null, null, 403,  null, null], 'POST /api/v1/auth/totp/setup', () => post('/api/v1/auth/totp/setup')),
  row([401, 401, 401, 401,  null, null, null, 403,  null, null], 'POST /api/v1/auth/totp/confirm', () => post('/api/v1/auth/totp/confirm', { code: '123456' })),
  row([401, 401, 401, 401,  null, null, null, 403,  null, null], 'POST /api/v1/auth/logout-everywhere', () => post('/api/v1/auth/logout-everywhere')),
];

const CODE_FOR_STATUS: Record<number, string> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
};

interface Snapshot {
  status: string;
  assigneeId: string | null;
  agencyCode: string;
  priority: string;
  queue: string;
  transferCount: number;
  mergedIntoId: string | null;
  events: string[];
}

/** The case as its own agency sees it: who has it, where it is, and every event on it. */
async function snapshot(reference: string, as: SignedInStaff = disOfficer): Promise<Snapshot> {
  const response = await asStaff(ctx, as.cookie, 'GET', `/api/v1/staff/cases/${reference}`);
  assert.equal(response.statusCode, 200, response.body);
  const { case: kase, timeline } = response.json();
  return {
    status: kase.status,
    assigneeId: kase.assigneeId,
    agencyCode: kase.agencyCode,
    priority: kase.priority,
    queue: kase.queue,
    transferCount: kase.transferCount,
    mergedIntoId: kase.mergedIntoId,
    events: timeline.map((e: { seq: number; kind: string }) => `${e.seq}:${e.kind}`),
  };
}

let before_: { target: Snapshot; mergeTarget: Snapshot };

function assertErrorShape(response: LightMyRequestResponse, code: string): void {
  const body = response.json();
  assert.deepEqual(Object.keys(body), ['error'], response.body);
  assert.equal(body.error.code, code, response.body);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
}

before(async () => {
  ctx = await createTestContext();
  target = await submitCase(ctx);
  mergeTarget = await submitCase(ctx);
  kraCase = await submitCase(ctx, { agencyCode: 'KRA' });
  sealedReport = await submitCase(ctx, {
    type: 'corruption_report',
    description: 'An officer at the passport desk asked me for a bribe to process my application',
    anonymous: true,
    citizen: undefined,
  });
  assert.equal(sealedReport.agency.code, 'EACC');

  // One after another: on embedded PGlite, account creation running alongside sign-ins fails with
  // 'portal "" does not exist' (pglite-socket interleaves the messages of different connections).
  disOfficer = await signedInStaff(ctx, 'officer', 'DIS');
  disOfficer2 = await signedInStaff(ctx, 'officer', 'DIS');
  disAgent = await signedInStaff(ctx, 'agent', 'DIS');
  disSupervisor = await signedInStaff(ctx, 'supervisor', 'DIS');
  kraOfficer = await signedInStaff(ctx, 'officer', 'KRA');
  kraSupervisor = await signedInStaff(ctx, 'supervisor', 'KRA');
  kraAdmin = await signedInStaff(ctx, 'agency_admin', 'KRA');
  sysadmin = await signedInStaff(ctx, 'sysadmin');
  oversight = await signedInStaff(ctx, 'oversight', 'EACC');
  eaccOfficer = await signedInStaff(ctx, 'officer', 'EACC');
  clearingHouse = await signedInStaff(ctx, 'clearing_house', 'CLR');
  // Administrators must enrol two-factor before their session may do anything.
  await enrolTotp(ctx, kraAdmin.cookie);
  await enrolTotp(ctx, sysadmin.cookie);
  const key = await asStaff(ctx, sysadmin.cookie, 'POST', '/api/v1/admin/api-keys', {
    agencyCode: 'KRA',
    name: 'KRA iTax integration',
  });
  assert.equal(key.statusCode, 201, key.body);
  kraApiKey = key.json().key;

  before_ = { target: await snapshot(target.reference), mergeTarget: await snapshot(mergeTarget.reference) };
});
after(() => ctx.close());

describe('the authorization matrix (a DIS case, tried by everyone who does not work it)', () => {
  test('the matrix has one expectation per principal on every row', () => {
    for (const row of MATRIX) assert.equal(row.expect.length, WHO.length, row.route);
  });

  for (const row of MATRIX) {
    describe(row.route, () => {
      WHO.forEach((who, column) => {
        const expected = row.expect[column];
        if (expected === null || expected === undefined) return;
        const untouched = row.touchesCase && expected >= 400 ? ' and the DIS case is unchanged' : '';
        test(`${who} gets ${expected}${untouched}`, async () => {
          const call = row.call();
          const response = await ctx.app.inject({
            method: call.method,
            url: call.url,
            headers: headersOf(who),
            ...(call.payload ? { payload: call.payload } : {}),
          });
          assert.equal(response.statusCode, expected, response.body);
          const code = CODE_FOR_STATUS[expected];
          if (code) assertErrorShape(response, code);
          if (expected < 300) row.check?.(response, who);
          if (row.touchesCase) {
            assert.deepEqual(await snapshot(target.reference), before_.target);
            assert.deepEqual(await snapshot(mergeTarget.reference), before_.mergeTarget);
          }
        });
      });
    });
  }

  test('every case route works for the owning agency (so the refusals above are about who asks)', async () => {
    const expectations: [Call, (r: LightMyRequestResponse) => void][] = [];
    const fresh = await submitCase(ctx);
    const into = await submitCase(ctx);
    const moving = await submitCase(ctx);
    const url = (ref: string, path = '') => `/api/v1/staff/cases/${ref}${path}`;
    const ok = (r: LightMyRequestResponse) => assert.equal(r.statusCode, 200, r.body);
    expectations.push(
      [{ method: 'GET', url: url(fresh.reference) }, ok],
      [{ method: 'POST', url: url(fresh.reference, '/assign'), payload: {} }, ok],
      [{ method: 'POST', url: url(fresh.reference, '/assign'), payload: { userId: disOfficer.id } }, ok],
      [{ method: 'POST', url: url(fresh.reference, '/notes'), payload: { message: 'Looked into it' } }, ok],
      [{ method: 'POST', url: url(fresh.reference, '/responses'), payload: { message: 'We are on it' } }, ok],
      [{ method: 'POST', url: url(fresh.reference, '/status'), payload: { status: 'acknowledged' } }, ok],
      [
        {
          method: 'POST',
          url: url(fresh.reference, '/priority'),
          payload: { priority: 'P1', reason: 'Urgent' },
        },
        ok,
      ],
      [
        { method: 'POST', url: url(fresh.reference, '/merge'), payload: { intoReference: into.reference } },
        ok,
      ],
      [
        {
          method: 'POST',
          url: url(moving.reference, '/transfer'),
          payload: { agencyCode: 'KRA', reason: 'This is about a tax PIN' },
        },
        ok,
      ],
    );
    for (const [call, expect] of expectations) {
      const response = await asStaff(ctx, disSupervisor.cookie, call.method, call.url, call.payload);
      expect(response);
    }
    assert.equal((await snapshot(fresh.reference)).status, 'merged');
  });

  test('a case of another agency answers exactly like a reference that does not exist', async () => {
    let missing = generateReference();
    while (missing === target.reference) missing = generateReference();
    for (const path of ['', '/notes']) {
      const method = path ? 'POST' : 'GET';
      const payload = path ? { message: 'Probing' } : undefined;
      const theirs = await asStaff(ctx, kraOfficer.cookie, method, caseUrl(path), payload);
      const nothing = await asStaff(
        ctx,
        kraOfficer.cookie,
        method,
        `/api/v1/staff/cases/${missing}${path}`,
        payload,
      );
      assert.equal(theirs.statusCode, 404);
      assert.equal(nothing.statusCode, 404);
      assert.deepEqual(theirs.json(), nothing.json());
    }
  });

  test('a KRA officer cannot merge a KRA case into a DIS case, and neither case changes', async () => {
    const kraBefore = await snapshot(kraCase.reference, kraOfficer);
    const response = await asStaff(
      ctx,
      kraOfficer.cookie,
      'POST',
      `/api/v1/staff/cases/${kraCase.reference}/merge`,
      {
        intoReference: target.reference,
      },
    );
    assert.equal(response.statusCode, 404, response.body);
    assertErrorShape(response, 'not_found');
    assert.deepEqual(await snapshot(kraCase.reference, kraOfficer), kraBefore);
    assert.deepEqual(await snapshot(target.reference), before_.target);
  });
});

describe('sealed corruption reports', () => {
  test('only oversight can read a corruption report; to everyone else it does not exist', async () => {
    const seen = await asStaff(ctx, oversight.cookie, 'GET', `/api/v1/staff/cases/${sealedReport.reference}`);
    assert.equal(seen.statusCode, 200, seen.body);
    assert.equal(seen.json().case.sealed, true);
    assert.equal(seen.json().case.agencyCode, 'EACC');
    for (const who of [disOfficer, disSupervisor, clearingHouse, kraOfficer, eaccOfficer, sysadmin]) {
      const response = await asStaff(ctx, who.cookie, 'GET', `/api/v1/staff/cases/${sealedReport.reference}`);
      assert.equal(response.statusCode, 404, `${who.role} of ${who.agencyCode}: ${response.body}`);
      assertErrorShape(response, 'not_found');
    }
    const byKey = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/staff/cases/${sealedReport.reference}`,
      headers: { authorization: `Bearer ${kraApiKey}` },
    });
    assert.equal(byKey.statusCode, 404);
  });

  test('a corruption report never appears in the lists of the agency it names, the clearing house or another agency', async () => {
    const queries = [
      '?limit=100',
      '?limit=100&sealed=true',
      `?q=${sealedReport.reference}`,
      '?limit=100&type=corruption_report',
    ];
    for (const who of [disOfficer, disSupervisor, clearingHouse, kraOfficer, eaccOfficer]) {
      for (const query of queries) {
        const response = await asStaff(ctx, who.cookie, 'GET', `/api/v1/staff/cases${query}`);
        assert.equal(response.statusCode, 200, response.body);
        assert.ok(
          !refs(response).includes(sealedReport.reference),
          `${who.role} of ${who.agencyCode} saw the sealed report with ${query}`,
        );
      }
    }
    const listed = await asStaff(ctx, oversight.cookie, 'GET', '/api/v1/staff/cases?limit=100&sealed=true');
    assert.deepEqual(refs(listed), [sealedReport.reference]);
  });

  test('only oversight can act on a corruption report', async () => {
    const before = await snapshot(sealedReport.reference, oversight);
    for (const who of [disOfficer, disSupervisor, clearingHouse, eaccOfficer]) {
      const response = await asStaff(
        ctx,
        who.cookie,
        'POST',
        `/api/v1/staff/cases/${sealedReport.reference}/notes`,
        {
          message: 'Reading this',
        },
      );
      assert.equal(response.statusCode, 404, `${who.role} of ${who.agencyCode}: ${response.body}`);
    }
    assert.deepEqual(await snapshot(sealedReport.reference, oversight), before);
    const noted = await asStaff(
      ctx,
      oversight.cookie,
      'POST',
      `/api/v1/staff/cases/${sealedReport.reference}/notes`,
      {
        message: 'Opened an investigation file',
      },
    );
    assert.equal(noted.statusCode, 200, noted.body);
  });
});

describe('roles within the agency that owns the case', () => {
  test('oversight can read a DIS case but not act on it', async () => {
    const read = await asStaff(ctx, oversight.cookie, 'GET', caseUrl());
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().case.agencyCode, 'DIS');
    const note = await asStaff(ctx, oversight.cookie, 'POST', caseUrl('/notes'), { message: 'Audit remark' });
    assert.equal(note.statusCode, 403, note.body);
    assertErrorShape(note, 'forbidden');
    assert.deepEqual(await snapshot(target.reference), before_.target);
  });

  test('an agent cannot transfer a case, though they can work it', async () => {
    const kase = await submitCase(ctx);
    const before = await snapshot(kase.reference);
    const response = await asStaff(
      ctx,
      disAgent.cookie,
      'POST',
      `/api/v1/staff/cases/${kase.reference}/transfer`,
      {
        agencyCode: 'KRA',
        reason: 'Looks like a tax matter',
      },
    );
    assert.equal(response.statusCode, 403, response.body);
    assertErrorShape(response, 'forbidden');
    assert.deepEqual(await snapshot(kase.reference), before);
    const note = await asStaff(ctx, disAgent.cookie, 'POST', `/api/v1/staff/cases/${kase.reference}/notes`, {
      message: 'Called the citizen back',
    });
    assert.equal(note.statusCode, 200, note.body);
  });

  test('an officer can claim a case but not give it to a colleague; a supervisor can', async () => {
    const kase = await submitCase(ctx);
    const url = `/api/v1/staff/cases/${kase.reference}/assign`;
    const before = await snapshot(kase.reference);
    const refused = await asStaff(ctx, disOfficer.cookie, 'POST', url, { userId: disOfficer2.id });
    assert.equal(refused.statusCode, 403, refused.body);
    assertErrorShape(refused, 'forbidden');
    assert.deepEqual(await snapshot(kase.reference), before);

    const claimed = await asStaff(ctx, disOfficer.cookie, 'POST', url, {});
    assert.equal(claimed.statusCode, 200, claimed.body);
    assert.equal((await snapshot(kase.reference)).assigneeId, disOfficer.id);

    const given = await asStaff(ctx, disSupervisor.cookie, 'POST', url, { userId: disOfficer2.id });
    assert.equal(given.statusCode, 200, given.body);
    assert.equal((await snapshot(kase.reference)).assigneeId, disOfficer2.id);
  });

  test('a supervisor cannot give a case to someone of another agency', async () => {
    const kase = await submitCase(ctx);
    const before = await snapshot(kase.reference);
    const response = await asStaff(
      ctx,
      disSupervisor.cookie,
      'POST',
      `/api/v1/staff/cases/${kase.reference}/assign`,
      {
        userId: kraOfficer.id,
      },
    );
    assert.equal(response.statusCode, 400, response.body);
    assertErrorShape(response, 'invalid_input');
    assert.deepEqual(await snapshot(kase.reference), before);
  });
});

describe('administration', () => {
  const newUser = (role: string, agencyCode?: string) => ({
    email: `${role}.${++accounts}@example.go.ke`,
    name: `A new ${role}`,
    role,
    ...(agencyCode ? { agencyCode } : {}),
    password: TEST_PASSWORD,
  });
  const accountExists = async (email: string) =>
    (await ctx.database.db
      .selectFrom('staffUsers')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirst()) !== undefined;

  test('an agency administrator cannot create an account for another agency', async () => {
    for (const agencyCode of ['DIS', 'dis', 'CLR', 'EACC']) {
      const body = newUser('officer', agencyCode);
      const response = await asStaff(ctx, kraAdmin.cookie, 'POST', '/api/v1/admin/users', body);
      assert.equal(response.statusCode, 403, `${agencyCode}: ${response.body}`);
      assertErrorShape(response, 'forbidden');
      assert.equal(await accountExists(body.email), false);
    }
  });

  test('an agency administrator cannot create a sysadmin or an oversight account, even in their own agency', async () => {
    for (const body of [
      newUser('sysadmin'),
      newUser('sysadmin', 'KRA'),
      newUser('oversight', 'KRA'),
      newUser('oversight', 'EACC'),
    ]) {
      const response = await asStaff(ctx, kraAdmin.cookie, 'POST', '/api/v1/admin/users', body);
      assert.equal(response.statusCode, 403, `${body.role} ${body.agencyCode}: ${response.body}`);
      assertErrorShape(response, 'forbidden');
      assert.equal(await accountExists(body.email), false);
    }
  });

  test('an agency administrator can create an officer and an API key for their own agency', async () => {
    const body = newUser('officer', 'KRA');
    const user = await asStaff(ctx, kraAdmin.cookie, 'POST', '/api/v1/admin/users', body);
    assert.equal(user.statusCode, 201, user.body);
    assert.equal(user.json().agencyCode, 'KRA');
    const key = await asStaff(ctx, kraAdmin.cookie, 'POST', '/api/v1/admin/api-keys', {
      agencyCode: 'KRA',
      name: 'KRA eTIMS',
    });
    assert.equal(key.statusCode, 201, key.body);
    assert.match(key.json().key, /^bz_/);
  });

  test('an officer or supervisor cannot call the administration routes, even for their own agency', async () => {
    for (const who of [disOfficer, disSupervisor]) {
      const user = await asStaff(ctx, who.cookie, 'POST', '/api/v1/admin/users', newUser('officer', 'DIS'));
      assert.equal(user.statusCode, 403, user.body);
      assertErrorShape(user, 'forbidden');
      const key = await asStaff(ctx, who.cookie, 'POST', '/api/v1/admin/api-keys', {
        agencyCode: 'DIS',
        name: 'Mine',
      });
      assert.equal(key.statusCode, 403, key.body);
      assertErrorShape(key, 'forbidden');
    }
  });

  test('an API key cannot create keys or accounts, even for its own agency', async () => {
    const headers = { authorization: `Bearer ${kraApiKey}` };
    const key = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/admin/api-keys',
      headers,
      payload: { agencyCode: 'KRA', name: 'Another' },
    });
    assert.equal(key.statusCode, 403, key.body);
    const user = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers,
      payload: newUser('officer', 'KRA'),
    });
    assert.equal(user.statusCode, 403, user.body);
  });

  test('a sysadmin who has not enrolled two-factor may reach only the enrolment routes', async () => {
    const fresh = await signedInStaff(ctx, 'sysadmin');
    const me = await asStaff(ctx, fresh.cookie, 'GET', '/api/v1/auth/me');
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().sessionScope, 'enrol_totp');
    const calls: Call[] = [
      { method: 'GET', url: '/api/v1/staff/cases' },
      { method: 'GET', url: caseUrl() },
      { method: 'POST', url: '/api/v1/admin/users', payload: newUser('officer', 'DIS') },
      { method: 'POST', url: '/api/v1/admin/api-keys', payload: { agencyCode: 'DIS', name: 'Early' } },
    ];
    for (const call of calls) {
      const response = await asStaff(ctx, fresh.cookie, call.method, call.url, call.payload);
      assert.equal(response.statusCode, 403, `${call.method} ${call.url}: ${response.body}`);
      assertErrorShape(response, 'forbidden');
      assert.equal(response.json().error.details.next, '/api/v1/auth/totp/setup');
    }
    const setup = await asStaff(ctx, fresh.cookie, 'POST', '/api/v1/auth/totp/setup');
    assert.equal(setup.statusCode, 200);
  });

  test('a sysadmin reads no cases, whatever the filter', async () => {
    for (const query of ['?limit=100', `?q=${target.reference}`, '?sealed=true', '?sealed=false']) {
      const response = await asStaff(ctx, sysadmin.cookie, 'GET', `/api/v1/staff/cases${query}`);
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json().items, [], query);
    }
    const detail = await asStaff(ctx, sysadmin.cookie, 'GET', caseUrl());
    assert.equal(detail.statusCode, 404);
  });

  test('a sysadmin cannot give the oversight role to someone outside the oversight body', async () => {
    // Oversight reads every sealed corruption report, including those about the account's own agency.
    const body = newUser('oversight', 'KRA');
    const response = await asStaff(ctx, sysadmin.cookie, 'POST', '/api/v1/admin/users', body);
    assert.equal(response.statusCode, 400, response.body);
    assertErrorShape(response, 'invalid_input');
    assert.equal(await accountExists(body.email), false);
  });

  test('creating a sysadmin with an agency code does not report an agency the account does not have', async () => {
    const body = newUser('sysadmin', 'KRA');
    const response = await asStaff(ctx, sysadmin.cookie, 'POST', '/api/v1/admin/users', body);
    if (response.statusCode === 400) return assertErrorShape(response, 'invalid_input');
    assert.equal(response.statusCode, 201, response.body);
    const stored = await ctx.database.db
      .selectFrom('staffUsers')
      .select('agencyId')
      .where('email', '=', body.email)
      .executeTakeFirstOrThrow();
    assert.equal(stored.agencyId, null);
    assert.equal(response.json().agencyCode, null, 'the answer names an agency that was not stored');
  });
});
