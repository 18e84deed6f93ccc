import type { FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.ts';

/**
 * Refuses a form post that another site made a browser send (cross-site request forgery): the
 * browser's own Sec-Fetch-Site says so, or the Origin it names is not this host. A post with
 * neither header (an old browser, curl, a gateway) is let through: the cookies a forgery would
 * ride on are SameSite=Lax and are not sent with another site's post anyway; this is the second lock.
 */
export function refuseCrossSitePosts(request: FastifyRequest): void {
  if (request.method !== 'POST') return;
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  // A browser that sends Fetch Metadata says it all: a proxy rewriting Host cannot confuse it.
  // Older browsers send only Origin, compared with the host the request was made to.
  const crossSite =
    typeof site === 'string'
      ? site === 'cross-site' || site === 'same-site'
      : typeof origin === 'string' && !sameHost(origin, request.host);
  if (crossSite) {
    throw new AppError('forbidden', 'A form from another website cannot be sent here').translatable(
      'portal.problem.cross_site',
    );
  }
}

/**
 * `request.host` is the Host header, or X-Forwarded-Host behind a trusted proxy. Origin leaves out
 * a default port that Host may name ("localhost:80"): both are read as URLs of the origin's scheme.
 */
function sameHost(origin: string, host: string): boolean {
  try {
    const from = new URL(origin);
    return from.host === new URL(`${from.protocol}//${host}`).host;
  } catch {
    return false;
  }
}
