import { formatReference } from '../../core/cases/reference.ts';
import type { CitizenCaseSummary } from '../../core/citizens/list-citizen-cases.ts';
import { translator } from '../../i18n/index.ts';
import { html } from '../html.ts';
import { formatLocal } from './feedback-pages.ts';
import { type FieldError, type PortalContext, portalPage, textField, tr } from './layout.ts';

export function renderSignIn(
  ctx: PortalContext,
  view: { destination?: string; errors?: FieldError[] },
): string {
  const t = tr(ctx.language);
  const errors = view.errors ?? [];
  const body = html`<h1>${t('my.sign_in_title')}</h1>
<p>${t('my.sign_in_intro')}</p>
<form method="post" action="/my-cases/code" novalidate>
${textField(ctx.language, { name: 'destination', label: t('my.destination'), hint: t('my.destination_hint'), value: view.destination, autocomplete: 'username', maxlength: 254, errors })}
<button class="btn">${t('my.send_code')}</button>
</form>`;
  return portalPage(ctx, { title: t('my.sign_in_title'), body, errors });
}

export function renderCodeEntry(
  ctx: PortalContext,
  view: { destination: string; masked: string; errors?: FieldError[] },
): string {
  const t = tr(ctx.language);
  const errors = view.errors ?? [];
  const body = html`<h1>${t('my.code_title')}</h1>
<p>${t('my.code_sent', { to: view.masked })}</p>
<form method="post" action="/my-cases/verify" novalidate>
<input type="hidden" name="destination" value="${view.destination}">
<input type="hidden" name="masked" value="${view.masked}">
${textField(ctx.language, { name: 'code', label: t('my.code'), hint: t('my.code_hint'), value: '', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 7, errors })}
<button class="btn">${t('my.sign_in')}</button>
</form>
<form method="post" action="/my-cases/code"><input type="hidden" name="destination" value="${view.destination}">
<button class="btn sec">${t('my.resend')}</button></form>`;
  return portalPage(ctx, { title: t('my.code_title'), body, errors });
}

export function renderMyCases(
  ctx: PortalContext,
  view: {
    cases: CitizenCaseSummary[];
    errors?: FieldError[];
    flash?: string | undefined;
    /** What was typed into the claim form, shown again with its error. */
    reference?: string;
  },
): string {
  const t = tr(ctx.language);
  const common = translator(ctx.language);
  const errors = view.errors ?? [];
  const body = html`${view.flash ? html`<p class="flash" role="status">${view.flash}</p>` : ''}
<h1>${t('my.title')}</h1>
<p>${t('my.signed_in_as', { who: ctx.signedIn ?? '' })}</p>
${
  view.cases.length === 0
    ? html`<p>${t('my.none')}</p>`
    : html`<ul class="cases">${view.cases.map(
        (
          c,
        ) => html`<li><a href="/track/${c.reference}"><strong>${formatReference(c.reference)}</strong></a> – ${c.sealed ? t('my.sealed') : t(`kinds.${c.type}`)}<br>
<span class="status">${common(`status.${c.status}`)}</span> ${c.agency.name}<br>
<span class="hint">${t('track.sent')}: ${formatLocal(ctx.language, c.createdAt)}${c.nextDueAt ? html` · ${t('track.next_due')}: ${formatLocal(ctx.language, c.nextDueAt)}` : ''}</span></li>`,
      )}</ul>`
}
<h2>${t('my.claim_title')}</h2>
<p>${t('my.claim_intro')}</p>
<form method="post" action="/my-cases/claim" novalidate>
${textField(ctx.language, { name: 'reference', label: t('track.reference'), value: view.reference, inputmode: 'numeric', autocomplete: 'off', maxlength: 20, errors })}
${textField(ctx.language, { name: 'pin', label: t('track.pin'), value: '', inputmode: 'numeric', autocomplete: 'off', maxlength: 6, errors })}
<button class="btn sec">${t('my.claim')}</button>
</form>
<form method="post" action="/my-cases/sign-out"><button class="btn sec">${t('my.sign_out')}</button></form>`;
  return portalPage(ctx, { title: t('my.title'), body, errors });
}
