import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  pool: pg.Pool;
  /** 'postgres' for a server, 'pglite' when this process owns the embedded database, 'pglite-client' when another process does. */
  kind: 'postgres' | 'pglite' | 'pglite-client';
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** Directory for the embedded database; 'memory' keeps it in memory (tests). */
  dataDir: string;
  poolSize?: number;
}

// node-postgres returns bigint (int8) as a string; our counts fit in a JS number.
pg.types.setTypeParser(20, (value) => Number(value));

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 20 });
    return wrap(pool, 'postgres', async () => {});
  }
  return openEmbedded(options);
}

function wrap(pool: pg.Pool, kind: DatabaseHandle['kind'], onClose: () => Promise<void>): DatabaseHandle {
  // An idle connection can die under us (server restart, failover, administrator). The pool drops
  // it and the next query opens a new one; without this listener the error would end the process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
  });
  return {
    db,
    pool,
    kind,
    async close() {
      await db.destroy();
      await onClose();
    },
  };
}

interface Ownership {
  pid: number;
  socketDir: string;
}

/**
 * PGlite is one process's database: two processes opening the same files would corrupt them. The
 * process that opens it serves it over a Unix socket (the PostgreSQL wire protocol, through
 * pglite-socket) and records that in a lock file; any other process, such as the CLI while the
 * server runs, finds the lock and connects to the socket instead. The owner itself connects
 * through the same socket, so every query takes the same path and transactions from different
 * connections are kept apart by pglite-socket's queue.
 */
async function openEmbedded(options: OpenOptions): Promise<DatabaseHandle> {
  const memory = options.dataDir === 'memory';
  const socketDir = memory
    ? fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'baraza-db-'))
    : path.resolve(options.dataDir);
  fs.mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  const lockFile = path.join(socketDir, 'pglite.lock');

  if (!memory) {
    const owner = readOwner(lockFile);
    if (owner) {
      const pool = new pg.Pool({
        host: owner.socketDir,
        port: 5432,
        max: 2,
        user: 'postgres',
        database: 'postgres',
      });
      return wrap(pool, 'pglite-client', async () => {});
    }
    // Exclusive create: if two processes race, one wins and the other retries as a client.
    try {
      fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid, socketDir } satisfies Ownership), {
        flag: 'wx',
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return openEmbedded(options);
      throw error;
    }
  }

  const socketPath = path.join(socketDir, '.s.PGSQL.5432');
  fs.rmSync(socketPath, { force: true });
  const pglite = memory ? new PGlite() : new PGlite(path.join(socketDir, 'pglite'));
  await pglite.waitReady;
  const server = new PGLiteSocketServer({ db: pglite, path: socketPath, maxConnections: 64 });
  await server.start();
  const pool = new pg.Pool({
    host: socketDir,
    port: 5432,
    max: options.poolSize ?? 8,
    user: 'postgres',
    database: 'postgres',
  });
  return wrap(pool, 'pglite', async () => {
    await server.stop();
    await pglite.close();
    fs.rmSync(socketPath, { force: true });
    if (memory) fs.rmSync(socketDir, { recursive: true, force: true });
    else fs.rmSync(lockFile, { force: true });
  });
}

function readOwner(lockFile: string): Ownership | undefined {
  let owner: Ownership;
  try {
    owner = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as Ownership;
  } catch {
    return undefined;
  }
  try {
    process.kill(owner.pid, 0);
    return owner;
  } catch {
    // The owner died without cleaning up: the lock is stale.
    fs.rmSync(lockFile, { force: true });
    return undefined;
  }
}
