import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { consoleClient } from './helpers/console.ts';
import { createTestContext, type SignedInStaff, signedInStaff, type TestContext } from './helpers/context.ts';

/* The console's USSD simulator drives the real USSD callback, screen by screen. */
let ctx: TestContext;
let agent: SignedInStaff;
before(async () => {
  ctx = await createTestContext();
  agent = await signedInStaff(ctx, 'agent', 'CLR');
});
after(() => ctx.close());
const { page, post } = consoleClient(() => ctx);

const screenOf = (body: string) => /<pre class="ussd"[^>]*>([\s\S]*?)<\/pre>/.exec(body)?.[1] ?? '';
const hidden = (body: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(body)?.[1]?.replaceAll('&quot;', '"') ?? '';

test('a trainer dials the code, sees the main menu, and each answer moves the real menu on', async () => {
  const start = await page('/console/ussd', agent.cookie);
  assert.equal(start.statusCode, 200);
  assert.match(start.body, /USSD simulator/);
  const dialled = await post('/console/ussd/dial', { phone: '0712 000 555' }, agent.cookie);
  assert.equal(dialled.statusCode, 200, dialled.body);
  const menu = screenOf(dialled.body);
  assert.match(menu, /1\. /, 'the main menu has numbered choices');
  const sessionId = hidden(dialled.body, 'sessionId');
  assert.match(sessionId, /^ATUid_sim_/);
  const next = await post(
    '/console/ussd/answer',
    { phone: '+254712000555', sessionId, inputs: hidden(dialled.body, 'inputs'), input: '1' },
    agent.cookie,
  );
  assert.equal(next.statusCode, 200);
  assert.notEqual(screenOf(next.body), menu, 'choice 1 leads to another screen');
  assert.match(next.body, /Inputs so far: 1/);
  const session = await ctx.database.db
    .selectFrom('ussdSessions')
    .select(['phone', 'text'])
    .where('sessionId', '=', sessionId)
    .executeTakeFirstOrThrow();
  assert.deepEqual(session, { phone: '+254712000555', text: '1' }, 'the real endpoint kept the session');
});

test('a number that is not a phone is refused on the form, and the page needs a signed-in person', async () => {
  const bad = await post('/console/ussd/dial', { phone: 'not a number' }, agent.cookie);
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Give a phone number/);
  const anonymous = await page('/console/ussd', '');
  assert.notEqual(anonymous.statusCode, 200);
});
