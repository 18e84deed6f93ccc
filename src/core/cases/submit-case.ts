import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { v7 as timeOrderedUuid } from 'uuid';
import type { Db } from '../../db/open-database.ts';
import type { SubmissionWriter } from '../../db/queries/insert-submission.ts';
import type { Attachment, CaseType, Channel, Language } from '../../db/schema.ts';
import type { AgencyRef, ReferenceCache } from '../agencies/reference-cache.ts';
import { normalisePhone } from '../citizens/normalise-phone.ts';
import { AppError, type FieldProblem } from '../errors.ts';
import { GENESIS_HASH, hashEvent } from '../events/hash-event.ts';
import { derivePin, hashPin, type Secrets } from '../security/secrets.ts';
import { generateReference } from './reference.ts';

export interface SubmitCaseInput {
  type: CaseType;
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
  now: () => Date;
}

export interface SubmittedCase {
  id: string;
  reference: string;
  pin: string;
  status: 'new';
  anonymous: boolean;
  agency: AgencyRef;
  createdAt: Date;
  /** True when this answers a retry of an earlier submission with the same idempotency key. */
  replayed: boolean;
}

/**
 * Accepts a case from any channel. Until triage (issue 3) routes by content, a case goes to the
 * agency the submitter named when it is onboarded, to the oversight body when it is a corruption
 * report (sealed), and to the clearing house otherwise: never nowhere.
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
  const sealed = input.type === 'corruption_report';
  const owner = sealed ? reference.oversight : named?.onboarded ? named : reference.clearingHouse;

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

  const fingerprint = idempotencyKey ? fingerprintOf(input) : null;
  const language = input.language ?? input.citizen?.language ?? 'en';
  const createdAt = deps.now();
  const attachments = JSON.stringify(input.attachments ?? []);

  // A fresh reference collides with an existing one about once in a billion: try again then.
  for (let attempt = 0; attempt < 5; attempt++) {
    // Time-ordered ids append to the right edge of the primary-key indexes instead of landing on a
    // random page each time: fewer pages written per submission.
    const id = timeOrderedUuid();
    const ref = generateReference();
    const pin = derivePin(deps.secrets, id);
    const eventData = { status: 'new', agencyId: owner.id, channel: input.channel, type: input.type };
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
        type: input.type,
        channel: input.channel,
        agencyId: owner.id,
        serviceId,
        categoryId,
        subjectAgencyId: sealed ? (named?.id ?? null) : null,
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
      },
      citizen: anonymous
        ? undefined
        : {
            id: timeOrderedUuid(),
            name: input.citizen?.name?.trim() || null,
            phone,
            email: input.citizen?.email?.trim().toLowerCase() || null,
            language: input.citizen?.language ?? language,
          },
      event: {
        kind: 'case.submitted',
        data: JSON.stringify(eventData),
        prevHash: GENESIS_HASH,
        hash: hashEvent(GENESIS_HASH, eventContent),
        createdAt: eventContent.createdAt,
      },
    });
    if (inserted) {
      return { id, reference: ref, pin, status: 'new', anonymous, agency: owner, createdAt, replayed: false };
    }
    if (idempotencyKey && fingerprint) {
      const earlier = await findByIdempotencyKey(deps, idempotencyKey, fingerprint);
      if (earlier) return earlier;
    }
  }
  throw new Error('could not allocate a unique case reference after 5 attempts');
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

async function findByIdempotencyKey(
  deps: SubmitCaseDeps,
  key: string,
  fingerprint: string,
): Promise<SubmittedCase | undefined> {
  const earlier = await deps.db
    .selectFrom('cases')
    .select(['id', 'reference', 'agencyId', 'citizenId', 'createdAt', 'idempotencyFingerprint'])
    .where('idempotencyKey', '=', key)
    .executeTakeFirst();
  if (!earlier) return undefined;
  if (earlier.idempotencyFingerprint !== fingerprint) {
    throw new AppError('conflict', 'This Idempotency-Key was already used for a different submission', {
      idempotencyKey: key,
    });
  }
  const agency = deps.reference.agencyById(earlier.agencyId);
  if (!agency) throw new Error(`case ${earlier.id} is owned by an unknown agency`);
  return {
    id: earlier.id,
    reference: earlier.reference,
    pin: derivePin(deps.secrets, earlier.id),
    status: 'new',
    anonymous: earlier.citizenId === null,
    agency,
    createdAt: earlier.createdAt,
    replayed: true,
  };
}
