import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestContext, type TestContext } from './helpers/context.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(() => ctx.close());

const body = {
  type: 'complaint',
  description: 'The KRA iTax portal rejects my nil return',
  agencyCode: 'KRA',
  county: 'Nairobi',
};
const submit = (key: string, payload: object = body) =>
  ctx.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { 'idempotency-key': key }, payload });
const countCases = async () =>
  Number(
    (
      await ctx.database.db
        .selectFrom('cases')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

test('a retried submission with the same Idempotency-Key returns the first case and makes no second one', async () => {
  const before = await countCases();
  const first = await submit('retry-1');
  const second = await submit('retry-1');
  assert.equal(first.statusCode, 201);
  assert.equal(second.statusCode, 200);
  assert.equal(second.headers['idempotent-replayed'], 'true');
  assert.equal(second.json().reference, first.json().reference);
  assert.equal(second.json().pin, first.json().pin, 'the retry gets the same PIN');
  assert.equal(await countCases(), before + 1);
});

test('retries racing each other still make exactly one case', async () => {
  const before = await countCases();
  const responses = await Promise.all(Array.from({ length: 8 }, () => submit('race-1')));
  const references = new Set(responses.map((r) => r.json().reference));
  assert.equal(references.size, 1);
  assert.deepEqual(responses.map((r) => r.statusCode).sort(), [200, 200, 200, 200, 200, 200, 200, 201]);
  assert.equal(await countCases(), before + 1);
});

test('the same key with a different submission is refused as a conflict', async () => {
  await submit('reused-key');
  const other = await submit('reused-key', { ...body, description: 'Something else entirely happened' });
  assert.equal(other.statusCode, 409);
  assert.equal(other.json().error.code, 'conflict');
});

test('submissions without a key are separate cases', async () => {
  const a = await ctx.app.inject({ method: 'POST', url: '/api/v1/cases', payload: body });
  const b = await ctx.app.inject({ method: 'POST', url: '/api/v1/cases', payload: body });
  assert.notEqual(a.json().reference, b.json().reference);
});
