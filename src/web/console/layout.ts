import { ADMIN_ROLES } from '../../core/console/admin-access.ts';
import { DESK_ROLES } from '../../core/console/contact-desk.ts';
import { SUPERVISOR_ROLES } from '../../core/console/team.ts';
import type { Language, StaffRole } from '../../db/schema.ts';
import { translator } from '../../i18n/index.ts';
import { type Html, html } from '../html.ts';
import { ASSET_VERSION } from '../portal/assets.ts';
import { errorSummary, type FieldError, withLang } from '../portal/layout.ts';
import { CONSOLE_ASSET_VERSION } from './assets.ts';

export interface ConsoleUser {
  name: string;
  role: StaffRole;
  /** The agency's name in the reader's language; null for system administrators and oversight. */
  agencyName: string | null;
}

export interface ConsoleContext {
  language: Language;
  /** This page's address with its query (a queue's view and filters), for the language switch. */
  path: string;
  user: ConsoleUser | null;
}

export const ct = (language: Language) => {
  const t = translator(language);
  return (key: string, values?: Record<string, string | number>) => t(`console.${key}`, values ?? {});
};

/**
 * Every console page: who is signed in, the language switch, sign out, the page. No script is
 * needed for any of it; the console's one script only adds keyboard shortcuts and live counts.
 */
export function consolePage(
  ctx: ConsoleContext,
  page: { title: string; body: Html; errors?: FieldError[] | undefined; wide?: boolean },
): string {
  const t = ct(ctx.language);
  const title = page.errors?.length ? `${t('error_prefix')}: ${page.title}` : page.title;
  const switchTo = (['en', 'sw'] as const).map((language) => {
    const name = t(`language.${language}`);
    return language === ctx.language
      ? html`<li><span aria-current="true">${name}</span></li>`
      : html`<li><a href="${withLang(ctx.path, language)}" lang="${language}" hreflang="${language}">${name}</a></li>`;
  });
  const user = ctx.user;
  return `<!doctype html>${
    html`<html lang="${ctx.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – Baraza ${t('name')}</title>
<meta name="robots" content="noindex">
<link rel="icon" href="/portal/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/portal/assets/portal.css?v=${ASSET_VERSION}">
<link rel="stylesheet" href="/console/assets/console.css?v=${CONSOLE_ASSET_VERSION}">
<script src="/console/assets/console.js?v=${CONSOLE_ASSET_VERSION}" defer></script>
</head>
<body>
<a class="skip" href="#main">${t('skip')}</a>
<header class="bar"><div class="in${page.wide ? ' wide' : ''}">
<a class="brand" href="/console">Baraza <span>${t('name')}</span></a>
<nav aria-label="${t('account')}"><ul>
${switchTo}
${
  user
    ? html`${user.role === 'sysadmin' ? '' : html`<li><a href="/console">${t('nav.queues')}</a></li>`}
${DESK_ROLES.includes(user.role) ? html`<li><a href="/console/desk">${t('nav.desk')}</a></li>` : ''}
${SUPERVISOR_ROLES.includes(user.role) ? html`<li><a href="/console/team">${t('nav.team')}</a></li>` : ''}
${ADMIN_ROLES.includes(user.role) ? html`<li><a href="/console/admin">${t('nav.admin')}</a></li>` : ''}
<li><a href="/console/knowledge">${t('knowledge.nav')}</a></li>
<li><a href="/console/notifications">${t('nav.notifications')}</a></li>
<li class="who">${user.name} · ${t(`roles.${user.role}`)}${user.agencyName ? html` · ${user.agencyName}` : ''}</li>
<li><form method="post" action="/console/sign-out"><button class="linkbtn">${t('sign_out')}</button></form></li>
<li><form method="post" action="/console/sign-out-everywhere"><button class="linkbtn">${t('sign_out_everywhere')}</button></form></li>`
    : ''
}
</ul></nav>
</div></header>
<main class="in${page.wide ? ' wide' : ''}" id="main" tabindex="-1">
${page.errors?.length ? errorSummary(ctx.language, page.errors) : ''}
${page.body}
</main>
</body>
</html>`.value
  }`;
}

/** A moment for staff: Nairobi time, short, with the date. */
export function formatWhen(language: Language, at: Date | null): string {
  if (!at) return '–';
  return new Intl.DateTimeFormat(language === 'sw' ? 'sw-KE' : 'en-KE', {
    timeZone: 'Africa/Nairobi',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

/** Time left or overdue, in words a glance can read: "3 h 20 min left", "2 d late". */
export function formatLeft(language: Language, seconds: number, late: boolean): string {
  const t = ct(language);
  const minutes = Math.round(Math.abs(seconds) / 60);
  const text =
    minutes >= 2 * 24 * 60
      ? t('duration.days', { n: Math.round(minutes / (24 * 60)) })
      : minutes >= 90
        ? minutes % 60 === 0
          ? t('duration.whole_hours', { n: minutes / 60 })
          : t('duration.hours', { n: Math.floor(minutes / 60), m: minutes % 60 })
        : t('duration.minutes', { n: minutes });
  return t(late ? 'duration.late' : 'duration.left', { time: text });
}
