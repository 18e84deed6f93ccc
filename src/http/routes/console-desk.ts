import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatReference } from '../../core/cases/reference.ts';
import {
  assertDeskUser,
  type Caller,
  callFigures,
  callHistory,
  findCaller,
  logCall,
  takeCallCase,
} from '../../core/console/contact-desk.ts';
import { AppError } from '../../core/errors.ts';
import {
  CALL_OUTCOMES,
  CASE_TYPES,
  type CallOutcome,
  type CaseType,
  type Language,
} from '../../db/schema.ts';
import { type DeskView, renderDesk } from '../../web/console/desk-pages.ts';
import { ct } from '../../web/console/layout.ts';
import type { FieldError } from '../../web/portal/layout.ts';
import type { App, AppDeps } from '../build-app.ts';
import { portalLanguage, readForm, sendPage } from '../portal-support.ts';
import { consoleContext, staffOf } from './console.ts';

type Staff = Awaited<ReturnType<typeof staffOf>>;

/** The contact-centre desk (docs/console.md#contact-centre-desk). */
export function consoleDeskRoutes(app: App, deps: AppDeps): void {
  app.get('/console/desk', { schema: { hide: true } }, async (request, reply) => {
    const language = portalLanguage(request, reply);
    const principal = await staffOf(deps, request);
    assertDeskUser(principal);
    const query = request.query as Record<string, unknown>;
    const phoneInput = typeof query.phone === 'string' ? query.phone.trim().slice(0, 30) : '';
    const done = typeof query.done === 'string' ? query.done : '';
    const flash = /^(case|resolved|call)$/.test(done)
      ? ct(language)(`desk.done.${done}`, {
          reference:
            typeof query.ref === 'string' && /^\d{11}$/.test(query.ref) ? formatReference(query.ref) : '',
        })
      : undefined;
    if (!phoneInput) return desk(deps, request, reply, language, principal, { flash });
    try {
      const caller = await findCaller(deps.db, principal, phoneInput);
      return desk(deps, request, reply, language, principal, { phoneInput, caller, flash });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error;
      return desk(
        deps,
        request,
        reply,
        language,
        principal,
        { phoneInput, errors: [{ field: 'phone', key: '!console.desk.phone_invalid' }] },
        400,
      );
    }
  });

  /** A desk form posted: who, in which language, what was typed, and the caller it names. */
  const deskForm = async (request: FastifyRequest, reply: FastifyReply) => {
    const language = portalLanguage(request, reply);
    const principal = await staffOf(deps, request);
    assertDeskUser(principal);
    const values = formValues(await readForm(request));
    const caller = values.phone
      ? await findCaller(deps.db, principal, values.phone).catch(() => undefined)
      : undefined;
    return { language, principal, values, caller };
  };

  app.post('/console/desk/cases', { schema: { hide: true } }, async (request, reply) => {
    const { language, principal, values, caller } = await deskForm(request, reply);
    const again = (extra: Partial<DeskView>, status = 400) =>
      desk(deps, request, reply, language, principal, { caller, values, key: values.key, ...extra }, status);
    const errors: FieldError[] = [];
    const length = values.description?.length ?? 0;
    if (length < 5) errors.push({ field: 'description', key: '!console.desk.description_short' });
    if (length > 5000)
      errors.push({ field: 'description', key: '!console.problems.too_long', values: { max: 5000, length } });
    if (values.type && !CASE_TYPES.includes(values.type as CaseType))
      errors.push({ field: 'type', key: '!console.problems.status' });
    if ((values.answer?.length ?? 0) > 5000)
      errors.push({
        field: 'answer',
        key: '!console.problems.too_long',
        values: { max: 5000, length: values.answer?.length ?? 0 },
      });
    if (errors.length > 0) return again({ errors });
    if (values.action === 'suggest') {
      const decision = deps.triage.decide({ text: values.description ?? '', channel: 'phone' });
      const agency = deps.reference.agency(decision.agency.code);
      const suggestion =
        agency?.onboarded && agency.kind === 'agency'
          ? { code: agency.code ?? '', name: (language === 'sw' && agency.nameSw) || agency.name }
          : undefined;
      return again({ suggestion, values: { ...values, agencyCode: suggestion?.code ?? '' } }, 200);
    }
    const key = values.key && /^[0-9a-f-]{36}$/.test(values.key) ? values.key : randomUUID();
    try {
      const { submitted, resolved } = await takeCallCase(
        deps,
        principal,
        {
          phone: values.phone || undefined,
          name: values.name || undefined,
          language: values.language === 'sw' ? 'sw' : 'en',
          type: (values.type as CaseType) || undefined,
          description: values.description ?? '',
          agencyCode: values.agencyCode || undefined,
          county: values.county || undefined,
          answer: values.answer || undefined,
        },
        key,
      );
      const params = new URLSearchParams({ done: resolved ? 'resolved' : 'case', ref: submitted.reference });
      if (values.phone) params.set('phone', values.phone);
      return reply.redirect(`/console/desk?${params.toString()}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error;
      return again({ errors: [{ field: 'description', key: '!console.problems.invalid_input' }] });
    }
  });

  app.post('/console/desk/calls', { schema: { hide: true } }, async (request, reply) => {
    const { language, principal, values, caller } = await deskForm(request, reply);
    if (!CALL_OUTCOMES.includes(values.outcome as CallOutcome) || values.outcome === 'case_created') {
      return desk(
        deps,
        request,
        reply,
        language,
        principal,
        {
          caller,
          values,
          errors: [{ field: 'outcome', key: '!console.desk.outcome_missing' }],
        },
        400,
      );
    }
    await logCall(deps.db, principal, {
      phone: caller?.phone,
      outcome: values.outcome as CallOutcome,
      note: values.note?.slice(0, 1000),
      now: deps.now(),
    });
    return reply.redirect('/console/desk?done=call', 303);
  });
}

function formValues(form: Awaited<ReturnType<typeof readForm>>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(form.body)) {
    const text = Array.isArray(value) ? value[0] : value;
    if (typeof text === 'string') values[name] = text.trim();
  }
  return values;
}

async function desk(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  language: Language,
  principal: Staff,
  extra: Partial<DeskView> & { caller?: Caller | undefined },
  status = 200,
) {
  const [figures, history] = await Promise.all([
    callFigures(deps.db, principal, deps.now()),
    callHistory(deps.db, principal, deps.now()),
  ]);
  const view: DeskView = {
    figures,
    history,
    values: {},
    reference: deps.reference,
    key: randomUUID(),
    ...extra,
  };
  if (!view.key) view.key = randomUUID();
  return sendPage(request, reply, renderDesk(consoleContext(deps, request, language), view), status);
}
