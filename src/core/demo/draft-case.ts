import type { ActorType, CaseStatus, CaseType, Channel, Language, Priority } from '../../db/schema.ts';
import type { PilotAgencyCode } from '../agencies/pilot-catalogue.ts';
import { generateReference } from '../cases/reference.ts';
import { CASE_TEMPLATES, type CaseTemplate } from './demo-case-templates.ts';
import { DAYS, FAMILY_NAMES, GIVEN_NAMES, MONTHS, WEEKS } from './demo-messages.ts';
import { permute30, permuteModulo, Random, Weighted } from './demo-random.ts';
import type { DemoTeam } from './demo-staff.ts';
import { agencyOf, playHistory } from './play-history.ts';

/** What seedDemo reads from the database once: the pilot agencies' catalogues, counties, demo staff. */
export interface DemoCatalogue {
  seed: number;
  nowMs: number;
  agencies: ReadonlyMap<PilotAgencyCode, DemoAgency>;
  counties: Weighted<{ code: string; name: string }>;
  teams: ReadonlyMap<PilotAgencyCode, DemoTeam>;
  /** How many distinct citizens the cases are spread over, so some people have several cases. */
  citizens: number;
}

export interface DemoAgency {
  id: string;
  name: string;
  services: ReadonlyMap<string, string>;
  categories: ReadonlyMap<string, string>;
}

export interface DraftCitizen {
  id: string;
  name: string | null;
  phone: string;
  email: string | null;
  language: Language;
}

/** 'citizen' is the case's citizen, whose id is known only once the citizen row is written. */
export type DraftActor = { type: ActorType; id: string | null } | 'citizen';

export interface DraftEvent {
  kind: string;
  public: boolean;
  actor: DraftActor;
  data: Record<string, unknown>;
  at: number;
}

export interface DraftCase {
  id: string;
  reference: string;
  type: CaseType;
  channel: Channel;
  status: CaseStatus;
  priority: Priority;
  agencyId: string;
  serviceId: string | null;
  categoryId: string | null;
  subjectAgencyId: string | null;
  language: Language;
  title: string | null;
  description: string;
  countyCode: string | null;
  assigneeId: string | null;
  transferCount: number;
  rating: number | null;
  ratingComment: string | null;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  closedAt: number | null;
  citizen: DraftCitizen | null;
  events: DraftEvent[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Shares of the caseload: the five pilots, what nobody claims (the clearing house) and sealed reports.
const AGENCY_MIX = new Weighted<PilotAgencyCode>([
  ['KRA', 22],
  ['DIS', 19],
  ['BRS', 11],
  ['NPS', 16],
  ['MOH', 18],
  ['CLR', 10],
  ['EACC', 4],
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
/** Feature-phone channels are used more in Kiswahili. */
const KISWAHILI_SHARE: Record<Channel, number> = {
  web: 0.25,
  ussd: 0.55,
  sms: 0.5,
  email: 0.15,
  phone: 0.4,
  walk_in: 0.4,
  api: 0.2,
  open311: 0.15,
};
const TITLED: Record<Channel, number> = {
  web: 1,
  email: 1,
  api: 1,
  open311: 1,
  phone: 0.5,
  walk_in: 0.5,
  ussd: 0,
  sms: 0,
};
// Office hours in Nairobi (UTC+3), when people write in.
const HOURS_EAT = new Weighted<number>(
  [2, 5, 9, 11, 11, 10, 8, 8, 9, 8, 7, 5, 4, 4, 3, 2, 1].map((weight, i) => [i + 6, weight] as const),
);
const AMOUNTS = [1500, 2000, 3450, 5000, 7800, 10_000, 12_500, 20_000, 35_000, 48_200, 75_000, 120_000].map(
  (amount) => `KSh ${amount.toLocaleString('en-KE')}`,
);

/** Case number `index` of seed `seed`: the same whenever it is drawn. */
export function draftCase(catalogue: DemoCatalogue, index: number): DraftCase {
  const r = new Random(catalogue.seed, index, 0x43415345);
  const id = r.uuid();
  const reference = referenceFor(index, catalogue.seed);
  const ownerCode = AGENCY_MIX.pick(r);
  const owner = agencyOf(catalogue, ownerCode);
  const template = r.pick(CASE_TEMPLATES[ownerCode]);
  const type: CaseType = template.type === 'complaint' && r.chance(0.1) ? 'concern' : template.type;
  const sealed = type === 'corruption_report';
  const channel = CHANNEL_MIX.pick(r);
  const anonymous = r.chance(sealed ? 0.65 : channel === 'ussd' ? 0.1 : 0.16);
  const citizen = anonymous ? null : draftCitizen(catalogue, r.int(catalogue.citizens));
  const language: Language = citizen
    ? r.chance(0.85)
      ? citizen.language
      : other(citizen.language)
    : r.chance(KISWAHILI_SHARE[channel])
      ? 'sw'
      : 'en';
  const county = catalogue.counties.pick(r);
  const [title, description] = fillTemplate(template, language, county.name, r);
  const createdAt = drawCreatedAt(r, catalogue.nowMs);

  const draft: DraftCase = {
    id,
    reference,
    type,
    channel,
    status: 'new',
    priority: 'P3',
    agencyId: owner.id,
    serviceId: template.service ? (owner.services.get(template.service) ?? null) : null,
    categoryId: template.category ? (owner.categories.get(template.category) ?? null) : null,
    subjectAgencyId: template.subject ? agencyOf(catalogue, template.subject).id : null,
    language,
    title: r.chance(TITLED[channel]) ? title : null,
    description,
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
  playHistory(catalogue, draft, r, ownerCode);
  return draft;
}

/** 30 bits of a seeded permutation, read as ten digits 2-9: distinct for every case of a seed. */
function referenceFor(index: number, seed: number): string {
  const body = permute30(index, seed);
  let shift = 30;
  return generateReference(() => {
    shift -= 3;
    return (body >>> shift) & 7;
  });
}

const other = (language: Language): Language => (language === 'en' ? 'sw' : 'en');

/**
 * Citizen number k: a name, an e-mail address for some, and a phone number of their own. Numbers
 * are made up but valid (+2547XXXXXXXX and +2541XXXXXXXX), so a demo must not send real SMS.
 */
function draftCitizen(catalogue: DemoCatalogue, k: number): DraftCitizen {
  const r = new Random(catalogue.seed, k, 0x43495449);
  const id = r.uuid();
  const given = r.pick(GIVEN_NAMES);
  const family = r.pick(FAMILY_NAMES);
  const phone = r.chance(0.12)
    ? `+2541${String(permuteModulo(k, 20_000_000, catalogue.seed)).padStart(8, '0')}`
    : `+2547${String(permuteModulo(k, 100_000_000, catalogue.seed)).padStart(8, '0')}`;
  return {
    id,
    name: r.chance(0.9) ? `${given} ${family}` : null,
    phone,
    email: r.chance(0.25) ? `${given}.${family}${k % 100}@example.com`.toLowerCase() : null,
    language: r.chance(0.35) ? 'sw' : 'en',
  };
}

function fillTemplate(
  template: CaseTemplate,
  language: Language,
  county: string,
  r: Random,
): [string, string] {
  const values: Record<string, string> = {
    county,
    months: r.pick(MONTHS)[language],
    weeks: r.pick(WEEKS)[language],
    days: r.pick(DAYS)[language],
    amount: r.pick(AMOUNTS),
  };
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
  const [title, description] = template[language];
  return [fill(title), fill(description)];
}

/** Within the last year, more in recent months as use grows, fewer at weekends, in office hours. */
function drawCreatedAt(r: Random, nowMs: number): number {
  const drawDay = () => Math.floor((r.chance(0.5) ? r.float() : 1 - Math.sqrt(r.float())) * 365);
  let dayStart = nowMs - (drawDay() + 1) * DAY;
  const weekday = new Date(dayStart + 12 * HOUR).getUTCDay();
  if ((weekday === 0 || weekday === 6) && r.chance(0.5)) dayStart = nowMs - (drawDay() + 1) * DAY;
  return dayStart + (HOURS_EAT.pick(r) - 3) * HOUR + r.int(HOUR);
}
