import type { FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../core/access/case-policy.ts';
import type { Principal } from '../../core/access/principal.ts';
import { listCaseUploads, readCaseUpload } from '../../core/attachments/read-upload.ts';
import { type CaseDetail, getCaseDetail } from '../../core/cases/get-case-detail.ts';
import { mergeCases } from '../../core/cases/merge-cases.ts';
import { formatReference, parseReference } from '../../core/cases/reference.ts';
import {
  addInternalNote,
  assignCase,
  changePriority,
  changeStatus,
  respondToCitizen,
} from '../../core/cases/staff-actions.ts';
import { OPEN_STATUSES } from '../../core/cases/state-machine.ts';
import { transferCase } from '../../core/cases/transfer-case.ts';
import { addNoteWithMentions, handleOf } from '../../core/console/mentions.ts';
import {
  fillMessage,
  fillTemplate,
  listTemplates,
  type PlaceholderValues,
} from '../../core/console/response-templates.ts';
import { AppError } from '../../core/errors.ts';
import { readArticleForResponse, responseFromArticle } from '../../core/knowledge/list-articles.ts';
import { searchArticles } from '../../core/knowledge/search-articles.ts';
import { describeCaseClocks } from '../../core/sla/describe-clocks.ts';
import { findLikelyDuplicates } from '../../core/triage/find-likely-duplicates.ts';
import { getCaseTriage } from '../../core/triage/get-case-triage.ts';
import { type ReferralCreated, referCase } from '../../core/triage/refer-case.ts';
import { formatReferralToken } from '../../core/triage/referral-token.ts';
import { routeCase } from '../../core/triage/route-case.ts';
import { searchDirectory } from '../../core/triage/search-directory.ts';
import { CASE_STATUSES, type CaseStatus, type Language, PRIORITIES, type Priority } from '../../db/schema.ts';
import { type CasePageView, renderCasePage } from '../../web/console/case-pages.ts';
import { ct, formatWhen } from '../../web/console/layout.ts';
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
      const query = request.query as Record<string, unknown>;
      // "Use this template": the response form opens with it filled in for this case.
      if (typeof query.template === 'string' && query.template) {
        return showCase(deps, request, reply, language, principal, {
          flash: flash || undefined,
          useTemplate: query.template,
          openAction: 'respond',
        });
      }
      // "Insert into response": the response form opens with a published article in the citizen's language.
      if (typeof query.article === 'string' && query.article) {
        return showCase(deps, request, reply, language, principal, {
          useArticle: query.article,
          openAction: 'respond',
        });
      }
      // The knowledge base's search, for an answer to insert.
      if (typeof query.kq === 'string') {
        return showCase(deps, request, reply, language, principal, {
          knowledgeQuery: query.kq.trim().slice(0, 200),
        });
      }
      // The referral form's directory search.
      if (typeof query.find === 'string') {
        const find = query.find.slice(0, 100);
        return showCase(deps, request, reply, language, principal, {
          directoryHits: await searchDirectory(deps, find),
          values: { find },
          openAction: 'refer',
        });
      }
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
    /** With a "preview" field: what to show instead of acting. */
    preview?: (
      principal: Staff,
      reference: string,
      form: Record<string, string>,
    ) => Promise<Partial<PageExtra>>,
    /** What to show right away instead of going back to the case with a word. */
    showAfter?: (result: unknown) => Partial<PageExtra>,
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
        let result: unknown;
        try {
          if (preview && form.preview) {
            const shown = await preview(principal, reference, form);
            return showCase(deps, request, reply, language, principal, {
              ...shown,
              values: form,
              openAction: name,
            });
          }
          result = await run(principal, reference, form);
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
        if (showAfter) {
          return showCase(deps, request, reply, language, principal, {
            ...showAfter(result),
            flash: ct(language)(`done.${name}`),
          });
        }
        // A routed or transferred case belongs to another agency now: back to the queue, with a word.
        if (name === 'route' || name === 'transfer') {
          return reply.redirect(`/console/queue?moved=${reference}`, 303);
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
  // What the citizen will read: placeholders filled for the case, in the citizen's language.
  const filled = async (p: Staff, ref: string, message: string) => {
    const detail = await getCaseDetail(deps.db, p, ref);
    return fillMessage(message, await placeholderValues(deps, p, detail));
  };
  action(
    'respond',
    async (p, ref, form) => respondToCitizen(deps, p, ref, await filled(p, ref, form.message ?? '')),
    needsMessage,
    // "Preview": the page again, with the response as the citizen will read it, nothing sent.
    async (p, ref, form) => ({ preview: await filled(p, ref, form.message ?? '') }),
  );
  action(
    'request-info',
    async (p, ref, form) =>
      changeStatus(deps, p, ref, 'awaiting_citizen', await filled(p, ref, form.message ?? '')),
    needsMessage,
  );
  action('note', (p, ref, form) => addNoteWithMentions(deps, p, ref, form.message ?? ''), needsMessage);
  action(
    'merge',
    (p, ref, form) => mergeCases(deps, p, ref, form.intoReference ?? '', form.reason || undefined),
    (form) =>
      /^[A-Z0-9-]{5,20}$/i.test(form.intoReference ?? '')
        ? []
        : [{ field: 'intoReference', key: '!console.problems.reference' }],
  );
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
  // A referral's acknowledgement code is shown this once, so the page answers at once, with it.
  action(
    'refer',
    (p, ref, form) =>
      referCase(deps, p, ref, {
        agencyId: form.agencyId ?? '',
        email: form.email || undefined,
        note: form.note ?? '',
      }),
    (form) => [
      ...(form.agencyId ? [] : [{ field: 'agencyId', key: '!console.problems.refer_agency' }]),
      ...((form.note?.length ?? 0) < 3 ? [{ field: 'note', key: '!console.problems.refer_note' }] : []),
    ],
    undefined,
    (created) => {
      const referral = created as ReferralCreated;
      return {
        referral: {
          agency: referral.agency.name,
          code: formatReferralToken(referral.token),
          letterUrl: `/api/v1/staff/referrals/${referral.referralId}/letter?token=${referral.token}`,
          emailed: referral.emailed,
        },
      };
    },
  );
}

/** The form on the case page each action's fields belong to (routing shares the transfer form). */
const FORM_OF: Record<string, string> = { route: 'transfer', claim: 'assign' };

function fieldOfProblem(error: AppError): string {
  const details = error.details as { field?: string }[] | undefined;
  const field = Array.isArray(details) ? details[0]?.field : undefined;
  return ['agencyCode', 'agencyId', 'userId', 'message', 'reason', 'intoReference', 'email', 'note'].includes(
    field ?? '',
  )
    ? (field as string)
    : 'message';
}

async function showCase(
  deps: AppDeps,
  request: FastifyRequest<{ Params: Params }>,
  reply: FastifyReply,
  language: Language,
  principal: Staff,
  extra: PageExtra,
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
      .select(['id', 'name', 'email', 'role', 'agencyId', 'active'])
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
  const templates = await listTemplates(deps.db, kase.agencyId);
  const citizenLanguage = languageOf(detail);
  let values = extra.values;
  if (extra.useTemplate) {
    const template = templates.find((t) => t.id === extra.useTemplate);
    if (!template) throw new AppError('not_found', 'No such template');
    values = {
      message: fillTemplate(template, citizenLanguage, await placeholderValues(deps, principal, detail)),
    };
  }
  if (extra.useArticle) {
    const article = await readArticleForResponse(deps.db, extra.useArticle, citizenLanguage);
    values = { message: responseFromArticle(article, deps.config.publicUrl) };
  }
  // Only published articles, of any agency (they are public), in the citizen's language.
  const knowledge =
    extra.knowledgeQuery === undefined
      ? undefined
      : {
          query: extra.knowledgeQuery,
          hits: extra.knowledgeQuery
            ? (
                await searchArticles(deps.db, extra.knowledgeQuery, {
                  language: citizenLanguage,
                  limit: 5,
                  facets: false,
                })
              ).hits
            : [],
        };
  const page = renderCasePage(consoleContext(deps, request, language), {
    detail,
    clocks,
    triage,
    duplicates,
    uploads,
    // Only the citizen's cases this person may read.
    otherCases: otherCases.filter((o) => can(principal, 'read', o)),
    assigneeName: assignee?.name ?? null,
    colleagues: people
      .filter((p) => p.active && p.agencyId === kase.agencyId && p.role !== 'sysadmin')
      .map((p) => ({ id: p.id, name: p.name, handle: handleOf(p.email) })),
    templates: templates.map((t) => ({ id: t.id, name: t.name })),
    preview: extra.preview,
    referral: extra.referral,
    directoryHits: extra.directoryHits,
    knowledge,
    canRefer:
      can(principal, 'transfer', kase) &&
      OPEN_STATUSES.includes(kase.status) &&
      deps.reference.agencyById(kase.agencyId)?.kind === 'clearing_house',
    canMerge: can(principal, 'merge', kase) && OPEN_STATUSES.includes(kase.status),
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
    values,
    openAction: extra.openAction,
  });
  return sendPage(request, reply, page, status);
}

type PageExtra = Pick<
  CasePageView,
  'flash' | 'errors' | 'values' | 'openAction' | 'preview' | 'referral' | 'directoryHits'
> & {
  contactShown?: boolean;
  /** A template's id: the response form opens with it filled in. */
  useTemplate?: string;
  /** A published article's id: the response form opens with its words and link. */
  useArticle?: string;
  /** Words to search the knowledge base for (the case page's "Knowledge" search). */
  knowledgeQuery?: string;
};

/** The values of a template's placeholders for this case, in the citizen's language. */
async function placeholderValues(
  deps: AppDeps,
  principal: Staff,
  detail: CaseDetail,
): Promise<PlaceholderValues> {
  const kase = detail.case;
  const language = languageOf(detail);
  const t = ct(language);
  const agency = deps.reference.agencyById(kase.agencyId);
  const service = kase.serviceId ? deps.reference.serviceById(kase.serviceId) : undefined;
  const clocks = await describeCaseClocks(deps.db, deps.sla, kase.id, deps.now());
  const due = clocks.find((c) => c.clock === 'resolve')?.dueAt ?? null;
  return {
    reference: formatReference(kase.reference),
    citizen_name: detail.citizen?.name || t('templates.citizen'),
    agency: agency ? (language === 'sw' && agency.nameSw) || agency.name : '',
    service: service ? (language === 'sw' && service.nameSw) || service.name : t('templates.your_case'),
    officer: principal.name,
    due_date: due ? formatWhen(language, due) : t('templates.soon'),
  };
}

/** The language to write to the citizen in: theirs, or the case's when it is one we write. */
const languageOf = (detail: CaseDetail): Language =>
  (detail.citizen?.preferredLanguage ?? detail.case.language) === 'sw' ? 'sw' : 'en';
