import type { Config } from './config.ts';
import { ReferenceCache } from './core/agencies/reference-cache.ts';
import { loadSecrets, type Secrets } from './core/security/secrets.ts';
import { DirectoryIndex } from './core/triage/directory-index.ts';
import { installShippedTriage, TriageService } from './core/triage/triage-service.ts';
import { loadReferenceData } from './db/load-reference-data.ts';
import { migrate } from './db/migrate.ts';
import { type DatabaseHandle, openDatabase } from './db/open-database.ts';
import { type App, buildApp } from './http/build-app.ts';

export interface Started {
  app: App;
  database: DatabaseHandle;
  reference: ReferenceCache;
  secrets: Secrets;
  triage: TriageService;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: boolean | object;
  /** The clock; tests move it. */
  now?: () => Date;
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
    const [triage, directory] = await Promise.all([
      TriageService.load(database.db, reference),
      DirectoryIndex.load(database.db),
    ]);
    const app = await buildApp(
      {
        db: database.db,
        databaseKind: database.kind,
        config,
        reference,
        secrets,
        triage,
        directory,
        now: options.now ?? (() => new Date()),
      },
      options,
    );
    // Another process (or `npx baraza triage activate`) may change the rules or the active model.
    const refresh = setInterval(() => {
      triage
        .reload(database.db, { ifChanged: true })
        .catch((error: unknown) => app.log.error({ err: error }, 'triage reload failed'));
    }, 30_000);
    refresh.unref();
    return {
      app,
      database,
      reference,
      secrets,
      triage,
      async close() {
        clearInterval(refresh);
        await app.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
