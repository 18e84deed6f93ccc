import { Type } from 'typebox';
import type { Principal } from '../../core/access/principal.ts';
import { getCaseDetail } from '../../core/cases/get-case-detail.ts';
import { listQueue } from '../../core/cases/list-queue.ts';
import { mergeCases } from '../../core/cases/merge-cases.ts';
import { formatReference, parseReference } from '../../core/cases/reference.ts';
import {
  addInternalNote,
  assignCase,
  changePriority,
  changeStatus,
  respondToCitizen,
} from '../../core/cases/staff-actions.ts';
import { transferCase } from '../../core/cases/transfer-case.ts';
import { UUID_PATTERN } from '../../core/ids.ts';
import { describeCaseClocks } from '../../core/sla/describe-clocks.ts';
import { getCaseTriage } from '../../core/triage/get-case-triage.ts';
import { routeCase } from '../../core/triage/route-case.ts';
import type { App, AppDeps } from '../build-app.ts';
import { languageOf } from '../handle-errors.ts';
import {
  CaseTypeSchema,
  ChannelSchema,
  closed,
  literals,
  Nullable,
  PrioritySchema,
  ReferenceParams,
  StatusSchema,
  Text,
  withErrors,
} from '../schemas.ts';
import { ClockSchema, clockOut } from './sla.ts';

const QueueItem = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  type: CaseTypeSchema,
  channel: ChannelSchema,
  status: StatusSchema,
  priority: PrioritySchema,
  agencyCode: Nullable(Type.String()),
  queue: Type.String(),
  sealed: Type.Boolean(),
  countyCode: Nullable(Type.String()),
  assigneeId: Nullable(Type.String()),
  summary: Type.String(),
  escalationLevel: Type.String(),
  nextDueAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

const QueueQuery = Type.Object(
  {
    status: Type.Optional(Type.Array(StatusSchema, { maxItems: 9 })),
    type: Type.Optional(CaseTypeSchema),
    channel: Type.Optional(ChannelSchema),
    priority: Type.Optional(PrioritySchema),
    county: Type.Optional(Type.String({ pattern: '^\\d{2}$' })),
    serviceId: Type.Optional(Text(80)),
    assignee: Type.Optional(
      Type.String({
        pattern: `^(me|none|${UUID_PATTERN})$`,
        description: "'me', 'none' or a staff member's id",
      }),
    ),
    sealed: Type.Optional(Type.Boolean()),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    q: Type.Optional(Text(200)),
    sort: Type.Optional(
      literals(['due', 'newest'] as const, {
        description:
          'due (default): open cases by next due time, most overdue first, then the rest newest first',
      }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
    cursor: Type.Optional(Text(200)),
  },
  closed,
);

const CaseTriageSchema = Type.Object({
  reference: Type.String(),
  modelVersion: Nullable(Type.String()),
  decidedAt: Nullable(Type.String({ format: 'date-time' })),
  reasons: Type.Array(Type.String(), {
    description: 'why, in the language asked for (Accept-Language or ?lang=)',
  }),
  decision: Nullable(
    Type.Any({
      description:
        'agency, suggestions, route, type, urgent, priority, language (each with confidence and source), rules matched, reasons',
    }),
  ),
  suggestions: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      confidence: Type.Number(),
      onboarded: Type.Boolean(),
    }),
  ),
  directory: Type.Array(Type.Object({ agencyId: Type.String(), name: Type.String(), score: Type.Number() })),
});

const CaseDetailSchema = Type.Object({
  case: Type.Record(Type.String(), Type.Unknown()),
  citizen: Nullable(Type.Record(Type.String(), Type.Unknown())),
  timeline: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  clocks: Type.Array(ClockSchema, {
    description: 'every SLA clock: due, remaining, paused, met or breached',
  }),
});

const Done = Type.Object({ reference: Type.String() }, { additionalProperties: true });

export function staffCaseRoutes(app: App, deps: AppDeps, guards: AppDeps['guards']): void {
  const tags = ['staff: cases'];
  const preHandler = guards.requireStaff();
  const who = (principal: Principal | null): Principal => {
    if (!principal) throw new Error('unreachable: guarded route');
    return principal;
  };

  app.get(
    '/api/v1/staff/cases',
    {
      preHandler,
      schema: {
        tags,
        summary:
          'List the cases you may see, by next due time or newest first, with filters and keyset paging',
        querystring: QueueQuery,
        response: withErrors({
          200: Type.Object({ items: Type.Array(QueueItem), nextCursor: Nullable(Type.String()) }),
        }),
      },
    },
    async (request) => {
      const { limit, cursor, sort, from, to, ...filters } = request.query;
      const page = await listQueue(
        deps.db,
        who(request.principal),
        { ...filters, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined },
        { limit, cursor, sort },
      );
      return {
        items: page.items.map((i) => ({
          ...i,
          nextDueAt: i.nextDueAt?.toISOString() ?? null,
          createdAt: i.createdAt.toISOString(),
          updatedAt: i.updatedAt.toISOString(),
        })),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    '/api/v1/staff/cases/:reference',
    {
      preHandler,
      schema: {
        tags,
        summary: 'A case with its full timeline, public and internal',
        params: ReferenceParams,
        response: withErrors({ 200: CaseDetailSchema }),
      },
    },
    async (request) => {
      const detail = await getCaseDetail(deps.db, who(request.principal), request.params.reference);
      const clocks = await describeCaseClocks(deps.db, deps.sla, detail.case.id, deps.now());
      return {
        ...detail,
        clocks: clocks.map(clockOut),
        case: { ...detail.case, referenceDisplay: formatReference(detail.case.reference) },
      };
    },
  );

  app.get(
    '/api/v1/staff/cases/:reference/triage',
    {
      preHandler,
      schema: {
        tags,
        summary:
          'How the case was triaged: predictions, confidences, model version, reasons; and route or referral suggestions',
        params: ReferenceParams,
        response: withErrors({ 200: CaseTriageSchema }),
      },
    },
    async (request) => {
      const triage = await getCaseTriage(
        deps,
        who(request.principal),
        request.params.reference,
        languageOf(request),
      );
      return { ...triage, decidedAt: triage.decidedAt?.toISOString() ?? null };
    },
  );

  const action = <B>(
    path: string,
    summary: string,
    body: ReturnType<typeof Type.Object>,
    run: (principal: Principal, reference: string, body: B) => Promise<object>,
  ) =>
    app.post(
      `/api/v1/staff/cases/:reference/${path}`,
      {
        preHandler,
        schema: { tags, summary, params: ReferenceParams, body, response: withErrors({ 200: Done }) },
      },
      async (request) => {
        const result = await run(who(request.principal), request.params.reference, request.body as B);
        return { reference: parseReference(request.params.reference), ...result };
      },
    );

  action<{ userId?: string | null }>(
    'assign',
    'Claim the case (no userId), give it to a colleague (supervisors), or unassign it (userId null)',
    Type.Object({ userId: Type.Optional(Nullable(Type.String({ pattern: `^${UUID_PATTERN}$` }))) }, closed),
    (p, ref, body) => assignCase(deps, p, ref, body.userId),
  );
  action<{ message: string }>(
    'notes',
    'Add an internal note (never shown to the citizen)',
    Type.Object({ message: Text(5000) }, closed),
    (p, ref, body) => addInternalNote(deps, p, ref, body.message),
  );
  action<{ message: string }>(
    'responses',
    'Respond to the citizen (public)',
    Type.Object({ message: Text(5000) }, closed),
    (p, ref, body) => respondToCitizen(deps, p, ref, body.message),
  );
  action<{
    status: 'acknowledged' | 'in_progress' | 'awaiting_citizen' | 'resolved' | 'closed';
    message?: string;
  }>(
    'status',
    'Change the status; resolving or asking the citizen for information needs a message, shown to them',
    Type.Object(
      {
        status: literals(['acknowledged', 'in_progress', 'awaiting_citizen', 'resolved', 'closed'] as const),
        message: Type.Optional(Text(5000)),
      },
      closed,
    ),
    (p, ref, body) => changeStatus(deps, p, ref, body.status, body.message),
  );
  action<{ priority: 'P1' | 'P2' | 'P3' | 'P4'; reason: string }>(
    'priority',
    'Change the priority, with the reason',
    Type.Object({ priority: PrioritySchema, reason: Text(1000) }, closed),
    (p, ref, body) => changePriority(deps, p, ref, body.priority, body.reason),
  );
  action<{ agencyCode: string; reason: string }>(
    'transfer',
    'Transfer a misdirected case to the agency that should own it (at most 3 times; then the clearing-house supervisor decides)',
    Type.Object({ agencyCode: Text(20), reason: Text(1000) }, closed),
    (p, ref, body) => transferCase(deps, p, ref, body.agencyCode, body.reason),
  );
  action<{ agencyCode: string; reason?: string }>(
    'route',
    'Route a case from the clearing house to the agency that should own it (not counted as a transfer; teaches the classifier)',
    Type.Object({ agencyCode: Text(20), reason: Type.Optional(Text(1000)) }, closed),
    (p, ref, body) => routeCase(deps, p, ref, body.agencyCode, body.reason),
  );
  action<{ intoReference: string; reason?: string }>(
    'merge',
    'Merge this case, a duplicate, into another case',
    Type.Object({ intoReference: Text(40), reason: Type.Optional(Text(1000)) }, closed),
    (p, ref, body) => mergeCases(deps, p, ref, body.intoReference, body.reason),
  );
}
