import type { CaseStatus, Priority } from '../../db/schema.ts';
import type { PilotAgencyCode } from '../agencies/pilot-catalogue.ts';
import {
  ACKNOWLEDGEMENTS,
  ANSWERS,
  CLOSED_FOR_NO_ANSWER,
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
  WITHDRAWALS,
} from './demo-messages.ts';
import { type Random, Weighted } from './demo-random.ts';
import type { DemoTeam } from './demo-staff.ts';
import type { DemoAgency, DemoCatalogue, DraftActor, DraftCase } from './draft-case.ts';

const SYSTEM = { type: 'system', id: null } as const;
const PILOTS = ['KRA', 'DIS', 'BRS', 'NPS', 'MOH'] as const;

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

/** Writes the case's history into `draft` and brings its columns to where the history ends. */
export function playHistory(
  catalogue: DemoCatalogue,
  draft: DraftCase,
  r: Random,
  ownerCode: PilotAgencyCode,
): void {
  new History(catalogue, draft, r, ownerCode).play();
}

export function agencyOf(catalogue: DemoCatalogue, code: PilotAgencyCode): DemoAgency {
  const agency = catalogue.agencies.get(code);
  if (!agency) throw new Error(`agency ${code} is not in the database: load the reference data first`);
  return agency;
}
