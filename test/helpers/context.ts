import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { SmsProvider } from '../../src/channels/sms/sms-provider.ts';
import { loadConfig } from '../../src/config.ts';
import type { ReferenceCache } from '../../src/core/agencies/reference-cache.ts';
import { SYSTEM_ACTOR } from '../../src/core/events/append-events.ts';
import type { Messenger } from '../../src/core/messages/messenger.ts';
import type { Secrets } from '../../src/core/security/secrets.ts';
import type { SlaService } from '../../src/core/sla/sla-service.ts';
import { createStaffUser } from '../../src/core/staff/create-staff-user.ts';
import type { TriageService } from '../../src/core/triage/triage-service.ts';
import { type DatabaseHandle, openDatabase } from '../../src/db/open-database.ts';
import type { StaffRole } from '../../src/db/schema.ts';
import type { App } from '../../src/http/build-app.ts';
import { startOn } from '../../src/start.ts';

/**
 * Tests run on embedded PGlite by default, and on a PostgreSQL server when TEST_DATABASE_URL is
 * set (for example postgres://postgres@127.0.0.1:5432/postgres): each test file then gets a fresh
 * database of its own, dropped at the end.
 */
export interface TestContext {
  app: App;
  database: DatabaseHandle;
  reference: ReferenceCache;
  secrets: Secrets;
  triage: TriageService;
  sla: SlaService;
  messenger: Messenger;
  /** The SMS gateway; a LocalSmsProvider (its `sent` list) unless BARAZA_SMS_PROVIDER says otherwise. */
  sms: SmsProvider;
  clock: { now: Date };
  close(): Promise<void>;
}

export async function openTestDatabase(): Promise<DatabaseHandle> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return openDatabase({ dataDir: 'memory' });
  const name = `baraza_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: 'unused', poolSize: 10 });
  return {
    ...handle,
    async close() {
      await handle.close();
      // pg's pool.end() resolves before its sockets are closed, so the server may still count
      // them for a moment: wait for them rather than terminate them (which the client would see as an error).
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      for (let attempt = 0; ; attempt++) {
        try {
          await cleanup.query(`DROP DATABASE IF EXISTS ${name}`);
          break;
        } catch (error) {
          if (attempt >= 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      await cleanup.end();
    },
  };
}

export async function createTestContext(env: Record<string, string> = {}): Promise<TestContext> {
  const config = loadConfig({
    BARAZA_RATE_SUBMIT_PER_MINUTE: '0',
    BARAZA_RATE_TRACK_PER_MINUTE: '0',
    BARAZA_RATE_LOGIN_PER_MINUTE: '0',
    ...env,
  });
  const clock = { now: new Date() };
  const started = await startOn(await openTestDatabase(), config, { now: () => clock.now });
  return { ...started, clock };
}

export const TEST_PASSWORD = 'correct horse battery staple';

export interface SignedInStaff {
  id: string;
  email: string;
  role: StaffRole;
  agencyCode: string | null;
  /** The Cookie header value for requests as this person. */
  cookie: string;
}

/** Creates a staff account and signs it in through the real login route. */
export async function signedInStaff(
  ctx: TestContext,
  role: StaffRole,
  agencyCode?: string,
): Promise<SignedInStaff> {
  const email =
    `${role}.${agencyCode ?? 'sys'}.${randomBytes(4).toString('hex')}@example.go.ke`.toLowerCase();
  const user = await createStaffUser(
    { db: ctx.database.db, reference: ctx.reference, now: () => ctx.clock.now },
    SYSTEM_ACTOR,
    { email, name: `${role} of ${agencyCode ?? 'Baraza'}`, role, agencyCode, password: TEST_PASSWORD },
  );
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password: TEST_PASSWORD },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'baraza_session');
  if (!cookie) throw new Error('login set no session cookie');
  return {
    id: user.id,
    email,
    role,
    agencyCode: agencyCode ?? null,
    cookie: `baraza_session=${cookie.value}`,
  };
}
