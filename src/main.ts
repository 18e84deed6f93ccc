import { serveAdminCommands } from './cli/admin-socket.ts';
import { ConfigError, loadConfig } from './config.ts';
import { seedDemoIfEmpty } from './core/demo/seed-demo.ts';
import { backfillClocks } from './core/sla/backfill-clocks.ts';
import { prepare } from './start.ts';

/** `npm start`: one process serving the portal, console and API on PORT (3000). */
async function main(): Promise<void> {
  const config = loadConfig();
  const started = await prepare(config, {
    logger: { level: config.logLevel },
    // Background workers run in here unless BARAZA_WORKERS=false (then run `npm run worker`).
    jobs: config.workers ? { work: true } : undefined,
  });
  const { app, database } = started;
  if (config.seedDemo) {
    const seeded = await seedDemoIfEmpty(database.db, config.demoCases);
    if (seeded) app.log.info(`loaded demo data: ${seeded.cases} cases and ${seeded.users} staff accounts`);
  }
  // Open cases written without clocks (demo data, cases from before the SLA engine) get the
  // clocks they would have had: the ones already late show as late.
  const clocked = await backfillClocks(database.db, started.sla);
  if (clocked > 0) app.log.info(`gave ${clocked} open cases their SLA clocks`);
  // With the embedded database, `npx baraza` runs its commands in here (see cli/admin-socket.ts).
  const admin =
    database.kind === 'pglite'
      ? await serveAdminCommands(config.dataDir, { db: database.db, reference: started.reference })
      : undefined;
  const shutdown = async (signal: string) => {
    app.log.info(`${signal}: shutting down`);
    await admin?.close();
    await started.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  const where = config.databaseUrl
    ? 'PostgreSQL'
    : `embedded PGlite in ${config.dataDir} (no fsync: for trying, development and small sites)`;
  app.log.info(
    `Baraza is ready on http://localhost:${config.port} (database: ${where}); API docs at /api/docs`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('Baraza could not start:', error);
  process.exit(1);
});
