import { type TSchema, Type } from 'typebox';
import { CASE_STATUSES, CASE_TYPES, CHANNELS, PRIORITIES, STAFF_ROLES } from '../db/schema.ts';

/** Shared request and response schemas. Every object is closed: unknown fields are errors. */
export const closed = { additionalProperties: false } as const;

/** A string enum that keeps its literal type for the handlers and reads as `enum` in OpenAPI. */
export const literals = <T extends readonly string[]>(values: T, options: { description?: string } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

export const CaseTypeSchema = literals(CASE_TYPES);
export const ChannelSchema = literals(CHANNELS);
export const StatusSchema = literals(CASE_STATUSES);
export const PrioritySchema = literals(PRIORITIES);
export const RoleSchema = literals(STAFF_ROLES);
export const LanguageSchema = Type.Union([Type.Literal('en'), Type.Literal('sw')]);

export const Text = (maxLength: number, minLength = 1) => Type.String({ minLength, maxLength });

export const ErrorSchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Unknown(),
  }),
});

/** Error responses every route may give, so the OpenAPI document lists them. */
export function withErrors<T extends Record<number, TSchema>>(responses: T) {
  return {
    ...responses,
    400: ErrorSchema,
    401: ErrorSchema,
    403: ErrorSchema,
    404: ErrorSchema,
    409: ErrorSchema,
    429: ErrorSchema,
  };
}

export const ReferenceParams = Type.Object(
  { reference: Type.String({ maxLength: 40, description: 'The case reference, e.g. 4827-3925-648' }) },
  closed,
);

export const AgencySummary = Type.Object({
  code: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
});

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
