import { html } from '../html.ts';
import { type PortalContext, portalPage, textField, tr } from './layout.ts';

export function renderHome(ctx: PortalContext): string {
  const t = tr(ctx.language);
  const body = html`<h1>${t('home.title')}</h1>
<p class="lead">${t('home.lead')}</p>
<ul class="doors">
<li><a href="/feedback">${t('home.feedback')}<span>${t('home.feedback_hint')}</span></a></li>
<li><a href="/track">${t('home.track')}<span>${t('home.track_hint')}</span></a></li>
<li><a href="/help">${t('home.info')}<span>${t('home.info_hint')}</span></a></li>
</ul>
<form method="get" action="/help" role="search">
${textField(ctx.language, { name: 'q', label: t('home.search'), value: undefined, type: 'search', maxlength: 200 })}
<button class="btn sec">${t('home.search_button')}</button>
</form>
<h2>${t('home.phone_title')}</h2>
<p>${t('home.ussd', { code: ctx.ussdCode })}</p>
<p>${t('home.sms', { number: ctx.smsNumber })}</p>
<p><a href="/my-cases">${t('home.my_cases')}</a></p>`;
  return portalPage(ctx, { title: t('home.title'), body });
}

export function renderOffline(ctx: PortalContext): string {
  const t = tr(ctx.language);
  const body = html`<h1>${t('offline.title')}</h1><p>${t('offline.body')}</p>
<p><a class="btn" href="/feedback">${t('home.feedback')}</a></p>`;
  return portalPage(ctx, { title: t('offline.title'), body });
}

export function renderProblem(ctx: PortalContext, message: string, status: number): string {
  const t = tr(ctx.language);
  const body = html`<h1>${t(status === 404 ? 'problem.not_found' : status >= 500 ? 'problem.server' : 'problem.title')}</h1>
<p>${message}</p><p><a href="/">${t('footer.home')}</a></p>`;
  return portalPage(ctx, { title: t('problem.title'), body });
}
