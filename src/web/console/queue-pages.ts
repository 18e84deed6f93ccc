import type { ReferenceCache } from '../../core/agencies/reference-cache.ts';
import type { QueueItem } from '../../core/cases/list-queue.ts';
import { formatReference } from '../../core/cases/reference.ts';
import type { QueueView } from '../../core/console/queue-views.ts';
import { CASE_STATUSES, CASE_TYPES, type CaseStatus, CHANNELS, PRIORITIES } from '../../db/schema.ts';
import { translator } from '../../i18n/index.ts';
import { type Html, html } from '../html.ts';
import { type FieldError, textField } from '../portal/layout.ts';
import { type ConsoleContext, consolePage, ct, formatLeft, formatWhen } from './layout.ts';

/** The filters a queue page was asked for, as typed (the form shows them again). */
export interface QueueQuery {
  view: QueueView;
  status?: string | undefined;
  type?: string | undefined;
  channel?: string | undefined;
  priority?: string | undefined;
  county?: string | undefined;
  q?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
}

export interface QueuePageView {
  query: QueueQuery;
  views: QueueView[];
  counts: Partial<Record<QueueView, number>>;
  items: QueueItem[];
  nextCursor: string | null;
  now: Date;
  reference: ReferenceCache;
  errors?: FieldError[];
  /** The person's saved views. */
  saved: { id: string; name: string; query: string }[];
  /** Bulk actions this person may take on the page's cases. */
  bulk: {
    claim: boolean;
    assign: boolean;
    prioritise: boolean;
    colleagues: { id: string; name: string }[];
    flash?: string | undefined;
  };
}

/**
 * The statuses a bulk action may set: those that need no words to the citizen (resolving needs an
 * answer, closing a reason), so each case is still answered on its own.
 */
export const BULK_STATUSES: readonly CaseStatus[] = ['acknowledged', 'in_progress'];

const FILTERS = ['status', 'type', 'channel', 'priority', 'county', 'q', 'from', 'to'] as const;

export function queueHref(query: QueueQuery, changes: Partial<QueueQuery> = {}): string {
  const merged: Record<string, string | undefined> = { ...query, ...changes };
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(merged)) if (value) params.set(name, value);
  return `/console/queue?${params.toString()}`;
}

/** A queue: the views with their counts, filters, and a page of cases by next due time. */
export function renderQueue(ctx: ConsoleContext, view: QueuePageView): string {
  const t = ct(ctx.language);
  const common = translator(ctx.language);
  const { query } = view;
  const views = html`<nav aria-label="${t('queue.views')}"><ul class="views">${view.views.map(
    (v) =>
      html`<li><a href="${queueHref({ view: v })}" ${v === query.view ? html`aria-current="page"` : ''}>${t(`views.${v}`)}<span class="count" data-count="${v}">${view.counts[v] ?? 0}</span></a></li>`,
  )}</ul></nav>`;
  const select = (name: (typeof FILTERS)[number], options: { value: string; label: string }[]) =>
    html`<div class="field"><label for="f-q-${name}">${t(`filters.${name}`)}</label>
<select id="f-q-${name}" name="${name}"><option value="">${t('filters.any')}</option>${options.map(
      (o) =>
        html`<option value="${o.value}" ${o.value === query[name] ? html`selected` : ''}>${o.label}</option>`,
    )}</select></div>`;
  const filtering = FILTERS.some((name) => query[name]);
  const filters = html`<details class="filters-fold" ${filtering || view.errors?.length ? html`open` : ''}><summary>${t('filters.title')}</summary>
<form method="get" action="/console/queue" class="filters" role="search" aria-label="${t('filters.title')}">
<input type="hidden" name="view" value="${query.view}">
<div class="field"><label for="f-q-q">${t('filters.q')}</label><input id="f-q-q" name="q" type="search" value="${query.q ?? ''}" maxlength="200"></div>
${select(
  'status',
  CASE_STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) })),
)}
${select(
  'type',
  CASE_TYPES.map((s) => ({ value: s, label: common(`portal.kinds.${s}`) })),
)}
${select(
  'channel',
  CHANNELS.map((s) => ({ value: s, label: t(`channels.${s}`) })),
)}
${select(
  'priority',
  PRIORITIES.map((p) => ({ value: p, label: t(`priorities.${p}`) })),
)}
${select(
  'county',
  view.reference.countyList().map((c) => ({ value: c.code, label: c.name })),
)}
<div class="field"><label for="f-q-from">${t('filters.from')}</label><input id="f-q-from" name="from" type="date" value="${query.from ?? ''}"></div>
<div class="field"><label for="f-q-to">${t('filters.to')}</label><input id="f-q-to" name="to" type="date" value="${query.to ?? ''}"></div>
<button class="btn sec">${t('filters.apply')}</button>
<a href="${queueHref({ view: query.view })}">${t('filters.clear')}</a>
</form>
${saveViewForm(ctx, query, view.errors)}</details>`;
  const { bulk } = view;
  const selectable = bulk.claim && view.items.length > 0 && query.view !== 'sealed';
  const rows = view.items.map((item) => queueRow(ctx, item, view.now, selectable));
  const table =
    view.items.length === 0
      ? html`<p>${t('queue.empty')}</p>`
      : html`<table class="queue"><caption class="visually-hidden">${t(`views.${query.view}`)}</caption>
<thead><tr>${selectable ? html`<td><input type="checkbox" id="select-all" data-select-all aria-label="${t('bulk.select_all')}" hidden></td>` : ''}<th scope="col">${t('queue.case')}</th><th scope="col">${t('queue.summary')}</th><th scope="col">${t('queue.status')}</th><th scope="col">${t('queue.due')}</th></tr></thead>
<tbody>${rows}</tbody></table>`;
  // The bulk bar: one form around the table, so the row checkboxes are its fields.
  const bulkBar = selectable
    ? html`<fieldset class="bulk filters"><legend>${t('bulk.title')}</legend>
<div class="field"><label for="f-bulkAction">${t('bulk.action')}</label>
<select id="f-bulkAction" name="bulkAction"><option value="claim">${t('bulk.claim')}</option><option value="status">${t('bulk.status')}</option>${bulk.assign ? html`<option value="assign">${t('bulk.assign')}</option>` : ''}${bulk.prioritise ? html`<option value="priority">${t('bulk.priority')}</option>` : ''}</select></div>
${
  bulk.assign
    ? html`<div class="field"><label for="f-bulk-userId">${t('bulk.assign')}</label><select id="f-bulk-userId" name="userId">${bulk.colleagues.map((c) => html`<option value="${c.id}">${c.name}</option>`)}</select></div>`
    : ''
}
<div class="field"><label for="f-bulk-status">${t('bulk.status')}</label><select id="f-bulk-status" name="status">${BULK_STATUSES.map((st) => html`<option value="${st}">${t(`statuses.${st}`)}</option>`)}</select></div>
${
  bulk.prioritise
    ? html`<div class="field"><label for="f-bulk-priority">${t('bulk.priority')}</label><select id="f-bulk-priority" name="priority">${PRIORITIES.map((p) => html`<option value="${p}">${t(`priorities.${p}`)}</option>`)}</select></div>`
    : ''
}
<button class="btn sec">${t('bulk.button')}</button></fieldset>`
    : '';
  const pager = html`<nav class="pager" aria-label="${t('queue.pages')}">
${query.cursor ? html`<a href="${queueHref(query, { cursor: undefined })}">${t('queue.first_page')}</a>` : ''}
${view.nextCursor ? html`<a href="${queueHref(query, { cursor: view.nextCursor })}" rel="next">${t('queue.next_page')}</a>` : ''}
</nav>`;
  const here = queueHref(query, { cursor: undefined });
  const saved =
    view.saved.length > 0
      ? html`<nav aria-label="${t('saved.title')}"><h2 class="visually-hidden">${t('saved.title')}</h2><ul class="views saved">${view.saved.map(
          (v) =>
            html`<li><a href="/console/queue?${v.query}" ${`/console/queue?${v.query}` === here ? html`aria-current="page"` : ''}>${v.name}</a><form method="post" action="/console/views/${v.id}/delete"><input type="hidden" name="back" value="${here}"><button class="linkbtn" aria-label="${t('saved.delete', { name: v.name })}">×</button></form></li>`,
        )}</ul></nav>`
      : '';

  const body = html`<h1>${t(`views.${query.view}`)}</h1>
${views}
${saved}
${filters}
${bulk.flash ? html`<p class="flash" role="status">${bulk.flash}</p>` : ''}
${
  selectable
    ? html`<form method="post" action="/console/bulk" id="bulk"><input type="hidden" name="back" value="${queueHref(query)}">${bulkBar}${table}</form>`
    : table
}
${pager}`;
  return consolePage(ctx, { title: t(`views.${query.view}`), body, errors: view.errors, wide: true });
}

function queueRow(ctx: ConsoleContext, item: QueueItem, now: Date, selectable: boolean): Html {
  const t = ct(ctx.language);
  const common = translator(ctx.language);
  const late = item.nextDueAt !== null && item.nextDueAt < now;
  const left = item.nextDueAt ? (item.nextDueAt.getTime() - now.getTime()) / 1000 : null;
  const ref = formatReference(item.reference);
  return html`<tr>
${selectable ? html`<td><input type="checkbox" name="refs" value="${item.reference}" id="pick-${item.reference}" aria-label="${t('bulk.select', { reference: ref })}"></td>` : ''}
<td><a class="ref" href="/console/cases/${item.reference}"><strong>${formatReference(item.reference)}</strong></a><br>
<span class="tag ${item.priority.toLowerCase()}">${item.priority}</span> ${common(`portal.kinds.${item.type}`)} · ${t(`channels.${item.channel}`)}</td>
<td class="description">${item.summary}</td>
<td>${t(`statuses.${item.status}`)}${item.assigneeId ? '' : html`<br><span class="hint">${t('queue.unassigned')}</span>`}${item.escalationLevel !== 'officer' ? html`<br><span class="warn-text">${t(`levels.${item.escalationLevel}`)}</span>` : ''}</td>
<td>${item.nextDueAt ? html`${formatWhen(ctx.language, item.nextDueAt)}<br><span class="${late ? 'late' : 'hint'}">${formatLeft(ctx.language, left ?? 0, late)}</span>` : '–'}</td>
</tr>`;
}

/** "Save these filters as": the queue's view and filters, without the page, under a name. */
function saveViewForm(ctx: ConsoleContext, query: QueueQuery, errors: FieldError[] | undefined): Html {
  const t = ct(ctx.language);
  const here = queueHref(query, { cursor: undefined });
  return html`<form method="post" action="/console/views" class="filters save-view" novalidate>
<input type="hidden" name="query" value="${here.slice('/console/queue?'.length)}">
${textField(ctx.language, { name: 'name', key: 'view-name', label: t('saved.name'), value: undefined, maxlength: 60, errors })}
<button class="btn sec">${t('saved.save')}</button></form>`;
}
