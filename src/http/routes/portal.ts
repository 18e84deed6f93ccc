import fastifyMultipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.ts';
import { translator } from '../../i18n/index.ts';
import { ASSETS, manifest, SERVICE_WORKER } from '../../web/portal/assets.ts';
import { renderHome, renderOffline, renderProblem } from '../../web/portal/home-pages.ts';
import { tr } from '../../web/portal/layout.ts';
import type { App, AppDeps } from '../build-app.ts';
import { acceptFormBodies } from '../form-bodies.ts';
import { STATUS } from '../handle-errors.ts';
import { MULTIPART_OPTIONS, portalContext, portalLanguage, sendPage } from '../portal-support.ts';
import { refuseCrossSitePosts } from '../same-origin.ts';
import { portalFeedbackRoutes } from './portal-feedback.ts';
import { portalHelpRoutes } from './portal-help.ts';
import { portalMyCasesRoutes, signedIn } from './portal-my-cases.ts';
import { portalTrackRoutes } from './portal-track.ts';

/**
 * The citizen portal: server-rendered pages in English and Kiswahili that work without
 * JavaScript (docs/portal.md). Forms post as browsers post them; files come as multipart.
 */
export async function portalRoutes(app: App, deps: AppDeps): Promise<void> {
  await app.register(async (portal) => {
    acceptFormBodies(portal, 64 * 1024);
    await portal.register(fastifyMultipart, MULTIPART_OPTIONS);
    const typed = portal as unknown as App;
    portal.addHook('onRequest', async (request) => refuseCrossSitePosts(request));

    // A page, never JSON and never a stack trace, whatever went wrong.
    portal.setErrorHandler(async (error, request, reply) => {
      const language = portalLanguage(request, reply);
      const ctx = portalContext(deps, request, language);
      const common = translator(language);
      if (error instanceof AppError) {
        const status = STATUS[error.code];
        const words =
          error.code === 'not_found'
            ? tr(language)('problem.not_found_body')
            : error.key
              ? common(
                  error.key.id.includes('.') ? error.key.id : `errors.${error.key.id}`,
                  error.key.values ?? {},
                )
              : common(`errors.${error.code}`);
        return sendPage(request, reply, renderProblem(ctx, words, status), status);
      }
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 429) {
        return sendPage(request, reply, renderProblem(ctx, common('errors.rate_limited'), 429), 429);
      }
      if (status && status >= 400 && status < 500) {
        return sendPage(
          request,
          reply,
          renderProblem(ctx, tr(language)('problem.bad_request'), status),
          status,
        );
      }
      request.log.error({ err: error }, 'portal page failed');
      return sendPage(request, reply, renderProblem(ctx, tr(language)('problem.server_body'), 500), 500);
    });

    typed.get('/', { schema: { hide: true } }, async (request, reply) => {
      const language = portalLanguage(request, reply);
      const who = (await signedIn(deps, request)) ? tr(language)('my.title') : null;
      return sendPage(request, reply, renderHome(portalContext(deps, request, language, who)));
    });
    typed.get('/offline', { schema: { hide: true } }, async (request, reply) => {
      const language = portalLanguage(request, reply);
      return sendPage(request, reply, renderOffline(portalContext(deps, request, language)));
    });
    typed.get('/manifest.webmanifest', { schema: { hide: true } }, async (request, reply) => {
      const language = portalLanguage(request, reply);
      return reply
        .header('content-type', 'application/manifest+json; charset=utf-8')
        .header('cache-control', 'public, max-age=86400')
        .send(manifest(language, tr(language)('home.lead')));
    });
    typed.get('/sw.js', { schema: { hide: true } }, async (request, reply) => {
      return sendAsset(request, reply, SERVICE_WORKER, 'no-cache');
    });
    typed.get<{ Params: { name: string } }>(
      '/portal/assets/:name',
      { schema: { hide: true } },
      async (request, reply) => {
        const asset = ASSETS[request.params.name];
        if (!asset) throw new AppError('not_found', 'No such file');
        return sendAsset(
          request,
          reply,
          asset,
          asset.immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=86400',
        );
      },
    );

    portalFeedbackRoutes(typed, deps);
    portalHelpRoutes(typed, deps);
    portalTrackRoutes(typed, deps);
    portalMyCasesRoutes(typed, deps);
  });
}

/** The portal's "page not found", for any address a browser asks a page of that has none. */
export function sendNotFoundPage(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const language = portalLanguage(request, reply);
  const ctx = portalContext(deps, request, language, null, '/');
  return sendPage(request, reply, renderProblem(ctx, tr(language)('problem.not_found_body'), 404), 404);
}

export function sendAsset(
  request: { headers: Record<string, string | string[] | undefined> },
  reply: FastifyReply,
  asset: (typeof ASSETS)[string] & object,
  cacheControl: string,
) {
  reply
    .header('content-type', asset.type)
    .header('cache-control', cacheControl)
    .header('vary', 'accept-encoding');
  reply.header('x-content-type-options', 'nosniff');
  if (
    /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')) &&
    asset.gzip.length < asset.body.length
  ) {
    return reply.header('content-encoding', 'gzip').send(asset.gzip);
  }
  return reply.send(asset.body);
}
