import { gzipSync } from 'node:zlib';
import type {} from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ReceivedFile } from '../core/attachments/accept-upload.ts';
import { UPLOAD_LIMITS } from '../core/attachments/accept-upload.ts';
import type { Language } from '../db/schema.ts';
import { pickLanguage } from '../i18n/index.ts';
import type { FormBody } from '../web/portal/feedback-flow.ts';
import type { FieldError, PortalContext } from '../web/portal/layout.ts';
import type { AppDeps } from './build-app.ts';
import { formFields } from './form-bodies.ts';

export const LANGUAGE_COOKIE = 'baraza_lang';
export const PROOF_COOKIE = 'baraza_proof';
export const CITIZEN_COOKIE = 'baraza_citizen';

export const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: 'auto' as const };

/*
 * Pages carry no third-party anything: every script, style, image and form target is this origin.
 * Nothing inline, so the policy needs no 'unsafe-inline'. Referrer only to ourselves: a tracking
 * page's address holds a case reference.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

/** The citizen's language: asked for in the address (and then remembered), remembered, or the browser's. */
export function portalLanguage(request: FastifyRequest, reply: FastifyReply, chosen?: string): Language {
  const query = request.query as Record<string, unknown> | undefined;
  const asked = chosen ?? (typeof query?.lang === 'string' ? query.lang : undefined);
  if (asked === 'en' || asked === 'sw') {
    reply.setCookie(LANGUAGE_COOKIE, asked, { ...cookieOptions, maxAge: 365 * 86_400 });
    return asked;
  }
  const remembered = request.cookies[LANGUAGE_COOKIE];
  if (remembered === 'en' || remembered === 'sw') return remembered;
  return pickLanguage(undefined, request.headers['accept-language']);
}

export function portalContext(
  deps: Pick<AppDeps, 'config'>,
  request: FastifyRequest,
  language: Language,
  signedIn: string | null = null,
  /** Where the language switch leads: a page answering a form post names a page that can be got. */
  switchPath?: string,
): PortalContext {
  return {
    language,
    path: switchPath ?? pageToGet(request),
    signedIn,
    ussdCode: deps.config.portal.ussdCode,
    smsNumber: deps.config.portal.smsNumber,
  };
}

/**
 * The address of what a page shows, for the language switch: a GET's own; for a page answering a
 * post, the page the form was on (a case's actions answer with the case, sign-in steps with My
 * cases), since following a link to an action's address would GET nothing.
 */
function pageToGet(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '/';
  if (request.method === 'GET') return path;
  const onCase = /^\/track\/([0-9-]{11,13})(?:\/|$)/.exec(path);
  if (onCase) return `/track/${onCase[1]}`;
  if (path === '/track' || path.startsWith('/my-cases')) return path === '/track' ? '/track' : '/my-cases';
  return '/';
}

/** Sends a page, compressed when the browser takes gzip: on 2G every kilobyte is a second. */
export function sendPage(request: FastifyRequest, reply: FastifyReply, page: string, status = 200) {
  reply.status(status).headers(SECURITY_HEADERS).header('content-type', 'text/html; charset=utf-8');
  // Pages may show a PIN or a citizen's own case: never stored by a shared phone's browser cache.
  reply.header('cache-control', 'no-store').header('vary', 'accept-encoding, cookie');
  if (page.length > 1024 && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
    return reply.header('content-encoding', 'gzip').send(gzipSync(page, { level: 6 }));
  }
  return reply.send(page);
}

export { SECURITY_HEADERS };

export interface PostedForm {
  body: FormBody;
  files: ReceivedFile[];
  /** Something about the files themselves that the citizen must fix (too many). */
  problem?: FieldError;
}

/**
 * Reads a posted form, urlencoded or multipart. Files are read up to the size limit and marked as
 * cut off beyond it (the rest of the stream is drained, not stored), so a huge file gets a clear
 * answer instead of a dropped connection.
 */
export async function readForm(request: FastifyRequest): Promise<PostedForm> {
  // Scopes without the multipart plugin (the console) take urlencoded forms only.
  if (typeof request.isMultipart !== 'function' || !request.isMultipart()) {
    return { body: cleanFields(request.body), files: [] };
  }
  const pairs: [string, string][] = [];
  const files: ReceivedFile[] = [];
  let problem: FieldError | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const chunks: Buffer[] = [];
        for await (const chunk of part.file) chunks.push(chunk as Buffer);
        if (part.filename) {
          files.push({ name: part.filename, bytes: Buffer.concat(chunks), truncated: part.file.truncated });
        }
      } else {
        pairs.push([part.fieldname, String(part.value)]);
      }
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') {
      problem = { field: 'files', key: 'files_too_many', values: { max: UPLOAD_LIMITS.maxFiles } };
    } else if (code === 'FST_REQ_FILE_TOO_LARGE') {
      problem = {
        field: 'files',
        key: 'files_too_large',
        values: { mb: UPLOAD_LIMITS.maxBytes / 1048576, name: '' },
      };
    } else {
      problem = { field: 'files', key: 'files_unreadable' };
    }
  }
  const cleaned = cleanFields(formFields(pairs));
  return problem ? { body: cleaned, files, problem } : { body: cleaned, files };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/*
 * Only text fields, and no control characters but line breaks and tabs: whatever a page or a
 * crafted request sends (a JSON body, a NUL byte that PostgreSQL refuses), the routes see strings.
 */
function cleanFields(body: unknown): FormBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  const clean = (value: unknown) =>
    typeof value === 'string'
      ? value.replace(LONE_SURROGATE, '\uFFFD').replace(CONTROL_CHARACTERS, '')
      : undefined;
  const fields: FormBody = Object.create(null);
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value)) {
      const strings = value.map(clean).filter((v): v is string => v !== undefined);
      if (strings.length > 0) fields[name] = strings;
    } else {
      const text = clean(value);
      if (text !== undefined) fields[name] = text;
    }
  }
  return fields;
}

/** One field of a form, trimmed: the first value when it was given more than once. */
export function fieldOf(form: PostedForm, name: string): string {
  const value = form.body[name];
  return ((Array.isArray(value) ? value[0] : value) ?? '').trim();
}

export const MULTIPART_OPTIONS = {
  throwFileSizeLimit: false,
  limits: {
    fileSize: UPLOAD_LIMITS.maxBytes,
    files: UPLOAD_LIMITS.maxFiles,
    fields: 80,
    fieldSize: 64 * 1024,
    parts: 100,
  },
};
