import type { ActorType, CaseStatus, CaseType, Channel, Language, Priority } from '../../db/schema.ts';
import type { PilotAgencyCode } from '../agencies/pilot-catalogue.ts';
import { generateReference } from '../cases/reference.ts';
import { CASE_TEMPLATES, type CaseTemplate } from './demo-case-templates.ts';
import {
  ACKNOWLEDGEMENTS,
  ANSWERS,
  CLOSED_FOR_NO_ANSWER,
  DAYS,
  FAMILY_NAMES,
  GIVEN_NAMES,
  MONTHS,
  NOTES,
  PRIORITY_REASONS,
  QUESTIONS,
  RATING_COMMENTS,
  REOPENINGS,
  REPLIES,
  RESOLUTIONS,
  type Said,
  THANKS,
  TRANSFER_REASONS,
  UPDATES,
  WEEKS,
  WITHDRAWALS,
} from './demo-messages.ts';
import { permute30, permuteModulo, Random, Weighted } from './demo-random.ts';
import type { DemoTeam } from './demo-staff.ts';

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
const SYSTEM = { type: 'system', id: null } as const;
const PILOTS = ['KRA', 'DIS', 'BRS', 'NPS', 'MOH'] as const;

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
type Scenario =
  | 'untouched'
  | 'withdrawn_early'
  | 'ack_only'
  | 'withdrawn_late'
  | 'slow'
  | 'awaiting'
  | 'stale'
  | 'resolve'
  | 'reopen';
const SCENARIOS = new Weighted<Scenario>([
  ['untouched', 3],
  ['withdrawn_early', 2],
  ['ack_only', 4],
  ['withdrawn_late', 2],
  ['slow', 8],
  ['awaiting', 4],
  ['stale', 3],
  ['resolve', 70],
  ['reopen', 4],
]);
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
  new History(catalogue, draft, r, ownerCode, template).play();
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

function agencyOf(catalogue: DemoCatalogue, code: PilotAgencyCode): DemoAgency {
  const agency = catalogue.agencies.get(code);
  if (!agency) throw new Error(`agency ${code} is not in the database: load the reference data first`);
  return agency;
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

/**
 * Plays a case forward from its submission, one step at a time, as staff and the citizen would,
 * following the state machine (core/cases/state-machine.ts) and writing the events the real
 * actions write. A step that would fall after `now` ends the story, so recent cases are still
 * open and old ones mostly finished.
 */
class History {
  private t: number;
  private agency: PilotAgencyCode;
  private readonly pick: <T>(items: readonly T[]) => T;

  constructor(
    private readonly catalogue: DemoCatalogue,
    private readonly c: DraftCase,
    private readonly r: Random,
    private readonly ownerCode: PilotAgencyCode,
    private readonly template: CaseTemplate,
  ) {
    this.t = c.createdAt;
    this.agency = ownerCode;
    this.pick = (items) => r.pick(items);
  }

  play(): void {
    const { c, r } = this;
    const scenario = SCENARIOS.pick(r);
    const route = this.route();
    this.agency = route[0] ?? this.ownerCode;
    c.agencyId = agencyOf(this.catalogue, this.agency).id;
    this.emit({ type: 'citizen', id: null }, 'case.submitted', true, {
      status: 'new',
      agencyId: c.agencyId,
      channel: c.channel,
      type: c.type,
    });
    for (const next of [...route.slice(1), this.ownerCode]) {
      if (next === this.agency || !this.wait(1, 72)) break;
      this.transfer(next);
    }
    if (this.agency !== this.ownerCode || scenario === 'untouched') return;
    if (scenario === 'withdrawn_early') {
      if (this.wait(2, 120)) this.withdraw();
      return;
    }

    if (!this.wait(0.2, 48)) return;
    const team = this.team();
    let worker = this.pick(team.workers);
    if (r.chance(0.7)) {
      const assignee = this.pick(team.assignees);
      const bySupervisor = r.chance(0.3);
      this.emit(this.staff(bySupervisor ? team.supervisor : assignee), 'case.assigned', false, {
        before: { assigneeId: c.assigneeId },
        after: { assigneeId: assignee },
      });
      c.assigneeId = assignee;
      c.updatedAt = this.t;
      worker = assignee;
      if (!this.wait(0.1, 8)) return;
      this.status(this.staff(worker), 'acknowledged', r.chance(0.5) ? this.say(ACKNOWLEDGEMENTS) : undefined);
    } else if (c.type !== 'corruption_report' && r.chance(0.3)) {
      this.status(SYSTEM, 'acknowledged', this.say(ACKNOWLEDGEMENTS));
    } else {
      this.status(this.staff(worker), 'acknowledged', r.chance(0.5) ? this.say(ACKNOWLEDGEMENTS) : undefined);
    }

    const priority = this.priority();
    if (priority !== c.priority && this.wait(0.1, 24)) {
      this.emit(this.staff(team.supervisor), 'case.priority_changed', false, {
        before: { priority: c.priority },
        after: { priority },
        reason: this.pick(PRIORITY_REASONS),
      });
      c.priority = priority;
      c.updatedAt = this.t;
    }
    if (scenario === 'ack_only') return;
    if (scenario === 'withdrawn_late') {
      if (this.wait(4, 240)) this.withdraw();
      return;
    }

    const staff = this.staff(worker);
    if (!this.wait(1, 120)) return;
    this.status(staff, 'in_progress');
    if (r.chance(0.5) && this.wait(0.5, 72))
      this.emit(staff, 'case.note_added', false, { message: this.pick(NOTES) });
    if (scenario === 'slow') {
      if (r.chance(0.5) && this.wait(4, 168))
        this.emit(staff, 'case.responded', true, { message: this.say(UPDATES) });
      return;
    }
    if (scenario === 'awaiting' || scenario === 'stale' || r.chance(0.18)) {
      if (!this.wait(2, 96)) return;
      this.status(staff, 'awaiting_citizen', this.say(QUESTIONS));
      if (scenario === 'awaiting') return;
      if (scenario === 'stale') {
        if (this.wait(14 * 24, 15 * 24)) this.status(SYSTEM, 'closed', CLOSED_FOR_NO_ANSWER[c.language]);
        return;
      }
      if (!this.wait(2, 120)) return;
      const number = String(10_000_000 + r.int(30_000_000));
      this.emit('citizen', 'case.citizen_replied', true, {
        message: this.say(REPLIES).replace('{number}', number),
      });
      this.status('citizen', 'in_progress');
    }
    if (r.chance(0.4) && this.wait(4, 168))
      this.emit(staff, 'case.responded', true, { message: this.say(UPDATES) });
    if (!this.wait(6, 480)) return;
    this.status(staff, 'resolved', this.resolution());
    if (r.chance(0.55) && this.wait(1, 120)) this.rate();
    if (scenario === 'reopen') {
      if (!this.wait(24, 240)) return;
      this.status('citizen', 'reopened', this.say(REOPENINGS));
      if (r.chance(0.6) && this.wait(2, 72)) {
        this.status(staff, 'in_progress');
        if (r.chance(0.7) && this.wait(24, 240)) this.status(staff, 'resolved', this.resolution());
      }
      return;
    }
    if (r.chance(0.7)) {
      if (r.chance(0.2)) {
        if (this.wait(1, 72)) this.status('citizen', 'closed');
      } else if (this.wait(7 * 24, 7 * 24 + 12)) {
        this.status(SYSTEM, 'closed');
      }
    }
  }

  /** The agencies a misdirected case passes through before its owner; empty for most cases. */
  private route(): PilotAgencyCode[] {
    const { r, ownerCode } = this;
    if (this.c.type === 'corruption_report' || !r.chance(0.06)) return [];
    const otherPilots = PILOTS.filter((code) => code !== ownerCode);
    if (ownerCode === 'CLR') return [this.pick(otherPilots)];
    if (!r.chance(0.6)) return [this.pick(otherPilots)];
    return r.chance(0.15) ? ['CLR', this.pick(otherPilots)] : ['CLR'];
  }

  private transfer(to: PilotAgencyCode): void {
    const { c } = this;
    const from = agencyOf(this.catalogue, this.agency);
    const destination = agencyOf(this.catalogue, to);
    c.transferCount += 1;
    this.emit(this.staff(this.team().transferrer), 'case.transferred', true, {
      before: { agencyId: from.id, status: c.status, assigneeId: c.assigneeId, queue: 'main' },
      after: { agencyId: destination.id, status: 'new', assigneeId: null, queue: 'main' },
      agencyName: destination.name,
      requestedAgencyId: destination.id,
      reason: this.pick(TRANSFER_REASONS),
      transferCount: c.transferCount,
    });
    this.agency = to;
    c.agencyId = destination.id;
    c.status = 'new';
    c.assigneeId = null;
    c.updatedAt = this.t;
  }

  private priority(): Priority {
    const { r, c } = this;
    if (this.ownerCode === 'NPS' && c.type === 'concern') return r.chance(0.5) ? 'P1' : 'P2';
    if (c.type === 'compliment' || c.type === 'suggestion') return r.chance(0.6) ? 'P4' : 'P3';
    const draw = r.float();
    return draw < 0.04 ? 'P1' : draw < 0.18 ? 'P2' : draw < 0.3 ? 'P4' : 'P3';
  }

  private resolution(): string {
    const type = this.c.type;
    if (type === 'compliment' || type === 'suggestion') return this.say(THANKS);
    if (type === 'inquiry') return this.say(ANSWERS);
    return this.say(RESOLUTIONS);
  }

  private rate(): void {
    const { r, c } = this;
    const draw = r.float();
    const rating = draw < 0.3 ? 5 : draw < 0.6 ? 4 : draw < 0.75 ? 3 : draw < 0.85 ? 2 : 1;
    const comment = r.chance(0.6) ? this.say(RATING_COMMENTS[rating - 1] ?? []) : undefined;
    this.emit('citizen', 'case.rated', true, {
      rating,
      ...(comment ? { message: comment } : {}),
      before: { rating: c.rating },
    });
    c.rating = rating;
    c.ratingComment = comment ?? null;
    c.updatedAt = this.t;
  }

  private withdraw(): void {
    this.status('citizen', 'withdrawn', this.r.chance(0.6) ? this.say(WITHDRAWALS) : undefined);
  }

  /** As statusEvent (core/cases/mutate-case.ts) records it, with the columns the real action sets. */
  private status(actor: DraftActor, to: CaseStatus, message?: string): void {
    const { c } = this;
    this.emit(actor, 'case.status_changed', true, {
      before: { status: c.status },
      after: { status: to },
      ...(message ? { message } : {}),
    });
    if (to === 'resolved') c.resolvedAt = this.t;
    if (to === 'closed' || to === 'withdrawn') c.closedAt = this.t;
    if (to === 'reopened') {
      c.rating = null;
      c.ratingComment = null;
      c.resolvedAt = null;
      c.closedAt = null;
    }
    c.status = to;
    c.updatedAt = this.t;
  }

  private emit(actor: DraftActor, kind: string, isPublic: boolean, data: Record<string, unknown>): void {
    this.c.events.push({ kind, public: isPublic, actor, data, at: this.t });
  }

  /** Moves the clock on by a log-uniform wait; false, and no move, when that would pass `now`. */
  private wait(minHours: number, maxHours: number): boolean {
    const next = this.t + this.r.hours(minHours, maxHours);
    if (next >= this.catalogue.nowMs) return false;
    this.t = next;
    return true;
  }

  private team(): DemoTeam {
    const team = this.catalogue.teams.get(this.agency);
    if (!team) throw new Error(`no demo team for ${this.agency}`);
    return team;
  }

  private staff(id: string): DraftActor {
    return { type: 'staff', id };
  }

  private say(options: readonly Said[]): string {
    return this.pick(options)[this.c.language];
  }
}
