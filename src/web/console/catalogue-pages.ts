import type { CatalogueEntry, CatalogueKind } from '../../core/agencies/manage-catalogue.ts';
import { type CalendarDefinition, WEEKDAYS } from '../../core/sla/business-calendar.ts';
import { html } from '../html.ts';
import { type FieldError, textField } from '../portal/layout.ts';
import { adminPage, selectField } from './admin-pages.ts';
import { type ConsoleContext, ct, formatWhen } from './layout.ts';

export interface CatalogueView {
  entries: CatalogueEntry[];
  editing?: CatalogueEntry | undefined;
  values: Record<string, string>;
  errors?: FieldError[] | undefined;
  flash?: string | undefined;
}

const checkbox = (name: string, label: string, checked: boolean) =>
  html`<div class="choice"><input type="checkbox" id="f-${name}" name="${name}" value="1" ${checked ? html`checked` : ''}><label for="f-${name}">${label}</label></div>`;

/** The agency's services and categories, each changeable, and a form to add one. */
export function renderCatalogue(ctx: ConsoleContext, view: CatalogueView): string {
  const t = ct(ctx.language);
  const errors = view.errors ?? [];
  const editing = view.editing;
  const values =
    editing && !view.errors
      ? {
          name: editing.name,
          nameSw: editing.nameSw,
          url: editing.url ?? '',
          active: editing.active ? '1' : '',
        }
      : view.values;
  const table = (kind: CatalogueKind) => {
    const entries = view.entries.filter((e) => e.kind === kind);
    const caption = t(`admin.catalogue.${kind}_plural`);
    return html`<h2 id="list-${kind}">${caption}</h2>
<table class="queue" aria-labelledby="list-${kind}">
<thead><tr><th scope="col">${t('admin.catalogue.name')}</th><th scope="col">${t('admin.catalogue.name_sw')}</th><th scope="col">${t('admin.catalogue.code')}</th><th scope="col">${t('admin.catalogue.cases')}</th><th scope="col">${t('admin.users.state')}</th></tr></thead>
<tbody>${entries.map(
      (
        e,
      ) => html`<tr><th scope="row"><a href="/console/admin/catalogue/${kind}.${e.code}">${e.name}</a>${e.url ? html`<br><span class="hint">${e.url}</span>` : ''}</th>
<td lang="sw">${e.nameSw || '–'}</td><td><code>${e.code}</code></td><td>${e.cases}</td>
<td>${e.active ? t('admin.catalogue.offered') : t('admin.catalogue.retired')}</td></tr>`,
    )}</tbody></table>`;
  };
  const form = editing
    ? html`<section class="card" aria-labelledby="entry-form"><h2 id="entry-form">${t('admin.catalogue.edit', { name: editing.name })}</h2>
<p>${t('admin.catalogue.code')}: <code>${editing.code}</code></p>
<form method="post" action="/console/admin/catalogue/${editing.kind}.${editing.code}" novalidate>
${textField(ctx.language, { name: 'name', label: t('admin.catalogue.name'), value: values.name, maxlength: 120, errors })}
${textField(ctx.language, { name: 'nameSw', label: t('admin.catalogue.name_sw'), value: values.nameSw, maxlength: 120, errors })}
${editing.kind === 'service' ? textField(ctx.language, { name: 'url', label: t('admin.catalogue.url'), hint: t('admin.catalogue.url_hint'), value: values.url, maxlength: 500, errors }) : ''}
${checkbox('active', t('admin.catalogue.offer'), Boolean(values.active))}
<p class="hint">${t('admin.catalogue.retire_hint')}</p>
<button class="btn">${t('admin.save')}</button>
</form></section>`
    : html`<section class="card" aria-labelledby="entry-form"><h2 id="entry-form">${t('admin.catalogue.new')}</h2>
<form method="post" action="/console/admin/catalogue" novalidate>
${selectField(ctx.language, { name: 'kind', label: t('admin.catalogue.kind'), choices: (['service', 'category'] as const).map((k) => ({ value: k, label: t(`admin.catalogue.${k}`) })), value: values.kind ?? 'service', errors })}
${textField(ctx.language, { name: 'code', label: t('admin.catalogue.code'), hint: t('admin.catalogue.code_hint'), value: values.code, maxlength: 40, errors, autocomplete: 'off' })}
${textField(ctx.language, { name: 'name', label: t('admin.catalogue.name'), value: values.name, maxlength: 120, errors })}
${textField(ctx.language, { name: 'nameSw', label: t('admin.catalogue.name_sw'), value: values.nameSw, maxlength: 120, errors })}
${textField(ctx.language, { name: 'url', label: t('admin.catalogue.url'), hint: t('admin.catalogue.url_hint'), value: values.url, maxlength: 500, errors })}
<button class="btn">${t('admin.catalogue.create')}</button>
</form></section>`;
  const body = html`<p class="hint">${t('admin.catalogue.intro')}</p>
${table('service')}
${table('category')}
${form}`;
  return adminPage(ctx, t('admin.catalogue.title'), body, { errors, flash: view.flash });
}

export interface CalendarView {
  calendar: CalendarDefinition & { agencies: string[] };
  closures: { id: string; startsAt: Date; endsAt: Date; reason: string }[];
  holidays: { date: string; name: string }[];
  /** May this administrator change it? */
  keeps: boolean;
  /** An agency administrator on a shared calendar: may make one of their own. */
  mayMakeOwn: boolean;
  /** The system administrator chooses among all calendars. */
  choices: { id: string; name: string }[] | null;
  values: Record<string, string>;
  errors?: FieldError[] | undefined;
  flash?: string | undefined;
}

/** "08:00-13:00, 14:00-17:00", as the hours form shows and reads them. */
export const hoursText = (spans: [string, string][] | undefined) =>
  (spans ?? []).map(([from, to]) => `${from}-${to}`).join(', ');

/** A business calendar: its hours, holidays and closures, and for its keeper the forms to change them. */
export function renderCalendar(ctx: ConsoleContext, view: CalendarView): string {
  const t = ct(ctx.language);
  const errors = view.errors ?? [];
  const c = view.calendar;
  const values = view.values;
  const id = encodeURIComponent(c.id);
  const dayName = (day: string) => t(`admin.calendar.days.${day}`);
  const chooser = view.choices
    ? html`<form method="get" action="/console/admin/calendar" class="filters">
${selectField(ctx.language, { name: 'id', label: t('admin.calendar.choose'), choices: view.choices.map((x) => ({ value: x.id, label: x.name })), value: c.id })}
<button class="btn sec small">${t('admin.calendar.show')}</button></form>`
    : '';
  const hoursTable = html`<table class="queue narrow"><caption>${t('admin.calendar.hours')}</caption>
<tbody>${WEEKDAYS.map(
    (day) =>
      html`<tr><th scope="row">${dayName(day)}</th><td>${c.alwaysOpen ? t('admin.calendar.always') : hoursText(c.workingHours[day]) || t('admin.calendar.closed')}</td></tr>`,
  )}</tbody></table>`;
  const hoursForm = html`<section class="card" aria-labelledby="hours-form"><h2 id="hours-form">${t('admin.calendar.change_hours')}</h2>
<p class="hint">${t('admin.calendar.hours_hint')}</p>
<form method="post" action="/console/admin/calendar/${id}/hours" novalidate>
${WEEKDAYS.map((day) => textField(ctx.language, { name: `hours_${day}`, label: dayName(day), value: values[`hours_${day}`] ?? hoursText(c.workingHours[day]), maxlength: 60, errors }))}
${checkbox('alwaysOpen', t('admin.calendar.always_open'), values.alwaysOpen !== undefined ? values.alwaysOpen === '1' : c.alwaysOpen)}
${checkbox('holidays', t('admin.calendar.holidays_off'), values.holidays !== undefined ? values.holidays === '1' : c.holidayCountry !== null)}
<button class="btn">${t('admin.save')}</button>
</form></section>`;
  const closureForm = html`<section class="card" aria-labelledby="closure-form"><h2 id="closure-form">${t('admin.calendar.add_closure')}</h2>
<p class="hint">${t('admin.calendar.closure_hint')}</p>
<form method="post" action="/console/admin/calendar/${id}/closures" novalidate>
${textField(ctx.language, { name: 'from', label: t('admin.calendar.from'), hint: t('admin.calendar.date_hint'), value: values.from, type: 'date', errors })}
${textField(ctx.language, { name: 'to', label: t('admin.calendar.to'), hint: t('admin.calendar.to_hint'), value: values.to, type: 'date', errors })}
${textField(ctx.language, { name: 'reason', label: t('admin.calendar.reason'), value: values.reason, maxlength: 300, errors })}
<button class="btn">${t('admin.calendar.add')}</button>
</form></section>`;
  const closures = html`<h2>${t('admin.calendar.closures')}</h2>
${
  view.closures.length === 0
    ? html`<p>${t('admin.calendar.no_closures')}</p>`
    : html`<ul>${view.closures.map(
        (x) =>
          html`<li>${formatWhen(ctx.language, x.startsAt)} – ${formatWhen(ctx.language, x.endsAt)}: ${x.reason}${
            view.keeps
              ? html` <form method="post" action="/console/admin/calendar/${id}/closures/${x.id}/delete" class="inline"><button class="btn sec small" aria-label="${t('admin.calendar.remove_named', { reason: x.reason })}">${t('admin.calendar.remove')}</button></form>`
              : ''
          }</li>`,
      )}</ul>`
}`;
  const body = html`${chooser}
<p><strong>${ctx.language === 'sw' ? c.nameSw : c.name}</strong> · ${c.timeZone}${c.agencies.length > 0 ? html` · ${t('admin.calendar.used_by', { agencies: c.agencies.join(', ') })}` : ''}</p>
${hoursTable}
<h2>${t('admin.calendar.holidays')}</h2>
${
  c.holidayCountry
    ? html`<ul class="columns">${view.holidays.map((h) => html`<li>${h.date}: ${h.name}</li>`)}</ul>`
    : html`<p>${t('admin.calendar.no_holidays')}</p>`
}
${closures}
${
  view.keeps
    ? html`${hoursForm}${closureForm}`
    : view.mayMakeOwn
      ? html`<section class="card" aria-labelledby="own-form"><h2 id="own-form">${t('admin.calendar.own')}</h2>
<p>${t('admin.calendar.shared', { agencies: c.agencies.join(', ') })}</p>
<form method="post" action="/console/admin/calendar/own"><button class="btn">${t('admin.calendar.make_own')}</button></form></section>`
      : ''
}`;
  return adminPage(ctx, t('admin.calendar.title'), body, { errors, flash: view.flash });
}
