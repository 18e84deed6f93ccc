import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, type SignedInStaff, signedInStaff, type TestContext } from './helpers/context.ts';
import { asStaff, submitCase } from './helpers/factories.ts';

let ctx: TestContext;
let officer: SignedInStaff;

before(async () => {
  ctx = await createTestContext();
  officer = await signedInStaff(ctx, 'officer', 'DIS');
});
after(() => ctx.close());

const track = (reference: string, headers: Record<string, string> = {}) =>
  ctx.app.inject({ method: 'GET', url: `/api/v1/cases/${reference}`, headers });
const citizen = (reference: string, action: string, payload: object) =>
  ctx.app.inject({ method: 'POST', url: `/api/v1/cases/${reference}/${action}`, payload });
const staff = (reference: string, action: string, payload: object) =>
  asStaff(ctx, officer.cookie, 'POST', `/api/v1/staff/cases/${reference}/${action}`, payload);

describe('a case from submission to closure', () => {
  test('goes through every step, and the citizen sees only the public side of it', async () => {
    const { reference, pin, agency } = await submitCase(ctx);
    assert.equal(agency.code, 'DIS');
    assert.equal((await staff(reference, 'assign', {})).statusCode, 200);
    assert.equal((await staff(reference, 'status', { status: 'acknowledged' })).statusCode, 200);
    assert.equal(
      (await staff(reference, 'notes', { message: 'Checked the file at Nyayo House' })).statusCode,
      200,
    );
    const ask = await staff(reference, 'status', {
      status: 'awaiting_citizen',
      message: 'Please send your application number',
    });
    assert.equal(ask.statusCode, 200, ask.body);
    const reply = await citizen(reference, 'replies', { pin, message: 'It is DIS-2026-55123' });
    assert.deepEqual(reply.json(), { reference, status: 'in_progress' });
    assert.equal(
      (await staff(reference, 'responses', { message: 'Your passport is printed.' })).statusCode,
      200,
    );
    const resolve = await staff(reference, 'status', {
      status: 'resolved',
      message: 'Collect it at Nyayo House, counter 4',
    });
    assert.equal(resolve.statusCode, 200);
    assert.equal(
      (await citizen(reference, 'rating', { pin, rating: 4, comment: 'Slow but sorted' })).statusCode,
      200,
    );
    assert.equal((await staff(reference, 'status', { status: 'closed' })).statusCode, 200);

    const seen = track(reference);
    const body = (await seen).json();
    assert.equal(body.status, 'closed');
    assert.equal(body.rating, 4);
    assert.equal(body.agency.code, 'DIS');
    const kinds = body.timeline.map((e: { kind: string }) => e.kind);
    assert.ok(!kinds.includes('case.note_added'), 'internal notes stay internal');
    assert.ok(!kinds.includes('case.assigned'), 'assignment is internal');
    assert.ok(kinds.includes('case.responded'));
    assert.ok(!JSON.stringify(body).includes(officer.email));
    assert.ok(
      !JSON.stringify(body).includes('Nyayo House, counter 4'),
      'with the reference alone, the words of the case stay hidden',
    );
    const withPin = (await track(reference, { 'x-tracking-pin': pin })).json();
    assert.ok(JSON.stringify(withPin).includes('Nyayo House, counter 4'), 'the resolution message is public');
    assert.ok(!JSON.stringify(body).includes('Checked the file'), 'the note text is not public');

    const detail = await asStaff(ctx, officer.cookie, 'GET', `/api/v1/staff/cases/${reference}`);
    const timeline = detail.json().timeline as { kind: string; public: boolean; actorName: string | null }[];
    assert.ok(timeline.some((e) => e.kind === 'case.note_added' && !e.public));
    assert.ok(
      timeline.some((e) => e.actorName === `officer of DIS`),
      'staff see who did what',
    );
  });

  test('an anonymous case is tracked only with its PIN', async () => {
    const { reference, pin } = await submitCase(ctx, { citizen: undefined, anonymous: true });
    assert.equal((await track(reference)).statusCode, 401);
    const wrong = String((Number(pin) + 1) % 1_000_000).padStart(6, '0');
    assert.equal((await track(reference, { 'x-tracking-pin': wrong })).statusCode, 403);
    const right = await track(reference, { 'x-tracking-pin': pin });
    assert.equal(right.statusCode, 200);
    assert.equal(right.json().anonymous, true);
  });

  test('a citizen cannot act on a case without its PIN', async () => {
    const { reference, pin } = await submitCase(ctx);
    const wrong = pin === '000000' ? '000001' : '000000';
    const response = await citizen(reference, 'withdraw', { pin: wrong });
    assert.equal(response.statusCode, 403);
    assert.equal((await track(reference)).json().status, 'new');
  });

  test('a resolved case can be reopened within the window, and not after it', async () => {
    const first = await submitCase(ctx);
    const second = await submitCase(ctx);
    for (const { reference } of [first, second]) {
      await staff(reference, 'status', { status: 'resolved', message: 'Done' });
    }
    const reopened = await citizen(first.reference, 'reopen', {
      pin: first.pin,
      reason: 'I still have no passport',
    });
    assert.deepEqual(reopened.json(), { reference: first.reference, status: 'reopened' });
    ctx.clock.now = new Date(ctx.clock.now.getTime() + 31 * 86_400_000);
    try {
      const late = await citizen(second.reference, 'reopen', { pin: second.pin, reason: 'Still broken' });
      assert.equal(late.statusCode, 409);
      assert.match(late.json().error.message, /within 30 days/);
    } finally {
      ctx.clock.now = new Date();
    }
  });

  test('a withdrawn case stays withdrawn', async () => {
    const { reference, pin } = await submitCase(ctx);
    assert.equal(
      (await citizen(reference, 'withdraw', { pin, reason: 'Sorted at the counter' })).json().status,
      'withdrawn',
    );
    const again = await citizen(reference, 'withdraw', { pin });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'invalid_transition');
    assert.equal((await staff(reference, 'status', { status: 'in_progress' })).statusCode, 409);
  });

  test('an illegal status change is refused with the reason and leaves the case as it was', async () => {
    const { reference } = await submitCase(ctx);
    const closing = await staff(reference, 'status', { status: 'closed' });
    assert.equal(closing.statusCode, 409);
    assert.match(closing.json().error.message, /A case that is new cannot become closed/);
    const noMessage = await staff(reference, 'status', { status: 'resolved' });
    assert.equal(noMessage.statusCode, 400);
    assert.equal((await track(reference)).json().status, 'new');
  });

  test('a duplicate is merged into the case that goes on', async () => {
    const original = await submitCase(ctx);
    const duplicate = await submitCase(ctx);
    const merged = await staff(duplicate.reference, 'merge', {
      intoReference: original.reference,
      reason: 'Same passport',
    });
    assert.equal(merged.statusCode, 200, merged.body);
    const seen = (await track(duplicate.reference)).json();
    assert.equal(seen.status, 'merged');
    assert.equal(
      (await staff(original.reference, 'merge', { intoReference: duplicate.reference })).statusCode,
      409,
    );
  });

  test('the queue lists the agency cases newest first and pages without repeats', async () => {
    for (let i = 0; i < 5; i++) await submitCase(ctx);
    const seen = new Set<string>();
    let cursor: string | null = null;
    let previous = Number.POSITIVE_INFINITY;
    do {
      const url: string = `/api/v1/staff/cases?sort=newest&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await asStaff(ctx, officer.cookie, 'GET', url)).json();
      for (const item of page.items) {
        assert.ok(!seen.has(item.reference));
        seen.add(item.reference);
        assert.equal(item.agencyCode, 'DIS');
        assert.ok(Date.parse(item.createdAt) <= previous);
        previous = Date.parse(item.createdAt);
      }
      cursor = page.nextCursor;
    } while (cursor);
    assert.ok(seen.size >= 5);
    const filtered = (
      await asStaff(ctx, officer.cookie, 'GET', '/api/v1/staff/cases?status=withdrawn&limit=100')
    ).json();
    assert.ok(filtered.items.every((i: { status: string }) => i.status === 'withdrawn'));
  });

  test('staff acting on one case at the same moment are applied one after another, none lost', async () => {
    const { reference } = await submitCase(ctx);
    const notes = Array.from({ length: 8 }, (_, i) => `note ${i}`);
    const responses = await Promise.all([
      ...notes.map((message) => staff(reference, 'notes', { message })),
      track(reference),
      ctx.app.inject({
        method: 'GET',
        url: '/api/v1/staff/cases?limit=5',
        headers: { cookie: officer.cookie },
      }),
    ]);
    assert.deepEqual(
      responses.map((r) => r.statusCode),
      responses.map(() => 200),
    );
    const detail = (await asStaff(ctx, officer.cookie, 'GET', `/api/v1/staff/cases/${reference}`)).json();
    const written = detail.timeline.filter((e: { kind: string }) => e.kind === 'case.note_added');
    assert.deepEqual(written.map((e: { data: { message: string } }) => e.data.message).sort(), notes);
    assert.deepEqual(
      detail.timeline.map((e: { seq: number }) => e.seq),
      detail.timeline.map((_: unknown, i: number) => i + 1),
    );
  });
});
