import { Type } from 'typebox';
import { rateCase, reopenCase, replyToCase, withdrawCase } from '../../core/cases/citizen-follow-ups.ts';
import { formatReference, parseReference } from '../../core/cases/reference.ts';
import { submitCase } from '../../core/cases/submit-case.ts';
import { trackCase } from '../../core/cases/track-case.ts';
import type { CaseStatus } from '../../db/schema.ts';
import { translator } from '../../i18n/index.ts';
import type { App, AppDeps } from '../build-app.ts';
import { languageOf } from '../handle-errors.ts';
import {
  AgencySummary,
  CaseTypeSchema,
  closed,
  LanguageSchema,
  Nullable,
  PrioritySchema,
  ReferenceParams,
  StatusSchema,
  Text,
  withErrors,
} from '../schemas.ts';

const Pin = Type.String({
  pattern: '^\\s*\\d{6}\\s*$',
  description: 'The 6-digit tracking PIN given with the reference',
});

const SubmitBody = Type.Object(
  {
    type: Type.Optional(CaseTypeSchema),
    channel: Type.Optional(Type.Union([Type.Literal('web'), Type.Literal('api')], { default: 'api' })),
    description: Text(5000),
    title: Type.Optional(Text(200)),
    language: Type.Optional(LanguageSchema),
    agencyCode: Type.Optional(Text(20)),
    serviceCode: Type.Optional(Text(80)),
    categoryCode: Type.Optional(Text(80)),
    county: Type.Optional(Text(40)),
    subCounty: Type.Optional(Text(100)),
    ward: Type.Optional(Text(100)),
    location: Type.Optional(
      Type.Object(
        {
          latitude: Type.Number({ minimum: -90, maximum: 90 }),
          longitude: Type.Number({ minimum: -180, maximum: 180 }),
        },
        closed,
      ),
    ),
    attachments: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Text(255),
            contentType: Text(100),
            size: Type.Integer({ minimum: 0, maximum: 20 * 1024 * 1024 }),
          },
          closed,
        ),
        { maxItems: 10 },
      ),
    ),
    anonymous: Type.Optional(Type.Boolean()),
    citizen: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Text(120)),
          phone: Type.Optional(Text(30)),
          email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
          language: Type.Optional(LanguageSchema),
        },
        closed,
      ),
    ),
  },
  closed,
);

const Submitted = Type.Object({
  reference: Type.String(),
  referenceDisplay: Type.String(),
  pin: Type.String({ description: 'Needed to follow up, and to track an anonymous case' }),
  status: StatusSchema,
  type: CaseTypeSchema,
  priority: PrioritySchema,
  anonymous: Type.Boolean(),
  agency: AgencySummary,
  createdAt: Type.String({ format: 'date-time' }),
  resolveBy: Nullable(
    Type.String({
      format: 'date-time',
      description: 'when the agency must resolve it, by its service standard',
    }),
  ),
  trackUrl: Type.String(),
});

const PublicCaseSchema = Type.Object({
  reference: Type.String(),
  referenceDisplay: Type.String(),
  type: CaseTypeSchema,
  status: StatusSchema,
  statusText: Type.String(),
  priority: PrioritySchema,
  anonymous: Type.Boolean(),
  agency: AgencySummary,
  service: Nullable(AgencySummary),
  county: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  resolvedAt: Nullable(Type.String({ format: 'date-time' })),
  nextDueAt: Nullable(
    Type.String({
      format: 'date-time',
      description: 'when the agency next owes you an answer, by its service standard',
    }),
  ),
  rating: Nullable(Type.Integer()),
  timeline: Type.Array(
    Type.Object({
      at: Type.String({ format: 'date-time' }),
      kind: Type.String(),
      status: Type.Optional(StatusSchema),
      message: Type.Optional(Type.String()),
      agency: Type.Optional(Type.String()),
      rating: Type.Optional(Type.Integer()),
    }),
  ),
});

const StatusResult = Type.Object({ reference: Type.String(), status: StatusSchema });

export function publicCaseRoutes(app: App, deps: AppDeps): void {
  const tags = ['citizens'];

  app.post(
    '/api/v1/cases',
    {
      config: { rateLimit: deps.config.rateLimits.submit },
      schema: {
        tags,
        summary: 'Submit a case',
        description:
          'Send the same Idempotency-Key again (for example after a lost response) and the first submission is returned, never a second case.',
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        }),
        body: SubmitBody,
        response: withErrors({ 200: Submitted, 201: Submitted }),
      },
    },
    async (request, reply) => {
      const body = request.body;
      const result = await submitCase(
        deps,
        { ...body, channel: body.channel ?? 'api' },
        request.headers['idempotency-key'],
      );
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      reply.status(result.replayed ? 200 : 201);
      const language = languageOf(request);
      return {
        reference: result.reference,
        referenceDisplay: formatReference(result.reference),
        pin: result.pin,
        status: result.status,
        type: result.type,
        priority: result.priority,
        anonymous: result.anonymous,
        agency: {
          code: result.agency.code,
          name: (language === 'sw' && result.agency.nameSw) || result.agency.name,
        },
        createdAt: result.createdAt.toISOString(),
        resolveBy: result.resolveBy?.toISOString() ?? null,
        trackUrl: `/api/v1/cases/${result.reference}`,
      };
    },
  );

  app.get(
    '/api/v1/cases/:reference',
    {
      config: { rateLimit: deps.config.rateLimits.track },
      schema: {
        tags,
        summary: 'Track a case: its public status and timeline',
        description:
          'An anonymous case or a corruption report needs its PIN, in the X-Tracking-PIN header (preferred) or the pin parameter. Without the PIN a named case shows its status and how it moved, but not the messages on its timeline. Ten wrong PINs in an hour lock the case to every PIN for the rest of the hour (423).',
        params: ReferenceParams,
        querystring: Type.Object({ pin: Type.Optional(Pin), lang: Type.Optional(LanguageSchema) }, closed),
        headers: Type.Object({ 'x-tracking-pin': Type.Optional(Pin) }),
        response: withErrors({ 200: PublicCaseSchema }),
      },
    },
    async (request) => {
      const language = languageOf(request);
      const pin = request.headers['x-tracking-pin'] ?? request.query.pin;
      const found = await trackCase(deps, request.params.reference, pin, language);
      return {
        ...found,
        referenceDisplay: formatReference(found.reference),
        statusText: statusText(language, found.status),
        createdAt: found.createdAt.toISOString(),
        updatedAt: found.updatedAt.toISOString(),
        resolvedAt: found.resolvedAt?.toISOString() ?? null,
        nextDueAt: found.nextDueAt?.toISOString() ?? null,
        timeline: found.timeline.map((entry) => ({ ...entry, at: entry.at.toISOString() })),
      };
    },
  );

  const followUp = <B extends Record<string, unknown>>(
    path: string,
    summary: string,
    body: ReturnType<typeof Type.Object>,
    act: (proof: { reference: string; pin: string }, body: B) => Promise<{ status: CaseStatus }>,
  ) =>
    app.post(
      `/api/v1/cases/:reference/${path}`,
      {
        config: { rateLimit: deps.config.rateLimits.track },
        schema: { tags, summary, params: ReferenceParams, body, response: withErrors({ 200: StatusResult }) },
      },
      async (request) => {
        const input = request.body as B & { pin: string };
        const proof = { reference: request.params.reference, pin: input.pin };
        const { status } = await act(proof, input);
        return { reference: parseReference(proof.reference), status };
      },
    );

  followUp<{ message: string }>(
    'replies',
    'Answer a request for information, or add information to an open case',
    Type.Object({ pin: Pin, message: Text(5000) }, closed),
    (proof, body) => replyToCase(deps, proof, body.message),
  );
  followUp<{ rating: number; comment?: string }>(
    'rating',
    'Rate how the case was resolved, 1 (poor) to 5 (excellent)',
    Type.Object(
      { pin: Pin, rating: Type.Integer({ minimum: 1, maximum: 5 }), comment: Type.Optional(Text(2000)) },
      closed,
    ),
    (proof, body) => rateCase(deps, proof, body.rating, body.comment),
  );
  followUp<{ reason: string }>(
    'reopen',
    `Reopen a resolved or closed case, within the reopening window`,
    Type.Object({ pin: Pin, reason: Text(2000) }, closed),
    (proof, body) => reopenCase(deps, proof, body.reason),
  );
  followUp<{ reason?: string }>(
    'withdraw',
    'Withdraw an open case',
    Type.Object({ pin: Pin, reason: Type.Optional(Text(2000)) }, closed),
    (proof, body) => withdrawCase(deps, proof, body.reason),
  );
}

const statusTexts = new Map<string, string>();

/** The words for a status, looked up once per language: they never change while running. */
function statusText(language: 'en' | 'sw', status: CaseStatus): string {
  const key = `${language}:${status}`;
  let text = statusTexts.get(key);
  if (text === undefined) {
    text = translator(language)(`status.${status}`);
    statusTexts.set(key, text);
  }
  return text;
}
