import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type pg from 'pg';

/*
 * The yardstick: what one INSERT and one primary-key SELECT cost through a bare Fastify app and a
 * pg Pool on the same database. No schemas, no plugins, no query builder: whatever Baraza spends
 * beyond this is its own.
 */

export async function createBaselineTable(pool: pg.Pool, seedRows: number): Promise<void> {
  await pool.query(
    'CREATE TABLE bench_baseline (id uuid PRIMARY KEY, body text NOT NULL, created_at timestamptz NOT NULL)',
  );
  await pool.query(
    `INSERT INTO bench_baseline (id, body, created_at)
     SELECT gen_random_uuid(), 'seed row ' || n, now() - n * interval '1 minute' FROM generate_series(1, $1) AS n`,
    [seedRows],
  );
}

export function buildBaselineApp(pool: pg.Pool): FastifyInstance {
  const app = Fastify({ logger: false });

  app.post<{ Body: { description?: unknown } }>('/baseline', async (request, reply) => {
    const body = typeof request.body?.description === 'string' ? request.body.description : '';
    const { rows } = await pool.query<{ id: string; created_at: Date }>(
      'INSERT INTO bench_baseline (id, body, created_at) VALUES ($1, $2, now()) RETURNING id, created_at',
      [randomUUID(), body],
    );
    const row = rows[0];
    if (!row) throw new Error('INSERT returned no row');
    reply.status(201);
    return { id: row.id, createdAt: row.created_at.toISOString() };
  });

  app.get<{ Params: { id: string } }>('/baseline/:id', async (request, reply) => {
    const { rows } = await pool.query<{ id: string; body: string; created_at: Date }>(
      'SELECT id, body, created_at FROM bench_baseline WHERE id = $1',
      [request.params.id],
    );
    const row = rows[0];
    if (!row) return reply.status(404).send({ error: 'not found' });
    return { id: row.id, body: row.body, createdAt: row.created_at.toISOString() };
  });

  return app;
}
