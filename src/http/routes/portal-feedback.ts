import type { FastifyReply, FastifyRequest } from 'fastify';
import { acceptUpload, UPLOAD_LIMITS } from '../../core/attachments/accept-upload.ts';
import { findUploads } from '../../core/attachments/attach-uploads.ts';
import { storeUpload } from '../../core/attachments/store-upload.ts';
import { formatReference } from '../../core/cases/reference.ts';
import { type CaseCopy, submitCaseWithFiles } from '../../core/cases/submit-case-with-files.ts';
import { normalisePhone } from '../../core/citizens/normalise-phone.ts';
import { AppError } from '../../core/errors.ts';
import { searchArticles } from '../../core/knowledge/search-articles.ts';
import { readCaseProof, signCaseProof } from '../../core/security/case-proof.ts';
import type { CaseType, Language } from '../../db/schema.ts';
import {
  type FeedbackDraft,
  first,
  firstIncomplete,
  KINDS,
  NO_COUNTY,
  nextStep,
  parseStep,
  previousStep,
  readDraft,
  STEPS,
  type Step,
  UNKNOWN,
  validateStep,
} from '../../web/portal/feedback-flow.ts';
import { formatLocal, renderSent, renderStep } from '../../web/portal/feedback-pages.ts';
import { suggestedAnswers } from '../../web/portal/help-pages.ts';
import { type FieldError, tr } from '../../web/portal/layout.ts';
import type { App, AppDeps } from '../build-app.ts';
import {
  cookieOptions,
  PROOF_COOKIE,
  portalContext,
  portalLanguage,
  readForm,
  sendPage,
} from '../portal-support.ts';

/**
 * "Give feedback": GET starts the steps, every answer posts back here with the answers so far.
 * The route only reads the form, asks feedback-flow what comes next, and renders; the case is
 * made by submitCaseWithFiles.
 */
export function portalFeedbackRoutes(app: App, deps: AppDeps): void {
  app.get('/feedback', { schema: { hide: true } }, async (request, reply) => {
    const language = portalLanguage(request, reply);
    const query = request.query as Record<string, string | undefined>;
    // No idempotency key yet: this page may be served from the offline cache to many drafts, so
    // the key is drawn when the first answer is posted (readDraft), one per draft.
    const draft = { ...readDraft({}), key: '' };
    // A door may choose the kind ("ask a question" from the information page).
    if (KINDS.includes(query.kind as (typeof KINDS)[number])) draft.kind = query.kind;
    return sendPage(request, reply, await stepPage(deps, request, language, 'kind', draft, []));
  });

  // Answering a step is cheap and a journey takes about ten of them: the tracking limit. Sending
  // makes a case and files are re-encoded: the submission limit, each on its own address (the
  // send button's formaction, the files step's action).
  app.post(
    '/feedback',
    { schema: { hide: true }, config: { rateLimit: deps.config.rateLimits.track } },
    (request, reply) => answerStep(deps, request, reply, false),
  );
  app.post(
    '/feedback/files',
    { schema: { hide: true }, config: { rateLimit: deps.config.rateLimits.submit } },
    (request, reply) => answerStep(deps, request, reply, false, true),
  );
  app.post(
    '/feedback/send',
    { schema: { hide: true }, config: { rateLimit: deps.config.rateLimits.submit } },
    (request, reply) => answerStep(deps, request, reply, true),
  );
}

async function answerStep(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  sending: boolean,
  withFiles = false,
) {
  const form = await readForm(request);
  const body = form.body;
  const switchTo = first(body.switchLang);
  const language = portalLanguage(request, reply, switchTo);
  const draft = readDraft(body);
  const step = parseStep(first(body.step));
  const render = async (next: Step, errors: FieldError[] = []) =>
    sendPage(
      request,
      reply,
      await stepPage(deps, request, language, next, draft, errors),
      errors.length ? 400 : 200,
    );

  // Files arrive with the files step (its own button, or "continue" with files chosen).
  const fileErrors: FieldError[] = form.problem ? [form.problem] : [];
  if (form.files.length > 0 && !withFiles) {
    // Files posted to the cheap address are not read: only the files step takes them.
    fileErrors.push({ field: 'files', key: 'files_unreadable' });
  } else if (step === 'files' && form.files.length > 0 && !form.problem) {
    const room = UPLOAD_LIMITS.maxFiles - (await findUploads(deps.db, draft.files)).length;
    if (form.files.length > room) {
      fileErrors.push({ field: 'files', key: 'files_too_many', values: { max: UPLOAD_LIMITS.maxFiles } });
    } else {
      for (const file of form.files) {
        try {
          draft.files.push(await storeUpload(deps.db, await acceptUpload(file), deps.now()));
        } catch (error) {
          if (!(error instanceof AppError) || !error.key) throw error;
          fileErrors.push({
            field: 'files',
            key: error.key.id.replace('portal.files.', 'files_'),
            values: error.key.values,
          });
        }
      }
    }
  }
  if (switchTo) return render(step);
  if (fileErrors.length > 0) return render('files', fileErrors);
  const remove = first(body.remove);
  if (remove) {
    draft.files = draft.files.filter((handle) => !handle.startsWith(`${remove}.`));
    return render('files');
  }
  const change = first(body.change);
  if (change && STEPS.includes(change as Step)) {
    draft.review = 'check';
    return render(change as Step);
  }
  const action = first(body.action);
  if (action === 'upload') return render('files');
  if (action === 'back') {
    delete draft.review;
    return render(previousStep(step, draft, deps.reference));
  }
  const errors = validateStep(step, draft, deps.reference);
  if (errors.length > 0) return render(step, errors);
  if (step !== 'check' || action !== 'send' || !sending) {
    return render(step === 'check' ? 'check' : nextStep(step, draft, deps.reference));
  }

  const missing = firstIncomplete(draft, deps.reference);
  if (missing) {
    draft.review = 'check';
    return render(missing, validateStep(missing, draft, deps.reference));
  }
  return sendFeedback(deps, request, reply, language, draft);
}

async function stepPage(
  deps: AppDeps,
  request: FastifyRequest,
  language: Language,
  step: Step,
  draft: FeedbackDraft,
  errors: FieldError[],
) {
  const needsSuggestion = step === 'agency' || step === 'service';
  const uploads = step === 'files' || step === 'check' ? await findUploads(deps.db, draft.files) : undefined;
  if (uploads)
    draft.files = draft.files.filter((handle) => uploads.some((u) => handle.startsWith(`${u.id}.`)));
  return renderStep(portalContext(deps, request, language), {
    step,
    draft,
    errors,
    reference: deps.reference,
    suggestion: needsSuggestion ? suggest(deps, draft) : undefined,
    ...(uploads ? { uploads } : {}),
    answers: step === 'agency' ? await answersFor(deps, language, draft) : undefined,
  });
}

/** Kinds of feedback a knowledge-base article can answer (not praise, ideas or corruption). */
const ANSWERABLE = new Set(['complaint', 'concern', 'inquiry', 'service_request']);
/** Below this score a match is a shared word or two, not an answer worth interrupting for. */
const SUGGEST_SCORE = 0.2;

/** Up to three articles that may answer the description, shown before the citizen goes on. */
async function answersFor(deps: AppDeps, language: Language, draft: FeedbackDraft) {
  if (!draft.text || !ANSWERABLE.has(draft.kind ?? '')) return undefined;
  const found = await searchArticles(deps.db, draft.text, { language, limit: 3, facets: false });
  const hits = found.hits.filter((hit) => hit.score >= SUGGEST_SCORE);
  return hits.length > 0 ? suggestedAnswers(language, hits, draft.text) : undefined;
}

/** What triage makes of the text so far: an agency on Baraza and its service, or "I don't know". */
function suggest(deps: AppDeps, draft: FeedbackDraft): { agency: string; service?: string } {
  if (!draft.text) return { agency: UNKNOWN };
  const decision = deps.triage.decide({
    text: draft.text,
    channel: 'web',
    type: draft.kind as CaseType | undefined,
  });
  const agency = deps.reference.agency(decision.agency.code);
  if (!agency?.onboarded || agency.kind !== 'agency' || !decision.agency.confident)
    return { agency: UNKNOWN };
  const [serviceAgency, service] = decision.service?.code.split('/') ?? [];
  return serviceAgency === agency.code && service
    ? { agency: agency.code ?? UNKNOWN, service }
    : { agency: agency.code ?? UNKNOWN };
}

async function sendFeedback(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  language: Language,
  draft: FeedbackDraft,
) {
  const t = tr(language);
  const anonymous = draft.contact === 'anonymous';
  const phone = draft.contact === 'phone' && draft.phone ? normalisePhone(draft.phone, 'phone') : undefined;
  const email = draft.contact === 'email' ? draft.email?.toLowerCase() : undefined;
  const location =
    draft.lat && draft.lng && Number.isFinite(Number(draft.lat)) && Number.isFinite(Number(draft.lng))
      ? { latitude: Number(draft.lat), longitude: Number(draft.lng) }
      : undefined;
  const validLocation =
    location && Math.abs(location.latitude) <= 90 && Math.abs(location.longitude) <= 180
      ? location
      : undefined;
  // "Your report", never "your corruption report": a phone or a mailbox may be read by others.
  const what = t(`copy.what.${draft.kind}`);
  const copy: CaseCopy | undefined = phone
    ? {
        channel: 'sms',
        recipient: phone,
        body: (s) =>
          t('copy.sms', {
            what,
            reference: formatReference(s.reference),
            pin: s.pin,
            date: s.resolveBy ? formatLocal(language, s.resolveBy) : '-',
          }),
      }
    : email
      ? {
          channel: 'email',
          recipient: email,
          subject: t('copy.email_subject'),
          body: (s) =>
            t('copy.email', {
              what,
              reference: formatReference(s.reference),
              pin: s.pin,
              date: s.resolveBy ? formatLocal(language, s.resolveBy) : '-',
              url: `${deps.config.publicUrl}/track/${s.reference}`,
            }),
        }
      : undefined;
  const { submitted, changedAfterSending } = await submitCaseWithFiles(
    deps,
    {
      type: draft.kind as CaseType,
      channel: 'web',
      description: draft.text ?? '',
      language,
      agencyCode: draft.agency && draft.agency !== UNKNOWN ? draft.agency : undefined,
      serviceCode:
        draft.service && draft.service !== UNKNOWN && draft.agency !== UNKNOWN ? draft.service : undefined,
      county: draft.county && draft.county !== NO_COUNTY ? draft.county : undefined,
      subCounty: draft.county !== NO_COUNTY ? draft.subCounty : undefined,
      ward: draft.county !== NO_COUNTY ? draft.ward : undefined,
      location: validLocation,
      anonymous,
      citizen: anonymous ? undefined : { name: draft.name, phone, email, language },
    },
    { idempotencyKey: `portal:${draft.key}`, uploadHandles: draft.files, copy },
  );
  // This browser may follow up on the case it just sent for a while, without typing the PIN.
  const proven = readCaseProof(deps.secrets, request.cookies[PROOF_COOKIE], deps.now());
  reply.setCookie(
    PROOF_COOKIE,
    signCaseProof(deps.secrets, [...proven, submitted.id], deps.now()),
    cookieOptions,
  );
  return sendPage(
    request,
    reply,
    renderSent(portalContext(deps, request, language, null, `/track/${submitted.reference}`), {
      reference: submitted.reference,
      pin: submitted.pin,
      anonymous: submitted.anonymous,
      agency: submitted.agency,
      clearingHouse: submitted.agency.kind === 'clearing_house',
      sealed: submitted.type === 'corruption_report',
      resolveBy: submitted.resolveBy,
      copyTo: changedAfterSending ? null : (phone ?? email ?? null),
      changedAfterSending,
    }),
  );
}
