import { createSmsProvider } from './channels/sms/create-sms-provider.ts';
import type { SmsProvider } from './channels/sms/sms-provider.ts';
import type { Config } from './config.ts';
import { ReferenceCache } from './core/agencies/reference-cache.ts';
import { installNationalTemplates } from './core/console/response-templates.ts';
import { knowledgeInformation } from './core/knowledge/knowledge-information.ts';
import { installShippedArticles } from './core/knowledge/seed-articles.ts';
import { createMessenger, type Messenger } from './core/messages/messenger.ts';
import { loadSecrets, type Secrets } from './core/security/secrets.ts';
import { installDefaultSla, SlaService } from './core/sla/sla-service.ts';
import { DirectoryIndex } from './core/triage/directory-index.ts';
import { installShippedTriage, TriageService } from './core/triage/triage-service.ts';
import { loadReferenceData } from './db/load-reference-data.ts';
import { migrate } from './db/migrate.ts';
import { type DatabaseHandle, openDatabase } from './db/open-database.ts';
import { type App, buildApp } from './http/build-app.ts';
import { type JobOptions, type Jobs, startJobs } from './jobs/start-jobs.ts';

export interface Started {
  app: App;
  database: DatabaseHandle;
  reference: ReferenceCache;
  secrets: Secrets;
  triage: TriageService;
  sla: SlaService;
  /** Messages to citizens; `sms` is the gateway it sends SMS through (LocalSmsProvider keeps them in `sent`). */
  messenger: Messenger;
  sms: SmsProvider;
  /** The background workers, when this process runs them. */
  jobs: Jobs | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: boolean | object;
  /** The clock; tests move it. */
  now?: () => Date;
  /** Start pg-boss here, and take jobs when `work` is set (src/jobs). */
  jobs?: JobOptions | undefined;
}

/** Opens the configured database and starts on it. */
export async function prepare(config: Config, options: StartOptions = {}): Promise<Started> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  return startOn(database, config, options);
}

/** Brings schema and reference data up to date, loads what every request needs, builds the app. */
export async function startOn(
  database: DatabaseHandle,
  config: Config,
  options: StartOptions = {},
): Promise<Started> {
  try {
    await migrate(database.db);
    await loadReferenceData(database.db);
    await installShippedTriage(database.db);
    const [reference, secrets] = await Promise.all([
      ReferenceCache.load(database.db),
      loadSecrets(database.db),
    ]);
    await installDefaultSla(database.db, reference);
    await installNationalTemplates(database.db, new Date());
    await installShippedArticles(database.db, new Date());
    const [triage, directory, sla] = await Promise.all([
      TriageService.load(database.db, reference),
      DirectoryIndex.load(database.db),
      SlaService.load(database.db, reference),
    ]);
    const now = options.now ?? (() => new Date());
    const sms = createSmsProvider(config.sms, now);
    const messenger = createMessenger({ db: database.db, config, sms, now });
    const app = await buildApp(
      {
        db: database.db,
        databaseKind: database.kind,
        config,
        reference,
        secrets,
        triage,
        sla,
        directory,
        messenger,
        information: knowledgeInformation({ db: database.db, now }),
        now,
      },
      options,
    );
    // Another process (or `npx baraza triage activate`) may change the rules, the active model,
    // the SLA policies, the calendars or an agency's services and categories.
    const refresh = setInterval(() => {
      for (const [name, service] of [
        ['reference', reference],
        ['triage', triage],
        ['sla', sla],
      ] as const) {
        service
          .reload(database.db, { ifChanged: true })
          .catch((error: unknown) => app.log.error({ err: error }, `${name} reload failed`));
      }
    }, 30_000);
    refresh.unref();
    const jobs = options.jobs
      ? await startJobs(
          database,
          { db: database.db, sla, reference, messenger, now, log: app.log, publicUrl: config.publicUrl },
          options.jobs,
        )
      : undefined;
    return {
      app,
      database,
      reference,
      secrets,
      triage,
      sla,
      messenger,
      sms,
      jobs,
      async close() {
        clearInterval(refresh);
        await jobs?.stop();
        await app.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
