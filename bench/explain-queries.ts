import type { KyselyPlugin, RootOperationNode } from 'kysely';
import type { DatabaseHandle, Db } from '../src/db/open-database.ts';

/*
 * EXPLAIN (ANALYZE, BUFFERS) of every statement a core function sends, as Kysely compiles it.
 * 'custom': the statement with its values bound, planned for those values, which is what PGlite
 * always runs (Baraza sends unnamed statements there) and what PostgreSQL runs for the first five
 * executions of a named prepared statement. 'generic': the plan without the values, which
 * PostgreSQL keeps for a named prepared statement from the sixth execution on when it costs no
 * more than the custom plans so far (bench/console.ts explains the same way).
 */

export interface ExplainedQuery {
  sql: string;
  plan: string;
}

export async function explainQueries(
  database: Pick<DatabaseHandle, 'db' | 'pool'>,
  run: (db: Db) => Promise<unknown>,
  mode: 'custom' | 'generic',
): Promise<ExplainedQuery[]> {
  const nodes: RootOperationNode[] = [];
  const capture: KyselyPlugin = {
    transformQuery: ({ node }) => {
      nodes.push(node);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  const capturing = database.db.withPlugin(capture);
  await run(capturing);
  const client = await database.pool.connect();
  const explained: ExplainedQuery[] = [];
  try {
    for (const [i, node] of nodes.entries()) {
      const query = capturing.getExecutor().compileQuery(node, { queryId: `explain${i}` });
      let rows: { 'QUERY PLAN': string }[];
      if (mode === 'custom') {
        rows = (
          await client.query<{ 'QUERY PLAN': string }>(
            `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${query.sql}`,
            query.parameters as unknown[],
          )
        ).rows;
      } else {
        await client.query(`PREPARE bench_explain AS ${query.sql}`);
        try {
          await client.query('SET plan_cache_mode = force_generic_plan');
          // EXECUTE takes no bound parameters (it is a utility statement): the values go in as literals.
          const literal = (value: unknown): string => {
            if (value === null || value === undefined) return 'NULL';
            if (Array.isArray(value)) {
              const items = value.map((v) => `"${String(v).replace(/(["\\])/g, '\\$1')}"`);
              return client.escapeLiteral(`{${items.join(',')}}`);
            }
            return client.escapeLiteral(value instanceof Date ? value.toISOString() : String(value));
          };
          rows = (
            await client.query<{ 'QUERY PLAN': string }>(
              `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE bench_explain(${query.parameters.map(literal).join(', ')})`,
            )
          ).rows;
        } finally {
          await client.query('RESET plan_cache_mode; DEALLOCATE bench_explain');
        }
      }
      explained.push({
        sql: query.sql.replace(/\s+/g, ' ').trim(),
        plan: rows.map((row) => row['QUERY PLAN']).join('\n'),
      });
    }
  } finally {
    client.release();
  }
  return explained;
}
