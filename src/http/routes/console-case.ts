import type { FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../core/access/case-policy.ts';
import type { Principal } from '../../core/access/principal.ts';
import { listCaseUploads, readCaseUpload } from '../../core/attachments/read-upload.ts';
import { getCaseDetail } from '../../core/cases/get-case-detail.ts';
import { parseReference } from '../../core/cases/reference.ts';
import {
  addInternalNote,
  assignCase,
  changePriority,
  changeStatus,
  respondToCitizen,
} from '../../core/cases/staff-actions.ts';
import { OPEN_STATUSES } from '../../core/cases/state-machine.ts';
import { transferCase } from '../../core/cases/transfer-case.ts';
import { AppError } from '../../core/errors.ts';
import { describeCaseClocks } from '../../core/sla/describe-clocks.ts';
import { findLikelyDuplicates } from '../../core/triage/find-likely-duplicates.ts';
import { getCaseTriage } from '../../core/triage/get-case-triage.ts';
import { routeCase } from '../../core/triage/route-case.ts';
import { CASE_STATUSES, type CaseStatus, type Language, PRIORITIES, type Priority } from '../../db/schema.ts';
import { type CasePageView, renderCasePage } from '../../web/console/case-pages.ts';
import { ct } from '../../web/console/layout.ts';
import type { FieldError } from '../../web/portal/layout.ts';
import type { App, AppDeps } from '../build-app.ts';
import { portalLanguage, readForm, sendPage } from '../portal-support.ts';
import { consoleContext, staffOf } from './console.ts';

type Params = { reference: string };
type Staff = Principal & { kind: 'staff' };

/** The case page and its actions: each action posts, then comes back to the case with a word. */
export function consoleCaseRoutes(app: App, deps: AppDeps): void {
  app.get<{ Params: Params }>(
    '/console/cases/:reference',
    { schema: { hide: true } },
    async (request, reply) => {
      const language = portalLanguage(request, reply);
      const principal = await staffOf(deps, request);
      const done = (request.query as Record<string, unknown>).done;
      const flash =
        typeof done === 'string' && /^[a-z_-]{1,20}$/.test(done)
          ? ct(language)(`done.${done}`, { defaultValue: '' })
          : undefined;
      return showCase(deps, request, reply, language, principal, { flash: flash || undefined });
    },
  );

  app.get<{ Params: Params & { id: string } }>(
    '/console/cases/:reference/files/:id',
    { schema: { hide: true } },
    async (request, reply) => {
      const principal = await staffOf(deps, request);
      const detail = await getCaseDetail(deps.db, principal, request.params.reference);
      if (!/^[0-9a-f-]{36}$/.test(request.params.id)) throw new AppError('not_found', 'No such file');
      const file = await readCaseUpload(deps.db, detail.case.id, request.params.id);
      if (!file) throw new AppError('not_found', 'No such file');
      const inline = file.contentType.startsWith('image/');
      const safeName = file.name.replace(/[^\w.\- ]+/g, '_');
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${safeName}"`)
        .header('content-security-policy', "sandbox; default-src 'none'; img-src 'self'")
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-store')
        .send(Buffer.from(file.content));
    },
  );

  // Showing the citizen's full contact details is recorded on the case, internally.
  app.post<{ Params: Params }>(
    '/console/cases/:reference/contact',
    { schema: { hide: true } },
    async (request, reply) => {
      const language = portalLanguage(request, reply);
      const principal = await staffOf(deps, request);
      await addInternalNote(deps, principal, request.params.reference, ct(language)('citizen.viewed_note'));
      return showCase(deps, request, reply, language, principal, { contactShown: true });
    },
  );

  const action = (
    name: string,
    run: (principal: Staff, reference: string, form: Record<string, string>) => Promise<unknown>,
    validate: (form: Record<string, string>) => FieldError[] = () => [],
  ) =>
    app.post<{ Params: Params }>(
      `/console/cases/:reference/${name}`,
      { schema: { hide: true } },
      async (request, reply) => {
        const language = portalLanguage(request, reply);
        const principal = await staffOf(deps, request);
        const posted = await readForm(request);
        const form: Record<string, string> = {};
        for (const [key, value] of Object.entries(posted.body)) {
          const text = Array.isArray(value) ? value[0] : value;
          if (typeof text === 'string') form[key] = text.trim();
        }
        const reference = parseReference(request.params.reference);
        const again = (errors: FieldError[], status: number) =>
          showCase(
            deps,
            request,
            reply,
            language,
            principal,
            // Fields are named per form on the page ("note-message"), so each error finds its field.
            {
              errors: errors.map((e) => ({ ...e, field: `${FORM_OF[name] ?? name}-${e.field}` })),
              values: form,
              openAction: name,
            },
            status,
          );
        const errors = validate(form);
        if (errors.length > 0) return again(errors, 400);
        try {
          await run(principal, reference, form);
        } catch (error) {
          if (
            !(error instanceof AppError) ||
            !['invalid_input', 'invalid_transition', 'forbidden', 'conflict'].includes(error.code)
          ) {
            throw error;
          }
          const field = error.code === 'invalid_input' ? fieldOfProblem(error) : 'message';
          const key = error.key ? `@${error.key.id}` : `!console.problems.${error.code}`;
          return again(
            [{ field, key, values: error.key?.values ?? {} }],
            error.code === 'forbidden' ? 403 : 409,
          );
        }
        return reply.redirect(`/console/cases/${reference}?done=${name}`, 303);
      },
    );

  const needsMessage = (form: Record<string, string>): FieldError[] => {
    const length = form.message?.length ?? 0;
    if (length < 2) return [{ field: 'message', key: '!console.problems.message_missing' }];
    if (length > 5000)
      return [{ field: 'message', key: '!console.problems.too_long', values: { max: 5000, length } }];
    return [];
  };
  const needsReason = (form: Record<string, string>): FieldError[] =>
    (form.reason?.length ?? 0) < 3
      ? [{ field: 'reason', key: '!console.problems.reason_missing' }]
      : (form.reason?.length ?? 0) > 1000
        ? [
            {
              field: 'reason',
              key: '!console.problems.too_long',
              values: { max: 1000, length: form.reason?.length ?? 0 },
            },
          ]
        : [];

  action('claim', (p, ref) => assignCase(deps, p, ref));
  action('assign', (p, ref, form) => assignCase(deps, p, ref, form.userId || null));
  action('respond', (p, ref, form) => respondToCitizen(deps, p, ref, form.message ?? ''), needsMessage);
  action(
    'request-info',
    (p, ref, form) => changeStatus(deps, p, ref, 'awaiting_citizen', form.message),
    needsMessage,
  );
  action('note', (p, ref, form) => addInternalNote(deps, p, ref, form.message ?? ''), needsMessage);
  action(
    'status',
    (p, ref, form) => changeStatus(deps, p, ref, form.status as CaseStatus, form.message || undefined),
    (form) =>
      CASE_STATUSES.includes(form.status as CaseStatus) && form.status !== 'awaiting_citizen'
        ? (form.message?.length ?? 0) > 5000
          ? [
              {
                field: 'message',
                key: '!console.problems.too_long',
                values: { max: 5000, length: form.message?.length ?? 0 },
              },
            ]
          : []
        : [{ field: 'status', key: '!console.problems.status' }],
  );
  action(
    'priority',
    (p, ref, form) => changePriority(deps, p, ref, form.priority as Priority, form.reason ?? ''),
    (form) =>
      PRIORITIES.includes(form.priority as Priority)
        ? needsReason(form)
        : [{ field: 'priority', key: '!console.problems.priority' }],
  );
  action(
    'transfer',
    (p, ref, form) => transferCase(deps, p, ref, form.agencyCode ?? '', form.reason ?? ''),
    needsReason,
  );
  action('route', (p, ref, form) => routeCase(deps, p, ref, form.agencyCode ?? '', form.reason || undefined));
}

/** The form on the case page each action's fields belong to (routing shares the transfer form). */
const FORM_OF: Record<string, string> = { route: 'transfer', claim: 'assign' };

function fieldOfProblem(error: AppError): string {
  const details = error.details as { field?: string }[] | undefined;
  const field = Array.isArray(details) ? details[0]?.field : undefined;
  return field === 'agencyCode' || field === 'userId' || field === 'message' || field === 'reason'
    ? field
    : 'message';
}

async function showCase(
  deps: AppDeps,
  request: FastifyRequest<{ Params: Params }>,
  reply: FastifyReply,
  language: Language,
  principal: Staff,
  extra: Pick<CasePageView, 'flash' | 'errors' | 'values' | 'openAction'> & { contactShown?: boolean },
  status = 200,
) {
  const detail = await getCaseDetail(deps.db, principal, request.params.reference);
  const kase = detail.case;
  const now = deps.now();
  const [clocks, triage, duplicates, uploads, otherCases, people] = await Promise.all([
    describeCaseClocks(deps.db, deps.sla, kase.id, now),
    getCaseTriage(deps, principal, kase.reference, language).catch(() => null),
    findLikelyDuplicates(deps.db, principal, kase.reference).then(
      (found) => found.suggestions,
      () => [],
    ),
    listCaseUploads(deps.db, kase.id),
    kase.citizenId
      ? deps.db
          .selectFrom('cases')
          .select(['reference', 'status', 'type', 'createdAt', 'agencyId', 'sealed'])
          .where('citizenId', '=', kase.citizenId)
          .where('id', '<>', kase.id)
          .orderBy('createdAt', 'desc')
          .limit(20)
          .execute()
      : [],
    deps.db
      .selectFrom('staffUsers')
      .select(['id', 'name', 'role', 'agencyId', 'active'])
      .where((eb) =>
        eb.or([
          eb('agencyId', '=', kase.agencyId),
          ...(kase.assigneeId ? [eb('id', '=', kase.assigneeId)] : []),
        ]),
      )
      .orderBy('name')
      .execute(),
  ]);
  const assignee = people.find((p) => p.id === kase.assigneeId);
  const page = renderCasePage(consoleContext(deps, request, language), {
    detail,
    clocks,
    triage,
    duplicates,
    uploads,
    // Only the citizen's cases this person may read.
    otherCases: otherCases.filter((o) => can(principal, 'read', o)),
    assigneeName: assignee?.name ?? null,
    colleagues: people.filter((p) => p.active && p.agencyId === kase.agencyId && p.role !== 'sysadmin'),
    can: {
      work:
        can(principal, 'work', kase) && (OPEN_STATUSES.includes(kase.status) || kase.status === 'resolved'),
      assignOthers: can(principal, 'assign_others', kase),
      transfer: can(principal, 'transfer', kase) && OPEN_STATUSES.includes(kase.status),
      prioritise: can(principal, 'prioritise', kase),
    },
    contactShown: extra.contactShown ?? false,
    reference: deps.reference,
    now,
    flash: extra.flash,
    errors: extra.errors,
    values: extra.values,
    openAction: extra.openAction,
  });
  return sendPage(request, reply, page, status);
}
