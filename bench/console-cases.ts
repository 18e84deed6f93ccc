import { sql } from 'kysely';
import { generateReference } from '../src/core/cases/reference.ts';
import { CASE_TEMPLATES } from '../src/core/demo/demo-case-templates.ts';
import {
  ACKNOWLEDGEMENTS,
  DAYS,
  FAMILY_NAMES,
  GIVEN_NAMES,
  MONTHS,
  NOTES,
  QUESTIONS,
  REOPENINGS,
  RESOLUTIONS,
  UPDATES,
  WEEKS,
} from '../src/core/demo/demo-messages.ts';
import { permute30, permuteModulo, Random, Weighted } from '../src/core/demo/demo-random.ts';
import { createDemoStaff, type DemoTeam } from '../src/core/demo/demo-staff.ts';
import type { DraftActor, DraftCase, DraftCitizen } from '../src/core/demo/draft-case.ts';
import { insertDemoBatch } from '../src/core/demo/insert-demo-batch.ts';
import { seedDemo } from '../src/core/demo/seed-demo.ts';
import { backfillClocks } from '../src/core/sla/backfill-clocks.ts';
import type { CaseStatus, Channel, Language, Priority } from '../src/db/schema.ts';
import type { Started } from '../src/start.ts';

/*
 * The console section's data: `count` open cases of one agency (DIS), written the way `npx baraza
 * seed` writes the demo. The demo seeder itself spreads its cases over a year, seven agencies and
 * every status (about one in twenty would be an open DIS case), so the cases are drawn here: DIS's
 * demo texts in English and Kiswahili, counties, channels, citizens with several cases, and a
 * history that matches each open status. The demo's own writer (insertDemoBatch: citizens, cases,
 * hash-chained events, one round trip per column array) stores them, and the SLA engine's backfill
 * (backfillClocks, as `npx baraza seed` and every start run it) gives each its clocks and
 * next_due_at. Before them, 2,000 demo cases across the agencies and the demo staff, as
 * `npx baraza seed` makes by default.
 */

const SEED = 1;
/** Case numbers the demo's seed 1 reaches only past a million cases: references stay distinct. */
const FIRST_INDEX = 1_000_000;
const BACKGROUND_CASES = 2000;
const BATCH = 2500;
const DAY = 86_400_000;
const SYSTEM = { type: 'system', id: null } as const;

const STATUS_MIX = new Weighted<CaseStatus>([
  ['new', 12],
  ['acknowledged', 18],
  ['in_progress', 50],
  ['awaiting_citizen', 12],
  ['reopened', 8],
]);
const PRIORITY_MIX = new Weighted<Priority>([
  ['P1', 4],
  ['P2', 14],
  ['P3', 70],
  ['P4', 12],
]);
const CHANNEL_MIX = new Weighted<Channel>([
  ['web', 34],
  ['ussd', 14],
  ['sms', 14],
  ['email', 7],
  ['phone', 10],
  ['walk_in', 9],
  ['api', 7],
  ['open311', 5],
]);
const AMOUNTS = ['KSh 2,000', 'KSh 4,550', 'KSh 6,050', 'KSh 7,500', 'KSh 10,000'];

interface Drafting {
  nowMs: number;
  agencyId: string;
  services: Map<string, string>;
  categories: Map<string, string>;
  counties: { code: string; name: string }[];
  team: DemoTeam;
  citizens: number;
}

export interface SeededConsole {
  agencyId: string;
  /** What the console's data took to write: drafting and inserting, then the clocks. */
  insertSeconds: number;
  clockSeconds: number;
  clocked: number;
}

/** Writes the background and `count` open DIS cases with their clocks; progress goes to `log`. */
export async function seedConsoleCases(
  started: Started,
  count: number,
  log: (line: string) => void,
): Promise<SeededConsole> {
  const { db } = started.database;
  const insertStart = performance.now();
  await seedDemo(db, { cases: BACKGROUND_CASES, seed: SEED });
  const agencies = started.reference.onboardedAgencies();
  const dis = started.reference.agency('DIS');
  if (!dis) throw new Error('the DIS agency is not in the reference data');
  const agencyIds = new Map(agencies.flatMap((a) => (a.code ? [[a.code, a.id] as const] : [])));
  // The demo staff are there already (seedDemo made them): this reads the DIS team back.
  const { teams } = await createDemoStaff(db, agencyIds, new Date());
  const team = teams.get('DIS');
  if (!team) throw new Error('no demo team for DIS');
  const codes = async (table: 'services' | 'categories') =>
    new Map(
      (await db.selectFrom(table).select(['id', 'code']).where('agencyId', '=', dis.id).execute()).map(
        (row) => [row.code ?? '', row.id],
      ),
    );
  const drafting: Drafting = {
    nowMs: Date.now(),
    agencyId: dis.id,
    services: await codes('services'),
    categories: await codes('categories'),
    counties: await db.selectFrom('counties').select(['code', 'name']).orderBy('code').execute(),
    team,
    citizens: Math.floor(count * 0.75),
  };

  // One batch in the database while the next is drafted.
  let writing: Promise<unknown> = Promise.resolve();
  for (let from = 0; from < count; from += BATCH) {
    const drafts: DraftCase[] = [];
    for (let i = from; i < Math.min(count, from + BATCH); i++) drafts.push(draftOpenCase(drafting, i));
    await writing;
    writing = insertDemoBatch(db, started.secrets, drafts);
    if ((from / BATCH) % 8 === 7) log(`console: ${from.toLocaleString('en')} cases written`);
  }
  await writing;
  const insertSeconds = (performance.now() - insertStart) / 1000;
  log(`console: ${count.toLocaleString('en')} cases written in ${insertSeconds.toFixed(1)} s; clocks...`);

  const clockStart = performance.now();
  // Pages of 500: at its default of 1,000 a page of open cases needs more than PostgreSQL's 65,535
  // bind parameters (about 4.6 clocks of 17 columns each per case).
  const clocked = await backfillClocks(db, started.sla, 500);
  const clockSeconds = (performance.now() - clockStart) / 1000;
  await sql`VACUUM ANALYZE`.execute(db);
  return { agencyId: dis.id, insertSeconds, clockSeconds, clocked };
}

/** Open DIS case number i: the same whenever it is drawn. */
function draftOpenCase(d: Drafting, i: number): DraftCase {
  const index = FIRST_INDEX + i;
  const r = new Random(SEED, index, 0x434f4e53);
  const template = r.pick(CASE_TEMPLATES.DIS);
  const channel = CHANNEL_MIX.pick(r);
  const citizen = r.chance(0.85) ? draftCitizen(r.int(d.citizens)) : null;
  const language: Language = citizen ? citizen.language : r.chance(0.3) ? 'sw' : 'en';
  // A quarter from Nairobi, the rest anywhere.
  const county = r.chance(0.25) ? (d.counties.at(-1) ?? r.pick(d.counties)) : r.pick(d.counties);
  const values: Record<string, string> = {
    county: county.name,
    months: r.pick(MONTHS)[language],
    weeks: r.pick(WEEKS)[language],
    days: r.pick(DAYS)[language],
    amount: r.pick(AMOUNTS),
  };
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
  const [title, description] = template[language];
  // Within the last 90 days, more of them recent.
  const createdAt = d.nowMs - Math.floor((1 - Math.sqrt(r.float())) * 90 * DAY) - 60_000;
  const draft: DraftCase = {
    id: r.uuid(),
    reference: referenceFor(index),
    type: template.type,
    channel,
    status: 'new',
    priority: PRIORITY_MIX.pick(r),
    agencyId: d.agencyId,
    serviceId: template.service ? (d.services.get(template.service) ?? null) : null,
    categoryId: template.category ? (d.categories.get(template.category) ?? null) : null,
    subjectAgencyId: null,
    language,
    title: ['web', 'email', 'api', 'open311'].includes(channel) ? fill(title) : null,
    description: fill(description),
    countyCode: r.chance(0.96) ? county.code : null,
    assigneeId: null,
    transferCount: 0,
    rating: null,
    ratingComment: null,
    createdAt,
    updatedAt: createdAt,
    resolvedAt: null,
    closedAt: null,
    citizen,
    events: [],
  };
  playOpenHistory(d, draft, r, STATUS_MIX.pick(r));
  return draft;
}

/**
 * The events that bring a case to `target`, as the real actions write them (the demo's
 * play-history.ts does the same over a whole lifecycle): each step a while after the one before.
 */
function playOpenHistory(d: Drafting, c: DraftCase, r: Random, target: CaseStatus): void {
  let t = c.createdAt;
  const emit = (actor: DraftActor, kind: string, isPublic: boolean, data: Record<string, unknown>) => {
    c.events.push({ kind, public: isPublic, actor, data, at: t });
    c.updatedAt = t;
  };
  const later = () => {
    t += Math.floor((d.nowMs - t) * r.between(0.05, 0.4));
  };
  const status = (actor: DraftActor, to: CaseStatus, message?: string) => {
    later();
    emit(actor, 'case.status_changed', true, {
      before: { status: c.status },
      after: { status: to },
      ...(message ? { message } : {}),
    });
    c.status = to;
  };
  const say = (options: readonly { en: string; sw: string }[]) => r.pick(options)[c.language];
  emit({ type: 'citizen', id: null }, 'case.submitted', true, {
    status: 'new',
    agencyId: c.agencyId,
    channel: c.channel,
    type: c.type,
  });
  if (target === 'new') return;
  let worker = r.pick(d.team.workers);
  if (r.chance(0.7)) {
    later();
    const assignee = r.pick(d.team.assignees);
    emit({ type: 'staff', id: r.chance(0.3) ? d.team.supervisor : assignee }, 'case.assigned', false, {
      before: { assigneeId: null },
      after: { assigneeId: assignee },
    });
    c.assigneeId = assignee;
    worker = assignee;
  }
  const staff = { type: 'staff', id: worker } as const;
  status(r.chance(0.3) ? SYSTEM : staff, 'acknowledged', r.chance(0.5) ? say(ACKNOWLEDGEMENTS) : undefined);
  if (target === 'acknowledged') return;
  status(staff, 'in_progress');
  if (r.chance(0.5)) {
    later();
    emit(staff, 'case.note_added', false, { message: r.pick(NOTES) });
  }
  if (r.chance(0.3)) {
    later();
    emit(staff, 'case.responded', true, { message: say(UPDATES) });
  }
  if (target === 'awaiting_citizen') status(staff, 'awaiting_citizen', say(QUESTIONS));
  if (target === 'reopened') {
    status(staff, 'resolved', say(RESOLUTIONS));
    status('citizen', 'reopened', say(REOPENINGS));
  }
}

/** Citizen number k of this data: a phone number of their own, as the demo's citizens have. */
function draftCitizen(k: number): DraftCitizen {
  const r = new Random(SEED, FIRST_INDEX + k, 0x43495449);
  const given = r.pick(GIVEN_NAMES);
  const family = r.pick(FAMILY_NAMES);
  return {
    id: r.uuid(),
    name: r.chance(0.9) ? `${given} ${family}` : null,
    phone: `+2547${String(permuteModulo(FIRST_INDEX + k, 100_000_000, SEED)).padStart(8, '0')}`,
    email: r.chance(0.25) ? `${given}.${family}${k % 100}@example.com`.toLowerCase() : null,
    language: r.chance(0.35) ? 'sw' : 'en',
  };
}

/** As the demo makes them (draft-case.ts): a seeded permutation, so no two cases share one. */
function referenceFor(index: number): string {
  const body = permute30(index, SEED);
  let shift = 30;
  return generateReference(() => {
    shift -= 3;
    return (body >>> shift) & 7;
  });
}
