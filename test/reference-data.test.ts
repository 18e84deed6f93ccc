import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PILOT_AGENCY_CODES, PILOT_CATALOGUE } from '../src/core/agencies/pilot-catalogue.ts';
import { loadReferenceData, type ReferenceDataCounts } from '../src/db/load-reference-data.ts';
import { migrate } from '../src/db/migrate.ts';
import type { DatabaseHandle } from '../src/db/open-database.ts';
import { openTestDatabase } from './helpers/context.ts';

// Sizes of the shipped files in reference/.
const ECITIZEN_AGENCIES = 286;
const ECITIZEN_SERVICES = 5489;

let database: DatabaseHandle;
let firstLoad: ReferenceDataCounts;

before(async () => {
  database = await openTestDatabase();
  await migrate(database.db);
  firstLoad = await loadReferenceData(database.db);
});

after(async () => {
  await database.close();
});

test('the 47 counties load in constitutional order with ISO codes KE-01 to KE-47', async () => {
  const counties = await database.db.selectFrom('counties').selectAll().orderBy('code').execute();
  assert.equal(counties.length, 47);
  counties.forEach((county, index) => {
    const code = String(index + 1).padStart(2, '0');
    assert.equal(county.code, code);
    assert.equal(county.isoCode, `KE-${code}`);
  });
  assert.equal(counties[0]?.name, 'Mombasa');
  assert.equal(counties[46]?.name, 'Nairobi City');
});

test('the pilot agencies, the clearing house and EACC are onboarded with Kiswahili names', async () => {
  const agencies = await database.db
    .selectFrom('agencies')
    .selectAll()
    .where('code', 'in', [...PILOT_AGENCY_CODES])
    .execute();
  assert.deepEqual(agencies.map((a) => a.code).sort(), ['BRS', 'CLR', 'DIS', 'EACC', 'KRA', 'MOH', 'NPS']);
  for (const agency of agencies) {
    assert.equal(agency.onboarded, true, agency.code ?? '');
    assert.ok(agency.nameSw, `${agency.code} has a Kiswahili name`);
    assert.ok(agency.shortName, `${agency.code} has a short name`);
  }
  const byCode = new Map(agencies.map((a) => [a.code, a]));
  assert.equal(byCode.get('CLR')?.kind, 'clearing_house');
  assert.equal(byCode.get('EACC')?.kind, 'oversight');
  assert.equal(byCode.get('KRA')?.kind, 'agency');
});

test('a pilot listed on eCitizen is the directory row itself, keeping its ministry and description', async () => {
  const kra = await database.db
    .selectFrom('agencies')
    .selectAll()
    .where('code', '=', 'KRA')
    .executeTakeFirstOrThrow();
  assert.equal(kra.id, 'aa31e54a2abe');
  assert.equal(kra.ministryId, '16190641f2b5');
  assert.ok(kra.description);
  const moh = await database.db
    .selectFrom('agencies')
    .selectAll()
    .where('code', '=', 'MOH')
    .executeTakeFirstOrThrow();
  assert.equal(moh.id, 'baraza-moh');
  assert.equal(moh.ministryId, '6c0348f40cf6');
});

test('every pilot agency but the clearing house has services and categories in English and Kiswahili', async () => {
  for (const code of PILOT_AGENCY_CODES) {
    const agency = await database.db
      .selectFrom('agencies')
      .select('id')
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
    const services = await database.db
      .selectFrom('services')
      .selectAll()
      .where('agencyId', '=', agency.id)
      .where('code', 'is not', null)
      .execute();
    const categories = await database.db
      .selectFrom('categories')
      .selectAll()
      .where('agencyId', '=', agency.id)
      .execute();
    if (code === 'CLR') {
      assert.equal(services.length, 0, 'the clearing house offers no services');
    } else {
      assert.ok(services.length >= 2, `${code} has services`);
    }
    assert.ok(categories.length >= 5, `${code} has categories`);
    for (const row of [...services, ...categories]) {
      assert.ok(row.name && row.nameSw, `${row.id} is named in both languages`);
      assert.equal(row.id, `${code}:${row.code}`);
    }
  }
});

test('every eCitizen id in the pilot catalogue points at a row of the shipped directory', async () => {
  const linked = PILOT_CATALOGUE.flatMap((agency) =>
    agency.services.flatMap((service) => (service.ecitizenServiceId ? [service.ecitizenServiceId] : [])),
  );
  const found = await database.db
    .selectFrom('services')
    .select('id')
    .where('id', 'in', linked)
    .where('code', 'is', null)
    .execute();
  assert.equal(found.length, new Set(linked).size);

  const listed = PILOT_CATALOGUE.flatMap((agency) =>
    agency.ecitizenAgencyId ? [agency.ecitizenAgencyId] : [],
  );
  const directory = await database.db.selectFrom('agencies').select('id').where('id', 'in', listed).execute();
  assert.equal(directory.length, listed.length);
});

test('the whole eCitizen directory of agencies and services is loaded, with HTML escapes decoded', async () => {
  const newAgencies = PILOT_CATALOGUE.filter((agency) => !agency.ecitizenAgencyId).length;
  const catalogueServices = PILOT_CATALOGUE.reduce((sum, agency) => sum + agency.services.length, 0);
  const catalogueCategories = PILOT_CATALOGUE.reduce((sum, agency) => sum + agency.categories.length, 0);
  assert.deepEqual(firstLoad, {
    counties: 47,
    ministries: 27,
    agencies: ECITIZEN_AGENCIES + newAgencies,
    services: ECITIZEN_SERVICES + catalogueServices,
    categories: catalogueCategories,
  });

  const { count: directoryServices } = await database.db
    .selectFrom('services')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('code', 'is', null)
    .executeTakeFirstOrThrow();
  assert.equal(Number(directoryServices), ECITIZEN_SERVICES);

  const escaped = await database.db
    .selectFrom('agencies')
    .select('name')
    .where((eb) => eb.or([eb('name', 'like', '%&amp;%'), eb('description', 'like', '%&amp;%')]))
    .execute();
  assert.deepEqual(escaped, []);
  const hospital = await database.db
    .selectFrom('agencies')
    .select('name')
    .where('id', '=', '91aef7329860')
    .executeTakeFirstOrThrow();
  assert.equal(hospital.name, 'Jaramogi Oginga Odinga Teaching & Referral Hospital (JOOTRH)');
});

test('loading twice changes nothing and the second load is skipped', async () => {
  const before = await snapshot(database);
  const second = await loadReferenceData(database.db);
  assert.deepEqual(second, { counties: 0, ministries: 0, agencies: 0, services: 0, categories: 0 });
  assert.deepEqual(await snapshot(database), before);
});

test('a stale stored version reloads everything and leaves the same rows', async () => {
  const before = await snapshot(database);
  await database.db
    .updateTable('settings')
    .set({ value: 'older' })
    .where('key', '=', 'reference_data_version')
    .execute();
  const reload = await loadReferenceData(database.db);
  assert.deepEqual(reload, firstLoad);
  assert.deepEqual(await snapshot(database), before);
});

test('onboarding given to a directory agency outside the catalogue survives a reload', async () => {
  const registrar = '1a5cce87af5b'; // Registrar of Societies
  await database.db
    .updateTable('agencies')
    .set({ code: 'ROS', nameSw: 'Msajili wa Vyama', onboarded: true })
    .where('id', '=', registrar)
    .execute();
  await database.db
    .updateTable('settings')
    .set({ value: 'older' })
    .where('key', '=', 'reference_data_version')
    .execute();
  await loadReferenceData(database.db);
  const row = await database.db
    .selectFrom('agencies')
    .selectAll()
    .where('id', '=', registrar)
    .executeTakeFirstOrThrow();
  assert.equal(row.code, 'ROS');
  assert.equal(row.onboarded, true);
});

async function snapshot(handle: DatabaseHandle) {
  const { db } = handle;
  return {
    counties: await db.selectFrom('counties').selectAll().orderBy('code').execute(),
    ministries: await db.selectFrom('ministries').selectAll().orderBy('id').execute(),
    agencies: await db.selectFrom('agencies').selectAll().orderBy('id').execute(),
    services: await db.selectFrom('services').selectAll().orderBy('id').execute(),
    categories: await db.selectFrom('categories').selectAll().orderBy('id').execute(),
    settings: await db
      .selectFrom('settings')
      .selectAll()
      .where('key', '=', 'reference_data_version')
      .execute(),
  };
}
