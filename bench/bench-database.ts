import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Config, loadConfig } from '../src/config.ts';

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** The server at the admin URL could not be reached (or refused us): nothing was created. */
export class DatabaseUnreachable extends Error {}

/**
 * Creates a fresh database baraza_bench_<random> on the server behind adminUrl, so a run never
 * measures or disturbs anybody's data, and drop() removes it again.
 */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => {});
    throw new DatabaseUnreachable(`cannot connect to ${redact(adminUrl)}: ${(error as Error).message}`);
  }
  const name = `baraza_bench_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
      await cleanup.connect();
      try {
        // FORCE: after a failed run a pool may still hold connections; the database goes anyway.
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

export function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/**
 * Baraza's configuration for a benchmark: the given database settings, with no demo data and no
 * per-client rate limits (every load generator comes from one address).
 */
export function benchConfig(database: { DATABASE_URL: string } | { BARAZA_DATA_DIR: string }): Config {
  return loadConfig({
    ...database,
    BARAZA_RATE_SUBMIT_PER_MINUTE: '0',
    BARAZA_RATE_TRACK_PER_MINUTE: '0',
    BARAZA_RATE_LOGIN_PER_MINUTE: '0',
    BARAZA_SEED_DEMO: 'false',
  });
}
