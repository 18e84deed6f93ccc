import type { FastifyInstance } from 'fastify';

/**
 * Lets the routes of a (scoped) instance take bodies as an HTML form posts them (urlencoded), so
 * pages work without any script. Only the routes registered on this instance accept them.
 */
export function acceptFormBodies(
  instance: Pick<FastifyInstance, 'addContentTypeParser'>,
  bodyLimit = 16 * 1024,
) {
  instance.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
}
