import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../core/access/principal.ts';
import { listQueue, type QueueFilters } from '../../core/cases/list-queue.ts';
import { formatReference } from '../../core/cases/reference.ts';
import { type QueueView, ViewCounter, viewFilters, viewsFor } from '../../core/console/queue-views.ts';
import { deleteView, listSavedViews, saveView } from '../../core/console/saved-views.ts';
import { AppError } from '../../core/errors.ts';
import {
  confirmTotpEnrolment,
  signIn,
  signOut,
  signOutEverywhere,
  startTotpEnrolment,
} from '../../core/staff/sessions.ts';
import { CASE_STATUSES, CASE_TYPES, CHANNELS, type Language, PRIORITIES } from '../../db/schema.ts';
import { translator } from '../../i18n/index.ts';
import { CONSOLE_ASSETS } from '../../web/console/assets.ts';
import { type ConsoleContext, consolePage, ct } from '../../web/console/layout.ts';
import { type QueueQuery, renderQueue } from '../../web/console/queue-pages.ts';
import { renderEnrol, renderSignIn } from '../../web/console/sign-in-pages.ts';
import { html } from '../../web/html.ts';
import type { FieldError } from '../../web/portal/layout.ts';
import { SESSION_COOKIE } from '../authenticate.ts';
import type { App, AppDeps } from '../build-app.ts';
import { acceptFormBodies } from '../form-bodies.ts';
import { STATUS } from '../handle-errors.ts';
import { fieldOf, portalLanguage, readForm, sendPage } from '../portal-support.ts';
import { refuseCrossSitePosts } from '../same-origin.ts';
import { consoleAdminRoutes } from './console-admin.ts';
import { consoleCaseRoutes } from './console-case.ts';
import { consoleCatalogueRoutes } from './console-catalogue.ts';
import { consoleDeskRoutes } from './console-desk.ts';
import { consoleKnowledgeRoutes } from './console-knowledge.ts';
import { consoleOutboxRoutes } from './console-outbox.ts';
import { bulkAbilities, consoleTeamRoutes } from './console-team.ts';
import { consoleUssdRoutes } from './console-ussd.ts';
import { sendAsset } from './portal.ts';

/**
 * The staff console (docs/console.md): server-rendered pages for officers, agents, supervisors and
 * the clearing house, over the same core functions and access policy as the API. Forms post as
 * browsers post them; every page works without JavaScript.
 */
export async function consoleRoutes(app: App, deps: AppDeps): Promise<void> {
  await app.register(async (scope) => {
    acceptFormBodies(scope, 64 * 1024);
    scope.addHook('onRequest', async (request) => refuseCrossSitePosts(request));
    const console = scope as unknown as App;
    const counter = new ViewCounter(deps.db);
    // Whoever changed a case sees their team's counts fresh on the page they come back to.
    scope.addHook('onResponse', async (request) => {
      if (request.method === 'POST' && request.principal?.kind === 'staff') counter.forget(request.principal);
    });

    // Signed out: to the sign-in page, coming back here after. Anything else: a page that says what.
    scope.setErrorHandler(async (error, request, reply) => {
      const language = portalLanguage(request, reply);
      if (error instanceof AppError && error.code === 'unauthenticated') {
        // A form posted after the session ended goes back to its page once signed in again.
        const next = request.method === 'GET' ? request.url : pageOf(request.url);
        const expired = request.method === 'GET' ? '' : '&expired=1';
        return reply.redirect(`/console/sign-in?next=${encodeURIComponent(next)}${expired}`, 303);
      }
      if (error instanceof AppError && error.code === 'forbidden' && request.sessionScope === 'enrol_totp') {
        return reply.redirect('/console/enrol', 303);
      }
      const common = translator(language);
      const status =
        error instanceof AppError
          ? STATUS[error.code]
          : ((error as { statusCode?: number }).statusCode ?? 500);
      const words =
        error instanceof AppError
          ? error.code === 'not_found'
            ? ct(language)('problem.not_found_body')
            : error.key
              ? common(
                  error.key.id.includes('.') ? error.key.id : `errors.${error.key.id}`,
                  error.key.values ?? {},
                )
              : common(`errors.${error.code}`)
          : status === 429
            ? common('errors.rate_limited')
            : status < 500
              ? common('portal.problem.bad_request')
              : common('portal.problem.server_body');
      if (status >= 500) request.log.error({ err: error }, 'console page failed');
      return sendPage(
        request,
        reply,
        problemPage(consoleContext(deps, request, language), words, status),
        status,
      );
    });

    console.get<{ Params: { name: string } }>(
      '/console/assets/:name',
      { schema: { hide: true } },
      async (request, reply) => {
        const asset = CONSOLE_ASSETS[request.params.name];
        if (!asset) throw new AppError('not_found', 'No such file');
        return sendAsset(request, reply, asset, 'public, max-age=31536000, immutable');
      },
    );

    signInRoutes(console, deps);
    queueRoutes(console, deps, counter);
    consoleCaseRoutes(console, deps);
    consoleDeskRoutes(console, deps);
    consoleTeamRoutes(console, deps);
    consoleAdminRoutes(console, deps);
    consoleCatalogueRoutes(console, deps);
    consoleKnowledgeRoutes(console, deps);
    consoleOutboxRoutes(console, deps);
    consoleUssdRoutes(console, deps, app);
  });
}

/** The signed-in person, for the pages: a person, not an API key, with the full session scope. */
export async function staffOf(
  deps: AppDeps,
  request: FastifyRequest,
): Promise<Principal & { kind: 'staff' }> {
  await deps.guards.requireStaff({ people: true })(request, undefined as unknown as FastifyReply);
  const principal = request.principal;
  if (principal?.kind !== 'staff') throw new AppError('unauthenticated', 'Sign in first');
  return principal;
}

export function consoleContext(deps: AppDeps, request: FastifyRequest, language: Language): ConsoleContext {
  const principal = request.principal;
  const path = request.method === 'GET' ? request.url : pageOf(request.url);
  if (principal?.kind !== 'staff') return { language, path, user: null };
  const agency = principal.agencyId ? deps.reference.agencyById(principal.agencyId) : undefined;
  return {
    language,
    path,
    user: {
      name: principal.name,
      role: principal.role,
      agencyName: agency ? (language === 'sw' && agency.nameSw) || agency.name : null,
    },
  };
}

/** A page answering a post names, for the language switch, the page the form was on. */
function pageOf(url: string): string {
  const onCase = /^\/console\/cases\/(\d{11})/.exec(url);
  return onCase ? `/console/cases/${onCase[1]}` : '/console';
}

function problemPage(ctx: ConsoleContext, words: string, status: number): string {
  const t = ct(ctx.language);
  const title = t(
    status === 404 ? 'problem.not_found' : status === 403 ? 'problem.forbidden' : 'problem.title',
  );
  return consolePage(ctx, {
    title,
    body: html`<h1>${title}</h1><p>${words}</p><p><a href="/console">${t('case.back')}</a></p>`,
  });
}

const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: 'auto' as const };

/** Only a path inside the console, so the sign-in page cannot send anyone elsewhere. */
function safeNext(next: string | undefined): string {
  return next && /^\/console(\/|\?|$)/.test(next) && !next.includes('//') ? next : '/console';
}

function signInRoutes(app: App, deps: AppDeps): void {
  app.get('/console/sign-in', { schema: { hide: true } }, async (request, reply) => {
    const language = portalLanguage(request, reply);
    const query = request.query as Record<string, unknown>;
    const t = ct(language);
    const notice =
      query.everywhere === '1'
        ? t('sign_in.everywhere')
        : query.expired === '1'
          ? t('sign_in.expired')
          : undefined;
    return sendPage(
      request,
      reply,
      renderSignIn(consoleContext(deps, request, language), {
        next: typeof query.next === 'string' ? query.next : undefined,
        ...(notice ? { notice } : {}),
      }),
    );
  });

  app.post(
    '/console/sign-in',
    { schema: { hide: true }, config: { rateLimit: deps.config.rateLimits.login } },
    async (request, reply) => {
      const language = portalLanguage(request, reply);
      const form = await readForm(request);
      const email = fieldOf(form, 'email');
      const next = fieldOf(form, 'next') || undefined;
      const errors: FieldError[] = [];
      if (!email) errors.push({ field: 'email', key: '!console.sign_in.email_missing' });
      if (!fieldOf(form, 'password'))
        errors.push({ field: 'password', key: '!console.sign_in.password_missing' });
      const code = fieldOf(form, 'totpCode').replace(/\s/g, '');
      if (code && !/^\d{6}$/.test(code))
        errors.push({ field: 'totpCode', key: '!console.sign_in.totp_format' });
      const again = (problems: FieldError[], status: number) =>
        sendPage(
          request,
          reply,
          renderSignIn(consoleContext(deps, request, language), { email, next, errors: problems }),
          status,
        );
      if (errors.length > 0) return again(errors, 400);
      try {
        const signed = await signIn(
          deps,
          { email, password: String(form.body.password ?? ''), totpCode: code || undefined },
          { ip: request.ip, userAgent: request.headers['user-agent'] },
        );
        reply.setCookie(SESSION_COOKIE, signed.token, { ...cookieOptions, expires: signed.expiresAt });
        return reply.redirect(signed.scope === 'enrol_totp' ? '/console/enrol' : safeNext(next), 303);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (error.code === 'locked') return again([{ field: 'email', key: '!console.sign_in.locked' }], 423);
        if (error.code === 'totp_required') {
          return again([{ field: 'totpCode', key: '!console.sign_in.totp_needed' }], 401);
        }
        if (error.code === 'unauthenticated' || error.code === 'invalid_input') {
          // One message for every wrong part, so the form does not say which part was right.
          return again([{ field: 'password', key: '!console.sign_in.wrong' }], 401);
        }
        throw error;
      }
    },
  );

  app.get('/console/enrol', { schema: { hide: true } }, async (request, reply) => {
    const language = portalLanguage(request, reply);
    await deps.guards.requireStaff({ people: true, allowEnrolment: true })(request, reply);
    const principal = request.principal;
    if (principal?.kind !== 'staff') throw new AppError('unauthenticated', 'Sign in first');
    const user = await deps.db
      .selectFrom('staffUsers')
      .select('email')
      .where('id', '=', principal.userId)
      .executeTakeFirstOrThrow();
    const started = await startTotpEnrolment(deps.db, principal.userId, user.email);
    return sendPage(request, reply, renderEnrol(consoleContext(deps, request, language), started));
  });

  app.post('/console/enrol', { schema: { hide: true } }, async (request, reply) => {
    const language = portalLanguage(request, reply);
    await deps.guards.requireStaff({ people: true, allowEnrolment: true })(request, reply);
    const principal = request.principal;
    if (principal?.kind !== 'staff') throw new AppError('unauthenticated', 'Sign in first');
    const form = await readForm(request);
    try {
      await confirmTotpEnrolment(
        deps.db,
        principal.userId,
        request.cookies[SESSION_COOKIE] ?? '',
        fieldOf(form, 'code'),
      );
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error;
      // The secret shown stays the one in force for enrolment: show it again with the error.
      const user = await deps.db
        .selectFrom('staffUsers')
        .select(['email', 'totpSecret'])
        .where('id', '=', principal.userId)
        .executeTakeFirstOrThrow();
      const page = renderEnrol(consoleContext(deps, request, language), {
        secret: user.totpSecret ?? '',
        uri: `otpauth://totp/Baraza:${encodeURIComponent(user.email)}?secret=${user.totpSecret}&issuer=Baraza`,
        errors: [{ field: 'code', key: '!console.enrol.wrong' }],
      });
      return sendPage(request, reply, page, 400);
    }
    return reply.redirect('/console', 303);
  });

  app.post('/console/sign-out', { schema: { hide: true } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await signOut(deps.db, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/console/sign-in', 303);
  });

  app.post('/console/sign-out-everywhere', { schema: { hide: true } }, async (request, reply) => {
    const principal = await staffOf(deps, request);
    await signOutEverywhere(deps.db, principal.userId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/console/sign-in?everywhere=1', 303);
  });
}

function queueRoutes(app: App, deps: AppDeps, counter: ViewCounter): void {
  app.get('/console', { schema: { hide: true } }, async (request, reply) => {
    const principal = await staffOf(deps, request);
    const [first] = viewsFor(principal);
    return reply.redirect(first ? `/console/queue?view=${first}` : '/console/admin', 303);
  });

  app.get('/console/queue', { schema: { hide: true } }, async (request, reply) => {
    const language = portalLanguage(request, reply);
    const principal = await staffOf(deps, request);
    const views = viewsFor(principal);
    const raw = request.query as Record<string, unknown>;
    const text = (name: string, max = 200) => {
      const value = raw[name];
      return typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : undefined;
    };
    const asked = text('view');
    const view = views.includes(asked as QueueView) ? (asked as QueueView) : views[0];
    if (!view)
      throw new AppError('forbidden', 'Your role works no queue').translatable('console.problem.no_queue');
    const query: QueueQuery = { view };
    for (const name of [
      'status',
      'type',
      'channel',
      'priority',
      'county',
      'q',
      'from',
      'to',
      'cursor',
    ] as const) {
      query[name] = text(name, name === 'cursor' ? 400 : 200);
    }
    const errors: FieldError[] = [];
    const now = deps.now();
    const filters: QueueFilters = { ...viewFilters(view, principal, now) };
    const pick = <T extends string>(
      name: 'status' | 'type' | 'channel' | 'priority',
      allowed: readonly T[],
    ) => {
      const value = query[name];
      if (value === undefined) return undefined;
      if (allowed.includes(value as T)) return value as T;
      errors.push({ field: `q-${name}`, key: '!console.filters.invalid', values: { value } });
      query[name] = undefined;
      return undefined;
    };
    const status = pick('status', CASE_STATUSES);
    if (status && filters.status && !filters.status.includes(status)) {
      errors.push({ field: 'q-status', key: '!console.filters.not_in_view' });
      query.status = undefined;
    } else if (status) filters.status = [status];
    filters.type = pick('type', CASE_TYPES);
    filters.channel = pick('channel', CHANNELS);
    filters.priority = pick('priority', PRIORITIES);
    if (query.county) filters.county = deps.reference.county(query.county)?.code;
    if (query.q) filters.q = query.q;
    const date = (name: 'from' | 'to') => {
      const value = query[name];
      if (!value) return undefined;
      const at = /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? new Date(`${value}T00:00:00+03:00`)
        : new Date(Number.NaN);
      if (Number.isNaN(at.getTime())) {
        errors.push({ field: `q-${name}`, key: '!console.filters.invalid', values: { value } });
        query[name] = undefined;
        return undefined;
      }
      // "To" includes the whole day.
      return name === 'to' ? new Date(at.getTime() + 86_400_000) : at;
    };
    filters.from = date('from');
    filters.to = date('to');
    let page: Awaited<ReturnType<typeof listQueue>>;
    try {
      page = await listQueue(deps.db, principal, filters, { limit: 50, cursor: query.cursor, sort: 'due' });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error;
      // A cursor that is not ours: the first page, with a word about it.
      errors.push({ field: 'q-q', key: '!console.queue.bad_cursor' });
      query.cursor = undefined;
      page = await listQueue(deps.db, principal, filters, { limit: 50, sort: 'due' });
    }
    const abilities = bulkAbilities(principal);
    if (raw.saveError === 'name' || raw.saveError === 'full') {
      errors.push({ field: 'view-name', key: `!console.saved.problems.${raw.saveError}` });
    }
    const [counts, colleagues, saved] = await Promise.all([
      counter.count(principal, now),
      abilities.assign && principal.agencyId
        ? deps.db
            .selectFrom('staffUsers')
            .select(['id', 'name'])
            .where('agencyId', '=', principal.agencyId)
            .where('active', '=', true)
            .where('role', '<>', 'sysadmin')
            .orderBy('name')
            .execute()
        : [],
      listSavedViews(deps.db, principal.userId),
    ]);
    // What a bulk action did, said on the page it came back to.
    const bulk =
      typeof raw.done === 'string'
        ? ct(language)('bulk.done', { done: Number(raw.done) || 0, refused: Number(raw.refused) || 0 })
        : raw.bulk === 'none' || raw.bulk === 'unknown'
          ? ct(language)(`bulk.${raw.bulk}`)
          : typeof raw.moved === 'string' && /^\d{11}$/.test(raw.moved)
            ? ct(language)('queue.moved', { reference: formatReference(raw.moved) })
            : undefined;
    return sendPage(
      request,
      reply,
      renderQueue(consoleContext(deps, request, language), {
        bulk: { ...abilities, colleagues, flash: bulk },
        saved,
        query,
        views,
        counts,
        items: page.items,
        nextCursor: page.nextCursor,
        now,
        reference: deps.reference,
        errors,
      }),
      errors.length > 0 ? 400 : 200,
    );
  });

  // Saved views: the queue's filters under a name, for this person.
  app.post('/console/views', { schema: { hide: true } }, async (request, reply) => {
    const principal = await staffOf(deps, request);
    const posted = await readForm(request);
    const field = (name: string) => {
      const value = posted.body[name];
      return typeof value === 'string' ? value : '';
    };
    const query = field('query').slice(0, 2000);
    try {
      await saveView(deps.db, principal.userId, field('name'), query, deps.now());
    } catch (error) {
      if (!(error instanceof AppError) || !['invalid_input', 'conflict'].includes(error.code)) throw error;
      const problem = error.code === 'conflict' ? 'full' : 'name';
      const back = new URLSearchParams(query);
      back.set('saveError', problem);
      return reply.redirect(`/console/queue?${back.toString()}`, 303);
    }
    return reply.redirect(`/console/queue?${new URLSearchParams(query).toString()}`, 303);
  });
  app.post<{ Params: { id: string } }>(
    '/console/views/:id/delete',
    { schema: { hide: true } },
    async (request, reply) => {
      const principal = await staffOf(deps, request);
      await deleteView(deps.db, principal.userId, request.params.id);
      const posted = await readForm(request);
      const back =
        typeof posted.body.back === 'string' && /^\/console\/queue\?[^#]*$/.test(posted.body.back)
          ? posted.body.back
          : '/console/queue';
      return reply.redirect(back, 303);
    },
  );

  // The live counts the queue page's script asks for every half minute.
  app.get('/console/counts', { schema: { hide: true } }, async (request, reply) => {
    const principal = await staffOf(deps, request);
    const counts = await counter.count(principal, deps.now());
    return reply.header('cache-control', 'no-store').send(counts);
  });
}
