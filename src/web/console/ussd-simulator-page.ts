import { html } from '../html.ts';
import { type FieldError, textField } from '../portal/layout.ts';
import { type ConsoleContext, consolePage, ct } from './layout.ts';

export interface SimulatorView {
  ussdCode: string;
  phone: string;
  /** The session under way: its id, the inputs so far, the screen shown. */
  session?: { id: string; inputs: string[]; screen: string; ended: boolean } | undefined;
  errors?: FieldError[] | undefined;
}

/**
 * A feature phone on the screen: dial the code, read the screen, type and send, the way a caller
 * does; each step posts to the real USSD callback as the gateway would.
 */
export function renderSimulator(ctx: ConsoleContext, view: SimulatorView): string {
  const t = ct(ctx.language);
  const errors = view.errors ?? [];
  const session = view.session;
  const screen = session
    ? html`<section class="card phone" aria-labelledby="ussd-screen"><h2 id="ussd-screen">${t('ussd_sim.screen')}</h2>
<pre class="ussd" aria-live="polite">${session.screen}</pre>
${
  session.ended
    ? html`<p class="hint">${t('ussd_sim.ended')}</p>`
    : html`<form method="post" action="/console/ussd/answer" novalidate>
<input type="hidden" name="phone" value="${view.phone}">
<input type="hidden" name="sessionId" value="${session.id}">
<input type="hidden" name="inputs" value="${JSON.stringify(session.inputs)}">
${textField(ctx.language, { name: 'input', label: t('ussd_sim.reply'), hint: t('ussd_sim.reply_hint'), value: '', maxlength: 160, errors, autocomplete: 'off' })}
<button class="btn">${t('ussd_sim.send')}</button>
</form>`
}
<p class="hint">${t('ussd_sim.path', { path: session.inputs.join('*') || '-' })}</p></section>`
    : '';
  const body = html`<h1>${t('ussd_sim.title')}</h1>
<p>${t('ussd_sim.intro', { code: view.ussdCode })}</p>
<p class="warn">${t('ussd_sim.real')}</p>
<form method="post" action="/console/ussd/dial" novalidate class="filters">
${textField(ctx.language, { name: 'phone', label: t('ussd_sim.phone'), hint: t('ussd_sim.phone_hint'), value: view.phone, type: 'tel', maxlength: 16, errors, autocomplete: 'off' })}
<button class="btn${session ? ' sec' : ''}">${t('ussd_sim.dial', { code: view.ussdCode })}</button>
</form>
${screen}`;
  return consolePage(ctx, { title: t('ussd_sim.title'), body, errors });
}
