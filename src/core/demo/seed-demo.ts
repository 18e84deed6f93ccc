import type { Db } from '../../db/open-database.ts';
import { PILOT_AGENCY_CODES, type PilotAgencyCode } from '../agencies/pilot-catalogue.ts';
import { loadSecrets } from '../security/secrets.ts';
import { Weighted } from './demo-random.ts';
import { createDemoStaff } from './demo-staff.ts';
import { type DemoAgency, type DemoCatalogue, type DraftCase, draftCase } from './draft-case.ts';
import { insertDemoBatch } from './insert-demo-batch.ts';

export { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-staff.ts';

export interface SeedDemoOptions {
  cases: number;
  /** The same seed (and `now`) gives the same cases: ids, references, texts and dates. */
  seed?: number;
  /** Cases fall in the year before this; by default the start of today (UTC), so reruns on one day match. */
  now?: Date;
  /** Called after each batch with the number of cases drafted so far. */
  onProgress?: (done: number) => void;
}

export interface SeedDemoResult {
  /** What this run wrote: all zeros when the same seed ran before. */
  cases: number;
  events: number;
  users: number;
}

const DAY = 86_400_000;
const BATCH_SIZE = 2500;
// Batches in flight at once: while the database writes one, this process drafts and hashes the next.
const CONCURRENCY = 3;
const DEMO_SEEDED = 'demo_seeded';

/**
 * Loads demo data: the demo staff accounts (see demo-staff.ts for the shared password) and `cases`
 * cases over the last 12 months across the pilot agencies, every channel, county, type and state,
 * each with a hash-chained history that `verifyAudit` accepts. Deterministic and idempotent: cases
 * are drawn from a generator seeded per case and written with ON CONFLICT DO NOTHING, so running
 * it again adds nothing, and a larger `cases` adds only the cases beyond those already there.
 * Needs the reference data (loadReferenceData) first.
 */
export async function seedDemo(db: Db, options: SeedDemoOptions): Promise<SeedDemoResult> {
  const { cases } = options;
  if (!Number.isInteger(cases) || cases < 0 || cases > 2 ** 30) {
    throw new Error(`cases must be a whole number from 0 to ${2 ** 30}, not ${cases}`);
  }
  const seed = options.seed ?? 1;
  const nowMs = (options.now ?? startOfUtcDay(new Date())).getTime();
  const agencies = await loadAgencies(db);
  const agencyIds = new Map([...agencies].map(([code, agency]) => [code, agency.id]));
  // The demo staff predate the year of cases they work on.
  const staff = await createDemoStaff(db, agencyIds, new Date(nowMs - 366 * DAY));
  const secrets = await loadSecrets(db);
  const catalogue: DemoCatalogue = {
    seed,
    nowMs,
    agencies,
    counties: await loadCounties(db),
    teams: staff.teams,
    citizens: Math.max(20, Math.floor(cases * 0.75)),
  };

  const totals = { cases: 0, events: staff.created, users: staff.created };
  let drafted = 0;
  let failure: unknown;
  const running = new Set<Promise<void>>();
  for (let start = 0; start < cases && failure === undefined; start += BATCH_SIZE) {
    const drafts: DraftCase[] = [];
    for (let index = start; index < Math.min(cases, start + BATCH_SIZE); index++) {
      drafts.push(draftCase(catalogue, index));
    }
    const batch: Promise<void> = insertDemoBatch(db, secrets, drafts)
      .then(
        (written) => {
          totals.cases += written.cases;
          totals.events += written.events;
          drafted += drafts.length;
          options.onProgress?.(drafted);
        },
        (error: unknown) => {
          failure ??= error;
        },
      )
      .finally(() => running.delete(batch));
    running.add(batch);
    if (running.size >= CONCURRENCY) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure !== undefined) throw failure;
  return totals;
}

/**
 * For `npm start`: loads the demo (seed 1) when the database has no cases and has never had the
 * demo (settings 'demo_seeded'), so it comes on the first start only and deleting the demo cases
 * does not bring them back. Two processes starting together may both seed; seedDemo is
 * idempotent, so that is harmless.
 */
export async function seedDemoIfEmpty(
  db: Db,
  cases: number,
): Promise<{ cases: number; users: number } | undefined> {
  const anyCase = await db.selectFrom('cases').select('id').limit(1).executeTakeFirst();
  const seeded = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', DEMO_SEEDED)
    .executeTakeFirst();
  if (anyCase || seeded) return undefined;
  const now = startOfUtcDay(new Date());
  const result = await seedDemo(db, { cases, now });
  const value = JSON.stringify({ cases, seed: 1, now: now.toISOString(), at: new Date().toISOString() });
  await db
    .insertInto('settings')
    .values({ key: DEMO_SEEDED, value })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return { cases: result.cases, users: result.users };
}

function startOfUtcDay(date: Date): Date {
  return new Date(Math.floor(date.getTime() / DAY) * DAY);
}

async function loadAgencies(db: Db): Promise<Map<PilotAgencyCode, DemoAgency>> {
  const rows = await db
    .selectFrom('agencies')
    .select(['id', 'code', 'name'])
    .where('code', 'in', [...PILOT_AGENCY_CODES])
    .where('onboarded', '=', true)
    .execute();
  const ids = rows.map((row) => row.id);
  const services = await db
    .selectFrom('services')
    .select(['id', 'agencyId', 'code'])
    .where('agencyId', 'in', ids)
    .execute();
  const categories = await db
    .selectFrom('categories')
    .select(['id', 'agencyId', 'code'])
    .where('agencyId', 'in', ids)
    .execute();
  const agencies = new Map<PilotAgencyCode, DemoAgency>();
  for (const code of PILOT_AGENCY_CODES) {
    const row = rows.find((r) => r.code === code);
    if (!row)
      throw new Error(`agency ${code} is not onboarded in this database: load the reference data first`);
    const codes = (list: { agencyId: string; code: string | null; id: string }[]) =>
      new Map(
        list
          .filter((item) => item.agencyId === row.id && item.code)
          .map((item) => [item.code ?? '', item.id]),
      );
    agencies.set(code, {
      id: row.id,
      name: row.name,
      services: codes(services),
      categories: codes(categories),
    });
  }
  return agencies;
}

// Kenya's 2019 census, in thousands: demo cases come from where people live. Nairobi gets half
// again as much, since city dwellers use online channels more.
// biome-ignore format: a table reads better in rows
const POPULATION: Record<string, number> = {
  '01': 1208, '02': 866, '03': 1453, '04': 315, '05': 143, '06': 340, '07': 841, '08': 781, '09': 867, '10': 459,
  '11': 268, '12': 1545, '13': 393, '14': 608, '15': 1136, '16': 1421, '17': 987, '18': 638, '19': 759, '20': 610,
  '21': 1056, '22': 2417, '23': 926, '24': 621, '25': 310, '26': 990, '27': 1163, '28': 454, '29': 885, '30': 666,
  '31': 518, '32': 2162, '33': 1157, '34': 1117, '35': 901, '36': 875, '37': 1867, '38': 590, '39': 1670, '40': 893,
  '41': 993, '42': 1155, '43': 1131, '44': 1116, '45': 1266, '46': 605, '47': 4397 * 1.5,
};

async function loadCounties(db: Db): Promise<Weighted<{ code: string; name: string }>> {
  const counties = await db.selectFrom('counties').select(['code', 'name']).orderBy('code').execute();
  if (counties.length === 0)
    throw new Error('there are no counties in this database: load the reference data first');
  return new Weighted(counties.map((county) => [county, POPULATION[county.code] ?? 500] as const));
}
