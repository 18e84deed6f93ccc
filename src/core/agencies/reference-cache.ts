import type { Db } from '../../db/open-database.ts';
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

/**
 * The reference data every request needs (onboarded agencies, their catalogues, counties), held in
 * memory: it changes only by migration or administration, and reading it per request would double
 * the work of a submission.
 */
export class ReferenceCache {
  private constructor(
    private readonly agencies: Map<string, AgencyRef>,
    private readonly byId: Map<string, AgencyRef>,
    private readonly services: Map<string, ServiceRef>,
    private readonly categories: Map<string, CategoryRef>,
    private readonly counties: Map<string, CountyRef>,
  ) {
    this.servicesById = new Map([...services.values()].map((s) => [s.id, s]));
  }

  private readonly servicesById: Map<string, ServiceRef>;

  static async load(db: Db): Promise<ReferenceCache> {
    const [agencies, services, categories, counties] = await Promise.all([
      db
        .selectFrom('agencies')
        .select(['id', 'code', 'name', 'nameSw', 'kind', 'onboarded'])
        .where('code', 'is not', null)
        .execute(),
      db
        .selectFrom('services')
        .select(['id', 'agencyId', 'code', 'name', 'nameSw'])
        .where('code', 'is not', null)
        .execute(),
      db.selectFrom('categories').select(['id', 'agencyId', 'code', 'name', 'nameSw']).execute(),
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
    return new ReferenceCache(
      new Map(agencies.map((a) => [a.code?.toUpperCase() ?? '', a])),
      new Map(agencies.map((a) => [a.id, a])),
      new Map(services.map((s) => [`${s.agencyId}/${s.code}`, { ...s, code: s.code ?? '' }])),
      new Map(categories.map((c) => [`${c.agencyId}/${c.code}`, c])),
      countyMap,
    );
  }

  agency(code: string): AgencyRef | undefined {
    return this.agencies.get(code.toUpperCase());
  }

  agencyById(id: string): AgencyRef | undefined {
    return this.byId.get(id);
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
    return this.services.get(`${agencyId}/${code}`);
  }

  category(agencyId: string, code: string): CategoryRef | undefined {
    return this.categories.get(`${agencyId}/${code}`);
  }

  county(input: string): CountyRef | undefined {
    return this.counties.get(countyKey(input));
  }

  /** The agencies citizens can send a case to directly, by name. */
  onboardedAgencies(): AgencyRef[] {
    return [...this.byId.values()]
      .filter((a) => a.onboarded && a.kind === 'agency')
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  servicesOf(agencyId: string): ServiceRef[] {
    return [...this.services.values()]
      .filter((s) => s.agencyId === agencyId)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The 47 counties in constitutional order. */
  countyList(): CountyRef[] {
    const unique = new Map([...this.counties.values()].map((c) => [c.code, c]));
    return [...unique.values()].sort((a, b) => a.code.localeCompare(b.code));
  }

  serviceById(id: string): ServiceRef | undefined {
    return this.servicesById.get(id);
  }

  requireCounty(input: string, problems: FieldProblem[], field = 'county'): CountyRef | undefined {
    const county = this.county(input);
    if (!county) problems.push({ field, problem: `"${input}" is not one of Kenya's 47 counties` });
    return county;
  }
}

const countyKey = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/^0+(?=\d)/, '');
