import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertTransition,
  canTransition,
  listTransitions,
  OPEN_STATUSES,
} from '../src/core/cases/state-machine.ts';
import { CASE_STATUSES } from '../src/db/schema.ts';

test('withdrawn and merged are final: nothing leaves them', () => {
  for (const to of CASE_STATUSES) {
    for (const by of ['staff', 'citizen', 'system'] as const) {
      assert.equal(canTransition('withdrawn', to, by), false);
      assert.equal(canTransition('merged', to, by), false);
    }
  }
});

test('staff can never close an open case directly, so nothing is closed as "not ours"', () => {
  for (const from of OPEN_STATUSES) assert.equal(canTransition(from, 'closed', 'staff'), false, from);
});

test('only the citizen reopens, and only a resolved or closed case', () => {
  const reopens = listTransitions().filter((t) => t.to === 'reopened');
  assert.deepEqual(reopens.map((t) => t.from).sort(), ['closed', 'resolved']);
  for (const t of reopens) assert.deepEqual(t.by, ['citizen']);
});

test('an illegal transition is refused with what is allowed instead', () => {
  assert.throws(
    () => assertTransition('resolved', 'in_progress', 'staff'),
    (e: unknown) =>
      e instanceof Error &&
      /cannot become in_progress; it can become: closed/.test(e.message) &&
      'code' in e &&
      e.code === 'invalid_transition',
  );
});

test('Baraza itself resolves only a new case (an automatic answer), never one staff have taken up', () => {
  const bySystem = listTransitions().filter((t) => t.to === 'resolved' && t.by.includes('system'));
  assert.deepEqual(
    bySystem.map((t) => t.from),
    ['new'],
  );
});
