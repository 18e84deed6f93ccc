import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, type FieldProblem } from '../core/errors.ts';
import { pickLanguage, translator } from '../i18n/index.ts';

export const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  invalid_reference: 400,
  not_found: 404,
  unauthenticated: 401,
  totp_required: 401,
  forbidden: 403,
  conflict: 409,
  invalid_transition: 409,
  transfer_limit: 409,
  rate_limited: 429,
  locked: 423,
};

export interface ErrorBody {
  error: { code: string; message: string; details: unknown };
}

/**
 * The only place that turns errors into HTTP: AppError by its code, Fastify's own request errors
 * (validation, JSON, size, media type) into the same shape, and anything else into a 500 that
 * says nothing about the inside. Messages are in the language the request asked for.
 */
export function installErrorHandling(
  app: FastifyInstance,
  /** What a browser asking for a page gets at an address that has none (the portal's page). */
  pageNotFound?: (request: FastifyRequest, reply: FastifyReply) => unknown,
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const t = translator(languageOf(request));
    if (error instanceof AppError) {
      const message = error.key ? t(catalogueKey(error.key.id), error.key.values ?? {}) : error.message;
      return sendError(reply, STATUS[error.code], error.code, message, error.details);
    }
    if (error.validation) {
      const problems: FieldProblem[] = error.validation.map((v) => ({
        field: fieldOf(error.validationContext, v.instancePath, v.params),
        problem: v.message ?? 'is not valid',
      }));
      const list = problems.map((p) => `${p.field} ${p.problem}`).join('; ');
      return sendError(reply, 400, 'invalid_input', t('errors.invalid_input', { problems: list }), problems);
    }
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendError(reply, 400, 'malformed_json', t('errors.malformed_json'), { reason: error.message });
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, 413, 'payload_too_large', t('errors.payload_too_large'), {});
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(reply, 415, 'unsupported_media_type', t('errors.unsupported_media_type'), {});
    }
    if (error instanceof SyntaxError || error.statusCode === 400) {
      return sendError(reply, 400, 'malformed_json', t('errors.malformed_json'), {});
    }
    if (error.statusCode === 429) return sendError(reply, 429, 'rate_limited', t('errors.rate_limited'), {});
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, error.statusCode, 'bad_request', t('errors.bad_request'), {});
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, 500, 'internal', t('errors.internal'), {});
  });

  app.setNotFoundHandler((request, reply) => {
    const wantsPage =
      request.method === 'GET' &&
      !request.url.startsWith('/api/') &&
      /\btext\/html\b/.test(String(request.headers.accept ?? ''));
    if (wantsPage && pageNotFound) return pageNotFound(request, reply);
    return sendError(reply, 404, 'not_found', translator(languageOf(request))('errors.route_not_found'), {
      method: request.method,
      url: request.url.split('?')[0],
    });
  });
}

export function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  details: unknown,
) {
  return reply.status(status).send({ error: { code, message, details } } satisfies ErrorBody);
}

/** A bare key ('proof_mismatch') is one of the common errors; a dotted one ('signIn.errors.expired') is used as it is. */
const catalogueKey = (id: string) => (id.includes('.') ? id : `errors.${id}`);

export function languageOf(request: FastifyRequest): 'en' | 'sw' {
  const query = request.query as Record<string, unknown> | undefined;
  const lang = typeof query?.lang === 'string' ? query.lang : undefined;
  return pickLanguage(lang, request.headers['accept-language']);
}

/** Names the field an ajv error is about, as a dotted path a person can read: citizen.phone. */
function fieldOf(context: string | undefined, instancePath: string, params: Record<string, unknown>): string {
  const path = instancePath.replace(/^\//, '').replaceAll('/', '.');
  const child = (params.missingProperty ?? params.additionalProperty) as string | undefined;
  const full = [path, child].filter(Boolean).join('.');
  const part = context === 'body' ? '' : `${context ?? ''}:`;
  return full ? `${part}${full}` : context || 'body';
}
