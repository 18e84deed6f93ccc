import type { FastifyReply, FastifyRequest } from 'fastify';
import { publicOfficerName } from '../../core/agencies/show-officer-names.ts';
import { acceptUpload } from '../../core/attachments/accept-upload.ts';
import { findUploads } from '../../core/attachments/attach-uploads.ts';
import { listCaseUploads, readCaseUpload } from '../../core/attachments/read-upload.ts';
import { storeUpload } from '../../core/attachments/store-upload.ts';
import {
  appealCase,
  rateCase,
  reopenCase,
  reopenDeadline,
  replyToCase,
  withdrawCase,
} from '../../core/cases/citizen-follow-ups.ts';
import { parseReference } from '../../core/cases/reference.ts';
import { trackCase } from '../../core/cases/track-case.ts';
import { findCitizenSession } from '../../core/citizens/find-citizen-session.ts';
import { listCitizenCases } from '../../core/citizens/list-citizen-cases.ts';
import { AppError } from '../../core/errors.ts';
import { answeredAutomatically, rejectAutomaticAnswer } from '../../core/knowledge/auto-answer.ts';
import { readCaseProof, signCaseProof } from '../../core/security/case-proof.ts';
import { derivePin } from '../../core/security/secrets.ts';
import { verifyCasePin } from '../../core/security/verify-case-pin.ts';
import type { Language } from '../../db/schema.ts';
import { first } from '../../web/portal/feedback-flow.ts';
import { type FieldError, tr } from '../../web/portal/layout.ts';
import { renderCase, renderTrackForm } from '../../web/portal/track-pages.ts';
import type { App, AppDeps } from '../build-app.ts';
import {
  CITIZEN_COOKIE,
  cookieOptions,
  fieldOf,
  PROOF_COOKIE,
  portalContext,
  portalLanguage,
  readForm,
  SECURITY_HEADERS,
  sendPage,
} from '../portal-support.ts';

type Params = { reference: string };
const DONE = new Set(['reply', 'rate', 'reopen', 'appeal', 'withdraw', 'not-helped']);

/**
 * Tracking: by reference (and PIN for an anonymous case or a corruption report), then the
 * citizen's actions on it. Acting always needs proof of the PIN: given on this browser within the
 * last two hours (a signed cookie), or by being signed in as the citizen whose case it is.
 */
export function portalTrackRoutes(app: App, deps: AppDeps): void {
  const limited = { rateLimit: deps.config.rateLimits.track };

  app.get('/track', { schema: { hide: true } }, async (request, reply) => {
    const language = portalLanguage(request, reply);
    const ref = (request.query as Record<string, string | undefined>).ref;
    return sendPage(
      request,
      reply,
      renderTrackForm(portalContext(deps, request, language), { reference: ref }),
    );
  });

  app.post('/track', { schema: { hide: true }, config: limited }, async (request, reply) => {
    const language = portalLanguage(request, reply);
    const form = await readForm(request);
    const referenceInput = fieldOf(form, 'reference');
    const pin = fieldOf(form, 'pin').replace(/\s/g, '');
    const refuse = (errors: FieldError[], status = 400) =>
      sendPage(
        request,
        reply,
        renderTrackForm(portalContext(deps, request, language, null, '/track'), {
          reference: referenceInput,
          errors,
        }),
        status,
      );
    let reference: string;
    try {
      reference = parseReference(referenceInput);
    } catch (error) {
      return refuse([
        { field: 'reference', key: `@${coreKey(error, 'invalid_reference')}`, values: coreValues(error) },
      ]);
    }
    const found = await caseByReference(deps, reference);
    if (!found) return refuse([{ field: 'reference', key: '@case_not_found' }]);
    if (pin) {
      try {
        if (!(await verifyCasePin(deps, found, pin))) return refuse([{ field: 'pin', key: '@pin_mismatch' }]);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'locked') throw error;
        return refuse([{ field: 'pin', key: '@pin_locked', values: coreValues(error) }], 423);
      }
      const proven = readCaseProof(deps.secrets, request.cookies[PROOF_COOKIE], deps.now());
      reply.setCookie(
        PROOF_COOKIE,
        signCaseProof(deps.secrets, [...proven, found.id], deps.now()),
        cookieOptions,
      );
    }
    return reply.redirect(`/track/${reference}`, 303);
  });

  app.get<{ Params: Params }>(
    '/track/:reference',
    { schema: { hide: true }, config: limited },
    async (request, reply) => {
      const language = portalLanguage(request, reply);
      const done = (request.query as Record<string, string | undefined>).done;
      const flash = done && DONE.has(done) ? tr(language)(`track.done.${done}`) : undefined;
      return showCase(deps, request, reply, language, { flash });
    },
  );

  app.get<{ Params: Params & { id: string } }>(
    '/track/:reference/files/:id',
    { schema: { hide: true }, config: limited },
    async (request, reply) => {
      const language = portalLanguage(request, reply);
      const access = await accessTo(deps, request, language);
      if (!access.found || !access.canAct) {
        return sendPage(
          request,
          reply,
          renderTrackForm(portalContext(deps, request, language), {
            reference: request.params.reference,
            needPin: true,
          }),
          403,
        );
      }
      const file = await readCaseUpload(deps.db, access.found.id, request.params.id);
      // Served as a download in a sandbox: a crafted PDF can run nothing on this origin.
      return reply
        .headers({
          ...SECURITY_HEADERS,
          'content-security-policy': "sandbox; default-src 'none'; img-src 'self'",
        })
        .header('content-type', file.contentType)
        .header('cache-control', 'private, no-store')
        .header(
          'content-disposition',
          `${file.contentType === 'application/pdf' ? 'attachment' : 'inline'}; filename="${file.name.replace(/[^\w.-]/g, '_')}"`,
        )
        .send(Buffer.from(file.content));
    },
  );

  const action = (
    name: 'reply' | 'rate' | 'reopen' | 'withdraw' | 'not-helped',
    act: (
      proof: { reference: string; pin: string },
      body: Record<string, string | undefined>,
      files: { handles: string[] },
      kase: { id: string; citizenId: string | null },
    ) => Promise<unknown>,
    validate: (body: Record<string, string | undefined>) => FieldError[],
  ) =>
    app.post<{ Params: Params }>(
      `/track/:reference/${name}`,
      { schema: { hide: true }, config: limited },
      async (request, reply) => {
        const language = portalLanguage(request, reply);
        const access = await accessTo(deps, request, language);
        if (!access.found)
          return sendPage(
            request,
            reply,
            renderTrackForm(portalContext(deps, request, language), {
              reference: request.params.reference,
              errors: access.errors,
            }),
            404,
          );
        if (!access.canAct) return reply.redirect(`/track/${access.found.reference}`, 303);
        const form = await readForm(request);
        const body = Object.fromEntries(Object.entries(form.body).map(([k, v]) => [k, first(v)?.trim()]));
        const errors = [...(form.problem ? [form.problem] : []), ...validate(body)];
        const handles: string[] = [];
        if (errors.length === 0) {
          for (const file of form.files) {
            try {
              handles.push(await storeUpload(deps.db, await acceptUpload(file), deps.now()));
            } catch (error) {
              if (!(error instanceof AppError) || !error.key) throw error;
              errors.push({
                field: 'files',
                key: error.key.id.replace('portal.files.', 'files_'),
                values: error.key.values,
              });
            }
          }
        }
        if (errors.length > 0) return showCase(deps, request, reply, language, { errors, values: body }, 400);
        const proof = {
          reference: access.found.reference,
          pin: derivePin(deps.secrets, access.found.id),
          alreadyProven: true,
        };
        try {
          await act(proof, body, { handles }, access.found);
        } catch (error) {
          if (!(error instanceof AppError) || !['invalid_transition', 'invalid_input'].includes(error.code))
            throw error;
          const key = error.key ? `@${error.key.id}` : '@invalid_transition';
          return showCase(
            deps,
            request,
            reply,
            language,
            { errors: [{ field: 'action', key, values: error.key?.values ?? {} }], values: body },
            409,
          );
        }
        const how = name === 'reopen' && body.how === 'appeal' ? 'appeal' : name;
        return reply.redirect(`/track/${access.found.reference}?done=${how}`, 303);
      },
    );

  action(
    'reply',
    async (proof, body, files) => {
      await replyToCase(deps, proof, body.message ?? '', await findUploads(deps.db, files.handles));
    },
    (body) => {
      const length = body.message?.length ?? 0;
      if (length < 2) return [{ field: 'message', key: 'message_short' }];
      if (length > 5000) return [{ field: 'message', key: 'text_long', values: { max: 5000, length } }];
      return [];
    },
  );
  action(
    'rate',
    (proof, body) => rateCase(deps, proof, Number(body.rating), body.comment || undefined),
    (body) => {
      const errors: FieldError[] = [];
      if (!/^[1-5]$/.test(body.rating ?? '')) errors.push({ field: 'rating', key: 'rating' });
      if ((body.comment?.length ?? 0) > 2000)
        errors.push({
          field: 'comment',
          key: 'text_long',
          values: { max: 2000, length: body.comment?.length ?? 0 },
        });
      return errors;
    },
  );
  action(
    'reopen',
    (proof, body) =>
      body.how === 'appeal'
        ? appealCase(deps, proof, body.reason ?? '')
        : reopenCase(deps, proof, body.reason ?? ''),
    (body) => {
      const length = body.reason?.length ?? 0;
      if (length < 5) return [{ field: 'reason', key: 'reason_short' }];
      if (length > 2000) return [{ field: 'reason', key: 'text_long', values: { max: 2000, length } }];
      return [];
    },
  );
  // The automatic answer did not help: an officer takes the question, its clock from the submission.
  action(
    'not-helped',
    (_proof, body, _files, kase) =>
      rejectAutomaticAnswer(deps, kase.id, { type: 'citizen', id: kase.citizenId }, body.reason || undefined),
    (body) =>
      (body.reason?.length ?? 0) > 2000
        ? [{ field: 'reason', key: 'text_long', values: { max: 2000, length: body.reason?.length ?? 0 } }]
        : [],
  );
  action(
    'withdraw',
    (proof, body) => withdrawCase(deps, proof, body.reason || undefined),
    (body) => {
      const errors: FieldError[] = [];
      if (body.confirm !== 'yes') errors.push({ field: 'confirm', key: 'confirm_withdraw' });
      if ((body.reason?.length ?? 0) > 2000)
        errors.push({
          field: 'reason',
          key: 'text_long',
          values: { max: 2000, length: body.reason?.length ?? 0 },
        });
      return errors;
    },
  );
}

function caseByReference(deps: AppDeps, reference: string) {
  return deps.db
    .selectFrom('cases')
    .select([
      'id',
      'reference',
      'pinHash',
      'citizenId',
      'sealed',
      'status',
      'autoAnswerArticleId',
      'resolvedAt',
      'closedAt',
      'updatedAt',
    ])
    .where('reference', '=', reference)
    .executeTakeFirst();
}

/** Whether this browser may act on the case: PIN proven here lately, or signed in as its citizen. */
async function accessTo(deps: AppDeps, request: FastifyRequest<{ Params: Params }>, language: Language) {
  let reference: string;
  try {
    reference = parseReference(request.params.reference);
  } catch (error) {
    return {
      found: undefined,
      canAct: false,
      errors: [
        { field: 'reference', key: `@${coreKey(error, 'invalid_reference')}`, values: coreValues(error) },
      ],
    };
  }
  const found = await caseByReference(deps, reference);
  if (!found)
    return { found: undefined, canAct: false, errors: [{ field: 'reference', key: '@case_not_found' }] };
  const proven = readCaseProof(deps.secrets, request.cookies[PROOF_COOKIE], deps.now()).includes(found.id);
  if (proven) return { found, canAct: true, errors: [] };
  // A corruption report shows only with its PIN, even to the citizen signed in who sent it: a phone
  // is often shared, and the report may be about someone who shares it.
  if (found.sealed) return { found, canAct: false, errors: [] };
  const session = await findCitizenSession(deps, request.cookies[CITIZEN_COOKIE] ?? '');
  if (!session) return { found, canAct: false, errors: [] };
  const mine = await listCitizenCases(deps, session.identity, language);
  return { found, canAct: mine.some((c) => c.reference === found.reference), errors: [] };
}

async function showCase(
  deps: AppDeps,
  request: FastifyRequest<{ Params: Params }>,
  reply: FastifyReply,
  language: Language,
  extra: { flash?: string | undefined; errors?: FieldError[]; values?: Record<string, string | undefined> },
  status = 200,
) {
  const ctx = portalContext(deps, request, language);
  const access = await accessTo(deps, request, language);
  if (!access.found) {
    return sendPage(
      request,
      reply,
      renderTrackForm(ctx, { reference: request.params.reference, errors: access.errors }),
      404,
    );
  }
  const { found, canAct } = access;
  if ((found.citizenId === null || found.sealed) && !canAct) {
    // An anonymous case, or a corruption report, shows nothing without its PIN.
    return sendPage(request, reply, renderTrackForm(ctx, { reference: found.reference, needPin: true }));
  }
  // A browser that may act has proven the case already: no PIN is checked again (a case locked by
  // someone else's guessing stays open to its citizen).
  const kase = await trackCase(deps, found.reference, undefined, language, canAct);
  const uploads = canAct ? await listCaseUploads(deps.db, found.id) : [];
  const officer = await publicOfficerName(deps.db, found.id);
  const reopenUntil = reopenDeadline(found, deps.reopenWindowDays).deadline;
  return sendPage(
    request,
    reply,
    renderCase(ctx, {
      kase,
      canAct,
      uploads,
      officer,
      reopenUntil,
      automatic: answeredAutomatically(found),
      now: deps.now(),
      ...extra,
    }),
    status,
  );
}

const coreKey = (error: unknown, fallback: string) =>
  error instanceof AppError && error.key ? error.key.id : fallback;
const coreValues = (error: unknown) => (error instanceof AppError && error.key?.values) || {};
