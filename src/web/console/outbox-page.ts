import { OUTBOX_STATUSES, type OutboxEntry } from '../../core/messages/outbox.ts';
import { html } from '../html.ts';
import type { FieldError } from '../portal/layout.ts';
import { adminPage, selectField } from './admin-pages.ts';
import { type ConsoleContext, ct, formatWhen } from './layout.ts';

export interface OutboxView {
  entries: OutboxEntry[];
  filter: { status?: string | undefined; channel?: string | undefined };
  errors?: FieldError[] | undefined;
  flash?: string | undefined;
}

/** Messages to citizens, newest first, by state; the given-up ones can be sent again. */
export function renderOutbox(ctx: ConsoleContext, view: OutboxView): string {
  const t = ct(ctx.language);
  const filters = html`<form method="get" action="/console/admin/outbox" class="filters">
${selectField(ctx.language, { name: 'status', label: t('admin.outbox.status'), choices: [{ value: '', label: t('admin.outbox.any') }, ...OUTBOX_STATUSES.map((s) => ({ value: s, label: t(`admin.outbox.statuses.${s}`) }))], value: view.filter.status ?? '' })}
${selectField(ctx.language, {
  name: 'channel',
  label: t('admin.outbox.channel'),
  choices: [
    { value: '', label: t('admin.outbox.any') },
    { value: 'sms', label: 'SMS' },
    { value: 'email', label: t('admin.outbox.email') },
  ],
  value: view.filter.channel ?? '',
})}
<button class="btn sec small">${t('admin.outbox.show')}</button></form>`;
  const rows = view.entries.map(
    (m) => html`<tr><td>${formatWhen(ctx.language, m.createdAt)}</td>
<td>${m.channel === 'sms' ? 'SMS' : t('admin.outbox.email')}<br><span class="hint">${m.recipient}</span></td>
<td>${m.purpose}${m.reference ? html`<br><a href="/console/cases/${m.reference}">${m.reference}</a>` : ''}</td>
<td class="description">${m.body || html`<span class="hint">${t('admin.outbox.hidden')}</span>`}</td>
<td>${m.status === 'failed' ? html`<span class="late">${t(`admin.outbox.statuses.${m.status}`)}</span>` : t(`admin.outbox.statuses.${m.status}`)}${m.deliveryStatus ? html`<br><span class="hint">${t('admin.outbox.delivery', { status: m.deliveryStatus })}</span>` : ''}<br><span class="hint">${t('admin.health.attempts', { count: m.attempts })}${m.provider ? ` · ${m.provider}` : ''}</span>${m.error ? html`<br><code>${m.error}</code>` : ''}</td>
<td>${m.status === 'failed' && m.body ? html`<form method="post" action="/console/admin/outbox/${m.id}/retry"><button class="btn sec small">${t('admin.outbox.retry')}</button></form>` : ''}</td></tr>`,
  );
  const body = html`<p class="hint">${t('admin.outbox.intro')}</p>
${filters}
${
  view.entries.length === 0
    ? html`<p>${t('admin.outbox.empty')}</p>`
    : html`<table class="queue"><caption class="visually-hidden">${t('admin.outbox.title')}</caption>
<thead><tr><th scope="col">${t('admin.outbox.when')}</th><th scope="col">${t('admin.outbox.to')}</th><th scope="col">${t('admin.outbox.purpose')}</th><th scope="col">${t('admin.outbox.words')}</th><th scope="col">${t('admin.outbox.status')}</th><th scope="col"><span class="visually-hidden">${t('admin.outbox.retry')}</span></th></tr></thead>
<tbody>${rows}</tbody></table>`
}`;
  return adminPage(ctx, t('admin.outbox.title'), body, { errors: view.errors, flash: view.flash });
}
