import { html } from '../html.ts';
import { type FieldError, textField } from '../portal/layout.ts';
import { type ConsoleContext, consolePage, ct } from './layout.ts';

/** Sign in: e-mail, password, and the code of the authenticator app for those who enrolled. */
export function renderSignIn(
  ctx: ConsoleContext,
  view: { email?: string | undefined; next?: string | undefined; errors?: FieldError[]; notice?: string },
): string {
  const t = ct(ctx.language);
  const errors = view.errors ?? [];
  const body = html`<h1>${t('sign_in.title')}</h1>
${view.notice ? html`<p class="flash" role="status">${view.notice}</p>` : ''}
<form method="post" action="/console/sign-in" novalidate>
${view.next ? html`<input type="hidden" name="next" value="${view.next}">` : ''}
${textField(ctx.language, { name: 'email', label: t('sign_in.email'), value: view.email, type: 'email', autocomplete: 'username', maxlength: 254, errors })}
${textField(ctx.language, { name: 'password', label: t('sign_in.password'), value: '', type: 'password', autocomplete: 'current-password', maxlength: 256, errors })}
${textField(ctx.language, { name: 'totpCode', label: t('sign_in.totp'), hint: t('sign_in.totp_hint'), value: '', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6, errors })}
<button class="btn">${t('sign_in.submit')}</button>
</form>`;
  return consolePage(ctx, { title: t('sign_in.title'), body, errors });
}

/** Two-factor enrolment, which administrators must finish before anything else. */
export function renderEnrol(
  ctx: ConsoleContext,
  view: { secret: string; uri: string; errors?: FieldError[] },
): string {
  const t = ct(ctx.language);
  const errors = view.errors ?? [];
  const body = html`<h1>${t('enrol.title')}</h1>
<p>${t('enrol.intro')}</p>
<dl class="check"><div><dt>${t('enrol.secret')}</dt><dd><code>${view.secret}</code></dd></div>
<div><dt>${t('enrol.uri')}</dt><dd><code class="description">${view.uri}</code></dd></div></dl>
<form method="post" action="/console/enrol" novalidate>
${textField(ctx.language, { name: 'code', label: t('enrol.code'), value: '', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6, errors })}
<button class="btn">${t('enrol.submit')}</button>
</form>`;
  return consolePage(ctx, { title: t('enrol.title'), body, errors });
}
