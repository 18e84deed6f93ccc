import type { Db } from '../../db/open-database.ts';
import { readSetting } from '../../db/queries/settings.ts';
import { type FieldProblem, invalidInput } from '../errors.ts';

export interface AgencyRef {
  id: string;
  code: string | null;
  name: string;
  nameSw: string | null;
  kind: 'agency' | 'clearing_house' | 'oversight';
  onboarded: boolean;
}
export interface ServiceRef {
  id: string;
  agencyId: string;
  code: string;
  name: string;
  nameSw: string | null;
}
export interface CategoryRef {
  id: string;
  agencyId: string;
  code: string;
  name: string;
  nameSw: string;
}
export interface CountyRef {
  code: string;
  isoCode: string;
  name: string;
}

export const CLEARING_HOUSE = 'CLR';
export const OVERSIGHT = 'EACC';

interface ReferenceState {
  version: string | undefined;
  agencies: Map<string, AgencyRef>;
  byId: Map<string, AgencyRef>;
  /** Active services and categories by agency id and code: what a new case may name. */
  services: Map<string, ServiceRef>;
  categories: Map<string, CategoryRef>;
  /** Every service by id, retired ones too: what an older case names. */
  servicesById: Map<string, ServiceRef>;
  counties: Map<string, CountyRef>;
}

/** Moved whenever an administrator changes a service or category, so every process reloads. */
export const REFERENCE_VERSION_KEY = 'reference_version';

/**
 * The reference data every request needs (onboarded agencies, their catalogues, counties), held in
 * memory: it changes only by migration or administration, and reading it per request would double
 * the work of a submission. An administrator's change reloads it here and, through
 * `reference_version`, in every other process.
 */
export class ReferenceCache {
  private constructor(private state: ReferenceState) {}

  static async load(db: Db): Promise<ReferenceCache> {
    return new ReferenceCache(await loadState(db));
  }

  async reload(db: Db, options: { ifChanged?: boolean } = {}): Promise<void> {
    if (options.ifChanged && (await readSetting(db, REFERENCE_VERSION_KEY)) === this.state.version) return;
    this.state = await loadState(db);
  }

  agency(code: string): AgencyRef | undefined {
    return this.state.agencies.get(code.toUpperCase());
  }

  agencyById(id: string): AgencyRef | undefined {
    return this.state.byId.get(id);
  }

  requireAgency(code: string, field = 'agencyCode'): AgencyRef {
    const agency = this.agency(code);
    if (!agency) throw invalidInput(field, `there is no agency with code "${code}"`);
    return agency;
  }

  /** The clearing house and the oversight body are created by the reference data; they always exist. */
  get clearingHouse(): AgencyRef {
    return this.requireAgency(CLEARING_HOUSE);
  }

  get oversight(): AgencyRef {
    return this.requireAgency(OVERSIGHT);
  }

  service(agencyId: string, code: string): ServiceRef | undefined {
    return this.state.services.get(`${agencyId}/${code}`);
  }

  category(agencyId: string, code: string): CategoryRef | undefined {
    return this.state.categories.get(`${agencyId}/${code}`);
  }

  county(input: string): CountyRef | undefined {
    return this.state.counties.get(countyKey(input));
  }

  /** The agencies citizens can send a case to directly, by name. */
  onboardedAgencies(): AgencyRef[] {
    return [...this.state.byId.values()]
      .filter((a) => a.onboarded && a.kind === 'agency')
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  servicesOf(agencyId: string): ServiceRef[] {
    return [...this.state.services.values()]
      .filter((s) => s.agencyId === agencyId)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The 47 counties in constitutional order. */
  countyList(): CountyRef[] {
    const unique = new Map([...this.state.counties.values()].map((c) => [c.code, c]));
    return [...unique.values()].sort((a, b) => a.code.localeCompare(b.code));
  }

  serviceById(id: string): ServiceRef | undefined {
    return this.state.servicesById.get(id);
  }

  requireCounty(input: string, problems: FieldProblem[], field = 'county'): CountyRef | undefined {
    const county = this.county(input);
    if (!county) problems.push({ field, problem: `"${input}" is not one of Kenya's 47 counties` });
    return county;
  }
}

async function loadState(db: Db): Promise<ReferenceState> {
  const [version, agencies, services, categories, counties] = await Promise.all([
    readSetting(db, REFERENCE_VERSION_KEY),
    db
      .selectFrom('agencies')
      .select(['id', 'code', 'name', 'nameSw', 'kind', 'onboarded'])
      .where('code', 'is not', null)
      .execute(),
    db
      .selectFrom('services')
      .select(['id', 'agencyId', 'code', 'name', 'nameSw', 'active'])
      .where('code', 'is not', null)
      .execute(),
    db.selectFrom('categories').select(['id', 'agencyId', 'code', 'name', 'nameSw', 'active']).execute(),
    db.selectFrom('counties').select(['code', 'isoCode', 'name', 'capital']).execute(),
  ]);
  // A county may be given by code (47, 047), ISO code (KE-47), name (Nairobi City) or the name
  // people use, which is its capital's (Nairobi); spelling of "Elgeyo-Marakwet" etc. is forgiven.
  const countyMap = new Map<string, CountyRef>();
  for (const { capital, ...county } of counties) {
    for (const key of [
      county.code,
      String(Number(county.code)),
      county.isoCode,
      county.name,
      capital ?? '',
    ]) {
      if (key && !countyMap.has(countyKey(key))) countyMap.set(countyKey(key), county);
    }
  }
  const serviceRefs = services.map(({ active, ...s }) => ({ active, ref: { ...s, code: s.code ?? '' } }));
  return {
    version,
    agencies: new Map(agencies.map((a) => [a.code?.toUpperCase() ?? '', a])),
    byId: new Map(agencies.map((a) => [a.id, a])),
    services: new Map(
      serviceRefs.filter((s) => s.active).map(({ ref }) => [`${ref.agencyId}/${ref.code}`, ref]),
    ),
    categories: new Map(
      categories.filter((c) => c.active).map(({ active: _active, ...c }) => [`${c.agencyId}/${c.code}`, c]),
    ),
    servicesById: new Map(serviceRefs.map(({ ref }) => [ref.id, ref])),
    counties: countyMap,
  };
}

const countyKey = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/^0+(?=\d)/, '');
