import { formatReference } from '../../core/cases/reference.ts';
import type { ReviewedCase, TeamWorkload } from '../../core/console/team.ts';
import type { StaffNotification } from '../../core/staff/list-notifications.ts';
import { translator } from '../../i18n/index.ts';
import { type Html, html } from '../html.ts';
import { errorFor, type FieldError } from '../portal/layout.ts';
import { type ConsoleContext, consolePage, ct, formatWhen } from './layout.ts';

export interface TeamView {
  workload: TeamWorkload;
  sample: { cases: ReviewedCase[]; averageRating: number | null; rated: number; total: number };
  now: Date;
  /** What the last bulk reassignment did. */
  moved?: { done: number; refused: number } | undefined;
  errors?: FieldError[] | undefined;
  values?: Record<string, string> | undefined;
}

/** The supervisor's page: who carries what, what is late, reassign in bulk, read closed cases. */
export function renderTeam(ctx: ConsoleContext, view: TeamView): string {
  const t = ct(ctx.language);
  const common = translator(ctx.language);
  const { workload, sample } = view;
  const errors = view.errors ?? [];
  const values = view.values ?? {};
  const full = workload.casesPerOfficer;
  const people = workload.people;
  const person = (
    name: string,
    label: string,
  ) => html`<div class="field${errorFor(ctx.language, errors, name) ? ' err' : ''}"><label for="f-${name}">${label}</label>
${errorFor(ctx.language, errors, name)}
<select id="f-${name}" name="${name}"><option value="">${t('team.choose')}</option>${people.map(
    (p) =>
      html`<option value="${p.id}" ${values[name] === p.id ? html`selected` : ''}>${p.name} (${p.open})</option>`,
  )}</select></div>`;
  const body = html`<h1>${t('team.title')}</h1>
<section aria-labelledby="load-title"><h2 id="load-title">${t('team.workload')}</h2>
<p>${t('team.unassigned', { count: workload.unassigned, late: workload.unassignedBreached })} <a href="/console/queue?view=unassigned">${t('team.see_unassigned')}</a> · <a href="/console/queue?view=attention">${t('team.see_attention')}</a></p>
<table class="queue"><caption class="visually-hidden">${t('team.workload')}</caption>
<thead><tr><th scope="col">${t('team.person')}</th><th scope="col">${t('team.open')}</th><th scope="col">${t('team.load')}</th><th scope="col">${t('team.warning')}</th><th scope="col">${t('team.breached')}</th><th scope="col">${t('team.oldest_due')}</th></tr></thead>
<tbody>${people.map((p) => {
    const share = Math.round((p.open / full) * 100);
    return html`<tr><th scope="row">${p.name}<br><span class="hint">${t(`roles.${p.role}`)}</span></th>
<td>${p.open}</td>
<td><meter min="0" max="${full}" high="${Math.ceil(full * 0.8)}" value="${Math.min(p.open, full)}" aria-label="${t('team.load_of', { name: p.name })}">${share}%</meter> <span class="${share > 100 ? 'late' : ''}">${share}%</span></td>
<td>${p.warning > 0 ? html`<span class="warn-text">${p.warning}</span>` : '0'}</td>
<td>${p.breached > 0 ? html`<span class="late">${p.breached}</span>` : '0'}</td>
<td>${p.oldestDueAt ? formatWhen(ctx.language, p.oldestDueAt) : '–'}</td></tr>`;
  })}</tbody></table>
<p class="hint">${t('team.full_load', { count: full })}</p>
</section>
<section class="card" id="reassign" aria-labelledby="reassign-title"><h2 id="reassign-title">${t('team.reassign')}</h2>
${view.moved ? html`<p class="flash" role="status">${t('team.moved', { done: view.moved.done, refused: view.moved.refused })}</p>` : ''}
<p class="hint">${t('team.reassign_hint')}</p>
<form method="post" action="/console/team/reassign" novalidate class="filters">
${person('fromUserId', t('team.from'))}
${person('toUserId', t('team.to'))}
<div class="choice"><input type="checkbox" id="f-onlyLate" name="onlyLate" value="1" ${values.onlyLate === '1' ? html`checked` : ''}><label for="f-onlyLate">${t('team.only_late')}</label></div>
<button class="btn">${t('team.reassign_button')}</button>
</form></section>
<section aria-labelledby="review-title"><h2 id="review-title">${t('team.review')}</h2>
<p>${t('team.review_figures', { total: sample.total, rated: sample.rated, average: sample.averageRating ?? '–' })}</p>
${
  sample.cases.length === 0
    ? html`<p>${t('team.review_empty')}</p>`
    : html`<table class="queue"><caption class="visually-hidden">${t('team.review')}</caption>
<thead><tr><th scope="col">${t('queue.case')}</th><th scope="col">${t('team.handled_by')}</th><th scope="col">${t('team.took')}</th><th scope="col">${t('team.rating')}</th></tr></thead>
<tbody>${sample.cases.map((c) => {
        const days = c.resolvedAt
          ? Math.max(0, Math.round((c.resolvedAt.getTime() - c.createdAt.getTime()) / 86_400_000))
          : null;
        return html`<tr><td><a href="/console/cases/${c.reference}">${formatReference(c.reference)}</a><br><span class="hint">${common(`portal.kinds.${c.type}`)} · ${t(`statuses.${c.status}`)}</span></td>
<td>${c.assigneeName ?? '–'}</td>
<td>${days === null ? '–' : t('team.days', { count: days })}</td>
<td>${c.rating === null ? t('team.not_rated') : html`${t('team.stars', { rating: c.rating })}${c.ratingComment ? html`<br><span class="description">${c.ratingComment}</span>` : ''}`}</td></tr>`;
      })}</tbody></table>`
}
<p class="hint">${t('team.review_hint')}</p>
</section>`;
  return consolePage(ctx, { title: t('team.title'), body, errors, wide: true });
}

/** A person's notifications: mentions, warnings, breaches, escalations; opening one marks it read. */
export function renderNotifications(ctx: ConsoleContext, view: { items: StaffNotification[] }): string {
  const t = ct(ctx.language);
  const body = html`<h1>${t('notifications.title')}</h1>
${
  view.items.length === 0
    ? html`<p>${t('notifications.empty')}</p>`
    : html`<ul class="notifications">${view.items.map((n) => notification(ctx, n))}</ul>`
}`;
  return consolePage(ctx, { title: t('notifications.title'), body });
}

function notification(ctx: ConsoleContext, n: StaffNotification): Html {
  const t = ct(ctx.language);
  const by = typeof n.data.by === 'string' ? n.data.by : '';
  const excerpt = typeof n.data.excerpt === 'string' ? n.data.excerpt : '';
  const what = t(`notifications.kinds.${n.kind.replace('.', '_')}`, { defaultValue: n.kind, by });
  return html`<li class="card${n.readAt ? '' : ' unread'}">
<p><strong>${n.readAt ? '' : html`${t('notifications.new')} · `}${what}</strong> · ${formatWhen(ctx.language, n.createdAt)}</p>
${excerpt ? html`<p class="description">${excerpt}</p>` : ''}
${
  n.caseReference
    ? html`<form method="post" action="/console/notifications/${n.id}/read"><input type="hidden" name="case" value="${n.caseReference}"><a href="/console/cases/${n.caseReference}">${formatReference(n.caseReference)}</a> <button class="btn sec small">${n.readAt ? t('notifications.open') : t('notifications.open_mark')}</button></form>`
    : ''
}
</li>`;
}
