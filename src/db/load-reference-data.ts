import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import {
  PILOT_CATALOGUE,
  pilotAgencyId,
  pilotCategoryId,
  pilotServiceId,
} from '../core/agencies/pilot-catalogue.ts';
import type { Db } from './open-database.ts';
import { readSetting, writeSetting } from './queries/settings.ts';
import type { Database } from './schema.ts';

const REFERENCE_DIR = path.join(import.meta.dirname, '../../reference');

/**
 * Bump when the loader's own mapping changes. Edits to the catalogue or to the files in reference/
 * need no bump: their fingerprint is part of the stored version, so they are noticed by themselves.
 */
export const REFERENCE_DATA_VERSION = '2026-11-24.1';
const VERSION_KEY = 'reference_data_version';

// Several processes may start at once; they queue on this lock and all but the first find the
// version current. migrate() holds 7366211.
const LOAD_LOCK = 7366212;

// Kysely sends one parameter per value; PostgreSQL allows 65,535 per statement.
const ROWS_PER_INSERT = 2000;

export interface ReferenceDataCounts {
  counties: number;
  ministries: number;
  agencies: number;
  services: number;
  categories: number;
}

const NOTHING_LOADED: ReferenceDataCounts = {
  counties: 0,
  ministries: 0,
  agencies: 0,
  services: 0,
  categories: 0,
};

const FILES = ['counties.csv', 'ministries.csv', 'agencies.csv', 'services.csv'] as const;
type ReferenceFile = (typeof FILES)[number];
type Trx = Transaction<Database>;

/**
 * Upserts the counties, the eCitizen directory (ministries, agencies, services) and the pilot
 * catalogue, in one transaction. Safe on every start: when the stored version matches it does
 * nothing and returns zero counts; otherwise it returns how many rows of each table it wrote.
 * Rows are never deleted, because cases refer to them.
 */
export async function loadReferenceData(db: Db): Promise<ReferenceDataCounts> {
  const files = readReferenceFiles();
  const version = `${REFERENCE_DATA_VERSION}:${fingerprint(files)}`;
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${LOAD_LOCK})`.execute(trx);
    if ((await readSetting(trx, VERSION_KEY)) === version) return NOTHING_LOADED;

    const counts = await writeAll(trx, files);
    await writeSetting(trx, VERSION_KEY, version);
    return counts;
  });
}

function readReferenceFiles(): Record<ReferenceFile, Buffer> {
  return Object.fromEntries(
    FILES.map((file) => [file, fs.readFileSync(path.join(REFERENCE_DIR, file))]),
  ) as Record<ReferenceFile, Buffer>;
}

function fingerprint(files: Record<ReferenceFile, Buffer>): string {
  const hash = createHash('sha256').update(JSON.stringify(PILOT_CATALOGUE));
  for (const file of FILES) hash.update(files[file]);
  return hash.digest('hex').slice(0, 16);
}

async function writeAll(trx: Trx, files: Record<ReferenceFile, Buffer>): Promise<ReferenceDataCounts> {
  const counties = countyRows(files['counties.csv']);
  const ministries = ministryRows(files['ministries.csv']);
  const agencies = agencyRows(files['agencies.csv'], new Set(ministries.map((m) => m.id)));
  const services = serviceRows(files['services.csv']);
  const catalogueServices = pilotServiceRows();
  const categories = pilotCategoryRows();

  await upsert(trx, 'counties', 'code', counties, ['isoCode', 'name', 'capital']);
  await upsert(trx, 'ministries', 'id', ministries, ['name', 'description']);
  await upsert(trx, 'agencies', 'id', agencies, ['name', 'ministryId', 'description', 'url']);
  await upsert(trx, 'services', 'id', services, ['agencyId', 'name', 'url', 'ecitizenId'], SPARE_CUSTOMISED);
  const pilotIds = await upsertPilotAgencies(trx);
  const catalogue = ['agencyId', 'code', 'name', 'nameSw'] as const;
  await upsert(
    trx,
    'services',
    'id',
    catalogueServices,
    [...catalogue, 'url', 'ecitizenId'],
    SPARE_CUSTOMISED,
  );
  await upsert(trx, 'categories', 'id', categories, catalogue, SPARE_CUSTOMISED);

  const directoryIds = new Set(agencies.map((a) => a.id));
  return {
    counties: counties.length,
    ministries: ministries.length,
    agencies: agencies.length + pilotIds.filter((id) => !directoryIds.has(id)).length,
    services: services.length + catalogueServices.length,
    categories: categories.length,
  };
}

// --- Parsing the shipped files ---

/** Rows keyed by header; fails loudly, naming the file, if a column the loader needs has gone. */
function readCsv<C extends string>(
  buffer: Buffer,
  file: ReferenceFile,
  columns: readonly C[],
): Record<C, string>[] {
  const rows = parse<Record<string, string>>(buffer, { columns: true, bom: true, skip_empty_lines: true });
  const header = Object.keys(rows[0] ?? {});
  const missing = columns.filter((column) => !header.includes(column));
  if (missing.length > 0) throw new Error(`reference/${file} lacks column(s): ${missing.join(', ')}`);
  return rows as Record<C, string>[];
}

// The eCitizen export keeps some HTML escapes from the site ("Teaching &amp; Referral Hospital");
// pages escape on output, so stored text must be plain or it would show as "&amp;".
const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};
function plainText(value: string): string {
  return value.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity).trim();
}

function optional(value: string): string | null {
  const text = plainText(value);
  return text === '' ? null : text;
}

/** ON CONFLICT DO UPDATE refuses to touch one row twice in a statement, so ids must be unique. */
function uniqueById<T extends { id: string }>(rows: T[]): T[] {
  return [...new Map(rows.map((row) => [row.id, row])).values()];
}

function countyRows(buffer: Buffer): Insertable<Database['counties']>[] {
  const columns = ['code', 'iso_3166_2', 'name_constitution', 'capital_or_hq_as_listed'] as const;
  return readCsv(buffer, 'counties.csv', columns).map((row) => ({
    code: row.code,
    isoCode: row.iso_3166_2,
    name: row.name_constitution,
    capital: optional(row.capital_or_hq_as_listed),
  }));
}

function ministryRows(buffer: Buffer): Insertable<Database['ministries']>[] {
  const columns = ['ministry_id', 'ministry_name', 'ministry_description'] as const;
  return uniqueById(
    readCsv(buffer, 'ministries.csv', columns).map((row) => ({
      id: row.ministry_id,
      name: plainText(row.ministry_name),
      description: optional(row.ministry_description),
    })),
  );
}

type DirectoryAgency = Pick<
  Insertable<Database['agencies']>,
  'id' | 'name' | 'ministryId' | 'description' | 'url'
>;

/** An agency whose ministry the file does not list keeps its place in the directory, unattached. */
function agencyRows(buffer: Buffer, ministryIds: Set<string>): DirectoryAgency[] {
  const columns = ['agency_id', 'ministry_id', 'agency_name', 'agency_description', 'agency_url'] as const;
  return uniqueById(
    readCsv(buffer, 'agencies.csv', columns).map((row) => ({
      id: row.agency_id,
      name: plainText(row.agency_name),
      ministryId: ministryIds.has(row.ministry_id) ? row.ministry_id : null,
      description: optional(row.agency_description),
      url: optional(row.agency_url),
    })),
  );
}

type DirectoryService = Pick<
  Insertable<Database['services']>,
  'id' | 'agencyId' | 'name' | 'url' | 'ecitizenId'
>;

function serviceRows(buffer: Buffer): DirectoryService[] {
  const columns = ['service_id', 'agency_id', 'service_name', 'service_url'] as const;
  return uniqueById(
    readCsv(buffer, 'services.csv', columns).map((row) => ({
      id: row.service_id,
      agencyId: row.agency_id,
      name: plainText(row.service_name),
      url: optional(row.service_url),
      ecitizenId: row.service_id,
    })),
  );
}

// --- Writing ---

type ReferenceTables = Pick<Database, 'counties' | 'ministries' | 'agencies' | 'services' | 'categories'>;
type LooseDb = Kysely<Record<string, Record<string, unknown>>>;

/** Services and categories an agency administrator has changed keep their wording on a reload. */
const SPARE_CUSTOMISED = { spareCustomised: true } as const;

/**
 * INSERT ... ON CONFLICT (key) DO UPDATE of the listed columns only, in chunks. Columns left out
 * keep what the row had: that is how a directory reload spares what onboarding set (code, kind,
 * Kiswahili name). With `spareCustomised`, a row marked customised is not updated at all.
 */
async function upsert<T extends keyof ReferenceTables>(
  trx: Trx,
  table: T,
  key: keyof ReferenceTables[T] & string,
  rows: readonly Insertable<ReferenceTables[T]>[],
  update: readonly (keyof ReferenceTables[T] & string)[],
  options: { spareCustomised?: boolean } = {},
): Promise<void> {
  // Kysely cannot type a table chosen at run time; the signature checks tables and columns instead.
  const loose = trx as unknown as LooseDb;
  const columns: readonly string[] = update;
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await loose
      .insertInto(table as string)
      .values(rows.slice(i, i + ROWS_PER_INSERT) as Record<string, unknown>[])
      .onConflict((oc) => {
        const update = oc
          .column(key)
          .doUpdateSet((eb) => Object.fromEntries(columns.map((c) => [c, eb.ref(`excluded.${c}`)])));
        return options.spareCustomised
          ? update.where(sql.ref(`${table}.customised`), '=', sql.lit(false))
          : update;
      })
      .execute();
  }
}

/**
 * Onboards the pilots. For one that eCitizen lists, the catalogue's name replaces the directory's
 * ("Directorate of Immigration Services (New Applications)") while the directory keeps its
 * ministry, description and URL unless the catalogue gives its own.
 */
async function upsertPilotAgencies(trx: Trx): Promise<string[]> {
  const rows = PILOT_CATALOGUE.map((agency) => ({
    id: pilotAgencyId(agency),
    code: agency.code,
    name: agency.name,
    nameSw: agency.nameSw,
    shortName: agency.shortName,
    kind: agency.kind,
    onboarded: true,
    ministryId: agency.ministryId ?? null,
    description: agency.description ?? null,
    url: agency.url ?? null,
  }));
  await trx
    .insertInto('agencies')
    .values(rows)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        code: eb.ref('excluded.code'),
        name: eb.ref('excluded.name'),
        nameSw: eb.ref('excluded.nameSw'),
        shortName: eb.ref('excluded.shortName'),
        kind: eb.ref('excluded.kind'),
        onboarded: eb.ref('excluded.onboarded'),
        ministryId: eb.fn.coalesce('excluded.ministryId', 'agencies.ministryId'),
        description: eb.fn.coalesce('excluded.description', 'agencies.description'),
        url: eb.fn.coalesce('excluded.url', 'agencies.url'),
      })),
    )
    .execute();
  return rows.map((row) => row.id);
}

/**
 * Catalogue services are rows of their own ('KRA:pin-registration'), pointing at the eCitizen
 * service through ecitizen_id rather than taking over its row: their ids stay stable when the
 * dataset's hashed ids change, and a service eCitizen files under another agency (SHA's for MOH,
 * the DCI's police clearance for NPS) still belongs to the pilot's queue.
 */
function pilotServiceRows(): Insertable<Database['services']>[] {
  return PILOT_CATALOGUE.flatMap((agency) =>
    agency.services.map((service) => ({
      id: pilotServiceId(agency.code, service.code),
      agencyId: pilotAgencyId(agency),
      code: service.code,
      name: service.name,
      nameSw: service.nameSw,
      url: service.url ?? null,
      ecitizenId: service.ecitizenServiceId ?? null,
    })),
  );
}

function pilotCategoryRows(): Insertable<Database['categories']>[] {
  return PILOT_CATALOGUE.flatMap((agency) =>
    agency.categories.map((category) => ({
      id: pilotCategoryId(agency.code, category.code),
      agencyId: pilotAgencyId(agency),
      code: category.code,
      name: category.name,
      nameSw: category.nameSw,
    })),
  );
}
