import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { CamelCasePlugin, Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  pool: pg.Pool;
  /** 'postgres' for a server, 'pglite' for the embedded database this process owns. */
  kind: 'postgres' | 'pglite';
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
    return wrap(pool, 'postgres', async () => {}, preparingPool(pool));
  }
  return openEmbedded(options);
}

function wrap(
  pool: pg.Pool,
  kind: DatabaseHandle['kind'],
  onClose: () => Promise<void>,
  dialectPool: PostgresPool = pool,
): DatabaseHandle {
  // An idle connection can die under us (server restart, failover, administrator). The pool drops
  // it and the next query opens a new one; without this listener the error would end the process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: dialectPool }),
    // jsonb values (event data) come back exactly as stored: the audit hash is computed over them.
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
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
}

/** Another live process (the server) owns the embedded database; talk to it instead (see cli/). */
export class DatabaseInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`The embedded database in ${dataDir} is in use by process ${pid}`);
  }
}

/** Where the process that owns the embedded database takes administration commands. */
export const adminSocketPath = (dataDir: string) => path.join(path.resolve(dataDir), 'admin.sock');

/**
 * PGlite is one process's database: two processes opening the same files would corrupt them, so
 * the process that opens it takes data/pglite.lock (exclusive create; a stale lock left by a dead
 * process is cleared). Another process finding a live owner gets DatabaseInUseError; the CLI then
 * hands its command to the owner over the admin socket (cli/remote.ts).
 *
 * The owner reaches PGlite through pglite-socket on a private Unix socket with `pg`, exactly as it
 * reaches a PostgreSQL server, so there is one code path. Exactly one connection, held open: PGlite
 * has a single backend, and pglite-socket interleaves the protocol messages of concurrent
 * connections (one connection's Bind can land on another's Parse), so more than one is unsafe.
 */
async function openEmbedded(options: OpenOptions): Promise<DatabaseHandle> {
  const memory = options.dataDir === 'memory';
  const dataDir = path.resolve(options.dataDir);
  const lockFile = path.join(dataDir, 'pglite.lock');
  if (!memory) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const owner = readOwner(lockFile);
    if (owner) throw new DatabaseInUseError(dataDir, owner.pid);
    try {
      fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid } satisfies Ownership), { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return openEmbedded(options);
      throw error;
    }
  }
  const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baraza-pglite-'));
  // pg_trgm: the knowledge base's typo-tolerant search (migrations/20261127T0900_knowledge.sql).
  const extensions = { pg_trgm };
  const pglite = memory
    ? new PGlite({ extensions })
    : new PGlite(path.join(dataDir, 'pglite'), { extensions });
  try {
    await pglite.waitReady;
    const server = new PGLiteSocketServer({
      db: pglite,
      path: path.join(socketDir, '.s.PGSQL.5432'),
      maxConnections: 1,
    });
    await server.start();
    const pool = new pg.Pool({
      host: socketDir,
      port: 5432,
      max: 1,
      idleTimeoutMillis: 0,
      user: 'postgres',
      database: 'postgres',
    });
    await pool.query('SELECT 1');
    return wrap(pool, 'pglite', async () => {
      await server.stop();
      await pglite.close();
      fs.rmSync(socketDir, { recursive: true, force: true });
      if (!memory) fs.rmSync(lockFile, { force: true });
    });
  } catch (error) {
    fs.rmSync(socketDir, { recursive: true, force: true });
    if (!memory) fs.rmSync(lockFile, { force: true });
    throw error;
  }
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

/** Statements a connection keeps prepared at most; beyond that they are sent unnamed. */
const MAX_PREPARED_PER_CONNECTION = 200;

/*
 * Sends every statement that has parameters as a named prepared statement, so PostgreSQL parses
 * and plans it once per connection instead of on every execution (for the track query, planning
 * cost three times what executing it does). The name is a hash of the text, so a name never meets
 * another text. Statements without parameters (BEGIN, COMMIT, migrations) stay unnamed. Only for a
 * PostgreSQL server: PgBouncer in transaction mode needs 1.21+ with max_prepared_statements set.
 * See docs/decisions/0007-prepared-statements.md.
 */
function preparingPool(pool: pg.Pool): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const names = new Map<string, string>();
  const nameOf = (text: string): string => {
    let name = names.get(text);
    if (name === undefined) {
      name = `k${createHash('sha1').update(text).digest('base64url')}`;
      if (names.size < 10 * MAX_PREPARED_PER_CONNECTION) names.set(text, name);
    }
    return name;
  };
  return {
    async connect() {
      const client = await pool.connect();
      let wrapped = clients.get(client);
      if (!wrapped) {
        const prepared = new Set<string>();
        const query = (text: string, values?: unknown[]) => {
          if (typeof text !== 'string' || !values || values.length === 0) return client.query(text, values);
          const name = nameOf(text);
          if (!prepared.has(name)) {
            if (prepared.size >= MAX_PREPARED_PER_CONNECTION) return client.query(text, values);
            prepared.add(name);
          }
          return client.query({ name, text, values });
        };
        wrapped = { query: query as unknown as PostgresPoolClient['query'], release: () => client.release() };
        clients.set(client, wrapped);
      }
      return wrapped;
    },
    end: () => pool.end(),
  };
}
