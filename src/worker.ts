import { ConfigError, loadConfig } from './config.ts';
import { prepare } from './start.ts';

/**
 * `npm run worker`: a process that only runs background jobs (SLA sweeps, escalations, retries of
 * messages to citizens, the invariant check), for deployments that keep them apart from the web processes. Any number can
 * run side by side against one PostgreSQL server: pg-boss hands each job to one of them, and each
 * job claims its case atomically. The embedded database belongs to one process, so a separate
 * worker needs DATABASE_URL.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    throw new ConfigError([
      'npm run worker needs DATABASE_URL: the embedded database is opened by `npm start`, which runs the workers itself',
    ]);
  }
  const started = await prepare(config, { logger: { level: config.logLevel }, jobs: { work: true } });
  started.app.log.info(
    'Baraza worker is running: SLA sweeps, escalations, the nothing-falls-through check and message retries',
  );
  const shutdown = async (signal: string) => {
    started.app.log.info(`${signal}: stopping the worker`);
    await started.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('The Baraza worker could not start:', error);
  process.exit(1);
});
