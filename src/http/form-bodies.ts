import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/errors.ts';

/** No page has more than a few dozen fields; a body with thousands is not a form. */
export const MAX_FORM_FIELDS = 300;

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
    (_request, body, done) => {
      try {
        done(null, formFields(new URLSearchParams(body as string)));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
}

/**
 * A form's fields; a name given more than once (several files, several choices) keeps every value.
 * Linear in the number of fields, and refused past MAX_FORM_FIELDS, so no body can tie up the
 * server; no prototype, so a field called "__proto__" is only a field.
 */
export function formFields(params: Iterable<[string, string]>): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null);
  let count = 0;
  for (const [name, value] of params) {
    count += 1;
    if (count > MAX_FORM_FIELDS) {
      throw new AppError('invalid_input', `A form has at most ${MAX_FORM_FIELDS} fields`).translatable(
        'too_many_fields',
        { max: MAX_FORM_FIELDS },
      );
    }
    const existing = fields[name];
    if (existing === undefined) fields[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else fields[name] = [existing, value];
  }
  return fields;
}
