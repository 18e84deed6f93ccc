import { can } from '../../core/access/case-policy.ts';
import { parseReference } from '../../core/cases/reference.ts';
import { assignCase, changePriority, changeStatus } from '../../core/cases/staff-actions.ts';
import {
  assertSupervises,
  type BulkOutcome,
  eachCase,
  qualitySample,
  reassignFrom,
  teamWorkload,
} from '../../core/console/team.ts';
import { AppError } from '../../core/errors.ts';
import { listNotifications, markNotificationRead } from '../../core/staff/list-notifications.ts';
import { type CaseStatus, PRIORITIES, type Priority } from '../../db/schema.ts';
import { ct } from '../../web/console/layout.ts';
import { BULK_STATUSES } from '../../web/console/queue-pages.ts';
import { renderNotifications, renderTeam } from '../../web/console/team-pages.ts';
import type { FieldError } from '../../web/portal/layout.ts';
import type { App, AppDeps } from '../build-app.ts';
import { portalLanguage, readForm, sendPage } from '../portal-support.ts';
import { consoleContext, staffOf } from './console.ts';

/** Supervision (workload, bulk reassignment, quality review), bulk actions, notifications. */
export function consoleTeamRoutes(app: App, deps: AppDeps): void {
  const fieldsOf = async (request: Parameters<typeof readForm>[0]) => {
    const posted = await readForm(request);
    const one: Record<string, string> = {};
    const many: Record<string, string[]> = {};
    for (const [key, value] of Object.entries(posted.body)) {
      const list = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
      many[key] = list.map((v) => v.trim());
      if (list[0] !== undefined) one[key] = list[0].trim();
    }
    return { one, many };
  };
  const summary = (outcome: BulkOutcome) => `done=${outcome.done.length}&refused=${outcome.refused.length}`;

  const showTeam = async (
    request: Parameters<typeof consoleContext>[1],
    reply: Parameters<typeof sendPage>[1],
    extra: { errors?: FieldError[]; values?: Record<string, string> } = {},
    status = 200,
  ) => {
    const language = portalLanguage(request, reply);
    const principal = await staffOf(deps, request);
    const now = deps.now();
    const [workload, sample] = await Promise.all([
      teamWorkload(deps.db, principal, now),
      qualitySample(deps.db, principal, now),
    ]);
    const query = request.query as Record<string, unknown>;
    const count = (name: string) => (typeof query[name] === 'string' ? Number(query[name]) || 0 : null);
    const done = count('done');
    return sendPage(
      request,
      reply,
      renderTeam(consoleContext(deps, request, language), {
        workload,
        sample,
        now,
        moved: done === null ? undefined : { done, refused: count('refused') ?? 0 },
        errors: extra.errors,
        values: extra.values,
      }),
      status,
    );
  };

  app.get('/console/team', { schema: { hide: true } }, (request, reply) => showTeam(request, reply));

  // A person's open cases (or only the late ones) given to a colleague, one assignment each.
  app.post('/console/team/reassign', { schema: { hide: true } }, async (request, reply) => {
    const principal = await staffOf(deps, request);
    assertSupervises(principal);
    const { one } = await fieldsOf(request);
    const errors: FieldError[] = [];
    if (!one.fromUserId) errors.push({ field: 'fromUserId', key: '!console.team.problems.from' });
    if (!one.toUserId || one.toUserId === one.fromUserId)
      errors.push({ field: 'toUserId', key: '!console.team.problems.to' });
    if (errors.length > 0) return showTeam(request, reply, { errors, values: one }, 400);
    try {
      const outcome = await reassignFrom(deps, principal, {
        fromUserId: one.fromUserId as string,
        toUserId: one.toUserId as string,
        onlyLate: one.onlyLate === '1',
      });
      return reply.redirect(`/console/team?${summary(outcome)}#reassign`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error;
      return showTeam(
        request,
        reply,
        { errors: [{ field: 'toUserId', key: '!console.team.problems.to' }], values: one },
        400,
      );
    }
  });

  // The queue page's bulk actions: each chosen case in turn, with its own checks and event.
  app.post('/console/bulk', { schema: { hide: true } }, async (request, reply) => {
    const principal = await staffOf(deps, request);
    const { one, many } = await fieldsOf(request);
    const back = /^\/console\/queue(\?[^#]*)?$/.test(one.back ?? '')
      ? (one.back as string)
      : '/console/queue';
    const references = (many.refs ?? []).filter((r) => /^\d{11}$/.test(r)).map(parseReference);
    const go = (outcome: string) => reply.redirect(`${back}${back.includes('?') ? '&' : '?'}${outcome}`, 303);
    if (references.length === 0) return go('bulk=none');
    const action = one.bulkAction;
    let outcome: BulkOutcome;
    if (action === 'claim') {
      outcome = await eachCase(references, (ref) => assignCase(deps, principal, ref));
    } else if (action === 'assign' && one.userId) {
      outcome = await eachCase(references, (ref) => assignCase(deps, principal, ref, one.userId));
    } else if (action === 'priority' && PRIORITIES.includes(one.priority as Priority)) {
      const reason = ct(portalLanguage(request, reply))('bulk.reason');
      outcome = await eachCase(references, (ref) =>
        changePriority(deps, principal, ref, one.priority as Priority, reason),
      );
    } else if (action === 'status' && BULK_STATUSES.includes(one.status as CaseStatus)) {
      outcome = await eachCase(references, (ref) =>
        changeStatus(deps, principal, ref, one.status as CaseStatus),
      );
    } else {
      return go('bulk=unknown');
    }
    return go(summary(outcome));
  });

  app.get('/console/notifications', { schema: { hide: true } }, async (request, reply) => {
    const language = portalLanguage(request, reply);
    const principal = await staffOf(deps, request);
    const items = await listNotifications(deps.db, principal.userId, { unreadOnly: false, limit: 100 });
    return sendPage(request, reply, renderNotifications(consoleContext(deps, request, language), { items }));
  });

  // Opening a notification marks it read and goes to its case.
  app.post<{ Params: { id: string } }>(
    '/console/notifications/:id/read',
    { schema: { hide: true } },
    async (request, reply) => {
      const principal = await staffOf(deps, request);
      if (!/^[0-9a-f-]{36}$/.test(request.params.id)) throw new AppError('not_found', 'No such notification');
      await markNotificationRead(deps.db, principal.userId, request.params.id, deps.now());
      const { one } = await fieldsOf(request);
      const to = /^\d{11}$/.test(one.case ?? '') ? `/console/cases/${one.case}` : '/console/notifications';
      return reply.redirect(to, 303);
    },
  );
}

/** Whether the queue page offers bulk assignment and priority to this person. */
export const bulkAbilities = (principal: Parameters<typeof can>[0]) => {
  const scope = { agencyId: principal.agencyId ?? '', sealed: false };
  return {
    assign: can(principal, 'assign_others', scope),
    prioritise: can(principal, 'prioritise', scope),
    claim: can(principal, 'work', scope),
  };
};
