import { v7 as timeOrderedUuid } from 'uuid';
import type { Db } from '../../db/open-database.ts';
import type { Language } from '../../db/schema.ts';
import { type Principal, roleOf } from '../access/principal.ts';
import { AppError, type FieldProblem, forbidden, notFound } from '../errors.ts';

/*
 * Response templates: bilingual answers an agency's staff start from. A body may hold placeholders
 * such as {{reference}}; they are filled in for the case when the template is used, in the
 * citizen's language, and the officer sees and may edit the result before it is sent.
 */

/** The placeholders a template may use, and nothing else (a typo is refused when saving). */
export const PLACEHOLDERS = [
  'reference',
  'citizen_name',
  'agency',
  'service',
  'officer',
  'due_date',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;

export interface ResponseTemplate {
  id: string;
  agencyId: string | null;
  name: string;
  bodyEn: string;
  bodySw: string;
  active: boolean;
}

export interface TemplateInput {
  name: string;
  bodyEn: string;
  bodySw: string;
}

/** The body in the citizen's language with every placeholder filled. */
export function fillTemplate(
  template: ResponseTemplate,
  language: Language,
  values: PlaceholderValues,
): string {
  return fillMessage(language === 'sw' ? template.bodySw : template.bodyEn, values);
}

/** Any text with the placeholders it holds filled (an officer may type them too); others stay. */
export function fillMessage(text: string, values: PlaceholderValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    (PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : whole,
  );
}

/** The active templates a person may use: their agency's and the national ones, by name. */
export function listTemplates(db: Db, agencyId: string | null, options: { all?: boolean } = {}) {
  let query = db
    .selectFrom('responseTemplates')
    .select(['id', 'agencyId', 'name', 'bodyEn', 'bodySw', 'active'])
    .where((eb) =>
      agencyId
        ? eb.or([eb('agencyId', '=', agencyId), eb('agencyId', 'is', null)])
        : eb('agencyId', 'is', null),
    );
  if (!options.all) query = query.where('active', '=', true);
  return query.orderBy('name').orderBy('id').execute();
}

export async function findTemplate(db: Db, agencyId: string | null, id: string): Promise<ResponseTemplate> {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw notFound('The template');
  const found = await db
    .selectFrom('responseTemplates')
    .select(['id', 'agencyId', 'name', 'bodyEn', 'bodySw', 'active'])
    .where('id', '=', id)
    .executeTakeFirst();
  // Another agency's template is not found, as another agency's case is not.
  if (!found || (found.agencyId !== null && found.agencyId !== agencyId)) throw notFound('The template');
  return found;
}

/** Who keeps an agency's templates: its administrator; national ones: the system administrator. */
function assertMayEdit(principal: Principal, agencyId: string | null): void {
  const role = roleOf(principal);
  const allowed =
    agencyId === null ? role === 'sysadmin' : role === 'agency_admin' && principal.agencyId === agencyId;
  if (!allowed) throw forbidden('Only the agency administrator may change its response templates');
}

function validate(input: TemplateInput): TemplateInput {
  const name = input.name.trim();
  const bodyEn = input.bodyEn.trim();
  const bodySw = input.bodySw.trim();
  const problems: (FieldProblem & { key: string; values?: Record<string, string | number> })[] = [];
  if (name.length < 3 || name.length > 80)
    problems.push({ field: 'name', problem: 'give a name of 3 to 80 characters', key: 'name' });
  for (const [field, body] of [
    ['bodyEn', bodyEn],
    ['bodySw', bodySw],
  ] as const) {
    if (body.length < 2 || body.length > 5000) {
      problems.push({ field, problem: 'write 2 to 5,000 characters', key: 'body' });
      continue;
    }
    const unknown = [...body.matchAll(PLACEHOLDER)]
      .map((m) => m[1] as string)
      .find((p) => !(PLACEHOLDERS as readonly string[]).includes(p));
    if (unknown !== undefined) {
      problems.push({
        field,
        problem: `{{${unknown}}} is not a placeholder`,
        key: 'placeholder',
        values: { placeholder: `{{${unknown}}}`, known: PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ') },
      });
    }
  }
  const first = problems[0];
  if (first) {
    throw new AppError(
      'invalid_input',
      problems.map((p) => `${p.field}: ${p.problem}`).join('; '),
      problems.map(({ field, problem }) => ({ field, problem })),
    ).translatable(`console.admin.templates.problems.${first.key}`, first.values);
  }
  return { name, bodyEn, bodySw };
}

export async function createTemplate(
  db: Db,
  principal: Principal,
  agencyId: string | null,
  input: TemplateInput,
  now: Date,
): Promise<string> {
  assertMayEdit(principal, agencyId);
  const clean = validate(input);
  const id = timeOrderedUuid();
  await db
    .insertInto('responseTemplates')
    .values({
      id,
      agencyId,
      ...clean,
      createdBy: principal.kind === 'staff' ? principal.userId : null,
      createdAt: now,
      updatedAt: now,
    })
    .execute();
  return id;
}

export async function updateTemplate(
  db: Db,
  principal: Principal,
  id: string,
  input: TemplateInput & { active: boolean },
  now: Date,
): Promise<void> {
  const found = await findTemplate(db, principal.agencyId, id);
  assertMayEdit(principal, found.agencyId);
  const clean = validate(input);
  await db
    .updateTable('responseTemplates')
    .set({ ...clean, active: input.active, updatedAt: now })
    .where('id', '=', id)
    .execute();
}

/** Templates every installation starts with, national, so a new agency has answers at once. */
export const NATIONAL_TEMPLATES: TemplateInput[] = [
  {
    name: 'Received, working on it',
    bodyEn:
      'Dear {{citizen_name}}, thank you for contacting {{agency}}. We have received case {{reference}} and are working on it. We will reply by {{due_date}}. {{officer}}',
    bodySw:
      'Mpendwa {{citizen_name}}, asante kwa kuwasiliana na {{agency}}. Tumepokea kesi {{reference}} na tunaishughulikia. Tutakujibu kufikia {{due_date}}. {{officer}}',
  },
  {
    name: 'Documents needed',
    bodyEn:
      'Dear {{citizen_name}}, to continue with case {{reference}} we need a copy of your ID and any receipt you were given. Please reply with them. {{officer}}, {{agency}}',
    bodySw:
      'Mpendwa {{citizen_name}}, ili kuendelea na kesi {{reference}} tunahitaji nakala ya kitambulisho chako na risiti yoyote uliyopewa. Tafadhali jibu ukiziambatisha. {{officer}}, {{agency}}',
  },
  {
    name: 'Resolved',
    bodyEn:
      'Dear {{citizen_name}}, case {{reference}} about {{service}} has been resolved. If you are not satisfied, you can reopen it from the tracking page. {{officer}}, {{agency}}',
    bodySw:
      'Mpendwa {{citizen_name}}, kesi {{reference}} kuhusu {{service}} imetatuliwa. Kama hujaridhika, unaweza kuifungua tena kwenye ukurasa wa kufuatilia. {{officer}}, {{agency}}',
  },
];

/** Installs the national templates once, on a database that has none. */
export async function installNationalTemplates(db: Db, now: Date): Promise<void> {
  const any = await db.selectFrom('responseTemplates').select('id').limit(1).executeTakeFirst();
  if (any) return;
  await db
    .insertInto('responseTemplates')
    .values(
      NATIONAL_TEMPLATES.map((t) => ({
        id: timeOrderedUuid(),
        agencyId: null,
        ...t,
        createdBy: null,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .execute();
}
