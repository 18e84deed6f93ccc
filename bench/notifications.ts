import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { LocalSmsProvider } from '../src/channels/sms/local-sms-provider.ts';
import { prepare } from '../src/start.ts';
import { benchConfig, createBenchDatabase } from './bench-database.ts';
import type { BenchSettings } from './bench-settings.ts';
import { table } from './portal.ts';

/*
 * Notifications delivered per second through the local SMS provider, for `npm run bench` (issue 7),
 * on PostgreSQL, on a database of its own. BENCH_NOTICES citizen notices (20,000) are put in the
 * outbox as mutateCase queues them (purpose notice_*, a dedupe key each, due now), 1% of them to
 * numbers that have opted out; then two sweepers, as two worker processes would, call the worker's
 * own sweep (messenger.deliverQueued, a page of 100 at a time) until nothing is due. Each message
 * is claimed, checked against the opt-outs, handed to the provider and marked sent or skipped.
 * Afterwards every notice must be sent exactly once (the provider saw each number once) or skipped.
 *
 * The yardstick, in the same run on the same database with the same two sweepers: a bare table
 * and the least an outbox can do per message, one page SELECT and then one UPDATE to 'sent' per
 * message through a plain pg Pool.
 */

const SWEEPERS = 2;
const PAGE = 100;

export interface NotificationFigures {
  notices: number;
  sweepers: number;
  baseline: { seconds: number; perSecond: number };
  delivery: { seconds: number; perSecond: number; ofBaseline: number; peakRssMb: number };
  /** After the run: the outbox by status, and how many messages the provider was handed. */
  outcome: { byStatus: Record<string, number>; handedToProvider: number; distinctRecipients: number };
  failures: string[];
}

export async function benchNotifications(
  settings: Pick<BenchSettings, 'adminUrl' | 'notices'>,
  defer: (cleanup: () => Promise<unknown>) => void,
): Promise<NotificationFigures> {
  const failures: string[] = [];
  const serverLog: string[] = [];
  const database = await createBenchDatabase(settings.adminUrl);
  defer(() => database.drop());
  console.log(`notifications: PostgreSQL database ${database.name}`);
  const started = await prepare(benchConfig({ DATABASE_URL: database.url }), {
    logger: { level: 'error', stream: { write: (line: string) => serverLog.push(line) } },
  });
  defer(() => started.close());
  const provider = started.sms;
  if (!(provider instanceof LocalSmsProvider))
    throw new Error('notifications: the local SMS provider is not in use');
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  defer(() => pool.end());

  const n = settings.notices;
  await pool.query(
    `CREATE TABLE bench_outbox (id uuid PRIMARY KEY, status text NOT NULL, next_attempt_at timestamptz NOT NULL,
       sent_at timestamptz)`,
  );
  await pool.query(`CREATE INDEX ON bench_outbox (next_attempt_at) WHERE status = 'queued'`);
  await pool.query(
    `INSERT INTO bench_outbox (id, status, next_attempt_at)
     SELECT gen_random_uuid(), 'queued', now() FROM generate_series(1, $1)`,
    [n],
  );
  await pool.query(
    `INSERT INTO outbound_messages (id, channel, recipient, body, purpose, dedupe_key, language,
       next_attempt_at, created_at)
     SELECT gen_random_uuid(), 'sms', '+2547' || lpad(i::text, 8, '0'),
       'Baraza: KRA has responded to your case ' || i || '. Read it at https://baraza.go.ke/track or reply HALI.',
       'notice_response', 'bench-notice:' || i, 'en', now() - interval '1 second', now()
     FROM generate_series(1, $1) AS i`,
    [n],
  );
  // Every hundredth citizen sent STOP after the notice was queued.
  await pool.query(
    `INSERT INTO message_opt_outs (channel, recipient, created_at)
     SELECT 'sms', '+2547' || lpad(i::text, 8, '0'), now() FROM generate_series(100, $1, 100) AS i`,
    [n],
  );
  await pool.query('VACUUM ANALYZE');

  console.log(`notifications: baseline, ${n} rows, ${SWEEPERS} sweepers`);
  const baselineSeconds = await timed(() =>
    sweepUntilEmpty(async () => {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT id FROM bench_outbox WHERE status = 'queued' AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT ${PAGE}`,
      );
      for (const { id } of rows) {
        await pool.query(
          `UPDATE bench_outbox SET status = 'sent', sent_at = now() WHERE id = $1 AND status = 'queued'`,
          [id],
        );
      }
      return rows.length;
    }),
  );

  console.log(`notifications: ${n} notices through the outbox, ${SWEEPERS} sweepers`);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const deliverySeconds = await timed(() =>
    sweepUntilEmpty(async () => {
      const sweep = await started.messenger.deliverQueued(PAGE);
      return sweep.sent + sweep.skipped + sweep.retrying + sweep.failed;
    }),
  );
  clearInterval(sampler);

  const byStatus: Record<string, number> = {};
  for (const row of (
    await pool.query<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM outbound_messages WHERE purpose = 'notice_response' GROUP BY status`,
    )
  ).rows) {
    byStatus[row.status] = Number(row.n);
  }
  const optedOut = Math.floor(n / 100);
  const handed = provider.sent.length;
  const distinct = new Set(provider.sent.map((message) => message.to)).size;
  if (byStatus.sent !== n - optedOut || byStatus.skipped !== optedOut) {
    failures.push(
      `notifications: expected ${n - optedOut} sent and ${optedOut} skipped, got ${JSON.stringify(byStatus)}`,
    );
  }
  if (handed !== n - optedOut || distinct !== handed) {
    failures.push(
      `notifications: the provider was handed ${handed} messages for ${distinct} numbers; expected ${n - optedOut} once each`,
    );
  }
  failures.push(...serverLog.map((line) => `notifications: the server logged ${line.trim()}`));
  const baselinePerSecond = n / baselineSeconds;
  const perSecond = n / deliverySeconds;
  return {
    notices: n,
    sweepers: SWEEPERS,
    baseline: { seconds: baselineSeconds, perSecond: baselinePerSecond },
    delivery: {
      seconds: deliverySeconds,
      perSecond,
      ofBaseline: perSecond / baselinePerSecond,
      peakRssMb: peakRss / 2 ** 20,
    },
    outcome: { byStatus, handedToProvider: handed, distinctRecipients: distinct },
    failures,
  };
}

/** Runs SWEEPERS loops of `sweep` side by side, each until its sweep finds nothing to do. */
async function sweepUntilEmpty(sweep: () => Promise<number>): Promise<void> {
  await Promise.all(
    Array.from({ length: SWEEPERS }, async () => {
      while ((await sweep()) > 0) {
        // next page
      }
    }),
  );
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

export function formatNotifications(f: NotificationFigures): string {
  const statuses = Object.entries(f.outcome.byStatus)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
  return [
    `Notifications through the outbox and the local SMS provider (PostgreSQL, ${f.notices} queued, ${f.sweepers} sweepers)`,
    table(
      ['scenario', 'messages/s', 'seconds', 'peak RSS MB', '÷ baseline'],
      [
        [
          'baseline: SELECT a page, UPDATE each',
          f.baseline.perSecond.toFixed(0),
          f.baseline.seconds.toFixed(1),
          '-',
          '1.00',
        ],
        [
          'notices delivered',
          f.delivery.perSecond.toFixed(0),
          f.delivery.seconds.toFixed(1),
          f.delivery.peakRssMb.toFixed(0),
          f.delivery.ofBaseline.toFixed(2),
        ],
      ],
    ),
    `outbox afterwards: ${statuses}; the provider was handed ${f.outcome.handedToProvider} messages for ${f.outcome.distinctRecipients} numbers`,
  ].join('\n');
}
