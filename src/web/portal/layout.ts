import type { Language } from '../../db/schema.ts';
import { translator } from '../../i18n/index.ts';
import { type Html, html } from '../html.ts';
import { ASSET_VERSION } from './assets.ts';

export interface PortalContext {
  language: Language;
  /** This page's path, for the language switch. */
  path: string;
  /** The signed-in citizen, when there is one: what they signed in with, masked. */
  signedIn: string | null;
  ussdCode: string;
  smsNumber: string;
}

export interface FieldError {
  field: string;
  /** A message key under portal.errors, with its values. */
  key: string;
  values?: Record<string, string | number>;
}

export const tr = (language: Language) => {
  const t = translator(language);
  return (key: string, values?: Record<string, string | number>) => t(`portal.${key}`, values ?? {});
};

/**
 * Every portal page: the language switch, the main content and a footer with the USSD code and SMS
 * number. `switchForm` names the form on the page whose answers must survive a change of language
 * (the feedback steps post theirs); elsewhere the switch is a plain link.
 */
export function portalPage(
  ctx: PortalContext,
  page: { title: string; body: Html; errors?: FieldError[]; switchForm?: string },
): string {
  const t = tr(ctx.language);
  const title = page.errors?.length ? `${t('errors.title_prefix')}: ${page.title}` : page.title;
  // Always English, then Kiswahili: the names do not swap places when the language changes.
  const switchTo = (['en', 'sw'] as const).map((language) => {
    const name = t(`language.${language}`);
    if (language === ctx.language) return html`<li><span aria-current="true">${name}</span></li>`;
    return page.switchForm
      ? html`<li><button class="linkbtn" form="${page.switchForm}" name="switchLang" value="${language}" lang="${language}">${name}</button></li>`
      : html`<li><a href="${withLang(ctx.path, language)}" lang="${language}" hreflang="${language}">${name}</a></li>`;
  });
  return `<!doctype html>${
    html`<html lang="${ctx.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – Baraza</title>
<meta name="description" content="${t('home.lead')}">
<meta name="theme-color" content="#0b6b3a">
<link rel="manifest" href="/manifest.webmanifest">
<link rel="icon" href="/portal/assets/icon.svg" type="image/svg+xml">
<link rel="apple-touch-icon" href="/portal/assets/icon-192.png">
<link rel="stylesheet" href="/portal/assets/portal.css?v=${ASSET_VERSION}">
<script src="/portal/assets/portal.js?v=${ASSET_VERSION}" defer></script>
</head>
<body>
${
  // Enter in a field submits with the form's first button in document order, which would be the
  // language switch in the header: this one, first of all, continues instead. Out of the tab order
  // and hidden from screen readers, which reach the visible Continue button.
  page.switchForm
    ? html`<button form="${page.switchForm}" name="action" value="next" class="visually-hidden" tabindex="-1" aria-hidden="true">${t('feedback.continue')}</button>`
    : ''
}
<a class="skip" href="#main">${t('skip')}</a>
<header class="bar"><div class="in">
<a class="brand" href="/">Baraza</a>
<nav aria-label="${t('language.label')}"><ul class="lang">
${switchTo}
${ctx.signedIn ? html`<li><a href="/my-cases">${t('my.title')}</a></li>` : ''}
</ul></nav>
</div></header>
<div class="in" id="offline" role="status" aria-live="polite" data-saved="${t('offline.saved')}" data-sending="${t('offline.sending')}" data-resume="${t('offline.resume')}" data-send="${t('offline.send_now')}" data-discard="${t('offline.discard')}" data-discarded="${t('offline.discarded')}"></div>
<main class="in" id="main" tabindex="-1">
${page.errors?.length ? errorSummary(ctx.language, page.errors) : ''}
${page.body}
</main>
<footer><div class="in">
<p>${t('footer.channels', { ussd: ctx.ussdCode, sms: ctx.smsNumber })}</p>
<p><a href="/">${t('footer.home')}</a> · <a href="/track">${t('home.track')}</a> · <a href="/my-cases">${t('my.title')}</a></p>
</div></footer>
</body>
</html>`.value
  }`;
}

export function withLang(path: string, language: Language): string {
  const url = new URL(path, 'http://x');
  url.searchParams.set('lang', language);
  return url.pathname + url.search;
}

/**
 * Listed at the top, each linking to its field, as WCAG's error identification asks; focused on
 * arrival (autofocus, no script needed), so a screen reader reads it first.
 */
export function errorSummary(language: Language, errors: FieldError[]): Html {
  const t = tr(language);
  return html`<div class="summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" id="error-summary" autofocus>
<h2 id="error-summary-title">${t('errors.summary')}</h2>
<ul>${errors.map((e) => html`<li><a href="#${fieldId(e.field)}">${errorText(language, e)}</a></li>`)}</ul>
</div>`;
}

export const fieldId = (field: string) => `f-${field}`;

/**
 * A field error's words: portal messages; keys starting with "@" from the shared error catalogue,
 * and with "!" a full catalogue key (what core functions name in AppError.translatable).
 */
export function errorText(language: Language, error: FieldError): string {
  if (error.key.startsWith('@'))
    return translator(language)(`errors.${error.key.slice(1)}`, error.values ?? {});
  if (error.key.startsWith('!')) return translator(language)(error.key.slice(1), error.values ?? {});
  return tr(language)(`errors.${error.key}`, error.values);
}

/** One message per field, whatever number of problems it had (one id for aria-describedby). */
export function errorFor(language: Language, errors: FieldError[] | undefined, field: string): Html | '' {
  const found = errors?.filter((e) => e.field === field) ?? [];
  if (found.length === 0) return '';
  return html`<span class="err-msg" id="${fieldId(field)}-error"><span class="visually-hidden">${tr(language)('errors.prefix')}:</span> ${found.map((e) => errorText(language, e)).join(' ')}</span>`;
}

export const hasError = (errors: FieldError[] | undefined, field: string) =>
  errors?.some((e) => e.field === field) ?? false;

/** aria-describedby for a control: its hint and its error, when present. */
export function describedBy(errors: FieldError[] | undefined, field: string, hint: boolean): string | false {
  const ids = [hint ? `${fieldId(field)}-hint` : '', hasError(errors, field) ? `${fieldId(field)}-error` : '']
    .filter(Boolean)
    .join(' ');
  return ids || false;
}

export function textField(
  language: Language,
  options: {
    name: string;
    label: string;
    value: string | undefined;
    hint?: string;
    type?: 'text' | 'tel' | 'email' | 'search' | 'password' | 'date';
    autocomplete?: string;
    inputmode?: string;
    maxlength?: number;
    errors?: FieldError[] | undefined;
    multiline?: boolean;
    /** Where one page has several forms with a field of this name: the field's own key, for its id and errors. */
    key?: string;
  },
): Html {
  const { name, errors } = options;
  const key = options.key ?? name;
  const id = fieldId(key);
  const described = describedBy(errors, key, Boolean(options.hint));
  const invalid = hasError(errors, key);
  const control = options.multiline
    ? html`<textarea id="${id}" name="${name}" rows="6" ${options.maxlength ? html`maxlength="${options.maxlength}"` : ''} ${described ? html`aria-describedby="${described}"` : ''} ${invalid ? html`aria-invalid="true"` : ''}>${options.value ?? ''}</textarea>`
    : html`<input id="${id}" name="${name}" type="${options.type ?? 'text'}" value="${options.value ?? ''}" ${options.autocomplete ? html`autocomplete="${options.autocomplete}"` : ''} ${options.inputmode ? html`inputmode="${options.inputmode}"` : ''} ${options.maxlength ? html`maxlength="${options.maxlength}"` : ''} ${described ? html`aria-describedby="${described}"` : ''} ${invalid ? html`aria-invalid="true"` : ''}>`;
  return html`<div class="field${invalid ? ' err' : ''}">
<label for="${id}">${options.label}</label>
${options.hint ? html`<span class="hint" id="${id}-hint">${options.hint}</span>` : ''}
${errorFor(language, errors, key)}
${control}
</div>`;
}

/** Photos and documents: the limits in the hint, every problem in one message. */
export function fileField(language: Language, errors: FieldError[] | undefined, hint: string): Html {
  const id = fieldId('files');
  const invalid = hasError(errors, 'files');
  const described = describedBy(errors, 'files', true);
  return html`<div class="field${invalid ? ' err' : ''}">
<label for="${id}">${tr(language)('feedback.files.label')}</label>
<span class="hint" id="${id}-hint">${hint}</span>
${errorFor(language, errors, 'files')}
<input type="file" id="${id}" name="upload" multiple accept="${UPLOAD_ACCEPT}" aria-describedby="${described}" ${invalid ? html`aria-invalid="true"` : ''}>
</div>`;
}

export const UPLOAD_ACCEPT = 'image/jpeg,image/png,image/webp,image/gif,application/pdf';

/** A checkbox that must be ticked (the withdrawal's "yes, I am sure"). */
export function confirmBox(
  language: Language,
  options: { name: string; label: string; errors?: FieldError[] | undefined },
): Html {
  const { name, errors } = options;
  const id = fieldId(name);
  const invalid = hasError(errors, name);
  return html`<div class="field${invalid ? ' err' : ''}">
${errorFor(language, errors, name)}
<div class="choice"><input type="checkbox" id="${id}" name="${name}" value="yes" ${invalid ? html`aria-invalid="true" aria-describedby="${id}-error"` : ''}><label for="${id}">${options.label}</label></div></div>`;
}

export function radios(
  language: Language,
  options: {
    name: string;
    legend: string;
    hint?: string;
    choices: { value: string; label: string; hint?: string }[];
    value: string | undefined;
    errors?: FieldError[] | undefined;
    headingLegend?: boolean;
  },
): Html {
  const { name, errors } = options;
  const invalid = hasError(errors, name);
  const described = describedBy(errors, name, Boolean(options.hint));
  return html`<div class="field${invalid ? ' err' : ''}"><fieldset id="${fieldId(name)}" ${described ? html`aria-describedby="${described}"` : ''}>
<legend>${options.headingLegend ? html`<h1>${options.legend}</h1>` : options.legend}</legend>
${options.hint ? html`<span class="hint" id="${fieldId(name)}-hint">${options.hint}</span>` : ''}
${errorFor(language, errors, name)}
${options.choices.map((c, i) => {
  const id = `${fieldId(name)}-${i}`;
  return html`<div class="choice"><input type="radio" id="${id}" name="${name}" value="${c.value}" ${c.value === options.value ? html`checked` : ''} ${c.hint ? html`aria-describedby="${id}-hint"` : ''}><div><label for="${id}">${c.label}</label>${c.hint ? html`<span class="hint" id="${id}-hint">${c.hint}</span>` : ''}</div></div>`;
})}
</fieldset></div>`;
}
