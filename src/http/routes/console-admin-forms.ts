import type { FastifyReply, FastifyRequest } from 'fastify';
import { roleOf } from '../../core/access/principal.ts';
import { AppError } from '../../core/errors.ts';
import type { Language } from '../../db/schema.ts';
import { ct } from '../../web/console/layout.ts';
import type { FieldError } from '../../web/portal/layout.ts';
import type { AppDeps } from '../build-app.ts';
import { portalLanguage, readForm } from '../portal-support.ts';
import { staffOf } from './console.ts';

type Staff = Awaited<ReturnType<typeof staffOf>>;
/** The administrator on a page: who, in which language, and whether they administer the system. */
export type Who = { principal: Staff; language: Language; sysadmin: boolean };
/** Shows an administration page, with what was typed and its problems after a refused post. */
export type Show = (
  request: FastifyRequest<{ Params: { id?: string } }>,
  reply: FastifyReply,
  who: Who,
  extra?: { values?: Record<string, string>; errors?: FieldError[] },
  status?: number,
) => Promise<unknown>;

/** The console's administration pages are left out of the API's OpenAPI document. */
export const hidden = { schema: { hide: true } };

/**
 * What every administration page shares: reading a posted form, the word after a change, the
 * administrator check, and the post-redirect-get of a form with its problems shown in place.
 */
export function adminForms(deps: AppDeps) {
  const fields = async (request: FastifyRequest) => {
    const posted = await readForm(request);
    const form: Record<string, string> = {};
    for (const [key, value] of Object.entries(posted.body)) {
      const text = Array.isArray(value) ? value[0] : value;
      if (typeof text === 'string') form[key] = text.trim();
    }
    return form;
  };
  const flashOf = (request: FastifyRequest, language: Language) => {
    const done = (request.query as Record<string, unknown>).done;
    return typeof done === 'string' && /^[a-z_]{1,20}$/.test(done)
      ? ct(language)(`admin.done.${done}`, { defaultValue: '' }) || undefined
      : undefined;
  };
  /** Runs a page for an administrator: the language, the person, and their own refusal if not one. */
  const admin =
    (
      run: (
        request: FastifyRequest<{ Params: { id?: string } }>,
        reply: FastifyReply,
        who: { principal: Staff; language: Language; sysadmin: boolean },
      ) => Promise<unknown>,
    ) =>
    async (request: FastifyRequest<{ Params: { id?: string } }>, reply: FastifyReply) => {
      const language = portalLanguage(request, reply);
      const principal = await staffOf(deps, request);
      const role = roleOf(principal);
      if (role !== 'sysadmin' && role !== 'agency_admin')
        throw new AppError('forbidden', 'Only administrators may do this');
      return run(request, reply, { principal, language, sysadmin: role === 'sysadmin' });
    };
  /**
   * A form's post: do it, then back to its page with a word; or, with the form's problems (found
   * here or refused by the core), the page again with what was typed (400).
   */
  const save = (
    page: string,
    show: Show,
    done: string,
    act: (form: Record<string, string>, who: Who, id: string) => Promise<FieldError[] | undefined>,
  ) =>
    admin(async (request, reply, who) => {
      const form = await fields(request);
      let errors: FieldError[] | undefined;
      try {
        errors = await act(form, who, request.params.id ?? '');
      } catch (error) {
        // Another agency's account or template answers as missing.
        if (error instanceof AppError && error.code === 'not_found') throw error;
        errors = problemsOf(error);
      }
      if (errors && errors.length > 0) return show(request, reply, who, { values: form, errors }, 400);
      return reply.redirect(`${page}${page.includes('?') ? '&' : '?'}done=${done}`, 303);
    });

  return { admin, save, flashOf, hidden, fields };
}

/** A core refusal as the form's field errors, in the reader's language where we have the words. */
export function problemsOf(error: unknown): FieldError[] {
  if (!(error instanceof AppError) || !['invalid_input', 'conflict', 'forbidden'].includes(error.code))
    throw error;
  if (error.code !== 'invalid_input')
    return [{ field: 'name', key: `!console.admin.problems.${error.code}` }];
  const details = Array.isArray(error.details) ? error.details : [];
  const first = details[0]?.field;
  return details.map((d) => ({
    field: d.field,
    key:
      error.key && d.field === first
        ? `!${error.key.id}`
        : `!console.admin.problems.${KNOWN_FIELDS.includes(d.field) ? d.field : 'invalid_input'}`,
    values: error.key?.values ?? {},
  }));
}

/** Fields whose problems have their own words (console-*.json admin.problems). */
const KNOWN_FIELDS = [
  'name',
  'email',
  'password',
  'role',
  'agencyCode',
  'calendarId',
  'bodyEn',
  'bodySw',
  'code',
  'nameSw',
  'url',
];
