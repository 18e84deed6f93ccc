import { Type } from 'typebox';
import type { Principal } from '../../core/access/principal.ts';
import { countHotspots } from '../../core/triage/count-hotspots.ts';
import {
  type DuplicateSuggestion,
  findDuplicatesForDraft,
  findLikelyDuplicates,
} from '../../core/triage/find-likely-duplicates.ts';
import type { authGuards } from '../authenticate.ts';
import type { App, AppDeps } from '../build-app.ts';
import { closed, literals, Nullable, ReferenceParams, StatusSchema, Text, withErrors } from '../schemas.ts';

const Suggestion = Type.Object({
  reference: Type.String(),
  status: StatusSchema,
  agencyCode: Nullable(Type.String()),
  countyCode: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  similarity: Type.Number({ description: 'Cosine similarity of the two texts, 0 to 1' }),
  reason: literals(['same_citizen', 'same_place_and_service'] as const),
  summary: Type.String(),
});

const Suggestions = Type.Object({ suggestions: Type.Array(Suggestion) });

const DraftBody = Type.Object(
  {
    text: Text(5000),
    phone: Type.Optional(Text(40)),
    county: Type.Optional(Text(40)),
    agencyCode: Type.Optional(Text(20)),
    serviceCode: Type.Optional(Text(80)),
  },
  closed,
);

const Cluster = Type.Object({
  countyCode: Type.String(),
  countyName: Type.String(),
  agencyCode: Nullable(Type.String()),
  topic: Nullable(
    Type.Object({
      kind: literals(['category', 'service'] as const),
      code: Nullable(Type.String()),
      name: Type.String(),
    }),
  ),
  count: Type.Integer(),
  openCount: Type.Integer(),
  baseline: Type.Number(),
  surge: Type.Boolean(),
  similarCount: Type.Integer(),
  examples: Type.Array(Type.String()),
});

const present = (s: DuplicateSuggestion) => ({ ...s, createdAt: s.createdAt.toISOString() });

/** Likely duplicates of a case or of a case about to be logged, and hotspots of reports. */
export function duplicateRoutes(app: App, deps: AppDeps, guards: ReturnType<typeof authGuards>): void {
  const tags = ['staff: duplicates'];
  const preHandler = guards.requireStaff();
  const who = (principal: Principal | null): Principal => {
    if (!principal) throw new Error('unreachable: guarded route');
    return principal;
  };

  app.get(
    '/api/v1/staff/cases/:reference/duplicates',
    {
      preHandler,
      schema: {
        tags,
        summary:
          "Likely duplicates of a case: the same citizen's cases within 30 days, or the same agency, county and service within 14 days, with similar text",
        params: ReferenceParams,
        response: withErrors({ 200: Type.Object({ reference: Type.String(), ...Suggestions.properties }) }),
      },
    },
    async (request) => {
      const found = await findLikelyDuplicates(deps.db, who(request.principal), request.params.reference);
      return { reference: found.reference, suggestions: found.suggestions.map(present) };
    },
  );

  app.post(
    '/api/v1/staff/duplicates/check',
    {
      preHandler,
      schema: {
        tags,
        summary:
          "Before logging a case: likely duplicates among the caller's recent cases (by phone) and recent cases of the same agency, county and service",
        body: DraftBody,
        response: withErrors({ 200: Suggestions }),
      },
    },
    async (request) => {
      const suggestions = await findDuplicatesForDraft(deps, who(request.principal), request.body);
      return { suggestions: suggestions.map(present) };
    },
  );

  app.get(
    '/api/v1/staff/hotspots',
    {
      preHandler,
      schema: {
        tags,
        summary:
          'Clusters of recent reports by county, agency and topic, against the previous four windows; surges first',
        querystring: Type.Object(
          { days: Type.Integer({ minimum: 1, maximum: 30, default: 7, description: 'The window, in days' }) },
          closed,
        ),
        response: withErrors({
          200: Type.Object({
            from: Type.String({ format: 'date-time' }),
            to: Type.String({ format: 'date-time' }),
            days: Type.Integer(),
            clusters: Type.Array(Cluster),
          }),
        }),
      },
    },
    async (request) => {
      const report = await countHotspots(deps.db, who(request.principal), {
        days: request.query.days,
        now: deps.now(),
      });
      return { ...report, from: report.from.toISOString(), to: report.to.toISOString() };
    },
  );
}
