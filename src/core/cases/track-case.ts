import type { Db } from '../../db/open-database.ts';
import type { PublicCaseReader } from '../../db/queries/select-public-case.ts';
import type { CaseStatus, CaseType, Language, Priority } from '../../db/schema.ts';
import { translator } from '../../i18n/index.ts';
import type { ReferenceCache } from '../agencies/reference-cache.ts';
import { AppError, notFound } from '../errors.ts';
import type { Secrets } from '../security/secrets.ts';
import { verifyCasePin } from '../security/verify-case-pin.ts';
import { parseReference } from './reference.ts';

export interface PublicTimelineEntry {
  at: Date;
  kind: string;
  status?: CaseStatus;
  message?: string;
  agency?: string;
  rating?: number;
  /** The answer came from the knowledge base at once, not from an officer. */
  automatic?: boolean;
}

export interface PublicCase {
  reference: string;
  type: CaseType;
  status: CaseStatus;
  priority: Priority;
  anonymous: boolean;
  agency: { code: string | null; name: string };
  service: { code: string | null; name: string } | null;
  county: string | null;
  createdAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  /** The next moment the agency owes the citizen something (acknowledgement, reply, resolution). */
  nextDueAt: Date | null;
  rating: number | null;
  timeline: PublicTimelineEntry[];
}

/**
 * What anyone holding the reference (and, for an anonymous case, its PIN) may see: public fields
 * and public events only, never the officer's name, internal notes or contact details. One query.
 */
export async function trackCase(
  deps: { cases: PublicCaseReader; secrets: Secrets; reference: ReferenceCache; db: Db; now: () => Date },
  referenceInput: string,
  pin: string | undefined,
  language: Language,
  /** Baraza has verified this reader already (see CitizenProof.alreadyProven): no PIN is asked. */
  alreadyProven = false,
): Promise<PublicCase> {
  const reference = parseReference(referenceInput);
  const row = await deps.cases.submit(reference);
  if (!row) throw notFound('A case with this reference').translatable('case_not_found');
  const anonymous = row.citizenId === null;
  // A corruption report protects its sender as well as its subject: it is seen only with the PIN,
  // even when the sender gave their name.
  if ((anonymous || row.sealed) && !pin && !alreadyProven) {
    throw new AppError(
      'unauthenticated',
      'Give the tracking PIN that came with this reference to see the case',
    ).translatable('pin_required');
  }
  // With the PIN the citizen sees the words exchanged on the case; with the reference alone (a
  // named case), only how it moved: a reply may hold an ID number or an address.
  const proven = alreadyProven || (pin !== undefined && (await verifyCasePin(deps, row, pin)));
  if (pin !== undefined && !proven) {
    throw new AppError('forbidden', 'The PIN does not match this case').translatable('pin_mismatch');
  }
  const agency = deps.reference.agencyById(row.agencyId);
  // A service names what the owner does: a sealed report keeps the service of the agency it is
  // about, which the oversight body that handles it does not offer.
  const found = row.serviceId ? deps.reference.serviceById(row.serviceId) : undefined;
  const service = found?.agencyId === row.agencyId ? found : undefined;
  const named = <T extends { name: string; nameSw: string | null }>(ref: T) =>
    (language === 'sw' && ref.nameSw) || ref.name;
  return {
    reference: row.reference,
    type: row.type,
    status: row.status,
    priority: row.priority,
    anonymous,
    agency: { code: agency?.code ?? null, name: agency ? named(agency) : '' },
    service: service ? { code: service.code, name: named(service) } : null,
    county: row.countyCode ? (deps.reference.county(row.countyCode)?.name ?? null) : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    resolvedAt: row.resolvedAt,
    // While the agency waits for the citizen, the next deadline is the citizen's own, not an answer owed.
    nextDueAt: row.status === 'awaiting_citizen' ? null : row.nextDueAt,
    rating: row.rating,
    timeline: row.events.map((e) => publicEntry(e.kind, e.data, e.createdAt, language, proven)),
  };
}

/** Picks from an event only what the public may read. */
function publicEntry(
  kind: string,
  data: Record<string, unknown>,
  at: Date,
  language: Language,
  withWords: boolean,
): PublicTimelineEntry {
  const entry: PublicTimelineEntry = { at, kind };
  const after = data.after as Record<string, unknown> | undefined;
  const status = (after?.status ?? data.status) as CaseStatus | undefined;
  if (status) entry.status = status;
  if (withWords && typeof data.message === 'string') entry.message = data.message;
  if (typeof data.agencyName === 'string') entry.agency = data.agencyName;
  if (typeof data.rating === 'number') entry.rating = data.rating;
  if (data.automatic === true) entry.automatic = true;
  // Referrals, escalations and closing for want of an answer carry no words for the citizen, so
  // the timeline says what they mean, in the citizen's language.
  const t = translator(language);
  const said = REFERRAL_TEXTS[kind];
  if (said) entry.message = t(said, { agency: entry.agency ?? '' });
  if (kind === 'case.escalated') {
    entry.message = t('timeline.escalated', { level: t(`escalation.${String(after?.escalationLevel)}`) });
  }
  if (data.reason === 'no_citizen_reply') {
    entry.message = t('timeline.closed_no_reply', { days: Math.round(Number(data.waitedSeconds) / 86_400) });
  }
  return entry;
}

const REFERRAL_TEXTS: Record<string, string> = {
  'case.referred': 'timeline.referred',
  'case.referral_acknowledged': 'timeline.referral_acknowledged',
};
