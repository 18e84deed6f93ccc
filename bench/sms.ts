import pg from 'pg';
import { prepare } from '../src/start.ts';
import { buildBaselineApp, createBaselineTable } from './baseline-app.ts';
import { benchConfig, createBenchDatabase } from './bench-database.ts';
import type { BenchSettings } from './bench-settings.ts';
import { measureScenario } from './measure-scenario.ts';
import { type PortalScenario, serverTimer, table } from './portal.ts';
import type { ScenarioResult } from './report.ts';

/*
 * The SMS channel for `npm run bench` (issue 7), on PostgreSQL, on a database of its own: inbound
 * messages per second through POST /channels/sms/africastalking/inbound, each a new gateway id from
 * a new number with a report in its own words (sms-messages.ts), so each one claims its id, makes a
 * triaged case, and queues and sends its reply (to the local gateway) through the outbox. The
 * yardstick, measured just before on the same database at the same concurrency: the bare Fastify
 * + pg baseline's one INSERT. Afterwards the tables are checked: one case and one reply per message.
 */

export interface SmsFigures {
  baselineInsert: ScenarioResult;
  /** `ofBaseline`: its requests per second as a share of the baseline insert's. No target is set yet. */
  inbound: PortalScenario;
  /** After the run: messages kept, cases made from them, and their replies by outbox status. */
  tables: { messages: number; cases: number; replies: Record<string, number> };
  serverErrors: string[];
  failures: string[];
}

export async function benchSms(
  settings: Pick<
    BenchSettings,
    'adminUrl' | 'connections' | 'durationSeconds' | 'warmUpSeconds' | 'seedCases'
  >,
  defer: (cleanup: () => Promise<unknown>) => void,
): Promise<SmsFigures> {
  const failures: string[] = [];
  const serverLog: string[] = [];
  const database = await createBenchDatabase(settings.adminUrl);
  defer(() => database.drop());
  console.log(`sms: PostgreSQL database ${database.name}`);
  const started = await prepare(benchConfig({ DATABASE_URL: database.url }), {
    logger: { level: 'error', stream: { write: (line: string) => serverLog.push(line) } },
  });
  defer(() => started.close());
  const url = await started.app.listen({ port: 0, host: '127.0.0.1' });
  const pool = new pg.Pool({ connectionString: database.url, max: started.database.pool.options.max ?? 20 });
  defer(() => pool.end());
  await createBaselineTable(pool, settings.seedCases);
  const baseline = buildBaselineApp(pool);
  defer(() => baseline.close());
  const baselineUrl = await baseline.listen({ port: 0, host: '127.0.0.1' });
  await pool.query('VACUUM ANALYZE');

  const baselineInsert = await measureScenario(
    settings,
    {
      name: 'sms: baseline insert',
      description: 'bare Fastify + pg: one INSERT',
      target: { kind: 'submit', url: baselineUrl, path: '/baseline' },
    },
    failures,
  );
  const timer = serverTimer(started.app.server);
  const measured = await measureScenario(
    settings,
    {
      name: 'sms inbound',
      description: 'POST /channels/sms/africastalking/inbound: a report from a new number',
      target: { kind: 'sms', url, path: '/channels/sms/africastalking/inbound' },
    },
    failures,
    () => timer.start(),
  );
  const inbound: PortalScenario = {
    ...measured,
    server: timer.stop(),
    ofBaseline: measured.requestsPerSecond / baselineInsert.requestsPerSecond,
  };
  timer.remove();

  // The replies are sent after each response: give the last of them a moment to go.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const count = async (query: string) => Number((await pool.query<{ n: string }>(query)).rows[0]?.n ?? 0);
  const messages = await count('SELECT count(*) AS n FROM inbound_sms');
  const cases = await count(`SELECT count(*) AS n FROM cases WHERE channel = 'sms'`);
  const replies: Record<string, number> = {};
  for (const row of (
    await pool.query<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM outbound_messages WHERE purpose = 'sms_reply' GROUP BY status`,
    )
  ).rows) {
    replies[row.status] = Number(row.n);
  }
  const repliesMade = Object.values(replies).reduce((sum, n) => sum + n, 0);
  if (cases !== messages || repliesMade !== messages) {
    failures.push(
      `sms: ${messages} messages made ${cases} cases and ${repliesMade} replies; expected one of each`,
    );
  }
  failures.push(...serverLog.map((line) => `sms: the server logged ${line.trim()}`));
  return {
    baselineInsert,
    inbound,
    tables: { messages, cases, replies },
    serverErrors: serverLog,
    failures,
  };
}

export function formatSms(f: SmsFigures): string {
  const ms = (value: number) => (value < 1 ? '<1' : value.toFixed(0));
  const rows = [f.baselineInsert, f.inbound].map((s) => [
    s.name,
    s.requestsPerSecond.toFixed(0),
    ms(s.latencyP50Ms),
    ms(s.latencyP99Ms),
    'server' in s ? ((s as PortalScenario).server.p50Us / 1000).toFixed(1) : '',
    String(s.requests),
    String(s.errors + s.non2xx),
  ]);
  const replies = Object.entries(f.tables.replies)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  return [
    'SMS inbound (PostgreSQL)',
    table(['scenario', 'req/s', 'p50 ms', 'p99 ms', 'server p50 ms', 'requests', 'failed'], rows),
    '',
    `sms inbound / baseline insert   ${(f.inbound.ofBaseline ?? 0).toFixed(2)}  (no target set; submit's is 0.5)`,
    `${f.tables.messages} messages kept, ${f.tables.cases} cases made, replies: ${replies || 'none'}`,
  ].join('\n');
}
