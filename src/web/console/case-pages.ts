import type { AgencyRef, ReferenceCache } from '../../core/agencies/reference-cache.ts';
import type { CaseDetail } from '../../core/cases/get-case-detail.ts';
import { formatReference } from '../../core/cases/reference.ts';
import type { ArticleHit } from '../../core/knowledge/search-articles.ts';
import type { ClockView } from '../../core/sla/describe-clocks.ts';
import type { DuplicateSuggestion } from '../../core/triage/find-likely-duplicates.ts';
import type { CaseTriage } from '../../core/triage/get-case-triage.ts';
import type { Language, Priority } from '../../db/schema.ts';
import { PRIORITIES } from '../../db/schema.ts';
import { translator } from '../../i18n/index.ts';
import { type Html, html } from '../html.ts';
import { type FieldError, textField } from '../portal/layout.ts';
import { type ConsoleContext, consolePage, ct, formatLeft, formatWhen } from './layout.ts';

/** What this person may do on the case (core/access/case-policy.ts decides). */
export interface CaseAbilities {
  work: boolean;
  assignOthers: boolean;
  transfer: boolean;
  prioritise: boolean;
}

export interface CasePageView {
  detail: CaseDetail;
  clocks: ClockView[];
  triage: CaseTriage | null;
  duplicates: DuplicateSuggestion[];
  uploads: { id: string; name: string; contentType: string; size: number }[];
  otherCases: { reference: string; status: string; type: string; createdAt: Date }[];
  assigneeName: string | null;
  colleagues: { id: string; name: string; handle: string }[];
  /** Response templates this person may use (their agency's and the national ones). */
  templates: { id: string; name: string }[];
  /** The response as the citizen will read it, after "Preview". */
  preview?: string | undefined;
  /** A referral just made: its acknowledgement code is shown this once. */
  referral?: { agency: string; code: string; letterUrl: string; emailed: boolean } | undefined;
  /** Agencies not on Baraza matching the referral form's search. */
  directoryHits?: { id: string; name: string }[] | undefined;
  /** The knowledge base's published articles matching the "Knowledge" search, in the citizen's language. */
  knowledge?: { query: string; hits: ArticleHit[] } | undefined;
  canRefer: boolean;
  canMerge: boolean;
  can: CaseAbilities;
  /** Whether the citizen's contact details are shown in full (after "Show contact details"). */
  contactShown: boolean;
  reference: ReferenceCache;
  now: Date;
  flash?: string | undefined;
  errors?: FieldError[] | undefined;
  /** What was typed in the form that failed, shown again. */
  values?: Record<string, string> | undefined;
  /** Which action's form failed, opened again. */
  openAction?: string | undefined;
}

const agencyName = (language: Language, agency: AgencyRef | undefined) =>
  agency ? (language === 'sw' && agency.nameSw) || agency.name : '–';

export function renderCasePage(ctx: ConsoleContext, view: CasePageView): string {
  const t = ct(ctx.language);
  const common = translator(ctx.language);
  const kase = view.detail.case;
  const ref = formatReference(kase.reference);
  const agency = view.reference.agencyById(kase.agencyId);
  const summary = html`<h1>${t('case.title', { reference: ref })}</h1>
${view.flash ? html`<p class="flash" role="status">${view.flash}</p>` : ''}
${
  view.referral
    ? html`<div class="card referral" role="status"><h2>${t('refer.made', { agency: view.referral.agency })}</h2>
<p>${t('refer.code')} <strong class="code">${view.referral.code}</strong></p>
<p class="hint">${t('refer.code_hint')}</p>
<p>${view.referral.emailed ? t('refer.emailed') : t('refer.not_emailed')} <a href="${view.referral.letterUrl}" target="_blank" rel="noopener">${t('refer.letter')}</a></p></div>`
    : ''
}
<p><span class="tag ${kase.priority.toLowerCase()}">${kase.priority}</span> ${t(`statuses.${kase.status}`)} · ${common(`portal.kinds.${kase.type}`)} · ${t(`channels.${kase.channel}`)}${kase.sealed ? html` · <strong>${t('case.sealed')}</strong>` : ''}</p>
<dl class="check">
<div><dt>${t('case.agency')}</dt><dd>${agencyName(ctx.language, agency)}</dd></div>
<div><dt>${t('case.assignee')}</dt><dd>${view.assigneeName ?? t('queue.unassigned')}</dd></div>
<div><dt>${t('case.escalation')}</dt><dd>${t(`levels.${kase.escalationLevel}`)}</dd></div>
<div><dt>${t('case.received')}</dt><dd>${formatWhen(ctx.language, kase.createdAt)}</dd></div>
${kase.countyCode ? html`<div><dt>${t('case.county')}</dt><dd>${view.reference.county(kase.countyCode)?.name ?? kase.countyCode}${kase.subCounty ? html`, ${kase.subCounty}` : ''}${kase.ward ? html`, ${kase.ward}` : ''}</dd></div>` : ''}
</dl>
<h2>${t('case.description')}</h2>
<p class="description">${kase.description}</p>`;

  const main = html`${summary}
${view.can.work ? actions(ctx, view) : html`<p class="note">${t('case.read_only')}</p>`}
${timeline(ctx, view)}`;
  const side = html`${clocks(ctx, view)}
${citizenPanel(ctx, view)}
${triagePanel(ctx, view)}
${files(ctx, view)}
${duplicates(ctx, view)}`;
  const body = html`<p><a href="/console">${t('case.back')}</a></p>
<div class="columns"><div>${main}</div><aside aria-label="${t('case.about')}">${side}</aside></div>`;
  return consolePage(ctx, {
    title: t('case.title', { reference: ref }),
    body,
    errors: view.errors,
    wide: true,
  });
}

/** One form per action, each folded (details) so the page stays short; shortcuts open them. */
function actions(ctx: ConsoleContext, view: CasePageView): Html {
  const t = ct(ctx.language);
  const kase = view.detail.case;
  const path = `/console/cases/${kase.reference}`;
  const errors = view.errors ?? [];
  const values = view.values ?? {};
  const failed = view.openAction === 'route' ? 'transfer' : view.openAction;
  const open = (name: string) => (failed === name ? html`open` : '');
  const message = (action: string, label: string) =>
    textField(ctx.language, {
      name: 'message',
      key: `${action}-message`,
      label,
      value: failed === action ? values.message : undefined,
      multiline: true,
      maxlength: 5000,
      errors,
    });
  const citizenLanguage = view.detail.citizen?.preferredLanguage ?? kase.language;
  const inLanguage = t('case.in_language', { language: t(`language.${citizenLanguage}`) });
  const mine = view.assigneeName !== null && view.detail.case.assigneeId !== null;
  const forms: Html[] = [];
  if (!mine || view.can.assignOthers) {
    forms.push(html`<div class="card"><form method="post" action="${path}/claim" data-shortcut="claim"><button class="btn">${t('actions.claim')}</button> <kbd>c</kbd></form>
${
  view.can.assignOthers && view.colleagues.length > 0
    ? html`<form method="post" action="${path}/assign" class="filters"><div class="field"><label for="f-assign-userId">${t('actions.assign_to')}</label>
<select id="f-assign-userId" name="userId">${view.colleagues.map((c) => html`<option value="${c.id}">${c.name}</option>`)}</select></div>
<button class="btn sec">${t('actions.assign')}</button></form>`
    : ''
}</div>`);
  }
  forms.push(html`<details class="action card" id="respond" ${open('respond')}><summary>${t('actions.respond')} <kbd>r</kbd></summary>
${
  view.templates.length > 0
    ? html`<form method="get" action="${path}#respond" class="filters"><div class="field"><label for="f-template">${t('templates.choose')}</label>
<select id="f-template" name="template">${view.templates.map((tpl) => html`<option value="${tpl.id}">${tpl.name}</option>`)}</select></div>
<button class="btn sec">${t('templates.use')}</button></form>`
    : ''
}
<form method="post" action="${path}/respond" novalidate>
<p class="hint">${t('actions.respond_hint')} ${inLanguage} ${t('templates.placeholders_hint')}</p>
${message('respond', t('actions.message'))}
${
  view.preview !== undefined && failed === 'respond'
    ? html`<section class="preview" aria-labelledby="preview-title"><h3 id="preview-title">${t('templates.preview_title')}</h3>
<p class="description">${view.preview}</p>
<p class="hint">${t('templates.preview_length', { count: view.preview.length })}</p></section>`
    : ''
}
<button class="btn sec" name="preview" value="1">${t('templates.preview')}</button>
<button class="btn">${t('actions.send_response')}</button>
</form></details>`);
  forms.push(knowledgeSearch(ctx, view, inLanguage));
  forms.push(html`<details class="action card" id="request-info" ${open('request-info')}><summary>${t('actions.request_info')} <kbd>i</kbd></summary>
<form method="post" action="${path}/request-info" novalidate>
<p class="hint">${t('actions.request_info_hint')} ${inLanguage}</p>
${message('request-info', t('actions.question'))}
<button class="btn">${t('actions.send_question')}</button>
</form></details>`);
  forms.push(html`<details class="action card" id="note" ${open('note')}><summary>${t('actions.note')} <kbd>n</kbd></summary>
<form method="post" action="${path}/note" novalidate>
<p class="hint">${t('actions.note_hint')}</p>
${
  view.colleagues.length > 0
    ? html`<p class="hint">${t('actions.mention_hint', {
        handles: view.colleagues
          .slice(0, 6)
          .map((c) => `@${c.handle}`)
          .join(', '),
      })}</p>`
    : ''
}
${message('note', t('actions.note_text'))}
<button class="btn sec">${t('actions.add_note')}</button>
</form></details>`);
  forms.push(html`<details class="action card" id="status" ${open('status')}><summary>${t('actions.status')} <kbd>s</kbd></summary>
<form method="post" action="${path}/status" novalidate>
<div class="field"><label for="f-status-status">${t('actions.new_status')}</label>
<select id="f-status-status" name="status">${(
    ['acknowledged', 'in_progress', 'resolved', 'closed'] as const
  ).map(
    (s) =>
      html`<option value="${s}" ${values.status === s ? html`selected` : ''}>${t(`statuses.${s}`)}</option>`,
  )}</select></div>
${message('status', t('actions.status_message'))}
<button class="btn sec">${t('actions.change_status')}</button>
</form></details>`);
  if (view.can.prioritise) {
    forms.push(html`<details class="action card" id="priority" ${open('priority')}><summary>${t('actions.priority')}</summary>
<form method="post" action="${path}/priority" novalidate>
<div class="field"><label for="f-priority-priority">${t('actions.new_priority')}</label>
<select id="f-priority-priority" name="priority">${PRIORITIES.map(
      (p: Priority) =>
        html`<option value="${p}" ${(values.priority ?? kase.priority) === p ? html`selected` : ''}>${t(`priorities.${p}`)}</option>`,
    )}</select></div>
${textField(ctx.language, { name: 'reason', key: 'priority-reason', label: t('actions.reason'), value: values.reason, maxlength: 1000, errors })}
<button class="btn sec">${t('actions.change_priority')}</button>
</form></details>`);
  }
  if (view.can.transfer && !kase.sealed) {
    const clearing = view.reference.agencyById(kase.agencyId)?.kind === 'clearing_house';
    const targets = view.reference
      .onboardedAgencies()
      .filter((a) => a.kind === 'agency' && a.id !== kase.agencyId);
    const suggested = view.triage?.suggestions.find((s) => s.onboarded)?.code;
    const chosen = values.agencyCode ?? suggested;
    forms.push(html`<details class="action card" id="transfer" ${open('transfer') || (clearing ? html`open` : '')}><summary>${t(clearing ? 'actions.route' : 'actions.transfer')}</summary>
<form method="post" action="${path}/${clearing ? 'route' : 'transfer'}" novalidate>
${clearing && suggested ? html`<p class="hint">${t('actions.route_suggested', { agency: agencyName(ctx.language, view.reference.agency(suggested)) })}</p>` : ''}
<div class="field"><label for="f-transfer-agencyCode">${t('actions.to_agency')}</label>
<select id="f-transfer-agencyCode" name="agencyCode">${targets.map(
      (a) =>
        html`<option value="${a.code ?? ''}" ${chosen === a.code ? html`selected` : ''}>${agencyName(ctx.language, a)}</option>`,
    )}</select></div>
${textField(ctx.language, { name: 'reason', key: 'transfer-reason', label: t('actions.reason'), value: values.reason, maxlength: 1000, errors })}
<button class="btn sec">${t(clearing ? 'actions.route_button' : 'actions.transfer_button')}</button>
</form></details>`);
  }
  if (view.canMerge) {
    forms.push(html`<details class="action card" id="merge" ${open('merge')}><summary>${t('merge.title')}</summary>
<form method="post" action="${path}/merge" novalidate>
<p class="hint">${t('merge.hint')}</p>
${textField(ctx.language, { name: 'intoReference', key: 'merge-intoReference', label: t('merge.into'), value: values.intoReference, maxlength: 20, errors })}
${textField(ctx.language, { name: 'reason', key: 'merge-reason', label: t('actions.reason'), value: failed === 'merge' ? values.reason : undefined, maxlength: 1000, errors })}
<button class="btn sec">${t('merge.button')}</button>
</form></details>`);
  }
  if (view.canRefer) forms.push(referForm(ctx, view));
  return html`<h2>${t('actions.title')}</h2>${forms}`;
}

/**
 * The knowledge base from the case: published articles (any agency's: they are public) in the
 * citizen's language, each one a link that opens the response form with its words.
 */
function knowledgeSearch(ctx: ConsoleContext, view: CasePageView, inLanguage: string): Html {
  const t = ct(ctx.language);
  const path = `/console/cases/${view.detail.case.reference}`;
  const found = view.knowledge;
  return html`<details class="action card" id="knowledge" ${found ? html`open` : ''}><summary>${t('knowledge.case.title')}</summary>
<form method="get" action="${path}#knowledge" class="filters" role="search"><div class="field"><label for="f-kq">${t('knowledge.case.search')}</label>
<input id="f-kq" name="kq" type="search" maxlength="200" value="${found?.query ?? ''}"></div>
<button class="btn sec">${t('knowledge.case.button')}</button></form>
<p class="hint">${t('knowledge.case.hint')} ${inLanguage}</p>
${
  found?.query
    ? found.hits.length === 0
      ? html`<p role="status">${t('knowledge.case.none', { query: found.query })}</p>`
      : html`<ul class="articles">${found.hits.map(
          (
            hit,
          ) => html`<li><a href="/help/${hit.slug}" target="_blank" rel="noopener">${hit.title}<span class="visually-hidden"> ${t('knowledge.case.new_tab')}</span></a>
<p>${hit.summary}</p><p class="hint">${hit.agencyName}</p>
<a class="btn sec small" href="${path}?article=${hit.id}#respond">${t('knowledge.case.insert')}<span class="visually-hidden">: ${hit.title}</span></a></li>`,
        )}</ul>`
    : ''
}
</details>`;
}

/**
 * Referral to an agency that is not on Baraza (clearing house only): triage's suggestions that are
 * not on Baraza, or a search of the directory; the case stays open until the agency acknowledges.
 */
function referForm(ctx: ConsoleContext, view: CasePageView): Html {
  const t = ct(ctx.language);
  const path = `/console/cases/${view.detail.case.reference}`;
  const errors = view.errors ?? [];
  const values = view.openAction === 'refer' ? (view.values ?? {}) : {};
  const choices = new Map<string, string>();
  for (const match of view.triage?.directory ?? []) choices.set(match.agencyId, match.name);
  for (const hit of view.directoryHits ?? []) choices.set(hit.id, hit.name);
  const chosen = values.agencyId ?? [...choices.keys()][0];
  return html`<details class="action card" id="refer" ${view.openAction === 'refer' ? html`open` : ''}><summary>${t('refer.title')}</summary>
<p class="hint">${t('refer.hint')}</p>
<form method="get" action="${path}#refer" class="filters" role="search"><div class="field"><label for="f-find">${t('refer.find')}</label>
<input id="f-find" name="find" type="search" maxlength="100" value="${values.find ?? ''}"></div>
<button class="btn sec">${t('refer.search')}</button></form>
<form method="post" action="${path}/refer" novalidate>
${
  choices.size > 0
    ? html`<fieldset id="f-refer-agencyId"><legend>${t('refer.agency')}</legend>${[...choices].map(
        ([id, name], i) =>
          html`<div class="choice"><input type="radio" id="refer-agency-${i}" name="agencyId" value="${id}" ${chosen === id ? html`checked` : ''}><label for="refer-agency-${i}">${name}</label></div>`,
      )}</fieldset>`
    : html`<p id="f-refer-agencyId">${t('refer.none_yet')}</p>`
}
${textField(ctx.language, { name: 'email', key: 'refer-email', label: t('refer.email'), value: values.email, maxlength: 200, errors })}
${textField(ctx.language, { name: 'note', key: 'refer-note', label: t('refer.note'), value: values.note, multiline: true, maxlength: 2000, errors })}
<button class="btn sec">${t('refer.button')}</button>
</form></details>`;
}

function timeline(ctx: ConsoleContext, view: CasePageView): Html {
  const t = ct(ctx.language);
  const entries = [...view.detail.timeline].reverse();
  const names = new Map(view.colleagues.map((c) => [c.id, c.name]));
  return html`<h2>${t('timeline.title')}</h2>
<ol class="timeline staff">${entries.map((e) => {
    const message = typeof e.data.message === 'string' ? e.data.message : null;
    const after = e.data.after as Record<string, unknown> | undefined;
    const status = typeof after?.status === 'string' ? after.status : null;
    const assignee =
      e.kind === 'case.assigned' && typeof after?.assigneeId === 'string'
        ? (names.get(after.assigneeId) ?? null)
        : null;
    const mentioned = Array.isArray(e.data.mentioned)
      ? (e.data.mentioned as { name?: unknown }[]).map((m) => String(m.name ?? '')).join(', ')
      : '';
    return html`<li class="${e.public ? 'public' : 'internal'}">
<strong>${t(`timeline.visibility.${e.public ? 'public' : 'internal'}`)}</strong> · ${formatWhen(ctx.language, e.createdAt)} · ${e.actorName ?? t(`timeline.actors.${e.actorType}`)}<br>
${t(`events.${e.kind.replace('case.', '')}`, { defaultValue: e.kind })}${status ? html`: ${t(`statuses.${status}`)}` : ''}${assignee ? html`: ${assignee}` : ''}${e.data.automatic === true ? html` (${t('timeline.automatic')})` : ''}
${message ? html`<p class="description">${message}</p>` : ''}${mentioned ? html`<p class="hint">${t('timeline.mentioned', { names: mentioned })}</p>` : ''}
</li>`;
  })}</ol>`;
}

function clocks(ctx: ConsoleContext, view: CasePageView): Html {
  const t = ct(ctx.language);
  if (view.clocks.length === 0) return html``;
  return html`<section class="card" aria-labelledby="clocks-title"><h2 id="clocks-title">${t('clocks.title')}</h2>
<ul>${view.clocks.map((c) => {
    const late = c.state === 'breached' || (c.overdueSeconds ?? 0) > 0;
    const left =
      c.overdueSeconds && c.overdueSeconds > 0
        ? formatLeft(ctx.language, c.overdueSeconds, true)
        : c.remainingSeconds !== null
          ? formatLeft(ctx.language, c.remainingSeconds, false)
          : '';
    return html`<li><strong>${t(`clocks.names.${c.clock}`)}</strong>: ${t(`clocks.states.${c.state}`)}${c.dueAt ? html` · ${formatWhen(ctx.language, c.dueAt)}` : ''}${left ? html` · <span class="${late ? 'late' : c.state === 'warning' ? 'warn-text' : ''}">${left}</span>` : ''}</li>`;
  })}</ul></section>`;
}

function citizenPanel(ctx: ConsoleContext, view: CasePageView): Html {
  const t = ct(ctx.language);
  const citizen = view.detail.citizen;
  const path = `/console/cases/${view.detail.case.reference}`;
  if (!citizen) {
    return html`<section class="card" aria-labelledby="citizen-title"><h2 id="citizen-title">${t('citizen.title')}</h2><p>${t('citizen.anonymous')}</p></section>`;
  }
  const phone = citizen.phone ? (view.contactShown ? citizen.phone : maskPhone(citizen.phone)) : null;
  const email = citizen.email ? (view.contactShown ? citizen.email : maskEmail(citizen.email)) : null;
  return html`<section class="card" aria-labelledby="citizen-title"><h2 id="citizen-title">${t('citizen.title')}</h2>
<dl class="check">
${citizen.name ? html`<div><dt>${t('citizen.name')}</dt><dd>${citizen.name}</dd></div>` : ''}
${phone ? html`<div><dt>${t('citizen.phone')}</dt><dd>${phone}</dd></div>` : ''}
${email ? html`<div><dt>${t('citizen.email')}</dt><dd>${email}</dd></div>` : ''}
<div><dt>${t('citizen.language')}</dt><dd>${t(`language.${citizen.preferredLanguage}`)}</dd></div>
<div><dt>${t('citizen.channel')}</dt><dd>${t(`channels.${view.detail.case.channel}`)}</dd></div>
</dl>
${
  view.contactShown || !(citizen.phone || citizen.email)
    ? ''
    : html`<form method="post" action="${path}/contact"><button class="btn sec">${t('citizen.show')}</button></form><p class="hint">${t('citizen.show_hint')}</p>`
}
<h3>${t('citizen.other_cases')}</h3>
${
  view.otherCases.length === 0
    ? html`<p>${t('citizen.no_other_cases')}</p>`
    : html`<ul>${view.otherCases.map(
        (o) =>
          html`<li><a href="/console/cases/${o.reference}">${formatReference(o.reference)}</a> · ${t(`statuses.${o.status}`)} · ${formatWhen(ctx.language, o.createdAt)}</li>`,
      )}</ul>`
}
</section>`;
}

function triagePanel(ctx: ConsoleContext, view: CasePageView): Html {
  const t = ct(ctx.language);
  const triage = view.triage;
  if (!triage?.decision) return html``;
  return html`<section class="card" aria-labelledby="triage-title"><h2 id="triage-title">${t('triage.title')}</h2>
<p>${t('triage.model', { version: triage.modelVersion ?? '–' })}</p>
<ul>${triage.reasons.map((r) => html`<li>${r}</li>`)}</ul>
${
  triage.suggestions.length > 0
    ? html`<h3>${t('triage.suggestions')}</h3><ol>${triage.suggestions
        .filter((s) => s.confidence >= 0.01)
        .map(
          (s) =>
            html`<li>${s.name} (${Math.round(s.confidence * 100)}%)${s.onboarded ? '' : html` · ${t('triage.not_on_baraza')}`}</li>`,
        )}</ol>`
    : ''
}
</section>`;
}

function files(ctx: ConsoleContext, view: CasePageView): Html {
  const t = ct(ctx.language);
  if (view.uploads.length === 0) return html``;
  const path = `/console/cases/${view.detail.case.reference}/files`;
  return html`<section class="card" aria-labelledby="files-title"><h2 id="files-title">${t('files.title')}</h2>
<ul>${view.uploads.map((u) => html`<li><a href="${path}/${u.id}">${u.name}</a> (${Math.max(1, Math.round(u.size / 1024))} KB)</li>`)}</ul></section>`;
}

function duplicates(ctx: ConsoleContext, view: CasePageView): Html {
  const t = ct(ctx.language);
  if (view.duplicates.length === 0) return html``;
  return html`<section class="card" aria-labelledby="dup-title"><h2 id="dup-title">${t('duplicates.title')}</h2>
<ul>${view.duplicates.map(
    (d) =>
      html`<li><a href="/console/cases/${d.reference}">${formatReference(d.reference)}</a> · ${t(`duplicates.reasons.${d.reason}`)} · ${Math.round(d.similarity * 100)}%<br><span class="hint">${d.summary}</span>${
        view.canMerge
          ? html`<form method="post" action="/console/cases/${view.detail.case.reference}/merge"><input type="hidden" name="intoReference" value="${d.reference}"><button class="btn sec small">${t('merge.into_this', { reference: formatReference(d.reference) })}</button></form>`
          : ''
      }</li>`,
  )}</ul></section>`;
}

/** "+254 7•• ••• 555": enough to recognise a caller, not to copy. */
export function maskPhone(phone: string): string {
  return `${phone.slice(0, 5)}•• ••• ${phone.slice(-3)}`;
}

export function maskEmail(email: string): string {
  const [name = '', domain = ''] = email.split('@');
  return `${name.slice(0, 1)}•••@${domain}`;
}
