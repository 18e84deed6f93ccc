import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/*
 * Two validators: bodies are checked exactly as sent (a number sent as "5" is an error, an unknown
 * field is an error, never silently dropped), while query strings and path parameters, which are
 * always text on the wire, are coerced to the declared types.
 */
export function installValidation(app: FastifyInstance): void {
  const base: Options = { allErrors: true, strict: false, useDefaults: true, removeAdditional: false };
  const body = addFormats.default(new Ajv({ ...base, coerceTypes: false }));
  const other = addFormats.default(new Ajv({ ...base, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? body.compile(schema) : other.compile(schema),
  );
}
