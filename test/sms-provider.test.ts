import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { AfricasTalkingSmsProvider, readAnswer } from '../src/channels/sms/africastalking-sms-provider.ts';
import { createSmsProvider } from '../src/channels/sms/create-sms-provider.ts';
import { LocalSmsProvider } from '../src/channels/sms/local-sms-provider.ts';
import { type AfricasTalkingSettings, ConfigError, loadConfig } from '../src/config.ts';
import { MESSAGE_RETRY } from '../src/core/messages/deliver-messages.ts';
import { createMessenger } from '../src/core/messages/messenger.ts';
import {
  AT_API_KEY,
  AT_NUMBERS,
  AT_SENDER_ID,
  AT_USERNAME,
  type AtSmsServer,
  startAtSmsServer,
} from './helpers/at-sms-server.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';

/*
 * The Africa's Talking SMS provider against a small Africa's Talking on loopback
 * (helpers/at-sms-server.ts): what it sends, how it reads each kind of answer, and the outbox
 * using it, from a reply to an inbound SMS to a message given up on after its retries.
 */

let gateway: AtSmsServer;
before(async () => {
  gateway = await startAtSmsServer();
});
after(() => gateway?.close());

const settings = (overrides: Partial<AfricasTalkingSettings> = {}): AfricasTalkingSettings => ({
  username: AT_USERNAME,
  apiKey: AT_API_KEY,
  senderId: AT_SENDER_ID,
  baseUrl: gateway.url,
  timeoutMs: 300,
  ...overrides,
});

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe("the Africa's Talking provider", () => {
  test("sends the message as AT's bulk SMS API wants it, and keeps the messageId and cost it answers with", async () => {
    const provider = new AfricasTalkingSmsProvider(settings());
    const before = gateway.requests.length;
    const result = await provider.send('+254712345678', 'Baraza: your case 4827-3925-648 was acknowledged.');
    assert.equal(result.sent, true, JSON.stringify(result));
    assert.ok(result.sent);
    assert.match(result.providerMessageId, /^ATXid_[0-9a-f]{32}$/);
    assert.equal(result.cost, 'KES 0.8000');
    const [request] = gateway.requests.slice(before);
    assert.ok(request);
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/version1/messaging');
    assert.equal(request.headers.apikey, AT_API_KEY);
    assert.equal(request.headers.accept, 'application/json');
    assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(request.fields, {
      username: AT_USERNAME,
      to: '+254712345678',
      message: 'Baraza: your case 4827-3925-648 was acknowledged.',
      from: AT_SENDER_ID,
    });
  });

  test('without a sender id, sends from the account default (no from field)', async () => {
    const before = gateway.requests.length;
    const result = await new AfricasTalkingSmsProvider(settings({ senderId: undefined })).send(
      '+254712345678',
      'Hello',
    );
    assert.equal(result.sent, true);
    assert.equal(gateway.requests[before]?.fields.from, undefined);
  });

  test('a queued recipient (statusCode 102) counts as sent', async () => {
    const result = await new AfricasTalkingSmsProvider(settings()).send(AT_NUMBERS.queued, 'Hello');
    assert.equal(result.sent, true);
  });

  test('a recipient AT refuses is a failure that names its status and code; a bad number is final', async () => {
    const provider = new AfricasTalkingSmsProvider(settings());
    assert.deepEqual(await provider.send(AT_NUMBERS.invalid, 'Hello'), {
      sent: false,
      error: "Africa's Talking refused the message: InvalidPhoneNumber (statusCode 403)",
      permanent: true,
    });
    assert.deepEqual(await provider.send(AT_NUMBERS.broke, 'Hello'), {
      sent: false,
      error: "Africa's Talking refused the message: InsufficientBalance (statusCode 405)",
    });
  });

  test('a sender id the account does not own is a failure that says so', async () => {
    const result = await new AfricasTalkingSmsProvider(settings({ senderId: 'NOTOURS' })).send(
      '+254712345678',
      'Hi',
    );
    assert.deepEqual(result, { sent: false, error: "Africa's Talking sent to nobody: InvalidSenderId" });
  });

  test('a wrong API key is an HTTP 401 failure, and the key is not in the reason', async () => {
    const wrongKey = `atsk_${randomBytes(24).toString('hex')}`;
    const result = await new AfricasTalkingSmsProvider(settings({ apiKey: wrongKey })).send(
      '+254712345678',
      'Hi',
    );
    assert.deepEqual(result, {
      sent: false,
      error: "Africa's Talking answered HTTP 401: The supplied authentication is invalid",
    });
    assert.ok(!JSON.stringify(result).includes(wrongKey));
  });

  test('an HTTP 500 with a page instead of JSON is a failure', async () => {
    const result = await new AfricasTalkingSmsProvider(settings()).send(AT_NUMBERS.broken, 'Hi');
    assert.deepEqual(result, {
      sent: false,
      error: "Africa's Talking answered HTTP 500: <html><body>Internal Server Error</body></html>",
    });
  });

  test('a gateway that does not answer is a failure after the timeout, not a hang', async () => {
    const started = performance.now();
    const result = await new AfricasTalkingSmsProvider(settings({ timeoutMs: 300 })).send(
      AT_NUMBERS.silent,
      'Hi',
    );
    const took = performance.now() - started;
    assert.deepEqual(result, { sent: false, error: "Africa's Talking did not answer within 300 ms" });
    assert.ok(took >= 250 && took < 3000, `took ${took} ms`);
  });

  test('a gateway that cannot be reached is a failure that says why', async () => {
    const closed = await startAtSmsServer();
    const url = closed.url;
    await closed.close();
    const result = await new AfricasTalkingSmsProvider(settings({ baseUrl: url })).send(
      '+254712345678',
      'Hi',
    );
    assert.equal(result.sent, false);
    assert.ok(!result.sent);
    assert.match(result.error, /^Africa's Talking could not be reached \(fetch failed: .*ECONNREFUSED/);
  });

  test('answers that are not what AT sends are failures, never exceptions', () => {
    assert.deepEqual(readAnswer('not json'), {
      sent: false,
      error: "Africa's Talking answered something that is not JSON: not json",
    });
    assert.equal(readAnswer('null').sent, false);
    assert.equal(readAnswer('{"SMSMessageData":{"Recipients":"none"}}').sent, false);
    assert.deepEqual(
      readAnswer('{"SMSMessageData":{"Recipients":[{"statusCode":101,"status":"Success"}]}}'),
      {
        sent: false,
        error: "Africa's Talking accepted the message (Success) but gave no messageId",
      },
    );
    assert.deepEqual(
      readAnswer(
        '{"SMSMessageData":{"Recipients":[{"statusCode":"101","status":"Success","messageId":"ATXid_1"}]}}',
      ),
      { sent: true, providerMessageId: 'ATXid_1', cost: undefined },
    );
  });
});

describe("configuring Africa's Talking", () => {
  test('the local gateway stays the default', () => {
    const config = loadConfig({});
    assert.deepEqual(config.sms, { provider: 'local' });
    assert.ok(createSmsProvider(config.sms, () => new Date()) instanceof LocalSmsProvider);
  });

  test('BARAZA_SMS_PROVIDER=africastalking takes the account from BARAZA_AT_*', () => {
    const config = loadConfig({
      BARAZA_SMS_PROVIDER: 'africastalking',
      BARAZA_AT_USERNAME: 'baraza',
      BARAZA_AT_API_KEY: AT_API_KEY,
      BARAZA_AT_SENDER_ID: '20202',
    });
    assert.deepEqual(config.sms, {
      provider: 'africastalking',
      africastalking: {
        username: 'baraza',
        apiKey: AT_API_KEY,
        senderId: '20202',
        baseUrl: 'https://api.africastalking.com',
        timeoutMs: 10_000,
      },
    });
    const provider = createSmsProvider(config.sms, () => new Date());
    assert.ok(provider instanceof AfricasTalkingSmsProvider);
    assert.equal(provider.name, 'africastalking');
  });

  test('the sandbox user goes to the sandbox unless a base URL is given', () => {
    const sandbox = loadConfig({
      BARAZA_SMS_PROVIDER: 'africastalking',
      BARAZA_AT_USERNAME: 'sandbox',
      BARAZA_AT_API_KEY: AT_API_KEY,
    });
    assert.equal(
      sandbox.sms.provider === 'africastalking' && sandbox.sms.africastalking.baseUrl,
      'https://api.sandbox.africastalking.com',
    );
    const local = loadConfig({
      BARAZA_SMS_PROVIDER: 'africastalking',
      BARAZA_AT_USERNAME: 'sandbox',
      BARAZA_AT_API_KEY: AT_API_KEY,
      BARAZA_AT_BASE_URL: 'http://127.0.0.1:8089/',
      BARAZA_AT_TIMEOUT_MS: '2500',
    });
    assert.deepEqual(local.sms.provider === 'africastalking' && local.sms.africastalking, {
      username: 'sandbox',
      apiKey: AT_API_KEY,
      senderId: undefined,
      baseUrl: 'http://127.0.0.1:8089',
      timeoutMs: 2500,
    });
  });

  test('a missing account is named, every problem at once, and the API key is never echoed', () => {
    const missing = problemsOf({ BARAZA_SMS_PROVIDER: 'africastalking' });
    assert.equal(missing.length, 2, missing.join('\n'));
    assert.match(missing.join('\n'), /BARAZA_AT_USERNAME is needed with BARAZA_SMS_PROVIDER=africastalking/);
    assert.match(missing.join('\n'), /BARAZA_AT_API_KEY is needed with BARAZA_SMS_PROVIDER=africastalking/);

    const wrong = problemsOf({
      BARAZA_SMS_PROVIDER: 'africastalking',
      BARAZA_AT_USERNAME: 'bara za',
      BARAZA_AT_API_KEY: 'short key',
      BARAZA_AT_SENDER_ID: 'MUCH-TOO-LONG-A-NAME',
      BARAZA_AT_BASE_URL: 'http://api.africastalking.com',
      BARAZA_AT_TIMEOUT_MS: '0',
      BARAZA_SMS_TOKEN: 'short',
    });
    assert.equal(wrong.length, 6, wrong.join('\n'));
    for (const variable of [
      'BARAZA_AT_USERNAME',
      'BARAZA_AT_API_KEY',
      'BARAZA_AT_SENDER_ID',
      'BARAZA_AT_BASE_URL must start with https://',
      'BARAZA_AT_TIMEOUT_MS',
      'BARAZA_SMS_TOKEN',
    ]) {
      assert.match(wrong.join('\n'), new RegExp(variable));
    }
    assert.ok(!wrong.join('\n').includes('short key'));
  });

  test("with the local gateway, the Africa's Talking variables are not needed", () => {
    assert.deepEqual(problemsOf({ BARAZA_SMS_PROVIDER: 'local', BARAZA_AT_USERNAME: 'bara za' }), []);
  });
});

describe("the outbox on Africa's Talking", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext({
      BARAZA_SMS_PROVIDER: 'africastalking',
      BARAZA_AT_USERNAME: AT_USERNAME,
      BARAZA_AT_API_KEY: AT_API_KEY,
      BARAZA_AT_SENDER_ID: AT_SENDER_ID,
      BARAZA_AT_BASE_URL: gateway.url,
      BARAZA_AT_TIMEOUT_MS: '300',
    });
  });
  after(() => ctx?.close());

  const post = (url: string, fields: Record<string, string>) =>
    ctx.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });

  async function settled(id: string) {
    for (let attempt = 0; attempt < 100; attempt++) {
      const row = await ctx.database.db
        .selectFrom('outboundMessages')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      if (row.status !== 'queued' || row.error !== null) return row;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`message ${id} was never tried`);
  }

  test('the reply to an inbound SMS goes out through the gateway, and its delivery report comes back to it', async () => {
    const phone = '+254712000111';
    const id = `ATXid_${randomBytes(8).toString('hex')}`;
    const before = gateway.requests.length;
    const inbound = await post('/channels/sms/africastalking/inbound', {
      from: phone,
      to: AT_SENDER_ID,
      text: 'HELP',
      id,
      networkCode: '63902',
    });
    assert.equal(inbound.statusCode, 200, inbound.body);
    const replyId = (
      await ctx.database.db
        .selectFrom('inboundSms')
        .select('replyMessageId')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).replyMessageId;
    const reply = await settled(replyId ?? '');
    assert.equal(reply.status, 'sent');
    assert.equal(reply.provider, 'africastalking');
    assert.match(reply.providerMessageId ?? '', /^ATXid_/);
    const sent = gateway.requests.slice(before).find((r) => r.fields.to === phone);
    assert.match(sent?.fields.message ?? '', /^Baraza: to report a problem/);

    const report = await post('/channels/sms/africastalking/delivery', {
      id: reply.providerMessageId ?? '',
      status: 'Success',
      phoneNumber: phone,
      networkCode: '63902',
      retryCount: '0',
    });
    assert.deepEqual(report.json(), { outcome: 'recorded' });
    const delivered = await settled(replyId ?? '');
    assert.equal(delivered.deliveryStatus, 'Success');
    assert.ok(delivered.deliveredAt);
  });

  test('a message to a number AT says does not exist fails at once, with the reason visible', async () => {
    const messenger = ctx.messenger;
    const id = await messenger.queue(ctx.database.db, {
      channel: 'sms',
      recipient: AT_NUMBERS.invalid,
      body: 'Baraza: your case was acknowledged.',
      purpose: 'test',
      dedupeKey: `test:at-invalid:${randomBytes(4).toString('hex')}`,
    });
    assert.equal(await messenger.deliver(id), 'failed');
    const row = await settled(id);
    assert.equal(row.status, 'failed');
    assert.equal(row.attempts, 1);
    assert.equal(row.error, "Africa's Talking refused the message: InvalidPhoneNumber (statusCode 403)");
    ctx.clock.now = new Date(ctx.clock.now.getTime() + 60 * 60_000);
    assert.equal(await messenger.deliver(id), 'not_claimed', 'given up on: not tried again');
  });

  test('a message AT keeps refusing for want of credit ends failed after its retries, with the reason visible', async () => {
    const messenger = ctx.messenger;
    const id = await messenger.queue(ctx.database.db, {
      channel: 'sms',
      recipient: AT_NUMBERS.broke,
      body: 'Baraza: your case was acknowledged.',
      purpose: 'test',
      dedupeKey: `test:at-refused:${randomBytes(4).toString('hex')}`,
    });
    const outcomes: string[] = [];
    for (let attempt = 1; attempt <= MESSAGE_RETRY.maxAttempts; attempt++) {
      outcomes.push(await messenger.deliver(id));
      ctx.clock.now = new Date(ctx.clock.now.getTime() + 60 * 60_000);
    }
    assert.deepEqual(outcomes, [...Array(MESSAGE_RETRY.maxAttempts - 1).fill('retrying'), 'failed']);
    const row = await settled(id);
    assert.equal(row.status, 'failed');
    assert.equal(row.attempts, MESSAGE_RETRY.maxAttempts);
    assert.equal(row.provider, 'africastalking');
    assert.equal(row.error, "Africa's Talking refused the message: InsufficientBalance (statusCode 405)");
    assert.equal(await messenger.deliver(id), 'not_claimed', 'given up on: not tried again');
  });

  test('a gateway that times out leaves the message queued for the sweep, then failed', async () => {
    const messenger = createMessenger({
      db: ctx.database.db,
      config: { mail: { smtpUrl: undefined, from: 'Baraza <no-reply@baraza.test>' } },
      sms: new AfricasTalkingSmsProvider(settings({ timeoutMs: 150 })),
      now: () => ctx.clock.now,
    });
    const id = await messenger.queue(ctx.database.db, {
      channel: 'sms',
      recipient: AT_NUMBERS.silent,
      body: 'Baraza: hello',
      purpose: 'test',
      dedupeKey: `test:at-silent:${randomBytes(4).toString('hex')}`,
    });
    assert.equal(await messenger.deliver(id), 'retrying');
    const waiting = await settled(id);
    assert.equal(waiting.status, 'queued');
    assert.equal(waiting.error, "Africa's Talking did not answer within 150 ms");
    for (let attempt = 2; attempt <= MESSAGE_RETRY.maxAttempts; attempt++) {
      ctx.clock.now = new Date(ctx.clock.now.getTime() + 60 * 60_000);
      await messenger.deliverQueued();
    }
    const given = await settled(id);
    assert.equal(given.status, 'failed');
    assert.equal(given.attempts, MESSAGE_RETRY.maxAttempts);
  });
});
