import type { Db } from '../../db/open-database.ts';
import { bumpVersion } from '../../db/queries/settings.ts';
import { actorOf, type Principal } from '../access/principal.ts';
import { administersAgency } from '../console/admin-access.ts';
import { AppError, type FieldProblem, forbidden, notFound } from '../errors.ts';
import { appendEvents } from '../events/append-events.ts';
import { REFERENCE_VERSION_KEY, type ReferenceCache } from './reference-cache.ts';

/*
 * An agency's catalogue: the services citizens name when they write, and the categories staff file
 * cases under. The agency's administrator (or a system administrator) adds, rewords and retires
 * them, in English and Kiswahili. Nothing is deleted, because cases name them; a retired entry
 * stops being offered to citizens and triage. Every change is in the system audit stream, marks
 * the row customised (a newer shipped catalogue then leaves it alone) and reloads every process.
 */

export type CatalogueKind = 'service' | 'category';

export interface CatalogueEntry {
  kind: CatalogueKind;
  code: string;
  name: string;
  nameSw: string;
  /** Services only: where the citizen applies for it (eCitizen, the agency's site). */
  url: string | null;
  active: boolean;
  /** How many cases name it, open or closed. */
  cases: number;
}

export interface CatalogueDraft {
  code: string;
  name: string;
  nameSw: string;
  url?: string | undefined;
  active: boolean;
}

interface CatalogueDeps {
  db: Db;
  reference: ReferenceCache;
  now: () => Date;
}

const CODE = /^[a-z0-9][a-z0-9-]{1,39}$/;
const TABLES = { service: 'services', category: 'categories' } as const;

export async function listCatalogue(db: Db, agencyId: string): Promise<CatalogueEntry[]> {
  const [services, categories, serviceCases, categoryCases] = await Promise.all([
    db
      .selectFrom('services')
      .select(['id', 'code', 'name', 'nameSw', 'url', 'active'])
      .where('agencyId', '=', agencyId)
      .where('code', 'is not', null)
      .orderBy('name')
      .execute(),
    db
      .selectFrom('categories')
      .select(['id', 'code', 'name', 'nameSw', 'active'])
      .where('agencyId', '=', agencyId)
      .orderBy('name')
      .execute(),
    db
      .selectFrom('cases')
      .select(['serviceId as id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('agencyId', '=', agencyId)
      .where('serviceId', 'is not', null)
      .groupBy('serviceId')
      .execute(),
    db
      .selectFrom('cases')
      .select(['categoryId as id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('agencyId', '=', agencyId)
      .where('categoryId', 'is not', null)
      .groupBy('categoryId')
      .execute(),
  ]);
  const counted = (rows: { id: string | null; n: string }[]) => new Map(rows.map((r) => [r.id, Number(r.n)]));
  const serviceCount = counted(serviceCases);
  const categoryCount = counted(categoryCases);
  return [
    ...services.map(
      (s): CatalogueEntry => ({
        kind: 'service',
        code: s.code ?? '',
        name: s.name,
        nameSw: s.nameSw ?? '',
        url: s.url,
        active: s.active,
        cases: serviceCount.get(s.id) ?? 0,
      }),
    ),
    ...categories.map(
      (c): CatalogueEntry => ({
        kind: 'category',
        code: c.code,
        name: c.name,
        nameSw: c.nameSw,
        url: null,
        active: c.active,
        cases: categoryCount.get(c.id) ?? 0,
      }),
    ),
  ];
}

function assertKeepsCatalogue(principal: Principal, agencyId: string): void {
  if (administersAgency(principal, agencyId)) return;
  throw forbidden('Only a system administrator or this agency’s administrator may change its services');
}

function assertValidDraft(kind: CatalogueKind, draft: CatalogueDraft): void {
  const problems: FieldProblem[] = [];
  if (!CODE.test(draft.code))
    problems.push({ field: 'code', problem: 'use 2 to 40 lower-case letters, digits and hyphens' });
  for (const field of ['name', 'nameSw'] as const) {
    const length = draft[field].trim().length;
    if (length < 2 || length > 120) problems.push({ field, problem: 'between 2 and 120 characters' });
  }
  if (kind === 'service' && draft.url && !/^https?:\/\/[^\s]{3,500}$/.test(draft.url))
    problems.push({ field: 'url', problem: 'an address starting with https://' });
  if (problems.length > 0)
    throw new AppError('invalid_input', problems.map((p) => `${p.field}: ${p.problem}`).join('; '), problems);
}

/**
 * Adds a service or category (`mode` create: refused if the code is taken) or changes one
 * (update: the code names it and does not change). Answers when the change is visible everywhere.
 */
export async function saveCatalogueEntry(
  deps: CatalogueDeps,
  principal: Principal,
  agencyId: string,
  kind: CatalogueKind,
  mode: 'create' | 'update',
  draft: CatalogueDraft,
): Promise<void> {
  assertKeepsCatalogue(principal, agencyId);
  const agency = deps.reference.agencyById(agencyId);
  if (!agency?.code || !agency.onboarded) throw notFound('The agency');
  assertValidDraft(kind, draft);
  const table = TABLES[kind];
  const values = {
    name: draft.name.trim(),
    nameSw: draft.nameSw.trim(),
    active: draft.active,
    customised: true,
    ...(kind === 'service' ? { url: draft.url || null } : {}),
  };
  await deps.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom(table)
      .select('id')
      .where('agencyId', '=', agencyId)
      .where('code', '=', draft.code)
      .forUpdate()
      .executeTakeFirst();
    if (mode === 'create' && existing)
      throw new AppError('invalid_input', `code: "${draft.code}" is already used by this agency`, [
        { field: 'code', problem: 'already used by this agency' },
      ]).translatable('console.admin.problems.code_taken', { code: draft.code });
    if (mode === 'update' && !existing) throw notFound(`The ${kind}`);
    if (existing) {
      await trx.updateTable(table).set(values).where('id', '=', existing.id).execute();
    } else {
      await trx
        .insertInto(table)
        .values({ id: `${agency.code}:${draft.code}`, agencyId, code: draft.code, ...values })
        .execute();
    }
    await appendEvents(
      trx,
      { id: 'system', caseId: null },
      actorOf(principal),
      [
        {
          kind: existing ? `catalogue.${kind}_changed` : `catalogue.${kind}_added`,
          public: false,
          data: { agencyCode: agency.code, code: draft.code, ...values },
        },
      ],
      deps.now(),
    );
    await bumpVersion(trx, REFERENCE_VERSION_KEY);
  });
  await deps.reference.reload(deps.db);
}
