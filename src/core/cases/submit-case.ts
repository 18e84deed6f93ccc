import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { v7 as timeOrderedUuid } from 'uuid';
import type { Db } from '../../db/open-database.ts';
import type { SubmissionWriter } from '../../db/queries/insert-submission.ts';
import type { Attachment, CaseType, Channel, Language, Priority } from '../../db/schema.ts';
import type { AgencyRef, ReferenceCache } from '../agencies/reference-cache.ts';
import { normalisePhone } from '../citizens/normalise-phone.ts';
import { AppError, type FieldProblem } from '../errors.ts';
import { GENESIS_HASH, hashEvent } from '../events/hash-event.ts';
import type { AutomaticAnswer } from '../knowledge/auto-answer.ts';
import { derivePin, hashPin, type Secrets } from '../security/secrets.ts';
import type { SlaService } from '../sla/sla-service.ts';
import type { TriageService } from '../triage/triage-service.ts';
import { generateReference } from './reference.ts';

export interface SubmitCaseInput {
  /** Left out when the citizen did not say; triage then decides. */
  type?: CaseType | undefined;
  channel: Channel;
  description: string;
  title?: string | undefined;
  language?: Language | undefined;
  agencyCode?: string | undefined;
  serviceCode?: string | undefined;
  categoryCode?: string | undefined;
  county?: string | undefined;
  subCounty?: string | undefined;
  ward?: string | undefined;
  location?: { latitude: number; longitude: number } | undefined;
  attachments?: Attachment[] | undefined;
  anonymous?: boolean | undefined;
  citizen?:
    | {
        name?: string | undefined;
        phone?: string | undefined;
        email?: string | undefined;
        language?: Language | undefined;
      }
    | undefined;
}

export interface SubmitCaseDeps {
  db: Db;
  /** Writes submissions, batching those that arrive together (group commit). */
  submissions: SubmissionWriter;
  reference: ReferenceCache;
  secrets: Secrets;
  triage: Pick<TriageService, 'decide'>;
  sla: Pick<SlaService, 'initialClocks'>;
  now: () => Date;
  /**
   * Answers a new inquiry at once from the knowledge base when an article answers it confidently
   * (core/knowledge/auto-answer.ts); left out, every case waits for staff.
   */
  autoAnswer?: ((caseId: string) => Promise<AutomaticAnswer | null>) | undefined;
  log?: { error(obj: object, message: string): void } | undefined;
}

export interface SubmittedCase {
  id: string;
  reference: string;
  pin: string;
  /** 'resolved' when the inquiry was answered automatically at once. */
  status: 'new' | 'resolved';
  /** The article that answered it automatically, if one did. */
  autoAnswer?: AutomaticAnswer | undefined;
  type: CaseType;
  priority: Priority;
  anonymous: boolean;
  agency: AgencyRef;
  /** The citizen's choice, else the language triage read in the text: what to answer in. */
  language: Language;
  createdAt: Date;
  /** When the agency must have resolved it, by the SLA policy. */
  resolveBy: Date | null;
  /** True when this answers a retry of an earlier submission with the same idempotency key. */
  replayed: boolean;
}

/**
 * Accepts a case from any channel. Triage (core/triage) decides its type when the citizen did not,
 * its priority and its owner: the agency the citizen named when it is onboarded, the oversight
 * body for a corruption report (sealed), the predicted agency when the classifier is confident,
 * and the clearing house otherwise: never nowhere. The decision is stored with the case.
 */
export async function submitCase(
  deps: SubmitCaseDeps,
  input: SubmitCaseInput,
  idempotencyKey?: string,
): Promise<SubmittedCase> {
  const { reference } = deps;
  const problems: FieldProblem[] = [];
  const description = input.description.trim();
  if (description.length < 5)
    problems.push({ field: 'description', problem: 'say in a few words what happened' });

  const anonymous = input.anonymous === true || !input.citizen;
  if (input.anonymous === true && input.citizen) {
    problems.push({ field: 'citizen', problem: 'an anonymous submission carries no contact details' });
  }
  let phone: string | null = null;
  if (input.citizen?.phone) {
    try {
      phone = normalisePhone(input.citizen.phone, 'citizen.phone');
    } catch (error) {
      if (error instanceof AppError) problems.push(...(error.details as FieldProblem[]));
      else throw error;
    }
  }
  if (input.anonymous === false && !input.citizen) {
    problems.push({
      field: 'citizen',
      problem: 'give a phone number or an e-mail address, or submit anonymously',
    });
  }
  if (input.citizen && !anonymous && !phone && !input.citizen.email) {
    problems.push({
      field: 'citizen',
      problem: 'give a phone number or an e-mail address, or submit anonymously',
    });
  }

  const named = input.agencyCode ? reference.agency(input.agencyCode) : undefined;
  if (input.agencyCode && !named) {
    problems.push({ field: 'agencyCode', problem: `there is no agency with code "${input.agencyCode}"` });
  }

  let serviceId: string | null = null;
  let categoryId: string | null = null;
  if (input.serviceCode) {
    const service = named ? reference.service(named.id, input.serviceCode) : undefined;
    if (!service) problems.push({ field: 'serviceCode', problem: serviceProblem(input.serviceCode, named) });
    serviceId = service?.id ?? null;
  }
  if (input.categoryCode) {
    const category = named ? reference.category(named.id, input.categoryCode) : undefined;
    if (!category)
      problems.push({ field: 'categoryCode', problem: serviceProblem(input.categoryCode, named) });
    categoryId = category?.id ?? null;
  }
  const county = input.county ? reference.requireCounty(input.county, problems) : undefined;
  if ((input.subCounty || input.ward) && !county) {
    problems.push({ field: 'county', problem: 'give the county when you give a sub-county or ward' });
  }
  if (problems.length > 0) {
    throw new AppError('invalid_input', problems.map((p) => `${p.field}: ${p.problem}`).join('; '), problems);
  }

  const decision = deps.triage.decide({
    text: input.title ? `${input.title.trim()}\n${description}` : description,
    channel: input.channel,
    type: input.type,
    agencyCode: named?.code ?? undefined,
    service: input.serviceCode && named ? `${named.code}/${input.serviceCode}` : undefined,
    county: county?.code,
  });
  const type = decision.type.value;
  const sealed = decision.route.sealed;
  const owner = reference.agency(decision.route.code) ?? reference.clearingHouse;
  // The service triage recognised, when the citizen chose none and the case goes to its agency.
  if (!serviceId && decision.service?.source === 'model') {
    const [agencyCode = '', code = ''] = decision.service.code.split('/');
    const agency = reference.agency(agencyCode);
    if (agency?.id === owner.id) serviceId = reference.service(agency.id, code)?.id ?? null;
  }
  // Whom a sealed report is about: the agency the citizen named, or the one triage recognised.
  const subject = named ?? reference.agency(decision.agency.code);

  const fingerprint = idempotencyKey ? fingerprintOf(input) : null;
  const language =
    input.language ?? input.citizen?.language ?? (decision.language.value === 'sw' ? 'sw' : 'en');
  const createdAt = deps.now();
  const attachments = JSON.stringify(input.attachments ?? []);
  // Its clocks start now and are written with it: an acknowledged case always has a deadline.
  const sla = deps.sla.initialClocks(
    {
      status: 'new',
      agencyId: owner.id,
      assigneeId: null,
      priority: decision.priority.value,
      type,
      serviceId,
    },
    createdAt,
  );

  // A fresh reference collides with an existing one about once in a billion: try again then.
  for (let attempt = 0; attempt < 5; attempt++) {
    // Time-ordered ids append to the right edge of the primary-key indexes instead of landing on a
    // random page each time: fewer pages written per submission.
    const id = timeOrderedUuid();
    const ref = generateReference();
    const pin = derivePin(deps.secrets, id);
    const eventData = {
      status: 'new',
      agencyId: owner.id,
      channel: input.channel,
      type,
      priority: decision.priority.value,
    };
    const eventContent = {
      streamId: id,
      seq: 1,
      caseId: id,
      kind: 'case.submitted',
      public: true,
      actorType: 'citizen' as const,
      actorId: null,
      data: eventData,
      createdAt: createdAt.toISOString(),
    };
    const inserted = await deps.submissions.submit({
      case: {
        id,
        reference: ref,
        type,
        channel: input.channel,
        priority: decision.priority.value,
        queue: decision.route.queue,
        agencyId: owner.id,
        serviceId,
        categoryId,
        subjectAgencyId: sealed ? (subject?.id ?? null) : null,
        sealed,
        language,
        pinHash: hashPin(deps.secrets, id, pin),
        title: input.title?.trim() || null,
        description,
        countyCode: county?.code ?? null,
        subCounty: input.subCounty?.trim() || null,
        ward: input.ward?.trim() || null,
        latitude: input.location?.latitude ?? null,
        longitude: input.location?.longitude ?? null,
        attachments,
        idempotencyKey: idempotencyKey ?? null,
        idempotencyFingerprint: fingerprint,
        createdAt,
        nextDueAt: sla.nextDueAt,
      },
      clocks: JSON.stringify(sla.clocks),
      citizen: anonymous
        ? undefined
        : {
            id: timeOrderedUuid(),
            name: input.citizen?.name?.trim() || null,
            phone,
            email: input.citizen?.email?.trim().toLowerCase() || null,
            language: input.citizen?.language ?? language,
          },
      triage: { modelVersion: decision.modelVersion, decision: JSON.stringify(decision) },
      event: {
        kind: 'case.submitted',
        data: JSON.stringify(eventData),
        prevHash: GENESIS_HASH,
        hash: hashEvent(GENESIS_HASH, eventContent),
        createdAt: eventContent.createdAt,
      },
    });
    if (inserted) {
      const answered = type === 'inquiry' && !sealed ? await answerAtOnce(deps, id) : null;
      return {
        id,
        reference: ref,
        pin,
        status: answered ? 'resolved' : 'new',
        autoAnswer: answered ?? undefined,
        type,
        priority: decision.priority.value,
        anonymous,
        agency: owner,
        language,
        createdAt,
        resolveBy: sla.clocks.find((c) => c.clock === 'resolve')?.dueAt ?? null,
        replayed: false,
      };
    }
    if (idempotencyKey && fingerprint) {
      const earlier = await findByIdempotencyKey(deps, idempotencyKey, fingerprint);
      if (earlier) return earlier;
    }
  }
  throw new Error('could not allocate a unique case reference after 5 attempts');
}

/**
 * The automatic answer, if any. The case is acknowledged already: an answer that fails (the
 * database busy) leaves it for staff, as if no article had matched, and never fails the submission.
 */
async function answerAtOnce(deps: SubmitCaseDeps, caseId: string): Promise<AutomaticAnswer | null> {
  if (!deps.autoAnswer) return null;
  try {
    return await deps.autoAnswer(caseId);
  } catch (error) {
    deps.log?.error({ err: error, caseId }, 'automatic answer failed; the case waits for staff');
    return null;
  }
}

function serviceProblem(code: string, agency: AgencyRef | undefined): string {
  return agency
    ? `"${code}" is not one of ${agency.code}'s codes`
    : `"${code}" needs agencyCode, the agency it belongs to`;
}

/** The same submission sent again gives the same fingerprint, whatever the key order. */
function fingerprintOf(input: SubmitCaseInput): string {
  return createHash('sha256')
    .update(canonicalize(input) ?? '')
    .digest('hex');
}

/**
 * The case an idempotency key already made. With a fingerprint, a different submission under the
 * same key is a conflict; without one (the portal, whose key is one draft), the earlier case is the
 * answer whatever changed since.
 */
export async function findByIdempotencyKey(
  deps: Pick<SubmitCaseDeps, 'db' | 'secrets' | 'reference'>,
  key: string,
  fingerprint: string | null,
): Promise<SubmittedCase | undefined> {
  const earlier = await deps.db
    .selectFrom('cases')
    .select([
      'id',
      'reference',
      'type',
      'priority',
      'agencyId',
      'citizenId',
      'language',
      'createdAt',
      'idempotencyFingerprint',
    ])
    .where('idempotencyKey', '=', key)
    .executeTakeFirst();
  if (!earlier) return undefined;
  if (fingerprint !== null && earlier.idempotencyFingerprint !== fingerprint) {
    throw new AppError('conflict', 'This Idempotency-Key was already used for a different submission', {
      idempotencyKey: key,
    });
  }
  const agency = deps.reference.agencyById(earlier.agencyId);
  if (!agency) throw new Error(`case ${earlier.id} is owned by an unknown agency`);
  const resolve = await deps.db
    .selectFrom('caseClocks')
    .select('dueAt')
    .where('caseId', '=', earlier.id)
    .where('clock', '=', 'resolve')
    .executeTakeFirst();
  return {
    id: earlier.id,
    reference: earlier.reference,
    pin: derivePin(deps.secrets, earlier.id),
    status: 'new',
    type: earlier.type,
    priority: earlier.priority,
    anonymous: earlier.citizenId === null,
    agency,
    language: earlier.language,
    createdAt: earlier.createdAt,
    resolveBy: resolve?.dueAt ?? null,
    replayed: true,
  };
}
