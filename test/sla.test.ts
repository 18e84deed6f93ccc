import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { actOnDueClocks } from '../src/core/sla/act-on-due-clocks.ts';
import { backfillClocks } from '../src/core/sla/backfill-clocks.ts';
import { checkNothingFallsThrough } from '../src/core/sla/check-nothing-falls-through.ts';
import { sweepDueClocks } from '../src/core/sla/sweep-due-clocks.ts';
import {
  createTestContext,
  type SignedInStaff,
  signedInStaff,
  TEST_PASSWORD,
  type TestContext,
} from './helpers/context.ts';
import { asStaff, orphanCase, submitCase } from './helpers/factories.ts';

/*
 * The SLA engine end to end, on a controllable clock: deadlines in working time, pauses, warnings,
 * breaches and the escalation chain, reassignment, closing for want of an answer, atomic claims,
 * and the "nothing falls through" check. Times are Nairobi local (UTC+3).
 */

let ctx: TestContext;
let officer: SignedInStaff;
let supervisor: SignedInStaff;
let head: SignedInStaff;
let oversight: SignedInStaff;
let clearing: SignedInStaff;
let police: SignedInStaff;

before(async () => {
  ctx = await createTestContext({ BARAZA_SESSION_IDLE_MINUTES: '1440', BARAZA_SESSION_MAX_HOURS: '720' });
  officer = await signedInStaff(ctx, 'officer', 'DIS');
  supervisor = await signedInStaff(ctx, 'supervisor', 'DIS');
  head = await signedInStaff(ctx, 'agency_head', 'DIS');
  oversight = await signedInStaff(ctx, 'oversight', 'EACC');
  clearing = await signedInStaff(ctx, 'clearing_house', 'CLR');
  police = await signedInStaff(ctx, 'officer', 'NPS');
});
after(() => ctx.close());

const at = (local: string) => {
  ctx.clock.now = new Date(local);
};

/*
 * The clock jumps by days and months here, past any session's lifetime: a person signs in again
 * when the clock has moved more than half a day since they last did, as they would at work.
 */
const sessions = new Map<string, { cookie: string; at: number }>();
async function cookieOf(who: SignedInStaff): Promise<string> {
  const held = sessions.get(who.email);
  const now = ctx.clock.now.getTime();
  if (held && Math.abs(now - held.at) < 12 * 3_600_000) return held.cookie;
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: who.email, password: TEST_PASSWORD },
  });
  assert.equal(response.statusCode, 200, response.body);
  const cookie = `baraza_session=${response.cookies.find((c) => c.name === 'baraza_session')?.value}`;
  sessions.set(who.email, { cookie, at: now });
  return cookie;
}
const as = async (who: SignedInStaff, method: 'GET' | 'POST', url: string, payload?: object) =>
  asStaff(ctx, await cookieOf(who), method, url, payload);
const deps = () => ({ db: ctx.database.db, sla: ctx.sla });

/** What the sweep job and the per-case jobs do, run here in process at the test clock's time. */
async function runDueJobs(): Promise<number> {
  let acted = 0;
  await sweepDueClocks(ctx.database.db, ctx.clock.now, async (cases) => {
    for (const due of cases) {
      const outcome = await actOnDueClocks(deps(), due.caseId, ctx.clock.now);
      acted += outcome.claimed;
    }
  });
  return acted;
}

interface ClockJson {
  clock: string;
  state: string;
  dueAt: string | null;
  dueLocal: string | null;
  remainingSeconds: number | null;
  breachedAt: string | null;
}

async function caseOf(reference: string, who: SignedInStaff = officer) {
  const response = await as(who, 'GET', `/api/v1/staff/cases/${reference}`);
  assert.equal(response.statusCode, 200, response.body);
  const detail = response.json();
  const clocks = new Map<string, ClockJson>(detail.clocks.map((c: ClockJson) => [c.clock, c]));
  return { ...detail, clocks } as {
    case: Record<string, unknown>;
    timeline: { kind: string; public: boolean; data: Record<string, unknown> }[];
    clocks: Map<string, ClockJson>;
  };
}

const clock = (detail: { clocks: Map<string, ClockJson> }, name: string): ClockJson => {
  const found = detail.clocks.get(name);
  assert.ok(found, `the case has a ${name} clock`);
  return found;
};

const notificationsOf = async (who: SignedInStaff) =>
  (await as(who, 'GET', '/api/v1/staff/notifications?limit=200')).json().items as {
    kind: string;
    caseReference: string;
    data: Record<string, unknown>;
  }[];

const staffPost = (who: SignedInStaff, reference: string, action: string, body: object) =>
  as(who, 'POST', `/api/v1/staff/cases/${reference}/${action}`, body);

describe('deadlines in working time', () => {
  test('a new case gets its clocks at once: acknowledge in one working day, resolve in 21 days', async () => {
    at('2026-11-23T10:00:00+03:00'); // a Monday
    const { reference } = await submitCase(ctx);
    const detail = await caseOf(reference);
    assert.deepEqual([...detail.clocks.keys()].sort(), [
      'acknowledge',
      'first_response',
      'interim_update',
      'resolve',
    ]);
    // 10:00-13:00 and 14:00-17:00 on Monday are six hours; two more on Tuesday morning.
    assert.equal(clock(detail, 'acknowledge').dueLocal, '2026-11-24T10:00:00.000+03:00');
    assert.equal(clock(detail, 'resolve').dueAt, '2026-12-14T07:00:00.000Z');
    assert.equal(clock(detail, 'resolve').state, 'running');
    assert.equal(detail.case.nextDueAt, '2026-11-24T07:00:00.000Z');
  });

  test('a deadline skips the weekend and a Kenyan public holiday', async () => {
    at('2026-12-11T15:00:00+03:00'); // Friday; Jamhuri Day is Saturday, Christmas Friday week
    const { reference } = await submitCase(ctx);
    // Friday 15:00-17:00 is two hours; Monday gives the other six, ending at 15:00.
    assert.equal(clock(await caseOf(reference), 'acknowledge').dueLocal, '2026-12-14T15:00:00.000+03:00');
    at('2026-12-24T16:00:00+03:00'); // Thursday before Christmas and Boxing Day
    const late = await submitCase(ctx);
    assert.equal(
      clock(await caseOf(late.reference), 'acknowledge').dueLocal,
      '2026-12-28T16:00:00.000+03:00',
    );
  });

  test('the police work round the clock: their deadlines run through the night and the weekend', async () => {
    at('2026-11-28T22:00:00+03:00'); // Saturday night
    const { reference } = await submitCase(ctx, {
      agencyCode: 'NPS',
      description: 'I reported my stolen phone at Kilimani police station and want the OB number',
    });
    const acknowledge = clock(await caseOf(reference, police), 'acknowledge');
    assert.equal(acknowledge.dueLocal, '2026-11-29T22:00:00.000+03:00');
  });

  test('a P1 case must be resolved within 48 hours, as the Access to Information Act asks for life and liberty', async () => {
    at('2026-11-27T16:00:00+03:00');
    const submitted = await submitCase(ctx, {
      description: 'My child is missing since yesterday and her passport is gone, please help urgently',
      priority: undefined,
    });
    const detail = await caseOf(submitted.reference);
    if (detail.case.priority !== 'P1') {
      const raised = await staffPost(supervisor, submitted.reference, 'priority', {
        priority: 'P1',
        reason: 'a missing child',
      });
      assert.equal(raised.statusCode, 200, raised.body);
    }
    const resolve = clock(await caseOf(submitted.reference), 'resolve');
    assert.equal(resolve.dueLocal, '2026-11-29T16:00:00.000+03:00');
  });

  test('raising the priority shortens deadlines counted from the submission, not from the change', async () => {
    at('2026-11-23T09:00:00+03:00');
    const { reference } = await submitCase(ctx);
    assert.equal(clock(await caseOf(reference), 'resolve').dueLocal, '2026-12-14T09:00:00.000+03:00');
    at('2026-11-24T09:00:00+03:00');
    const raised = await staffPost(supervisor, reference, 'priority', {
      priority: 'P2',
      reason: 'a minister asked',
    });
    assert.equal(raised.statusCode, 200, raised.body);
    // P2 resolves within 7 days of the submission.
    assert.equal(clock(await caseOf(reference), 'resolve').dueLocal, '2026-11-30T09:00:00.000+03:00');
  });

  test('queues put the case that is due soonest first', async () => {
    at('2026-11-23T11:00:00+03:00');
    const routine = await submitCase(ctx);
    at('2026-11-23T11:05:00+03:00');
    const urgent = await submitCase(ctx);
    await staffPost(supervisor, urgent.reference, 'priority', { priority: 'P1', reason: 'danger' });
    const queue = (await as(officer, 'GET', '/api/v1/staff/cases?limit=100')).json();
    const order = queue.items.map((i: { reference: string }) => i.reference);
    assert.ok(order.indexOf(urgent.reference) < order.indexOf(routine.reference));
    const dues = queue.items
      .filter((i: { nextDueAt: string | null }) => i.nextDueAt)
      .map((i: { nextDueAt: string }) => Date.parse(i.nextDueAt));
    assert.deepEqual(
      dues,
      [...dues].sort((a, b) => a - b),
    );
  });

  test('paging by due time visits every case once: the due ones soonest first, then the rest newest first', async () => {
    at('2026-11-23T12:00:00+03:00');
    const done = await submitCase(ctx);
    await staffPost(officer, done.reference, 'status', {
      status: 'resolved',
      message: 'Sorted at the counter',
    });
    const seen: { reference: string; nextDueAt: string | null; createdAt: string }[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/staff/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await as(officer, 'GET', url)).json();
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const all = (await as(officer, 'GET', '/api/v1/staff/cases?sort=newest&limit=100')).json().items;
    assert.equal(new Set(seen.map((i) => i.reference)).size, seen.length, 'no case twice');
    assert.equal(seen.length, all.length, 'no case missed');
    const firstUndated = seen.findIndex((i) => i.nextDueAt === null);
    assert.ok(firstUndated > 0 && seen.slice(firstUndated).every((i) => i.nextDueAt === null));
    const dues = seen.slice(0, firstUndated).map((i) => Date.parse(i.nextDueAt as string));
    assert.deepEqual(
      dues,
      [...dues].sort((a, b) => a - b),
    );
    const created = seen.slice(firstUndated).map((i) => Date.parse(i.createdAt));
    assert.deepEqual(
      created,
      [...created].sort((a, b) => b - a),
    );
    assert.ok(seen.slice(firstUndated).some((i) => i.reference === done.reference));
  });
});

describe('pauses', () => {
  test('the resolve clock stops while the case awaits the citizen and restarts with the time it had left', async () => {
    at('2026-11-23T10:00:00+03:00');
    const { reference, pin } = await submitCase(ctx);
    const before = clock(await caseOf(reference), 'resolve');
    at('2026-11-25T10:00:00+03:00');
    const asked = await staffPost(officer, reference, 'status', {
      status: 'awaiting_citizen',
      message: 'Please send a copy of your birth certificate',
    });
    assert.equal(asked.statusCode, 200, asked.body);
    const waiting = await caseOf(reference);
    assert.equal(clock(waiting, 'resolve').state, 'paused');
    assert.equal(clock(waiting, 'first_response').state, 'met');
    assert.equal(clock(waiting, 'citizen_reply').state, 'running');

    at('2026-11-30T10:00:00+03:00'); // five days later the citizen answers
    const answered = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${reference}/replies`,
      payload: { pin, message: 'I have attached it' },
    });
    assert.equal(answered.statusCode, 200, answered.body);
    const resumed = await caseOf(reference);
    assert.equal(clock(resumed, 'resolve').state, 'running');
    assert.equal(clock(resumed, 'citizen_reply').state, 'met');
    assert.equal(
      Date.parse(clock(resumed, 'resolve').dueAt as string) - Date.parse(before.dueAt as string),
      5 * 86_400_000,
      'the deadline moved by exactly the five days the agency waited',
    );
  });

  test('a case the citizen never answers is closed with a notice after 14 days, and can be reopened', async () => {
    at('2026-11-02T10:00:00+03:00');
    const { reference, pin } = await submitCase(ctx);
    await staffPost(officer, reference, 'status', {
      status: 'awaiting_citizen',
      message: 'Which passport office?',
    });
    at('2026-11-16T10:00:01+03:00');
    await runDueJobs();
    const closed = await caseOf(reference);
    assert.equal(closed.case.status, 'closed');
    assert.equal(closed.case.nextDueAt, null);
    const tracked = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${reference}?lang=sw`,
    });
    const notice = tracked.json().timeline.at(-1);
    assert.equal(notice.status, 'closed');
    assert.match(notice.message, /hatukupata jibu lako ndani ya siku 14/);

    const reopened = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${reference}/reopen`,
      payload: { pin, reason: 'I was in hospital; the office is Nyayo House' },
    });
    assert.equal(reopened.statusCode, 200, reopened.body);
    const again = await caseOf(reference);
    assert.equal(again.case.status, 'reopened');
    assert.equal(clock(again, 'resolve').state, 'running');
    assert.ok(again.case.nextDueAt);
    // Taking the reopened case up meets its fresh acknowledgement clock.
    await staffPost(officer, reference, 'status', { status: 'in_progress' });
    assert.equal(clock(await caseOf(reference), 'acknowledge').state, 'met');
  });
});

describe('warnings, breaches and escalation', () => {
  test('the assignee is warned at 75%, then the breach escalates up the chain to oversight, one level at a time', async () => {
    at('2026-11-23T08:00:00+03:00');
    const { reference } = await submitCase(ctx);
    const claimed = await staffPost(officer, reference, 'assign', {});
    assert.equal(claimed.statusCode, 200, claimed.body);

    // Acknowledge is due at 17:00 (8 working hours around lunch); 75% of it is gone at 15:00.
    at('2026-11-23T15:00:00+03:00');
    await runDueJobs();
    let detail = await caseOf(reference);
    assert.equal(clock(detail, 'acknowledge').state, 'warning');
    assert.ok(
      (await notificationsOf(officer)).some((n) => n.kind === 'sla.warning' && n.caseReference === reference),
    );
    assert.equal(detail.case.escalationLevel, 'officer');

    at('2026-11-23T17:00:00+03:00');
    await runDueJobs();
    detail = await caseOf(reference);
    assert.equal(clock(detail, 'acknowledge').state, 'breached');
    assert.equal(detail.case.escalationLevel, 'supervisor');
    assert.ok(detail.timeline.some((e) => e.kind === 'sla.breached' && e.data.clock === 'acknowledge'));
    assert.ok(
      (await notificationsOf(supervisor)).some(
        (n) => n.kind === 'case.escalated' && n.caseReference === reference,
      ),
    );

    // Two working days later, still unacknowledged: the agency head; two more: oversight.
    at('2026-11-25T17:00:00+03:00');
    await runDueJobs();
    assert.equal((await caseOf(reference)).case.escalationLevel, 'agency_head');
    assert.ok((await notificationsOf(head)).some((n) => n.caseReference === reference));
    at('2026-11-27T17:00:00+03:00');
    await runDueJobs();
    detail = await caseOf(reference);
    assert.equal(detail.case.escalationLevel, 'oversight');
    assert.ok((await notificationsOf(oversight)).some((n) => n.caseReference === reference));

    // The top of the chain: nothing further, however long it waits.
    at('2026-12-04T16:00:00+03:00');
    await runDueJobs();
    detail = await caseOf(reference);
    const escalations = detail.timeline.filter((e) => e.kind === 'case.escalated');
    assert.deepEqual(
      escalations.map((e) => (e.data.after as { escalationLevel: string }).escalationLevel),
      ['supervisor', 'agency_head', 'oversight'],
    );
    assert.ok(
      escalations.every((e) => e.public),
      'the citizen sees that the case went up',
    );
    const tracked = (await ctx.app.inject({ method: 'GET', url: `/api/v1/cases/${reference}` })).json();
    assert.ok(
      tracked.timeline.some((e: { message?: string }) => e.message?.includes('escalated to a supervisor')),
    );
  });

  test('a breached resolve clock raises the priority', async () => {
    at('2026-10-01T10:00:00+03:00');
    const { reference } = await submitCase(ctx);
    await staffPost(officer, reference, 'status', { status: 'in_progress' });
    at('2026-10-22T10:00:00+03:00');
    await runDueJobs();
    const detail = await caseOf(reference);
    assert.equal(clock(detail, 'resolve').state, 'breached');
    assert.equal(detail.case.priority, 'P2');
    assert.ok(detail.timeline.some((e) => e.kind === 'case.priority_changed' && e.data.reason));
  });

  test('an assignee who does nothing for three working days loses the case to the queue, and the supervisor is told', async () => {
    at('2026-11-23T09:00:00+03:00');
    const { reference } = await submitCase(ctx);
    await staffPost(officer, reference, 'assign', {});
    at('2026-11-24T09:00:00+03:00');
    // Acting on the case restarts the assignee's clock.
    await staffPost(officer, reference, 'notes', { message: 'Called the passport office' });
    assert.equal(clock(await caseOf(reference), 'assignee_idle').dueLocal, '2026-11-27T09:00:00.000+03:00');
    at('2026-11-27T09:00:00+03:00');
    await runDueJobs();
    const detail = await caseOf(reference);
    assert.equal(detail.case.assigneeId, null);
    assert.ok(detail.timeline.some((e) => e.kind === 'case.reassigned'));
    assert.ok(
      (await notificationsOf(supervisor)).some(
        (n) => n.kind === 'case.reassigned' && n.caseReference === reference,
      ),
    );
  });

  test('two workers acting on the same due case at once escalate it once', async () => {
    at('2026-11-23T08:00:00+03:00');
    const { reference } = await submitCase(ctx);
    const id = (await caseOf(reference)).case.id as string;
    at('2026-11-23T17:00:00+03:00');
    const outcomes = await Promise.all([
      actOnDueClocks(deps(), id, ctx.clock.now),
      actOnDueClocks(deps(), id, ctx.clock.now),
      actOnDueClocks(deps(), id, ctx.clock.now),
    ]);
    assert.equal(
      outcomes.reduce((sum, o) => sum + o.escalations, 0),
      1,
    );
    const detail = await caseOf(reference);
    assert.equal(detail.timeline.filter((e) => e.kind === 'case.escalated').length, 1);
    assert.equal(detail.case.escalationLevel, 'supervisor');
  });

  test('routing a clearing-house case meets its transfer clock, and the receiving agency gets five working days to accept it', async () => {
    at('2026-11-23T10:00:00+03:00');
    const { reference } = await submitCase(ctx, { agencyCode: 'CLR' });
    const held = clock(await caseOf(reference, clearing), 'transfer');
    assert.equal(held.dueLocal, '2026-11-30T10:00:00.000+03:00');
    at('2026-11-24T10:00:00+03:00');
    const routed = await staffPost(clearing, reference, 'route', { agencyCode: 'DIS' });
    assert.equal(routed.statusCode, 200, routed.body);
    const arrived = await caseOf(reference);
    assert.equal(clock(arrived, 'transfer').state, 'running');
    assert.equal(clock(arrived, 'transfer').dueLocal, '2026-12-01T10:00:00.000+03:00');
    await staffPost(officer, reference, 'status', { status: 'acknowledged' });
    const accepted = await caseOf(reference);
    assert.equal(clock(accepted, 'transfer').state, 'met');
    assert.equal(clock(accepted, 'acknowledge').state, 'met');
  });

  test('resolving meets the resolve clock, and the SLA report counts met, late and breached clocks', async () => {
    at('2026-09-01T10:00:00+03:00');
    const onTime = await submitCase(ctx);
    const late = await submitCase(ctx);
    at('2026-09-03T10:00:00+03:00');
    await staffPost(officer, onTime.reference, 'status', {
      status: 'resolved',
      message: 'Your passport is ready',
    });
    at('2026-09-30T10:00:00+03:00');
    await runDueJobs();
    await staffPost(officer, late.reference, 'status', { status: 'resolved', message: 'Done at last' });
    assert.equal(clock(await caseOf(onTime.reference), 'resolve').state, 'met');
    assert.equal(clock(await caseOf(late.reference), 'resolve').state, 'met_late');
    const report = await as(
      supervisor,
      'GET',
      '/api/v1/staff/sla/report?from=2026-09-01T00:00:00Z&to=2026-09-02T00:00:00Z',
    );
    assert.equal(report.statusCode, 200, report.body);
    const resolve = report.json().clocks.find((c: { clock: string }) => c.clock === 'resolve');
    assert.equal(resolve.total, 2);
    assert.equal(resolve.metOnTime, 1);
    assert.equal(resolve.metLate, 1);
    assert.equal(resolve.onTimeRate, 0.5);
    assert.ok(resolve.medianSecondsToMeet > 2 * 86_400);
    const forbidden = await as(officer, 'GET', '/api/v1/staff/sla/report');
    assert.equal(forbidden.statusCode, 403);
    const otherAgency = await asStaff(
      ctx,
      supervisor.cookie,
      'GET',
      '/api/v1/staff/sla/report?agencyCode=KRA',
    );
    assert.equal(otherAgency.statusCode, 403);
  });
});

describe('what a change does to clocks already running', () => {
  test('a transfer after a pause does not take back the time the agency waited for the citizen', async () => {
    at('2026-11-02T10:00:00+03:00');
    const { reference, pin } = await submitCase(ctx);
    await staffPost(officer, reference, 'status', {
      status: 'awaiting_citizen',
      message: 'Your old passport number?',
    });
    at('2026-11-12T10:00:00+03:00');
    await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${reference}/replies`,
      payload: { pin, message: 'A1234567' },
    });
    const resumed = clock(await caseOf(reference), 'resolve');
    assert.equal(resumed.dueLocal, '2026-12-03T10:00:00.000+03:00', '21 days plus the 10 waited');
    at('2026-11-13T10:00:00+03:00');
    const moved = await staffPost(officer, reference, 'transfer', {
      agencyCode: 'KRA',
      reason: 'A tax matter',
    });
    assert.equal(moved.statusCode, 200, moved.body);
    const kra = await signedInStaff(ctx, 'officer', 'KRA');
    const after = clock(await caseOf(reference, kra), 'resolve');
    assert.equal(after.dueLocal, '2026-12-03T10:00:00.000+03:00', 'the same policy keeps the same deadline');
  });

  test('a breached clock whose policy only notifies does not escalate when the case resumes', async () => {
    at('2026-10-01T10:00:00+03:00');
    const { reference, pin } = await submitCase(ctx);
    await staffPost(officer, reference, 'status', { status: 'acknowledged' });
    await staffPost(officer, reference, 'responses', { message: 'We are on it' });
    // interim_update (7 days, notify only) breaches; acknowledge and first response were met.
    at('2026-10-09T10:00:00+03:00');
    await runDueJobs();
    assert.equal(clock(await caseOf(reference), 'interim_update').state, 'breached');
    await staffPost(officer, reference, 'status', { status: 'awaiting_citizen', message: 'Which office?' });
    at('2026-10-10T10:00:00+03:00');
    await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${reference}/replies`,
      payload: { pin, message: 'Nyayo House' },
    });
    at('2026-10-20T10:00:00+03:00');
    await runDueJobs();
    const detail = await caseOf(reference);
    assert.ok(!detail.timeline.some((e) => e.kind === 'case.escalated' && e.data.clock === 'interim_update'));
  });

  test('a case transferred to another agency starts again at its officer level', async () => {
    at('2026-11-23T08:00:00+03:00');
    const { reference } = await submitCase(ctx);
    at('2026-11-23T17:00:00+03:00');
    await runDueJobs();
    assert.equal((await caseOf(reference)).case.escalationLevel, 'supervisor');
    await staffPost(supervisor, reference, 'transfer', {
      agencyCode: 'BRS',
      reason: 'A company registration matter',
    });
    const brs = await signedInStaff(ctx, 'officer', 'BRS');
    assert.equal((await caseOf(reference, brs)).case.escalationLevel, 'officer');
  });
});

describe('nothing falls through', () => {
  test('the check finds and repairs a planted orphan, a case without a deadline and a clock that never fired', async () => {
    at('2026-11-23T10:00:00+03:00');
    const orphan = await submitCase(ctx);
    const undated = await submitCase(ctx);
    const unfired = await submitCase(ctx);
    const db = ctx.database.db;
    const idOf = async (reference: string) =>
      (await db.selectFrom('cases').select('id').where('reference', '=', reference).executeTakeFirstOrThrow())
        .id;
    // Plant the faults as a crash, a bad migration or a careless script might leave them.
    await orphanCase(ctx, orphan.reference);
    const undatedId = await idOf(undated.reference);
    await db.deleteFrom('caseClocks').where('caseId', '=', undatedId).execute();
    await db.updateTable('cases').set({ nextDueAt: null }).where('id', '=', undatedId).execute();
    at('2026-11-24T12:00:00+03:00');
    // Every other due clock is acted on; the one planted below is an hour overdue and unfired.
    await runDueJobs();
    const unfiredId = await idOf(unfired.reference);
    await db
      .updateTable('caseClocks')
      .set({
        warnAt: new Date('2026-11-24T11:00:00+03:00'),
        fireAt: new Date('2026-11-24T11:00:00+03:00'),
        warnedAt: null,
        breachedAt: null,
      })
      .where('caseId', '=', unfiredId)
      .where('clock', '=', 'first_response')
      .execute();

    const report = await checkNothingFallsThrough({ ...deps(), reference: ctx.reference }, ctx.clock.now);
    const problemsOf = (reference: string) =>
      report.findings.filter((f) => f.reference === reference).map((f) => f.problem);
    assert.ok(problemsOf(orphan.reference).includes('owner_not_onboarded'));
    assert.ok(problemsOf(undated.reference).includes('no_due_time'));
    assert.ok(problemsOf(unfired.reference).includes('clock_not_fired'));
    assert.ok(
      report.findings
        .filter((f) => [orphan, undated, unfired].some((c) => c.reference === f.reference))
        .every((f) => f.repaired),
    );

    assert.equal((await caseOf(orphan.reference, clearing)).case.agencyCode, 'CLR');
    const redated = await caseOf(undated.reference);
    assert.ok(redated.case.nextDueAt);
    // Reconstructed from the submission: the acknowledgement it never got is already late.
    assert.equal(clock(redated, 'acknowledge').dueLocal, '2026-11-24T10:00:00.000+03:00');
    const fired = await db
      .selectFrom('caseClocks')
      .select(['warnedAt', 'fireAt'])
      .where('caseId', '=', unfiredId)
      .where('clock', '=', 'first_response')
      .executeTakeFirstOrThrow();
    assert.ok(fired.warnedAt, 'the missed warning was given');

    const health = await asStaff(ctx, (await sysadmin()).cookie, 'GET', '/api/v1/admin/sla/health');
    assert.equal(health.statusCode, 200, health.body);
    assert.equal(health.json().check.id, report.id);
    const again = await checkNothingFallsThrough({ ...deps(), reference: ctx.reference }, ctx.clock.now);
    assert.ok(
      again.findings.every((f) => ![orphan, undated, unfired].some((c) => c.reference === f.reference)),
      'a repaired case is not found again',
    );
  });
});

describe('cases written without clocks', () => {
  test('get the clocks they would have had, from their submission and current state', async () => {
    at('2026-11-23T10:00:00+03:00');
    const { reference } = await submitCase(ctx);
    const db = ctx.database.db;
    const { id } = await db
      .selectFrom('cases')
      .select('id')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    // As demo data or a case from before the SLA engine: acknowledged on Tuesday, and no clocks.
    await db.deleteFrom('caseClocks').where('caseId', '=', id).execute();
    await db
      .updateTable('cases')
      .set({ status: 'acknowledged', nextDueAt: null, updatedAt: new Date('2026-11-24T09:00:00+03:00') })
      .where('id', '=', id)
      .execute();
    at('2026-11-25T10:00:00+03:00');
    assert.ok((await backfillClocks(db, ctx.sla)) >= 1);
    const detail = await caseOf(reference);
    assert.equal(clock(detail, 'acknowledge').state, 'met');
    assert.equal(clock(detail, 'resolve').dueLocal, '2026-12-14T10:00:00.000+03:00');
    assert.equal(detail.case.nextDueAt, clock(detail, 'interim_update').dueAt);
    assert.equal(await backfillClocks(db, ctx.sla), 0, 'a second pass finds nothing to do');
  });
});

let admin: SignedInStaff | undefined;
async function sysadmin(): Promise<SignedInStaff> {
  if (admin) return admin;
  const { enrolTotp } = await import('./helpers/factories.ts');
  admin = await signedInStaff(ctx, 'sysadmin');
  await enrolTotp(ctx, admin.cookie);
  return admin;
}
