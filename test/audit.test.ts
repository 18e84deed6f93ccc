import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { verifyAudit } from '../src/core/events/verify-audit.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { createTestContext, signedInStaff, type TestContext } from './helpers/context.ts';
import { asStaff, submitCase } from './helpers/factories.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
  const officer = await signedInStaff(ctx, 'officer', 'DIS');
  for (let i = 0; i < 3; i++) {
    const { reference } = await submitCase(ctx);
    await asStaff(ctx, officer.cookie, 'POST', `/api/v1/staff/cases/${reference}/notes`, {
      message: `note ${i}`,
    });
  }
});
after(() => ctx.close());

/** Tampering needs the append-only trigger out of the way, as a database superuser could do. */
async function tamper(statement: ReturnType<typeof sql>) {
  await ctx.database.db.transaction().execute(async (trx) => {
    await sql`ALTER TABLE events DISABLE TRIGGER USER`.execute(trx);
    await statement.execute(trx);
    await sql`ALTER TABLE events ENABLE TRIGGER USER`.execute(trx);
  });
}

test('the event log cannot be changed through ordinary SQL', async () => {
  await assert.rejects(sql`UPDATE events SET data = '{}'`.execute(ctx.database.db), /append-only/);
  await assert.rejects(sql`DELETE FROM events`.execute(ctx.database.db), /append-only/);
});

test('an untouched log verifies, and an edited event is reported as the first broken link', async () => {
  const clean = await verifyAudit(ctx.database.db);
  assert.equal(clean.ok, true);
  assert.ok(clean.events >= 6);
  const victim = await ctx.database.db
    .selectFrom('events')
    .select(['streamId', 'seq'])
    .where('kind', '=', 'case.note_added')
    .executeTakeFirstOrThrow();
  await tamper(
    sql`UPDATE events SET data = '{"message":"nothing to see"}' WHERE stream_id = ${victim.streamId} AND seq = ${victim.seq}`,
  );
  const result = await verifyAudit(ctx.database.db);
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.streamId === victim.streamId && result.seq === victim.seq);
  assert.ok(!result.ok && /changed after it was written/.test(result.problem));
});

test('a removed last event is caught by the stream head', async () => {
  const fresh = await createTestContext();
  try {
    await submitCase(fresh);
    await fresh.database.db.transaction().execute(async (trx) => {
      await sql`ALTER TABLE events DISABLE TRIGGER USER`.execute(trx);
      await sql`DELETE FROM events WHERE seq = 1`.execute(trx);
      await sql`ALTER TABLE events ENABLE TRIGGER USER`.execute(trx);
    });
    const result = await verifyAudit(fresh.database.db);
    assert.equal(result.ok, false);
    assert.ok(!result.ok && /removed/.test(result.problem));
  } finally {
    await fresh.close();
  }
});

test('`npx baraza audit verify` says OK, then names the broken link after an edit', async () => {
  const run = promisify(execFile);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baraza-cli-'));
  const env = { ...process.env, BARAZA_DATA_DIR: dataDir, DATABASE_URL: '' };
  try {
    const cli = (...args: string[]) => run('npx', ['baraza', ...args], { env, cwd: process.cwd() });
    await cli('seed', '--cases', '20');
    const ok = await cli('audit', 'verify');
    assert.match(ok.stdout, /^OK: \d+ events in \d+ streams verified/m);
    const handle = await openDatabase({ dataDir });
    await handle.db.transaction().execute(async (trx) => {
      await sql`ALTER TABLE events DISABLE TRIGGER USER`.execute(trx);
      await sql`UPDATE events SET public = NOT public WHERE seq = 2 AND case_id IS NOT NULL AND stream_id = (SELECT min(stream_id) FROM events WHERE seq = 2 AND case_id IS NOT NULL)`.execute(
        trx,
      );
      await sql`ALTER TABLE events ENABLE TRIGGER USER`.execute(trx);
    });
    await handle.close();
    const broken = await cli('audit', 'verify').then(
      () => assert.fail('verify should exit non-zero'),
      (error: { code: number; stdout: string }) => error,
    );
    assert.equal(broken.code, 2);
    assert.match(broken.stdout, /^BROKEN: stream [0-9a-f-]+ at event 2: the event was changed/m);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
