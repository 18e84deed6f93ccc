import type { Config } from './config.ts';
import { ReferenceCache } from './core/agencies/reference-cache.ts';
import { loadSecrets, type Secrets } from './core/security/secrets.ts';
import { loadReferenceData } from './db/load-reference-data.ts';
import { migrate } from './db/migrate.ts';
import { type DatabaseHandle, openDatabase } from './db/open-database.ts';
import { type App, buildApp } from './http/build-app.ts';

export interface Started {
  app: App;
  database: DatabaseHandle;
  reference: ReferenceCache;
  secrets: Secrets;
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
    const [reference, secrets] = await Promise.all([
      ReferenceCache.load(database.db),
      loadSecrets(database.db),
    ]);
    const app = await buildApp(
      {
        db: database.db,
        databaseKind: database.kind,
        config,
        reference,
        secrets,
        now: options.now ?? (() => new Date()),
      },
      options,
    );
    return {
      app,
      database,
      reference,
      secrets,
      async close() {
        await app.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
