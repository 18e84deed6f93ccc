import PgBoss from 'pg-boss';
import { v5 as uuidV5 } from 'uuid';
import { removeOldUssdRecords } from '../channels/ussd/ussd-sessions.ts';
import { removeAbandonedUploads } from '../core/attachments/read-upload.ts';
import { type ReminderRun, remindReviewers } from '../core/knowledge/review-reminders.ts';
import type { Messenger } from '../core/messages/messenger.ts';
import { actOnDueClocks } from '../core/sla/act-on-due-clocks.ts';
import { type CheckDeps, checkNothingFallsThrough } from '../core/sla/check-nothing-falls-through.ts';
import { type DueCase, sweepDueClocks } from '../core/sla/sweep-due-clocks.ts';
import type { DatabaseHandle } from '../db/open-database.ts';

/*
 * Background work runs on pg-boss, in the same database as everything else (PostgreSQL, or PGlite
 * through pg-boss's `db` adapter on our one connection). The queues:
 * - sla-sweep, every minute (a pg-boss schedule, so one run per minute however many workers):
 *   finds due clocks and enqueues one sla-due-case job per case;
 * - sla-due-case: acts on the case's due clocks (warn, breach, escalate), claiming them atomically;
 * - sla-check, every ten minutes: the "nothing falls through" check and its repairs;
 * - message-retry, every minute: delivers the outbox's messages that are due (a first send that
 *   failed, or one whose sender died), each claimed atomically; its back-off is MESSAGE_RETRY;
 * - uploads-cleanup, every hour: removes files uploaded to a form that was never sent (a day old);
 * - ussd-cleanup, every hour: removes USSD sessions a day old and gateway notifications 90 days old;
 * - knowledge-review, every day at 06:00: e-mails the owners (or reviewers) of knowledge-base
 *   articles due for review within 14 days, once per review-by date (core/knowledge/review-reminders.ts).
 */

export const QUEUES = {
  sweep: 'sla-sweep',
  dueCase: 'sla-due-case',
  check: 'sla-check',
  messages: 'message-retry',
  uploads: 'uploads-cleanup',
  ussd: 'ussd-cleanup',
  knowledgeReview: 'knowledge-review',
} as const;

/** Retries, for every queue: a job that fails (the database restarting, say) is tried again. */
const RETRY = { retryLimit: 8, retryDelay: 5, retryBackoff: true } as const;

/** Messages the outbox job delivers per page. */
const OUTBOX_PAGE = 100;

/** Job ids are UUIDv5 of (case, due moment) in this namespace: the same due clock is one job. */
const JOB_NAMESPACE = '7f0c5b1e-2d4a-4c1b-9a8e-5b3f2e1d0c9a';

export const dueCaseJobId = (due: DueCase) =>
  uuidV5(`${due.caseId}|${due.fireAt.toISOString()}`, JOB_NAMESPACE);

export interface JobDeps extends CheckDeps {
  /** The outbox to retry; processes that send citizens nothing (the SLA benchmark) leave it out. */
  messenger?: Messenger | undefined;
  now: () => Date;
  log: { error(obj: object, message: string): void; info(message: string): void };
  /** The site's address, for links in e-mails to staff (config.publicUrl); without it they are paths. */
  publicUrl?: string | undefined;
}

export interface Jobs {
  boss: PgBoss;
  /** Runs a sweep now (tests; `npx baraza sla sweep`). */
  sweep(): Promise<{ cases: number }>;
  /** Runs the knowledge-review reminders now (tests; what the daily schedule runs). */
  remindReviewers(): Promise<ReminderRun>;
  stop(): Promise<void>;
}

export interface JobOptions {
  /** Take jobs from the queues in this process (false: only schedule and enqueue). */
  work: boolean;
  /** How often an idle worker looks for jobs; pg-boss's minimum is half a second. */
  pollingIntervalSeconds?: number;
  /** How many due cases this process works on at once (each in its own transaction). */
  concurrency?: number;
}

export async function startJobs(database: DatabaseHandle, deps: JobDeps, options: JobOptions): Promise<Jobs> {
  const boss = new PgBoss({
    db: { executeSql: (text, values) => database.pool.query(text, values) },
    schema: 'pgboss',
    // Completed jobs are kept a day for inspection, then archived and deleted by pg-boss itself.
    archiveCompletedAfterSeconds: 24 * 3600,
    deleteAfterDays: 7,
  });
  boss.on('error', (error) => deps.log.error({ err: error }, 'job queue error'));
  await boss.start();
  for (const name of Object.values(QUEUES)) await boss.createQueue(name, { name, ...RETRY });
  await boss.schedule(QUEUES.sweep, '* * * * *', {}, { tz: 'Africa/Nairobi' });
  await boss.schedule(QUEUES.check, '*/10 * * * *', {}, { tz: 'Africa/Nairobi' });
  await boss.schedule(QUEUES.uploads, '17 * * * *', {}, { tz: 'Africa/Nairobi' });
  await boss.schedule(QUEUES.ussd, '23 * * * *', {}, { tz: 'Africa/Nairobi' });
  if (deps.messenger) await boss.schedule(QUEUES.messages, '* * * * *', {}, { tz: 'Africa/Nairobi' });
  // Early, so the e-mails are waiting when people start work.
  await boss.schedule(QUEUES.knowledgeReview, '0 6 * * *', {}, { tz: 'Africa/Nairobi' });

  const enqueue = async (cases: DueCase[]) => {
    await boss.insert(
      cases.map((due) => ({
        id: dueCaseJobId(due),
        name: QUEUES.dueCase,
        data: { caseId: due.caseId },
        ...RETRY,
      })),
    );
  };
  const sweep = () => sweepDueClocks(database.db, deps.now(), enqueue);
  const remind = () => remindReviewers({ db: deps.db, publicUrl: deps.publicUrl ?? '' }, deps.now());

  if (options.work) {
    const polling = { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 };
    await boss.work(QUEUES.sweep, polling, async () => {
      await sweep();
    });
    // pg-boss 10 runs one handler per work() call: several calls are several at once.
    for (let i = 0; i < (options.concurrency ?? 2); i++) {
      await boss.work<{ caseId: string }>(QUEUES.dueCase, { ...polling, batchSize: 20 }, async (jobs) => {
        // One failing case must not fail the others fetched with it: each is failed on its own
        // (and retried by pg-boss); the rest complete.
        for (const job of jobs) {
          try {
            await actOnDueClocks(deps, job.data.caseId, deps.now());
          } catch (error) {
            deps.log.error({ err: error, caseId: job.data.caseId }, 'acting on due clocks failed');
            await boss.fail(QUEUES.dueCase, job.id, { message: (error as Error).message });
          }
        }
      });
    }
    await boss.work(QUEUES.check, polling, async () => {
      const report = await checkNothingFallsThrough(deps, deps.now());
      if (report.findings.length > 0) {
        deps.log.info(
          `nothing-falls-through check: ${report.findings.length} problems, ${report.repaired} repaired`,
        );
      }
    });
    await boss.work(QUEUES.uploads, polling, async () => {
      const removed = await removeAbandonedUploads(deps.db, deps.now());
      if (removed > 0) deps.log.info(`uploads: ${removed} files of forms never sent removed`);
    });
    await boss.work(QUEUES.ussd, polling, async () => {
      const removed = await removeOldUssdRecords(deps.db, deps.now());
      if (removed.sessions + removed.events > 0) {
        deps.log.info(
          `ussd: ${removed.sessions} old sessions and ${removed.events} old notifications removed`,
        );
      }
    });
    await boss.work(QUEUES.knowledgeReview, polling, async () => {
      const run = await remind();
      if (run.messages + run.unaddressed + run.deferred > 0) {
        deps.log.info(
          `knowledge review: ${run.articles} articles in ${run.messages} e-mails; ${run.unaddressed} with nobody to tell, ${run.deferred} left for tomorrow`,
        );
      }
    });
    const messenger = deps.messenger;
    if (messenger) {
      await boss.work(QUEUES.messages, polling, async () => {
        // A backlog (the gateway was down) is worked off a page at a time, within this run.
        for (let page = 0; page < 10; page++) {
          const sweep = await messenger.deliverQueued(OUTBOX_PAGE);
          if (sweep.failed > 0) deps.log.info(`outbox: ${sweep.failed} messages failed for good`);
          if (sweep.sent + sweep.retrying + sweep.failed + sweep.skipped < OUTBOX_PAGE) break;
        }
      });
    }
  }
  return {
    boss,
    sweep,
    remindReviewers: remind,
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
