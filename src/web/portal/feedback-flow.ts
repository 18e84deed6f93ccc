import { randomUUID } from 'node:crypto';
import type { ReferenceCache } from '../../core/agencies/reference-cache.ts';
import { EMAIL } from '../../core/citizens/citizen-identity.ts';
import { normalisePhone } from '../../core/citizens/normalise-phone.ts';
import type { CaseType } from '../../db/schema.ts';
import type { FieldError } from './layout.ts';

/*
 * The "give feedback" steps, one question per screen. The answers so far travel with every step
 * as hidden fields, so the flow keeps no state on the server, works without JavaScript, survives a
 * change of language and lets the citizen go back and change anything. `key` is the submission's
 * idempotency key, drawn on the first screen: sending the last step twice makes one case.
 */
export const STEPS = ['kind', 'about', 'agency', 'service', 'where', 'files', 'contact', 'check'] as const;
export type Step = (typeof STEPS)[number];

export const KINDS = [
  'complaint',
  'concern',
  'suggestion',
  'compliment',
  'inquiry',
  'corruption_report',
] as const satisfies readonly CaseType[];

export const UNKNOWN = 'unknown';
export const NO_COUNTY = 'none';
export const DESCRIPTION_MAX = 5000;

export interface FeedbackDraft {
  key: string;
  kind?: string;
  text?: string;
  agency?: string;
  service?: string;
  county?: string;
  subCounty?: string;
  ward?: string;
  lat?: string;
  lng?: string;
  files: string[];
  contact?: string;
  phone?: string;
  email?: string;
  name?: string;
  /** Set when a step was opened from "check your answers": continuing returns there. */
  review?: string;
}

const SINGLE = [
  'kind',
  'text',
  'agency',
  'service',
  'county',
  'subCounty',
  'ward',
  'lat',
  'lng',
  'contact',
  'phone',
  'email',
  'name',
  'review',
] as const;
type SingleField = (typeof SINGLE)[number];

/** Which answers each step asks for; the others travel hidden. */
export const STEP_FIELDS: Record<Step, readonly SingleField[]> = {
  kind: ['kind'],
  about: ['text'],
  agency: ['agency'],
  service: ['service'],
  where: ['county', 'subCounty', 'ward', 'lat', 'lng'],
  files: [],
  contact: ['contact', 'phone', 'email', 'name'],
  check: [],
};

const LIMITS: Record<SingleField, number> = {
  kind: 40,
  text: DESCRIPTION_MAX + 1000,
  agency: 20,
  service: 80,
  county: 40,
  subCounty: 100,
  ward: 100,
  lat: 20,
  lng: 20,
  contact: 20,
  phone: 30,
  email: 254,
  name: 120,
  review: 10,
};

export type FormBody = Record<string, string | string[] | undefined>;

export const first = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** Reads the answers from a posted form, trimmed and bounded, whatever else was posted. */
export function readDraft(body: FormBody): FeedbackDraft {
  const key = first(body.key);
  const draft: FeedbackDraft = {
    key: key && /^[0-9a-f-]{36}$/.test(key) ? key : randomUUID(),
    files: [body.file ?? []]
      .flat()
      .filter((f) => typeof f === 'string' && f.length < 120)
      .slice(0, 10),
  };
  for (const field of SINGLE) {
    const value = first(body[field]);
    if (typeof value !== 'string') continue;
    const cleaned = (field === 'text' ? value.replace(/\r\n/g, '\n') : value.replace(/\s+/g, ' ')).trim();
    if (cleaned) draft[field] = cleaned.slice(0, LIMITS[field]);
  }
  return draft;
}

export function parseStep(value: string | undefined): Step {
  return STEPS.includes(value as Step) ? (value as Step) : 'kind';
}

/** The service question is asked only for an agency on Baraza that lists services. */
function applies(step: Step, draft: FeedbackDraft, reference: ReferenceCache): boolean {
  if (step !== 'service') return true;
  if (!draft.agency || draft.agency === UNKNOWN) return false;
  const agency = reference.agency(draft.agency);
  return Boolean(agency && reference.servicesOf(agency.id).length > 0);
}

export function nextStep(step: Step, draft: FeedbackDraft, reference: ReferenceCache): Step {
  if (draft.review === 'check') {
    // A changed agency may bring its service question; everything else goes back to the check.
    return step === 'agency' && applies('service', draft, reference) ? 'service' : 'check';
  }
  for (let i = STEPS.indexOf(step) + 1; i < STEPS.length; i++) {
    const candidate = STEPS[i] as Step;
    if (applies(candidate, draft, reference)) return candidate;
  }
  return 'check';
}

export function previousStep(step: Step, draft: FeedbackDraft, reference: ReferenceCache): Step {
  for (let i = STEPS.indexOf(step) - 1; i >= 0; i--) {
    const candidate = STEPS[i] as Step;
    if (applies(candidate, draft, reference)) return candidate;
  }
  return 'kind';
}

/** "Step n of m", counting only the steps this citizen's answers bring them through. */
export function stepPosition(
  step: Step,
  draft: FeedbackDraft,
  reference: ReferenceCache,
): { n: number; of: number } {
  const steps = STEPS.filter((candidate) => applies(candidate, draft, reference));
  return { n: Math.max(1, steps.indexOf(step) + 1), of: steps.length };
}

/** What is wrong with the answers a step asked for, as message keys for the citizen. */
export function validateStep(step: Step, draft: FeedbackDraft, reference: ReferenceCache): FieldError[] {
  const errors: FieldError[] = [];
  switch (step) {
    case 'kind':
      if (!KINDS.includes(draft.kind as (typeof KINDS)[number])) errors.push({ field: 'kind', key: 'kind' });
      break;
    case 'about': {
      const length = draft.text?.length ?? 0;
      if (length < 5) errors.push({ field: 'text', key: 'text_short' });
      else if (length > DESCRIPTION_MAX)
        errors.push({ field: 'text', key: 'text_long', values: { max: DESCRIPTION_MAX, length } });
      break;
    }
    case 'agency':
      if (!draft.agency) errors.push({ field: 'agency', key: 'agency' });
      else if (draft.agency !== UNKNOWN && !reference.agency(draft.agency)?.onboarded)
        errors.push({ field: 'agency', key: 'agency' });
      break;
    case 'service': {
      const agency = draft.agency ? reference.agency(draft.agency) : undefined;
      if (!draft.service) errors.push({ field: 'service', key: 'service' });
      else if (draft.service !== UNKNOWN && !(agency && reference.service(agency.id, draft.service)))
        errors.push({ field: 'service', key: 'service' });
      break;
    }
    case 'where':
      if (!draft.county) errors.push({ field: 'county', key: 'county' });
      else if (draft.county !== NO_COUNTY && !reference.county(draft.county))
        errors.push({ field: 'county', key: 'county' });
      else if (draft.county === NO_COUNTY && (draft.subCounty || draft.ward))
        errors.push({ field: 'county', key: 'county_for_place' });
      break;
    case 'contact':
      if (!['phone', 'email', 'anonymous'].includes(draft.contact ?? '')) {
        errors.push({ field: 'contact', key: 'contact' });
      } else if (draft.contact === 'phone') {
        if (!draft.phone) errors.push({ field: 'phone', key: 'phone_missing' });
        else {
          try {
            normalisePhone(draft.phone, 'phone');
          } catch {
            errors.push({ field: 'phone', key: 'phone_invalid' });
          }
        }
      } else if (draft.contact === 'email') {
        if (!draft.email) errors.push({ field: 'email', key: 'email_missing' });
        else if (draft.email.length > 254 || !EMAIL.test(draft.email))
          errors.push({ field: 'email', key: 'email_invalid' });
      }
      break;
    default:
      break;
  }
  return errors;
}

/** The first step whose answers are missing or wrong: "check your answers" sends the citizen there. */
export function firstIncomplete(draft: FeedbackDraft, reference: ReferenceCache): Step | undefined {
  return STEPS.find(
    (step) =>
      step !== 'check' && applies(step, draft, reference) && validateStep(step, draft, reference).length > 0,
  );
}

/** Hidden inputs for every answer except the ones the step itself asks. */
export function hiddenFields(draft: FeedbackDraft, step: Step): [string, string][] {
  const asked = new Set<string>(STEP_FIELDS[step]);
  const fields: [string, string][] = draft.key ? [['key', draft.key]] : [];
  for (const field of SINGLE) {
    const value = draft[field];
    if (value !== undefined && !asked.has(field) && field !== 'review') fields.push([field, value]);
  }
  for (const file of draft.files) fields.push(['file', file]);
  return fields;
}
