import { Type } from 'typebox';
import { actorOf, type Principal } from '../../core/access/principal.ts';
import { CLEARING_HOUSE } from '../../core/agencies/reference-cache.ts';
import { AppError } from '../../core/errors.ts';
import {
  activateModel,
  getModel,
  listModels,
  type ModelSummary,
  startRetraining,
} from '../../core/triage/manage-models.ts';
import {
  deleteRule,
  listRules,
  type RuleDraft,
  reorderRules,
  type StoredRule,
  saveRule,
  setClearingThreshold,
} from '../../core/triage/manage-rules.ts';
import { CASE_TYPES, CHANNELS } from '../../db/schema.ts';
import type { App, AppDeps } from '../build-app.ts';
import { closed, literals, Nullable, PrioritySchema, Text, withErrors } from '../schemas.ts';

/*
 * Administration of triage: rules, the clearing-house threshold, model versions. For system
 * administrators and the clearing house's supervisors and administrators, who see every
 * misdirected case and so know best where the rules go wrong.
 */

const RuleId = Type.String({
  pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
  description: 'lower-case letters, digits and dashes',
});

const Conditions = Type.Object(
  {
    keywords: Type.Optional(Type.Array(Text(100), { maxItems: 200 })),
    keywordsMatch: Type.Optional(literals(['any', 'all'] as const)),
    services: Type.Optional(Type.Array(Text(120), { maxItems: 100 })),
    counties: Type.Optional(Type.Array(Text(40), { maxItems: 47 })),
    channels: Type.Optional(Type.Array(literals(CHANNELS), { maxItems: CHANNELS.length })),
    types: Type.Optional(Type.Array(literals(CASE_TYPES), { maxItems: CASE_TYPES.length })),
  },
  closed,
);
const Actions = Type.Object(
  {
    agency: Type.Optional(Text(20)),
    queue: Type.Optional(literals(['main', 'supervisor'] as const)),
    priority: Type.Optional(PrioritySchema),
    urgent: Type.Optional(Type.Boolean()),
    sealed: Type.Optional(Type.Boolean()),
    type: Type.Optional(literals(CASE_TYPES)),
  },
  closed,
);
const RuleBody = Type.Object(
  {
    name: Text(200),
    enabled: Type.Optional(Type.Boolean()),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    conditions: Conditions,
    actions: Actions,
  },
  closed,
);
const RuleSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  enabled: Type.Boolean(),
  position: Type.Integer(),
  conditions: Conditions,
  actions: Actions,
  updatedAt: Type.String({ format: 'date-time' }),
});
const ModelSchema = Type.Object({
  version: Type.String(),
  source: Type.String(),
  status: Type.String(),
  active: Type.Boolean(),
  examples: Nullable(Type.Integer()),
  createdAt: Type.String({ format: 'date-time' }),
  activatedAt: Nullable(Type.String({ format: 'date-time' })),
  error: Nullable(Type.String()),
  evaluation: Nullable(
    Type.Any({
      description:
        'accuracy, macro-F1, per-class precision/recall and confusion per head, on the held-out dev split',
    }),
  ),
});

const ruleOut = (rule: StoredRule) => ({ ...rule, updatedAt: rule.updatedAt.toISOString() });
const modelOut = (m: ModelSummary) => ({
  ...m,
  createdAt: m.createdAt.toISOString(),
  activatedAt: m.activatedAt?.toISOString() ?? null,
});

function assertTriageAdmin(principal: Principal | null): asserts principal is Principal {
  if (principal?.kind !== 'staff') throw new AppError('forbidden', 'Only administrators may change triage');
  if (principal.role === 'sysadmin') return;
  if (principal.agencyCode === CLEARING_HOUSE && ['supervisor', 'agency_admin'].includes(principal.role))
    return;
  throw new AppError(
    'forbidden',
    'Only system administrators and clearing-house supervisors may change triage',
  );
}

export function triageAdminRoutes(app: App, deps: AppDeps, guards: AppDeps['guards']): void {
  const tags = ['triage'];
  const preHandler = [
    guards.requireStaff({ people: true }),
    async (request: { principal: Principal | null }) => assertTriageAdmin(request.principal),
  ];
  const reload = () => deps.triage.reload(deps.db);

  app.get(
    '/api/v1/admin/triage/rules',
    {
      preHandler,
      schema: {
        tags,
        summary: 'The triage rules, in the order they are tried',
        response: withErrors({
          200: Type.Object({ rules: Type.Array(RuleSchema), clearingThreshold: Type.Number() }),
        }),
      },
    },
    async () => ({
      rules: (await listRules(deps.db)).map(ruleOut),
      clearingThreshold: deps.triage.clearingThreshold,
    }),
  );

  app.put(
    '/api/v1/admin/triage/rules/:id',
    {
      preHandler,
      schema: {
        tags,
        summary: 'Create or replace a rule',
        description:
          'The first rule to decide something (agency, priority, queue, sealed handling, type, urgency) decides it.',
        params: Type.Object({ id: RuleId }, closed),
        body: RuleBody,
        response: withErrors({ 200: RuleSchema }),
      },
    },
    async (request) => {
      const rule = await saveRule(
        deps,
        actorOf(request.principal as Principal),
        request.params.id,
        request.body as RuleDraft,
      );
      await reload();
      return ruleOut(rule);
    },
  );

  app.delete(
    '/api/v1/admin/triage/rules/:id',
    {
      preHandler,
      schema: {
        tags,
        summary: 'Delete a rule',
        params: Type.Object({ id: RuleId }, closed),
        response: withErrors({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      await deleteRule(deps, actorOf(request.principal as Principal), request.params.id);
      await reload();
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/v1/admin/triage/rule-order',
    {
      preHandler,
      schema: {
        tags,
        summary: 'Reorder the rules: every rule id, first to last',
        body: Type.Object({ ids: Type.Array(RuleId, { maxItems: 1000 }) }, closed),
        response: withErrors({ 200: Type.Object({ rules: Type.Array(RuleSchema) }) }),
      },
    },
    async (request) => {
      await reorderRules(deps, actorOf(request.principal as Principal), request.body.ids);
      await reload();
      return { rules: (await listRules(deps.db)).map(ruleOut) };
    },
  );

  app.put(
    '/api/v1/admin/triage/threshold',
    {
      preHandler,
      schema: {
        tags,
        summary:
          'Set the clearing-house threshold: below this agency confidence, a case goes to the clearing house',
        body: Type.Object({ threshold: Type.Number({ minimum: 0, maximum: 1 }) }, closed),
        response: withErrors({ 200: Type.Object({ threshold: Type.Number() }) }),
      },
    },
    async (request) => {
      await setClearingThreshold(deps, actorOf(request.principal as Principal), request.body.threshold);
      await reload();
      return { threshold: deps.triage.clearingThreshold };
    },
  );

  app.get(
    '/api/v1/admin/triage/models',
    {
      preHandler,
      schema: {
        tags,
        summary: 'Model versions, newest first, with their evaluation',
        response: withErrors({ 200: Type.Object({ models: Type.Array(ModelSchema) }) }),
      },
    },
    async () => ({ models: (await listModels(deps.db)).map(modelOut) }),
  );

  app.get(
    '/api/v1/admin/triage/models/:version',
    {
      preHandler,
      schema: {
        tags,
        summary: 'One model version and its evaluation report',
        params: Type.Object({ version: Text(80) }, closed),
        response: withErrors({ 200: ModelSchema }),
      },
    },
    async (request) => modelOut(await getModel(deps.db, request.params.version)),
  );

  app.post(
    '/api/v1/admin/triage/models',
    {
      preHandler,
      schema: {
        tags,
        summary: 'Retrain: a new version from the corpus and every routing, transfer and referral so far',
        description:
          'Answers at once (202); the version is "training" until it is "ready" with its evaluation, or "failed". It is not activated.',
        response: withErrors({
          202: Type.Object({ version: Type.String(), status: Type.Literal('training') }),
        }),
      },
    },
    async (request, reply) => {
      const { version, finished } = await startRetraining(deps, actorOf(request.principal as Principal));
      finished.catch((error: unknown) => request.log.error({ err: error }, 'retraining failed'));
      return reply.status(202).send({ version, status: 'training' as const });
    },
  );

  app.post(
    '/api/v1/admin/triage/models/:version/activate',
    {
      preHandler,
      schema: {
        tags,
        summary: 'Make this version the one that triages new cases',
        params: Type.Object({ version: Text(80) }, closed),
        response: withErrors({ 200: ModelSchema }),
      },
    },
    async (request) => {
      await activateModel(deps, actorOf(request.principal as Principal), request.params.version);
      await reload();
      return modelOut(await getModel(deps.db, request.params.version));
    },
  );
}
