import type { FastifyReply, FastifyRequest } from 'fastify';
import { identityParts, parseDestination } from '../../core/citizens/citizen-identity.ts';
import { claimCase } from '../../core/citizens/claim-case.ts';
import { endCitizenSession } from '../../core/citizens/end-citizen-session.ts';
import { findCitizenSession } from '../../core/citizens/find-citizen-session.ts';
import { listCitizenCases } from '../../core/citizens/list-citizen-cases.ts';
import { requestSignInCode } from '../../core/citizens/request-sign-in-code.ts';
import { verifySignInCode } from '../../core/citizens/verify-sign-in-code.ts';
import { AppError } from '../../core/errors.ts';
import type { CitizenIdentity, Language } from '../../db/schema.ts';
import { type FieldError, tr } from '../../web/portal/layout.ts';
import { renderCodeEntry, renderMyCases, renderSignIn } from '../../web/portal/my-cases-pages.ts';
import type { App, AppDeps } from '../build-app.ts';
import {
  CITIZEN_COOKIE,
  cookieOptions,
  fieldOf,
  portalContext,
  portalLanguage,
  readForm,
  sendPage,
} from '../portal-support.ts';

/** "My cases": sign in with a one-time code (no password), see every case, add anonymous ones. */
export function portalMyCasesRoutes(app: App, deps: AppDeps): void {
  const limited = { rateLimit: deps.config.rateLimits.login };

  app.get('/my-cases', { schema: { hide: true } }, async (request, reply) => {
    const language = portalLanguage(request, reply);
    const identity = await signedIn(deps, request);
    if (!identity) return sendPage(request, reply, renderSignIn(portalContext(deps, request, language), {}));
    const claimed = (request.query as Record<string, string | undefined>).claimed === '1';
    return listPage(deps, request, reply, language, identity, {
      flash: claimed ? tr(language)('my.claimed') : undefined,
    });
  });

  app.post('/my-cases/code', { schema: { hide: true }, config: limited }, async (request, reply) => {
    const language = portalLanguage(request, reply);
    const form = await readForm(request);
    const destination = fieldOf(form, 'destination');
    const ctx = portalContext(deps, request, language);
    try {
      const sent = await requestSignInCode(deps, { destination, language, ip: request.ip });
      return sendPage(request, reply, renderCodeEntry(ctx, { destination, masked: sent.maskedDestination }));
    } catch (error) {
      const errors = [fieldError(error, 'destination')];
      return sendPage(request, reply, renderSignIn(ctx, { destination, errors }), statusOf(error));
    }
  });

  app.post('/my-cases/verify', { schema: { hide: true }, config: limited }, async (request, reply) => {
    const language = portalLanguage(request, reply);
    const form = await readForm(request);
    const destination = fieldOf(form, 'destination');
    try {
      const session = await verifySignInCode(deps, { destination, code: fieldOf(form, 'code') });
      reply.setCookie(CITIZEN_COOKIE, session.token, { ...cookieOptions, expires: session.expiresAt });
      return reply.redirect('/my-cases', 303);
    } catch (error) {
      const ctx = portalContext(deps, request, language);
      let masked = fieldOf(form, 'masked').slice(0, 60);
      try {
        masked = parseDestination(destination).masked;
      } catch {
        return sendPage(
          request,
          reply,
          renderSignIn(ctx, { destination, errors: [fieldError(error, 'destination')] }),
          400,
        );
      }
      const errors = [fieldError(error, 'code')];
      return sendPage(request, reply, renderCodeEntry(ctx, { destination, masked, errors }), statusOf(error));
    }
  });

  app.post(
    '/my-cases/claim',
    { schema: { hide: true }, config: { rateLimit: deps.config.rateLimits.login } },
    async (request, reply) => {
      const language = portalLanguage(request, reply);
      const form = await readForm(request);
      const identity = await signedIn(deps, request);
      if (!identity) return reply.redirect('/my-cases', 303);
      try {
        await claimCase(deps, identity, {
          reference: fieldOf(form, 'reference'),
          pin: fieldOf(form, 'pin').replace(/\s/g, ''),
        });
        return reply.redirect('/my-cases?claimed=1', 303);
      } catch (error) {
        const errors = [fieldError(error, 'reference')];
        return listPage(
          deps,
          request,
          reply,
          language,
          identity,
          { errors, reference: fieldOf(form, 'reference') },
          statusOf(error),
        );
      }
    },
  );

  app.post('/my-cases/sign-out', { schema: { hide: true } }, async (request, reply) => {
    await endCitizenSession(deps, request.cookies[CITIZEN_COOKIE] ?? '');
    reply.clearCookie(CITIZEN_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  });
}

export async function signedIn(deps: AppDeps, request: FastifyRequest): Promise<CitizenIdentity | null> {
  const token = request.cookies[CITIZEN_COOKIE];
  if (!token) return null;
  return (await findCitizenSession(deps, token))?.identity ?? null;
}

async function listPage(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  language: Language,
  identity: CitizenIdentity,
  extra: { errors?: FieldError[]; flash?: string | undefined; reference?: string },
  status = 200,
) {
  const cases = await listCitizenCases(deps, identity, language);
  const ctx = portalContext(deps, request, language, parseDestination(identityParts(identity).value).masked);
  return sendPage(request, reply, renderMyCases(ctx, { cases, ...extra }), status);
}

/** A core refusal as a field error in the citizen's language. */
function fieldError(error: unknown, field: string): FieldError {
  if (!(error instanceof AppError)) throw error;
  if (!error.key) return { field, key: `@${error.code}` };
  const id = error.key.id;
  return { field, key: id.includes('.') ? `!${id}` : `@${id}`, values: error.key.values ?? {} };
}

const statusOf = (error: unknown) =>
  error instanceof AppError && error.code === 'rate_limited'
    ? 429
    : error instanceof AppError && error.code === 'locked'
      ? 423
      : 400;
