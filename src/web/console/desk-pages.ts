import type { ReferenceCache } from '../../core/agencies/reference-cache.ts';
import { formatReference } from '../../core/cases/reference.ts';
import type { CallDay, Caller, CallFigures } from '../../core/console/contact-desk.ts';
import { CASE_TYPES } from '../../db/schema.ts';
import { translator } from '../../i18n/index.ts';
import { type Html, html } from '../html.ts';
import { type FieldError, radios, textField } from '../portal/layout.ts';
import { type ConsoleContext, consolePage, ct, formatWhen } from './layout.ts';

export interface DeskView {
  figures: CallFigures;
  /** First-contact resolution per day, newest first. */
  history: CallDay[];
  /** What was typed in the phone box. */
  phoneInput?: string | undefined;
  caller?: Caller | undefined;
  /** The case form's answers so far (kept after an error or a triage suggestion). */
  values: Record<string, string>;
  /** Triage's agency for the description, when the agent asked for it. */
  suggestion?: { code: string; name: string } | undefined;
  reference: ReferenceCache;
  /** A fresh key for the case form, so sending it twice makes one case. */
  key: string;
  flash?: string | undefined;
  errors?: FieldError[] | undefined;
}

/** The desk: find the caller by phone, see their cases, take a case or log the call. */
export function renderDesk(ctx: ConsoleContext, view: DeskView): string {
  const t = ct(ctx.language);
  const errors = view.errors ?? [];
  const { figures } = view;
  const share = figures.calls > 0 ? Math.round((figures.resolvedFirstContact / figures.calls) * 100) : 0;
  const lookup = html`<form method="get" action="/console/desk" class="filters" role="search" aria-label="${t('desk.find')}">
${textField(ctx.language, { name: 'phone', label: t('desk.phone'), hint: t('desk.phone_hint'), value: view.phoneInput, type: 'tel', autocomplete: 'off', maxlength: 30, errors })}
<button class="btn">${t('desk.find')}</button>
</form>`;
  const body = html`<h1>${t('desk.title')}</h1>
${view.flash ? html`<p class="flash" role="status">${view.flash}</p>` : ''}
<p>${t('desk.today', { calls: figures.calls, fcr: figures.resolvedFirstContact, share, cases: figures.casesCreated })}</p>
${
  view.history.length > 0
    ? html`<details class="filters-fold"><summary>${t('desk.history')}</summary>
<table class="queue"><caption class="visually-hidden">${t('desk.history')}</caption>
<thead><tr><th scope="col">${t('desk.day')}</th><th scope="col">${t('desk.calls')}</th><th scope="col">${t('desk.fcr')}</th></tr></thead>
<tbody>${view.history.map(
        (d) =>
          html`<tr><th scope="row">${d.day}</th><td>${d.calls}</td><td>${d.resolvedFirstContact} (${Math.round((d.resolvedFirstContact / d.calls) * 100)}%)</td></tr>`,
      )}</tbody></table></details>`
    : ''
}
${lookup}
${view.caller ? callerPanel(ctx, view) : ''}
${view.caller || view.values.description !== undefined ? caseForm(ctx, view) : ''}
${view.caller ? callForm(ctx, view) : ''}`;
  return consolePage(ctx, { title: t('desk.title'), body, errors, wide: true });
}

function callerPanel(ctx: ConsoleContext, view: DeskView): Html {
  const t = ct(ctx.language);
  const common = translator(ctx.language);
  const caller = view.caller as Caller;
  return html`<section class="card" aria-labelledby="caller-title"><h2 id="caller-title">${t('desk.caller', { phone: caller.phone })}</h2>
${
  caller.citizen
    ? html`<p>${caller.citizen.name ?? t('desk.no_name')} · ${t(`language.${caller.citizen.preferredLanguage}`)}</p>
${
  caller.cases.length === 0
    ? html`<p>${t('citizen.no_other_cases')}</p>`
    : html`<table class="queue"><caption>${t('desk.their_cases')}</caption>
<thead><tr><th scope="col">${t('queue.case')}</th><th scope="col">${t('queue.status')}</th><th scope="col">${t('case.agency')}</th><th scope="col">${t('case.received')}</th></tr></thead>
<tbody>${caller.cases.map((c) => {
        const agency = view.reference.agencyById(c.agencyId);
        return html`<tr><td><a class="ref" href="/console/cases/${c.reference}">${formatReference(c.reference)}</a><br>${common(`portal.kinds.${c.type}`)}</td><td>${t(`statuses.${c.status}`)}</td><td>${agency ? (ctx.language === 'sw' && agency.nameSw) || agency.name : ''}</td><td>${formatWhen(ctx.language, c.createdAt)}</td></tr>`;
      })}</tbody></table>`
}
${caller.hiddenCases > 0 ? html`<p class="hint">${t('desk.hidden_cases', { n: caller.hiddenCases })}</p>` : ''}`
    : html`<p>${t('desk.new_caller')}</p>`
}
</section>`;
}

function caseForm(ctx: ConsoleContext, view: DeskView): Html {
  const t = ct(ctx.language);
  const common = translator(ctx.language);
  const errors = view.errors ?? [];
  const v = view.values;
  const agencies = view.reference.onboardedAgencies().filter((a) => a.kind === 'agency');
  const chosenAgency = v.agencyCode ?? view.suggestion?.code ?? '';
  return html`<section class="card" aria-labelledby="new-case-title"><h2 id="new-case-title">${t('desk.new_case')}</h2>
<form method="post" action="/console/desk/cases" novalidate>
<input type="hidden" name="key" value="${view.key}">
<input type="hidden" name="phone" value="${view.caller?.phone ?? v.phone ?? ''}">
${textField(ctx.language, { name: 'name', label: t('desk.name'), value: v.name ?? view.caller?.citizen?.name ?? undefined, maxlength: 200, errors })}
${radios(ctx.language, {
  name: 'language',
  legend: t('desk.language'),
  value: v.language ?? view.caller?.citizen?.preferredLanguage ?? ctx.language,
  errors,
  choices: (['en', 'sw'] as const).map((l) => ({ value: l, label: t(`language.${l}`) })),
})}
<div class="field"><label for="f-type">${t('filters.type')}</label>
<select id="f-type" name="type"><option value="">${t('desk.type_triage')}</option>${CASE_TYPES.map(
    (type) =>
      html`<option value="${type}" ${v.type === type ? html`selected` : ''}>${common(`portal.kinds.${type}`)}</option>`,
  )}</select></div>
${textField(ctx.language, { name: 'description', label: t('desk.description'), hint: t('desk.description_hint'), value: v.description, multiline: true, maxlength: 5000, errors })}
<p><button class="btn sec" name="action" value="suggest">${t('desk.suggest')}</button></p>
${view.suggestion ? html`<p class="flash" role="status">${t('desk.suggested', { agency: view.suggestion.name })}</p>` : ''}
<div class="field"><label for="f-agencyCode">${t('case.agency')}</label>
<select id="f-agencyCode" name="agencyCode"><option value="">${t('desk.agency_triage')}</option>${agencies.map(
    (a) =>
      html`<option value="${a.code ?? ''}" ${chosenAgency === a.code ? html`selected` : ''}>${(ctx.language === 'sw' && a.nameSw) || a.name}</option>`,
  )}</select></div>
<div class="field"><label for="f-county">${t('filters.county')}</label>
<select id="f-county" name="county"><option value="">${t('desk.no_county')}</option>${view.reference
    .countyList()
    .map(
      (c) => html`<option value="${c.code}" ${v.county === c.code ? html`selected` : ''}>${c.name}</option>`,
    )}</select></div>
${textField(ctx.language, { name: 'answer', label: t('desk.answer'), hint: t('desk.answer_hint'), value: v.answer, multiline: true, maxlength: 5000, errors })}
<button class="btn" name="action" value="create">${t('desk.create')}</button>
</form></section>`;
}

function callForm(ctx: ConsoleContext, view: DeskView): Html {
  const t = ct(ctx.language);
  const errors = view.errors ?? [];
  return html`<section class="card" aria-labelledby="log-title"><h2 id="log-title">${t('desk.log_title')}</h2>
<form method="post" action="/console/desk/calls" novalidate>
<input type="hidden" name="phone" value="${view.caller?.phone ?? ''}">
${radios(ctx.language, {
  name: 'outcome',
  legend: t('desk.outcome'),
  value: view.values.outcome,
  errors,
  choices: (['information_given', 'existing_case', 'dropped'] as const).map((o) => ({
    value: o,
    label: t(`desk.outcomes.${o}`),
  })),
})}
${textField(ctx.language, { name: 'note', label: t('desk.note'), value: view.values.note, maxlength: 1000, errors })}
<button class="btn sec">${t('desk.log')}</button>
</form></section>`;
}
