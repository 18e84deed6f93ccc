import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig } from '../config.ts';
import { ReferenceCache } from '../core/agencies/reference-cache.ts';
import { seedDemo } from '../core/demo/seed-demo.ts';
import { AppError } from '../core/errors.ts';
import { SYSTEM_ACTOR } from '../core/events/append-events.ts';
import { verifyAudit } from '../core/events/verify-audit.ts';
import { createApiKey } from '../core/staff/api-keys.ts';
import { createStaffUser } from '../core/staff/create-staff-user.ts';
import { loadReferenceData } from '../db/load-reference-data.ts';
import { migrate } from '../db/migrate.ts';
import { type DatabaseHandle, openDatabase } from '../db/open-database.ts';
import { STAFF_ROLES, type StaffRole } from '../db/schema.ts';

/*
 * `npx baraza ...`: administration from the server's shell. Works with the server running or not,
 * on PostgreSQL or PGlite: with PGlite it connects to the running server's database socket when
 * there is one (see db/open-database.ts), else it opens the files itself.
 */
async function withDatabase<T>(
  run: (handle: DatabaseHandle, reference: ReferenceCache) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(handle.db);
    await loadReferenceData(handle.db);
    return await run(handle, await ReferenceCache.load(handle.db));
  } finally {
    await handle.close();
  }
}

const deps = (handle: DatabaseHandle, reference: ReferenceCache) => ({
  db: handle.db,
  reference,
  now: () => new Date(),
});

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('give a whole number, 0 or more');
  return n;
};

const role = (value: string): StaffRole => {
  if (!(STAFF_ROLES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`one of ${STAFF_ROLES.join(', ')}`);
  }
  return value as StaffRole;
};

/** A password to show once when none was given: 20 random characters. */
const generatedPassword = () => randomBytes(15).toString('base64url');

const program = new Command('baraza').description('Baraza administration').showHelpAfterError();

program
  .command('migrate')
  .description('bring the database schema and reference data up to date')
  .action(() => withDatabase(async (h) => console.log(`database is up to date (${h.kind})`)));

program
  .command('create-sysadmin')
  .description('create a system administrator (they enrol two-factor at first sign-in)')
  .requiredOption('--email <email>')
  .requiredOption('--name <name>')
  .option('--password <password>', 'at least 12 characters; generated and shown once if left out')
  .action((options: { email: string; name: string; password?: string }) =>
    withDatabase(async (h, reference) => {
      const password = options.password ?? generatedPassword();
      const user = await createStaffUser(deps(h, reference), SYSTEM_ACTOR, {
        ...options,
        role: 'sysadmin',
        password,
      });
      console.log(`created sysadmin ${user.email}`);
      if (!options.password) console.log(`password (shown once): ${password}`);
    }),
  );

program
  .command('create-user')
  .description('create a staff account')
  .requiredOption('--email <email>')
  .requiredOption('--name <name>')
  .requiredOption('--role <role>', STAFF_ROLES.join(' | '), role)
  .option('--agency <code>', 'agency code, e.g. KRA (every role but sysadmin)')
  .option('--password <password>', 'at least 12 characters; generated and shown once if left out')
  .action((options: { email: string; name: string; role: StaffRole; agency?: string; password?: string }) =>
    withDatabase(async (h, reference) => {
      const password = options.password ?? generatedPassword();
      const user = await createStaffUser(deps(h, reference), SYSTEM_ACTOR, {
        email: options.email,
        name: options.name,
        role: options.role,
        agencyCode: options.agency,
        password,
      });
      console.log(`created ${user.role} ${user.email}${user.agencyCode ? ` at ${user.agencyCode}` : ''}`);
      if (!options.password) console.log(`password (shown once): ${password}`);
    }),
  );

program
  .command('create-api-key')
  .description("create an API key for an agency's own systems; the key is shown once")
  .requiredOption('--agency <code>', 'agency code, e.g. KRA')
  .requiredOption('--name <name>', 'what the key is for, e.g. "KRA back office"')
  .action((options: { agency: string; name: string }) =>
    withDatabase(async (h, reference) => {
      const key = await createApiKey(deps(h, reference), SYSTEM_ACTOR, {
        agencyCode: options.agency,
        name: options.name,
      });
      console.log(`created API key ${key.prefix} for ${key.agencyCode}`);
      console.log(`key (shown once): ${key.key}`);
    }),
  );

program
  .command('seed')
  .description('load deterministic demo data: staff accounts and cases over the last 12 months')
  .option('--cases <n>', 'number of cases', positiveInt, 2000)
  .option('--seed <n>', 'random seed; the same seed gives the same data', positiveInt, 1)
  .action((options: { cases: number; seed: number }) =>
    withDatabase(async (h) => {
      const started = Date.now();
      const result = await seedDemo(h.db, {
        cases: options.cases,
        seed: options.seed,
        onProgress: (done) => process.stderr.write(`\r${done} cases`),
      });
      process.stderr.write('\n');
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `seeded ${result.cases} cases, ${result.events} events and ${result.users} staff accounts in ${seconds.toFixed(1)} s`,
      );
    }),
  );

const audit = program.command('audit').description('the tamper-evident event log');
audit
  .command('verify')
  .description('recompute every hash in the event log; report OK or the first broken link')
  .action(() =>
    withDatabase(async (h) => {
      const result = await verifyAudit(h.db);
      if (result.ok) {
        console.log(`OK: ${result.events} events in ${result.streams} streams verified`);
        return;
      }
      console.log(
        `BROKEN: stream ${result.streamId} at event ${result.seq}: ${result.problem} (${result.events} events verified before it)`,
      );
      process.exitCode = 2;
    }),
  );

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof AppError) console.error(error.message);
  else console.error('baraza:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
