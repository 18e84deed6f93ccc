import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalSmsProvider } from '../src/channels/sms/local-sms-provider.ts';
import type { SmsProvider } from '../src/channels/sms/sms-provider.ts';
import { MESSAGE_RETRY } from '../src/core/messages/deliver-messages.ts';
import { createMessenger } from '../src/core/messages/messenger.ts';
import type { OutboundMessage } from '../src/core/messages/queue-message.ts';
import { QUEUES, startJobs } from '../src/jobs/start-jobs.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { type SmtpInbox, startSmtpInbox } from './helpers/smtp-inbox.ts';

/*
 * The outbox: messages to citizens are written first and sent after, by whoever claims them. The
 * SMS gateway is the local one or a small fake written here (the provider edge); e-mail goes to a
 * real SMTP server on loopback.
 */

let ctx: TestContext;
let smtp: SmtpInbox;
let counter = 0;

before(async () => {
  smtp = await startSmtpInbox();
  ctx = await createTestContext({
    BARAZA_SMTP_URL: smtp.url,
    BARAZA_MAIL_FROM: 'Baraza <no-reply@baraza.test>',
  });
});
after(async () => {
  await smtp.close();
  await ctx?.close();
});

function sms(fields: Partial<OutboundMessage> = {}): OutboundMessage {
  counter += 1;
  return {
    channel: 'sms',
    recipient: `+2547000000${String(counter).padStart(2, '0')}`,
    body: `Test message ${counter}`,
    purpose: 'test',
    dedupeKey: `test:${counter}`,
    ...fields,
  };
}

const local = () => {
  assert.ok(ctx.sms instanceof LocalSmsProvider, 'tests run on the local SMS gateway');
  return ctx.sms;
};

const row = (id: string) =>
  ctx.database.db.selectFrom('outboundMessages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const later = (minutes: number) => {
  ctx.clock.now = new Date(ctx.clock.now.getTime() + minutes * 60_000);
};

/** A gateway that is down until `up` is set, then sends; `calls` counts what it was handed. */
function flakyGateway(): SmsProvider & { up: boolean; calls: number } {
  return {
    name: 'flaky',
    up: false,
    calls: 0,
    async send() {
      this.calls += 1;
      return this.up
        ? { sent: true as const, providerMessageId: `flaky-${this.calls}` }
        : { sent: false as const, error: 'gateway unreachable' };
    },
  };
}

const messengerWith = (gateway: SmsProvider) =>
  createMessenger({
    db: ctx.database.db,
    config: { mail: { smtpUrl: smtp.url, from: 'Baraza <no-reply@baraza.test>' } },
    sms: gateway,
    now: () => ctx.clock.now,
  });

test('a queued message is sent once even when two senders deliver it at the same moment', async () => {
  const message = sms();
  const id = await ctx.messenger.queue(ctx.database.db, message);
  const outcomes = await Promise.all([ctx.messenger.deliver(id), ctx.messenger.deliver(id)]);
  assert.deepEqual(outcomes.sort(), ['not_claimed', 'sent']);
  assert.deepEqual(
    local()
      .sent.filter((s) => s.to === message.recipient)
      .map((s) => s.text),
    [message.body],
  );
  const stored = await row(id);
  assert.equal(stored.status, 'sent');
  assert.equal(stored.provider, 'local');
  assert.match(stored.providerMessageId ?? '', /^local-/);
  assert.equal(stored.attempts, 1);
  assert.deepEqual(stored.sentAt, ctx.clock.now);

  // Neither a later delivery nor the sweep sends it again.
  assert.equal(await ctx.messenger.deliver(id), 'not_claimed');
  later(60);
  await ctx.messenger.deliverQueued();
  assert.equal(local().sent.filter((s) => s.to === message.recipient).length, 1);
});

test('queueing with the same dedupe key twice keeps one message and answers with its id', async () => {
  const message = sms();
  const [first, second] = await Promise.all([
    ctx.messenger.queue(ctx.database.db, message),
    ctx.messenger.queue(ctx.database.db, { ...message, body: 'a retried request, worded differently' }),
  ]);
  const third = await ctx.database.db.transaction().execute((trx) => ctx.messenger.queue(trx, message));
  assert.equal(first, second);
  assert.equal(first, third);
  const rows = await ctx.database.db
    .selectFrom('outboundMessages')
    .select(['id', 'body'])
    .where('dedupeKey', '=', message.dedupeKey)
    .execute();
  assert.equal(rows.length, 1);
});

test('a message queued in a transaction that rolls back is never sent', async () => {
  const message = sms();
  await assert.rejects(
    ctx.database.db.transaction().execute(async (trx) => {
      await ctx.messenger.queue(trx, message);
      throw new Error('the change that called for the message failed');
    }),
  );
  await ctx.messenger.deliverQueued();
  assert.equal(local().sent.filter((s) => s.to === message.recipient).length, 0);
});

test('a message the gateway refuses stays queued with the error, waits its back-off, and fails after five attempts', async () => {
  const gateway = flakyGateway();
  const messenger = messengerWith(gateway);
  const id = await messenger.queue(ctx.database.db, sms());

  assert.equal(await messenger.deliver(id), 'retrying');
  let stored = await row(id);
  assert.equal(stored.status, 'queued');
  assert.equal(stored.error, 'gateway unreachable');
  assert.equal(stored.provider, 'flaky');
  assert.equal(stored.attempts, 1);
  assert.deepEqual(stored.nextAttemptAt, new Date(ctx.clock.now.getTime() + 60_000));
  // Not again before its back-off has passed.
  assert.equal(await messenger.deliver(id), 'not_claimed');
  assert.equal(gateway.calls, 1);

  for (let attempt = 2; attempt <= MESSAGE_RETRY.maxAttempts; attempt++) {
    later(10);
    const outcome = await messenger.deliver(id);
    assert.equal(outcome, attempt < MESSAGE_RETRY.maxAttempts ? 'retrying' : 'failed', `attempt ${attempt}`);
  }
  stored = await row(id);
  assert.equal(stored.status, 'failed');
  assert.equal(stored.attempts, MESSAGE_RETRY.maxAttempts);
  assert.equal(stored.error, 'gateway unreachable');
  assert.equal(stored.sentAt, null);

  // Given up on: the gateway coming back does not resurrect it.
  gateway.up = true;
  later(60);
  assert.equal(await messenger.deliver(id), 'not_claimed');
  assert.equal(gateway.calls, MESSAGE_RETRY.maxAttempts);
});

test('a secret message keeps its words until it is sent, and an ordinary one keeps them after', async () => {
  const secret = sms({ body: 'Your Baraza code is 483920', secret: true });
  const ordinary = sms();
  const secretId = await ctx.messenger.queue(ctx.database.db, secret);
  const ordinaryId = await ctx.messenger.queue(ctx.database.db, ordinary);
  assert.equal((await row(secretId)).body, secret.body, 'kept while it waits to be sent');
  assert.equal(await ctx.messenger.deliver(secretId), 'sent');
  assert.equal(await ctx.messenger.deliver(ordinaryId), 'sent');
  assert.ok(local().sent.some((s) => s.to === secret.recipient && s.text === secret.body));
  assert.equal((await row(secretId)).body, '');
  assert.equal((await row(ordinaryId)).body, ordinary.body);
});

test('a secret message given up on keeps no words either', async () => {
  const gateway = flakyGateway();
  const messenger = messengerWith(gateway);
  const id = await messenger.queue(ctx.database.db, sms({ body: 'PIN 112233', secret: true }));
  for (let attempt = 1; attempt <= MESSAGE_RETRY.maxAttempts; attempt++) {
    assert.notEqual(await messenger.deliver(id), 'sent');
    later(10);
  }
  const stored = await row(id);
  assert.equal(stored.status, 'failed');
  assert.equal(stored.body, '');
});

test('a gateway that throws counts as a failed attempt, not a lost message', async () => {
  const throwing: SmsProvider = {
    name: 'throwing',
    async send() {
      throw new Error('socket hang up');
    },
  };
  const messenger = messengerWith(throwing);
  const id = await messenger.queue(ctx.database.db, sms());
  assert.equal(await messenger.deliver(id), 'retrying');
  const stored = await row(id);
  assert.equal(stored.status, 'queued');
  assert.equal(stored.error, 'socket hang up');
});

test('messages that failed while the gateway was down are sent by the sweep once it is back and their back-off has passed', async () => {
  const gateway = flakyGateway();
  const messenger = messengerWith(gateway);
  const ids = [await messenger.queue(ctx.database.db, sms()), await messenger.queue(ctx.database.db, sms())];
  for (const id of ids) assert.equal(await messenger.deliver(id), 'retrying');
  gateway.up = true;
  // Still inside the back-off: the sweep leaves them.
  const early = await messenger.deliverQueued();
  assert.deepEqual(early, { sent: 0, retrying: 0, failed: 0, skipped: 0 });
  later(2);
  const sweep = await messenger.deliverQueued();
  assert.ok(sweep.sent >= 2, JSON.stringify(sweep));
  for (const id of ids) {
    const stored = await row(id);
    assert.equal(stored.status, 'sent');
    assert.equal(stored.attempts, 2);
    assert.match(stored.providerMessageId ?? '', /^flaky-/);
  }
});

test('an e-mail goes through a real SMTP server, and the server message id is kept', async () => {
  const before = smtp.received.length;
  const id = await ctx.messenger.queue(ctx.database.db, {
    channel: 'email',
    recipient: 'wanjiku@example.org',
    subject: 'About your case',
    body: 'Habari Wanjiku,\n\nYour case has an answer.',
    purpose: 'test',
    dedupeKey: `test:email:${++counter}`,
  });
  assert.equal(await ctx.messenger.deliver(id), 'sent');
  assert.equal(smtp.received.length, before + 1);
  const mail = smtp.received.at(-1);
  assert.deepEqual(mail?.to, ['wanjiku@example.org']);
  assert.equal(mail?.from, 'no-reply@baraza.test');
  assert.match(mail?.text ?? '', /Subject: About your case/);
  assert.match(mail?.text ?? '', /Your case has an answer\./);
  const stored = await row(id);
  assert.equal(stored.status, 'sent');
  assert.equal(stored.provider, 'smtp');
  assert.match(stored.providerMessageId ?? '', /^<.+@.+>$/);
});

test('an e-mail the mail server refuses stays queued with a short error', async () => {
  const messenger = createMessenger({
    db: ctx.database.db,
    // Nothing listens on port 9 of loopback.
    config: { mail: { smtpUrl: 'smtp://127.0.0.1:9', from: 'Baraza <no-reply@baraza.test>' } },
    sms: local(),
    now: () => ctx.clock.now,
  });
  const id = await messenger.queue(ctx.database.db, {
    channel: 'email',
    recipient: 'otieno@example.org',
    subject: 'About your case',
    body: 'Hello',
    purpose: 'test',
    dedupeKey: `test:email:${++counter}`,
  });
  assert.equal(await messenger.deliver(id), 'retrying');
  const stored = await row(id);
  assert.equal(stored.status, 'queued');
  assert.equal(stored.provider, 'smtp');
  assert.match(stored.error ?? '', /ECONNREFUSED|connect/i);
});

test('the message-retry job delivers queued messages that are due', async () => {
  const message = sms();
  // Queued but never delivered, as when the process stopped between commit and send.
  await ctx.messenger.queue(ctx.database.db, message);
  const jobs = await startJobs(
    ctx.database,
    {
      db: ctx.database.db,
      sla: ctx.sla,
      reference: ctx.reference,
      messenger: ctx.messenger,
      now: () => ctx.clock.now,
      log: { error() {}, info() {} },
    },
    { work: true, pollingIntervalSeconds: 0.5 },
  );
  try {
    // The schedule fires every minute; a job sent now runs the same handler without the wait.
    await jobs.boss.send(QUEUES.messages, {});
    for (let i = 0; i < 100; i++) {
      if (local().sent.some((s) => s.to === message.recipient)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(
      local()
        .sent.filter((s) => s.to === message.recipient)
        .map((s) => s.text),
      [message.body],
    );
  } finally {
    await jobs.stop();
  }
});
