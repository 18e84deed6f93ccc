import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/errors.ts';

/*
 * Two validators: bodies are checked exactly as sent (a number sent as "5" is an error, an unknown
 * field is an error, never silently dropped), while query strings and path parameters, which are
 * always text on the wire, are coerced to the declared types.
 */
export function installValidation(app: FastifyInstance): void {
  const base: Options = { allErrors: true, strict: false, useDefaults: true, removeAdditional: false };
  const body = withInstants(addFormats.default(new Ajv({ ...base, coerceTypes: false })));
  const other = withInstants(addFormats.default(new Ajv({ ...base, coerceTypes: 'array' })));
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? body.compile(schema) : other.compile(schema),
  );
}

/**
 * RFC 3339 allows a leap second (23:59:60), which JavaScript's Date cannot represent: such a value
 * passed `date-time` and became an Invalid Date deep in a query (a 500). A date-time must also be
 * an instant JavaScript can hold.
 */
function withInstants(ajv: Ajv): Ajv {
  const rfc3339 = fullFormats['date-time'] as {
    validate: (text: string) => boolean;
    compare: (a: string, b: string) => number | undefined;
  };
  return ajv.addFormat('date-time', {
    validate: (text: string) => rfc3339.validate(text) && Number.isFinite(Date.parse(text)),
    compare: rfc3339.compare,
  });
}

/**
 * PostgreSQL text cannot hold U+0000, and jsonb cannot hold half of a surrogate pair (broken
 * UTF-16, as "\ud800" in JSON), so either would fail deep in the database as a 500. Refuse both
 * first, naming the field.
 */
export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [
      ['body', request.body],
      ['query', request.query],
      ['params', request.params],
    ] as const) {
      const field = nulField(value, part === 'body' ? '' : `${part}:`);
      if (field !== undefined) {
        throw new AppError(
          'invalid_input',
          `${field || part}: contains a NUL character or broken Unicode, which is not allowed`,
          [
            {
              field: field || part,
              problem: 'contains a NUL character or broken Unicode, which is not allowed',
            },
          ],
        ).translatable('unstorable_text');
      }
    }
  });
}

function nulField(value: unknown, path: string): string | undefined {
  if (typeof value === 'string')
    return value.includes('\u0000') || LONE_SURROGATE.test(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = nulField(child, path && !path.endsWith(':') ? `${path}.${key}` : `${path}${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

const LONE_SURROGATE = /\p{Cs}/u;
