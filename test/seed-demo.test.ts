import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ReferenceCache } from '../src/core/agencies/reference-cache.ts';
import { OPEN_STATUSES } from '../src/core/cases/state-machine.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo, seedDemoIfEmpty } from '../src/core/demo/seed-demo.ts';
import { verifyAudit } from '../src/core/events/verify-audit.ts';
import { backfillClocks } from '../src/core/sla/backfill-clocks.ts';
import { installDefaultSla, SlaService } from '../src/core/sla/sla-service.ts';
import { verifyPassword } from '../src/core/staff/passwords.ts';
import { loadReferenceData } from '../src/db/load-reference-data.ts';
import { migrate } from '../src/db/migrate.ts';
import type { DatabaseHandle, Db } from '../src/db/open-database.ts';
import { CHANNELS } from '../src/db/schema.ts';
import { openTestDatabase } from './helpers/context.ts';

const OPTIONS = { cases: 300, seed: 7, now: new Date('2026-11-24T00:00:00Z') };

async function freshDatabase(): Promise<DatabaseHandle> {
  const handle = await openTestDatabase();
  await migrate(handle.db);
  await loadReferenceData(handle.db);
  return handle;
}

async function counts(db: Db) {
  const { rows } = await sql<Record<string, number>>`
    SELECT (SELECT count(*) FROM cases)::int AS cases, (SELECT count(*) FROM events)::int AS events,
      (SELECT count(*) FROM citizens)::int AS citizens, (SELECT count(*) FROM staff_users)::int AS staff
  `.execute(db);
  return rows[0];
}

/** A fingerprint of everything seeded that does not depend on the database's own secrets. */
async function fingerprint(db: Db): Promise<string> {
  const { rows } = await sql`
    SELECT c.id, c.reference, c.type, c.channel, c.status, c.priority, c.agency_id, c.county_code, c.title,
      c.description, c.created_at, c.updated_at, c.rating, ci.phone,
      (SELECT string_agg(e.hash, ',' ORDER BY e.seq) FROM events e WHERE e.stream_id = c.id::text) AS hashes
    FROM cases c LEFT JOIN citizens ci ON ci.id = c.citizen_id
    ORDER BY c.id
  `.execute(db);
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

describe('demo data', () => {
  let first: DatabaseHandle;
  let second: DatabaseHandle;
  let seeded: { cases: number; events: number; users: number };

  before(async () => {
    [first, second] = await Promise.all([freshDatabase(), freshDatabase()]);
    seeded = await seedDemo(first.db, OPTIONS);
  });
  after(() => Promise.all([first.close(), second.close()]));

  test('seeding 300 cases spreads them over every pilot agency, channel and many states', async () => {
    assert.equal(seeded.cases, 300);
    assert.equal(seeded.users, DEMO_ACCOUNTS.length);
    const db = first.db;
    const agencies = await db
      .selectFrom('cases')
      .innerJoin('agencies', 'agencies.id', 'cases.agencyId')
      .select('agencies.code')
      .distinct()
      .execute();
    assert.deepEqual(agencies.map((a) => a.code).sort(), ['BRS', 'CLR', 'DIS', 'EACC', 'KRA', 'MOH', 'NPS']);
    const channels = await db.selectFrom('cases').select('channel').distinct().execute();
    assert.deepEqual(channels.map((c) => c.channel).sort(), [...CHANNELS].sort());
    const statuses = new Set(
      (await db.selectFrom('cases').select('status').distinct().execute()).map((s) => s.status),
    );
    for (const status of ['new', 'in_progress', 'awaiting_citizen', 'resolved', 'closed', 'withdrawn']) {
      assert.ok(statuses.has(status as never), `some case is ${status}`);
    }
    const sealed = await db
      .selectFrom('cases')
      .select(['sealed', 'type', 'agencyId'])
      .where('sealed', '=', true)
      .execute();
    assert.ok(sealed.length > 0 && sealed.every((c) => c.type === 'corruption_report'));
    const rated = await db.selectFrom('cases').select('status').where('rating', 'is not', null).execute();
    assert.ok(rated.length > 0 && rated.every((c) => c.status === 'resolved' || c.status === 'closed'));
    const transferred = await db.selectFrom('cases').select('id').where('transferCount', '>', 0).execute();
    assert.ok(transferred.length > 0, 'a few cases were transferred');
    const phones = await db.selectFrom('citizens').select('phone').execute();
    assert.ok(phones.every((c) => /^\+254[17]\d{8}$/.test(c.phone ?? '')));
  });

  test('the demo accounts exist and sign in with the shared demo password', async () => {
    const users = await first.db.selectFrom('staffUsers').select(['email', 'role', 'passwordHash']).execute();
    assert.deepEqual(users.map((u) => u.email).sort(), DEMO_ACCOUNTS.map((a) => a.email).sort());
    const officer = users.find((u) => u.email === 'officer@kra.demo.baraza.go.ke');
    assert.equal(officer?.role, 'officer');
    assert.ok(await verifyPassword(officer?.passwordHash ?? '', DEMO_PASSWORD));
  });

  test('every case ends in the status its history says, and the event log verifies', async () => {
    const audit = await verifyAudit(first.db);
    assert.ok(audit.ok, JSON.stringify(audit));
    assert.equal(audit.events, seeded.events);
    const events = await first.db
      .selectFrom('events')
      .select(['caseId', 'kind', 'data', 'createdAt'])
      .where('caseId', 'is not', null)
      .orderBy('streamId')
      .orderBy('seq')
      .execute();
    const story = new Map<string, { status: string; last: Date }>();
    for (const event of events) {
      const data = event.data as { after?: { status?: string } };
      const previous = story.get(event.caseId ?? '');
      if (previous) assert.ok(previous.last <= event.createdAt, 'events of a case run forward in time');
      const status = event.kind === 'case.submitted' ? 'new' : (data.after?.status ?? previous?.status ?? '');
      story.set(event.caseId ?? '', { status, last: event.createdAt });
    }
    const cases = await first.db.selectFrom('cases').select(['id', 'status', 'createdAt']).execute();
    for (const kase of cases) {
      assert.equal(story.get(kase.id)?.status, kase.status, `case ${kase.id}`);
      assert.ok(
        kase.createdAt < OPTIONS.now && kase.createdAt > new Date(OPTIONS.now.getTime() - 366 * 86_400_000),
      );
    }
  });

  test('seeding again with the same seed changes nothing', async () => {
    const before = await counts(first.db);
    const print = await fingerprint(first.db);
    assert.deepEqual(await seedDemo(first.db, OPTIONS), { cases: 0, events: 0, users: 0 });
    assert.deepEqual(await counts(first.db), before);
    assert.equal(await fingerprint(first.db), print);
  });

  test('the same seed gives the same cases in another database', async () => {
    await seedDemo(second.db, OPTIONS);
    const references = async (db: Db) =>
      (await db.selectFrom('cases').select('reference').orderBy('reference').execute()).map(
        (c) => c.reference,
      );
    assert.deepEqual(await references(second.db), await references(first.db));
    assert.equal(await fingerprint(second.db), await fingerprint(first.db));
  });

  test('a first start loads the demo once, and a database with cases is left alone', async () => {
    assert.equal(await seedDemoIfEmpty(first.db, 50), undefined);
    const empty = await freshDatabase();
    try {
      assert.deepEqual(await seedDemoIfEmpty(empty.db, 40), { cases: 40, users: DEMO_ACCOUNTS.length });
      const marker = await empty.db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', 'demo_seeded')
        .execute();
      assert.equal(marker.length, 1);
      assert.equal(await seedDemoIfEmpty(empty.db, 40), undefined);
      assert.equal((await counts(empty.db))?.cases, 40);
    } finally {
      await empty.close();
    }
  });
});

describe('clocks for demo cases', () => {
  test('a thousand open cases get their clocks in one backfill page, within the parameters PostgreSQL takes', async () => {
    const handle = await freshDatabase();
    try {
      await seedDemo(handle.db, { cases: 4000, seed: 11, now: new Date('2026-11-24T00:00:00Z') });
      const reference = await ReferenceCache.load(handle.db);
      await installDefaultSla(handle.db, reference);
      const open = sql.join(OPEN_STATUSES.map((s) => sql.lit(s)));
      const waiting = async () =>
        Number(
          (
            await sql<{
              n: string;
            }>`SELECT count(*) AS n FROM cases WHERE status IN (${open}) AND next_due_at IS NULL`.execute(
              handle.db,
            )
          ).rows[0]?.n,
        );
      const before = await waiting();
      assert.ok(before > 800, `${before} open cases: enough for a page's clocks to pass 65,535 parameters`);
      const clocked = await backfillClocks(handle.db, await SlaService.load(handle.db, reference), 1000);
      assert.equal(clocked, before);
      assert.equal(await waiting(), 0);
    } finally {
      await handle.close();
    }
  });
});
