import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { SimulatedSession } from '../src/channels/ussd/simulate.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { freshPhone } from './helpers/ussd.ts';

/*
 * The gateway stand-in (channels/ussd/simulate.ts) and `npx baraza ussd` on top of it, against
 * Baraza listening on loopback: real HTTP, as Africa's Talking would post.
 */

/** Runs the CLI with these lines on its standard input; resolves with its output and exit code. */
function runCli(args: string[], lines: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, BARAZA_USSD_TOKEN: '' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout }));
    child.stdin.end(lines.map((line) => `${line}\n`).join(''));
  });
}

describe('the USSD gateway simulator', () => {
  let ctx: TestContext;
  let url: string;
  before(async () => {
    ctx = await createTestContext();
    url = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(() => ctx.close());

  const gateway = (phoneNumber: string) => ({ baseUrl: url, phoneNumber, serviceCode: '*384*2020#' });
  const notice = (sessionId: string) =>
    ctx.database.db
      .selectFrom('ussdSessionEvents')
      .select(['status', 'hopsCount', 'input', 'lastAppResponse'])
      .where('sessionId', '=', sessionId)
      .executeTakeFirst();

  test('a session driven over HTTP accumulates the text with * and ends with the notification the gateway sends', async () => {
    const session = new SimulatedSession(gateway(freshPhone()));
    const first = await session.dial();
    assert.equal(first.end, false);
    assert.match(first.text, /Choose language/);
    for (const input of ['1', '1', '1', '2', 'Street lights on Moi Avenue are off'])
      await session.answer(input);
    const confirm = await session.answer('1');
    assert.match(confirm.text, /^Send this report\?\nConcern, Mombasa:/);
    const sent = await session.answer('1');
    assert.equal(sent.end, true);
    assert.match(sent.text, /^Thank you, your report was received\.\nReference: \d{4}-\d{4}-\d{3}/);
    assert.ok(session.ended);
    await assert.rejects(session.answer('1'), /the session has ended/);
    assert.deepEqual(await notice(session.sessionId), {
      status: 'Success',
      hopsCount: 8,
      input: '1*1*1*2*Street lights on Moi Avenue are off*1*1',
      lastAppResponse: sent.body,
    });
  });

  test('hanging up mid-report is notified as Incomplete, and the next dial offers to continue', async () => {
    const options = gateway(freshPhone());
    const dropped = new SimulatedSession(options);
    await dropped.dial();
    for (const input of ['2', '1', '1', '1']) await dropped.answer(input);
    await dropped.hangUp();
    assert.equal((await notice(dropped.sessionId))?.status, 'Incomplete');
    const again = new SimulatedSession(options);
    assert.match((await again.dial()).text, /^Hukumaliza ripoti yako\.\n1\. Endelea ulipoishia/);
    assert.match((await again.answer('1')).text, /^Eleza tatizo kwa maneno machache:/);
  });

  test('`baraza ussd` reads one answer per line and prints each screen, to the reference', async () => {
    const phone = freshPhone();
    const { code, stdout } = await runCli(
      ['ussd', '--phone', phone, '--url', url],
      [
        '1',
        '1',
        '1',
        '1',
        'The dispensary has had no drugs for a month',
        '47',
        '1',
        'more?',
        '',
        '3',
        '/quit',
      ],
    );
    assert.equal(code, 0, stdout);
    assert.match(stdout, new RegExp(`Dialling \\*384\\*2020# as \\${phone} on ${url}`));
    assert.match(stdout, /-- CON, \d+ characters --\nWelcome to Baraza\./);
    assert.match(stdout, /-- END, \d+ characters --\nThank you, your report was received\.\nReference: /);
    assert.match(stdout, /The session has ended: press Enter to dial again/);
    // Enter dialled again; 3 listed the case just sent.
    assert.match(stdout, /Your recent cases:\n1\. \d{4}-\d{4}-\d{3} Received/);
    const cases = await ctx.database.db
      .selectFrom('cases')
      .innerJoin('citizens', 'citizens.id', 'cases.citizenId')
      .select('channel')
      .where('phone', '=', phone)
      .execute();
    assert.deepEqual(cases, [{ channel: 'ussd' }]);
  });

  test('`baraza ussd` says so when nothing answers at the address', async () => {
    const { code, stdout } = await runCli(
      ['ussd', '--phone', '+254711000111', '--url', 'http://127.0.0.1:9'],
      [],
    );
    assert.equal(code, 1);
    assert.match(stdout, /Could not reach Baraza at http:\/\/127\.0\.0\.1:9/);
  });
});
