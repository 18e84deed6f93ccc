import type { Config } from './config.ts';
import { ReferenceCache } from './core/agencies/reference-cache.ts';
import { loadSecrets } from './core/security/secrets.ts';
import { loadReferenceData } from './db/load-reference-data.ts';
import { migrate } from './db/migrate.ts';
import { type DatabaseHandle, openDatabase } from './db/open-database.ts';
import { type App, buildApp } from './http/build-app.ts';

export interface Started {
  app: App;
  database: DatabaseHandle;
  reference: ReferenceCache;
  close(): Promise<void>;
}

/** Opens the database, brings schema and reference data up to date, and builds the app. */
export async function prepare(config: Config, options: { logger?: boolean | object } = {}): Promise<Started> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(database.db);
    await loadReferenceData(database.db);
    const [reference, secrets] = await Promise.all([
      ReferenceCache.load(database.db),
      loadSecrets(database.db),
    ]);
    const app = await buildApp(
      { db: database.db, databaseKind: database.kind, config, reference, secrets, now: () => new Date() },
      options,
    );
    return {
      app,
      database,
      reference,
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
