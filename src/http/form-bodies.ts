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
    (_request, body, done) => done(null, formFields(new URLSearchParams(body as string))),
  );
}

/** A form's fields; a name given more than once (several files, several choices) keeps every value. */
export function formFields(params: Iterable<[string, string]>): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const existing = fields[name];
    fields[name] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return fields;
}
